import crypto from 'node:crypto';
import { BpmnValidationError, parseBpmn } from '../bpmn/parse.js';
import type { ProcessModel } from '../bpmn/model.js';
import { invalidArgument } from '../errors.js';
import { evaluateStaticOrFeel } from '../../platform/feel/feel.js';
import { scheduleTimer } from '../scheduler/timers.js';
import { type DeployedResource } from '../api.js';
import type { Engine } from '../engine.js';

/** Command: deploy BPMN and form resources (Zeebe: DeploymentCreateProcessor). */

/** Deploys BPMN and form resources; unchanged resources keep their version. */
export async function deploy(
  engine: Engine,
  resources: { name: string; content: Buffer }[],
  tenantId: string,
): Promise<{ key: string; deployments: DeployedResource[] }> {
  if (!resources.length) throw invalidArgument('Expected to deploy at least one resource, but none given');
  const parsed: {
    name: string;
    text: string;
    models?: ProcessModel[];
    form?: { id: string; versionTag?: string };
  }[] = [];
  const problems: string[] = [];
  for (const r of resources) {
    const text = r.content.toString('utf8');
    if (/\.(bpmn|xml)$/i.test(r.name)) {
      try {
        parsed.push({ name: r.name, text, models: await parseBpmn(text) });
      } catch (err) {
        if (err instanceof BpmnValidationError)
          problems.push(`'${r.name}':\n${err.problems.map((p) => `- ${p}`).join('\n')}`);
        else throw err;
      }
    } else if (/\.form$/i.test(r.name)) {
      let form: { id?: unknown; versionTag?: unknown } | undefined;
      try {
        form = JSON.parse(text) as { id?: unknown };
      } catch (err) {
        problems.push(`'${r.name}': Failed to parse the form JSON: ${(err as Error).message}`);
        continue;
      }
      if (!form || typeof form.id !== 'string' || !form.id)
        problems.push(`'${r.name}': Expected the form to have an 'id', but none given`);
      else
        parsed.push({
          name: r.name,
          text,
          form: { id: form.id, versionTag: typeof form.versionTag === 'string' ? form.versionTag : undefined },
        });
    } else {
      problems.push(
        `'${r.name}': Expected the resource to be a BPMN (.bpmn, .xml) or form (.form) file; other resources are not supported by the Okno engine`,
      );
    }
  }
  if (problems.length)
    throw invalidArgument(
      `Expected to deploy new resources, but encountered the following errors:\n${problems.join('\n')}`,
    );
  const ids = parsed.flatMap((p) => p.models?.map((m) => m.bpmnProcessId) ?? []);
  if (new Set(ids).size !== ids.length)
    throw invalidArgument('Expected the process ids of a deployment to be unique, but a process id occurs twice');

  engine.defs.clear();
  return engine.command(async (ctx) => {
    const trx = ctx.trx;
    ctx.onCommit(() => engine.defs.clear());
    // Deploys of one id are serialised by this advisory lock.
    await trx.raw('select pg_advisory_xact_lock(?)', [42_424_242]);
    const deploymentKey = await ctx.key();
    await trx('engineDeployments').insert({ key: deploymentKey, tenantId });
    const out: DeployedResource[] = [];
    for (const p of parsed) {
      if (p.models) {
        for (const model of p.models) {
          const checksum = sha256(p.text);
          const latest = (await trx('engineProcessDefinitions')
            .where({ bpmnProcessId: model.bpmnProcessId, tenantId })
            .orderBy('version', 'desc')
            .first('key', 'version', 'checksum')) as { key: number; version: number; checksum: string } | undefined;
          if (latest && latest.checksum === checksum) {
            out.push({
              kind: 'process',
              id: model.bpmnProcessId,
              version: latest.version,
              key: String(latest.key),
              resourceName: p.name,
              tenantId,
            });
            continue;
          }
          const key = await ctx.key();
          const version = (latest?.version ?? 0) + 1;
          const staticName = (value: string | undefined) => {
            const r = evaluateStaticOrFeel(value ?? '', {});
            return r.ok ? String(r.value) : '';
          };
          const messageStarts = model.messageStarts.map((s) => staticName(model.elements.get(s)!.event?.messageName));
          const signalStarts = model.signalStarts.map((s) => model.elements.get(s)!.event?.signalName ?? '');
          await trx('engineProcessDefinitions').insert({
            key,
            bpmnProcessId: model.bpmnProcessId,
            version,
            versionTag: model.versionTag ?? null,
            resourceName: p.name,
            checksum,
            resource: p.text,
            deploymentKey,
            messageStarts: JSON.stringify(messageStarts),
            signalStarts: JSON.stringify(signalStarts),
            tenantId,
          });
          engine.defs.remember(key, {
            row: {
              key,
              bpmnProcessId: model.bpmnProcessId,
              version,
              versionTag: model.versionTag ?? null,
              resourceName: p.name,
              deploymentKey,
              tenantId,
            },
            model,
          });
          // Timer start events: the new version's replace the previous versions'.
          if (latest) {
            await trx('engineTimers')
              .whereIn(
                'processDefinitionKey',
                trx('engineProcessDefinitions').select('key').where({ bpmnProcessId: model.bpmnProcessId, tenantId }),
              )
              .delete();
          }
          for (const startId of model.timerStarts) {
            const timer = model.elements.get(startId)!.event!.timer!;
            const value = evaluateStaticOrFeel(timer.expression, {});
            const schedule = value.ok
              ? scheduleTimer(timer.kind, String(value.value), ctx.now)
              : { error: value.message };
            if ('error' in schedule)
              throw invalidArgument(
                `Expected to deploy new resources, but encountered the following errors:\n'${p.name}':\n- Element: ${startId}\n    - ERROR: ${schedule.error}`,
              );
            ctx.timers.push({
              key: await ctx.key(),
              dueAt: schedule.dueAt,
              processDefinitionKey: key,
              targetElementId: startId,
              repetitions: schedule.repetitions,
              cycle: schedule.cycle ?? null,
            });
            ctx.noteTimer(schedule.dueAt);
          }
          ctx.event({
            key,
            valueType: 'PROCESS',
            intent: 'CREATED',
            processInstanceKey: null,
            payload: { bpmnProcessId: model.bpmnProcessId, version },
          });
          out.push({
            kind: 'process',
            id: model.bpmnProcessId,
            version,
            key: String(key),
            resourceName: p.name,
            tenantId,
          });
        }
      } else if (p.form) {
        const checksum = sha256(p.text);
        const latest = (await trx('engineForms')
          .where({ formId: p.form.id, tenantId })
          .orderBy('version', 'desc')
          .first('key', 'version', 'checksum')) as { key: number; version: number; checksum: string } | undefined;
        if (latest && latest.checksum === checksum) {
          out.push({
            kind: 'form',
            id: p.form.id,
            version: latest.version,
            key: String(latest.key),
            resourceName: p.name,
            tenantId,
          });
          continue;
        }
        const key = await ctx.key();
        const version = (latest?.version ?? 0) + 1;
        await trx('engineForms').insert({
          key,
          formId: p.form.id,
          version,
          versionTag: p.form.versionTag ?? null,
          resourceName: p.name,
          checksum,
          resource: p.text,
          deploymentKey,
          tenantId,
        });
        out.push({ kind: 'form', id: p.form.id, version, key: String(key), resourceName: p.name, tenantId });
      }
    }
    return { key: String(deploymentKey), deployments: out };
  });
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
