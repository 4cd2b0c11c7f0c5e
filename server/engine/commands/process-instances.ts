import * as grpc from '@grpc/grpc-js';
import { EngineError, failedPrecondition, invalidArgument, notFound } from '../errors.js';
import type { CommandContext, Definition, FinishedInstance } from '../processor/context.js';
import type { Engine } from '../engine.js';

/** What a create instance command names: a definition (by key, or by id and version: latest when none) and the start. */
export interface CreateInstanceRequest {
  processDefinitionKey?: string;
  bpmnProcessId?: string;
  version?: number;
  variables: Record<string, unknown>;
  tenantId: string;
  startInstructions?: string[];
}

/** Commands on process instances: create (with or without result) and cancel (Zeebe: ProcessInstanceCreation/Cancel processors). */

async function resolveDefinition(
  engine: Engine,
  ctx: CommandContext,
  req: { processDefinitionKey?: string; bpmnProcessId?: string; version?: number; tenantId: string },
): Promise<Definition> {
  if (req.processDefinitionKey && req.processDefinitionKey !== '0') {
    return engine.definition(ctx, Number(req.processDefinitionKey)).catch(() => {
      throw notFound(`Expected to find process definition with key '${req.processDefinitionKey}', but none found`);
    });
  }
  if (!req.bpmnProcessId)
    throw invalidArgument('Expected either a process definition key or a BPMN process id, but none given');
  if (req.version !== undefined && req.version > 0) {
    const row = (await ctx
      .trx('engineProcessDefinitions')
      .where({ bpmnProcessId: req.bpmnProcessId, version: req.version, tenantId: req.tenantId })
      .first('key')) as { key: number } | undefined;
    if (!row)
      throw notFound(
        `Expected to find process definition with process ID '${req.bpmnProcessId}' and version '${req.version}', but none found`,
      );
    return engine.definition(ctx, row.key);
  }
  const def = await engine.latestDefinition(ctx, req.bpmnProcessId, req.tenantId);
  if (!def)
    throw notFound(`Expected to find process definition with process ID '${req.bpmnProcessId}', but none found`);
  return def;
}

/** Creates and starts a process instance. */
export async function createProcessInstance(
  engine: Engine,
  req: CreateInstanceRequest,
  onCreated?: (key: number, wait: (f: FinishedInstance) => void) => void,
): Promise<{
  processDefinitionKey: string;
  bpmnProcessId: string;
  version: number;
  processInstanceKey: string;
  tenantId: string;
}> {
  let createdKey: number | undefined;
  try {
    return await engine.command(async (ctx, p) => {
      const def = await resolveDefinition(engine, ctx, req);
      const starts = req.startInstructions ?? [];
      for (const id of starts) {
        const el = def.model.elements.get(id);
        if (
          !el ||
          el.scopeId !== def.model.bpmnProcessId ||
          el.type === 'BOUNDARY_EVENT' ||
          el.type === 'EVENT_SUB_PROCESS'
        ) {
          throw invalidArgument(
            `Expected to create instance of process with start instructions but the element with id '${id}' is not a flow node of the process scope`,
          );
        }
      }
      if (!starts.length && !def.model.elements.get(def.model.bpmnProcessId)?.noneStart) {
        throw invalidArgument(
          `Expected to create instance of process with none start event, but there is no such event`,
        );
      }
      const state = await p.createInstance(def, req.variables, { tenantId: req.tenantId, startIds: starts });
      createdKey = state.pi.key;
      if (onCreated) onCreated(state.pi.key, (f) => engine.resultWaiters.get(f.key)?.(f));
      return {
        processDefinitionKey: String(def.row.key),
        bpmnProcessId: def.row.bpmnProcessId,
        version: def.row.version,
        processInstanceKey: String(state.pi.key),
        tenantId: req.tenantId,
      };
    });
  } catch (err) {
    if (createdKey !== undefined) engine.resultWaiters.delete(createdKey);
    throw err;
  }
}

/** Creates an instance and resolves when it completes (or rejects on timeout / termination). */
export async function createProcessInstanceWithResult(
  engine: Engine,
  req: CreateInstanceRequest,
  timeoutMs: number,
): Promise<{ created: Awaited<ReturnType<typeof createProcessInstance>>; finished: FinishedInstance }> {
  let resolveFinished!: (f: FinishedInstance) => void;
  const finished = new Promise<FinishedInstance>((resolve) => (resolveFinished = resolve));
  let key: number | undefined;
  const created = await engine.createProcessInstance(req, (k) => {
    // A grouped transaction that was rolled back runs this again with a new key.
    if (key !== undefined) engine.resultWaiters.delete(key);
    key = k;
    engine.resultWaiters.set(k, resolveFinished);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      finished,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new EngineError(
                grpc.status.DEADLINE_EXCEEDED,
                `Expected the process instance '${created.processInstanceKey}' to complete within ${timeoutMs} ms, but it did not`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
    if (result.state !== 'COMPLETED')
      throw failedPrecondition(
        `Expected process instance '${created.processInstanceKey}' to complete, but it was terminated`,
      );
    return { created, finished: result };
  } finally {
    clearTimeout(timer);
    if (key !== undefined) engine.resultWaiters.delete(key);
  }
}

/** Cancels a (root) process instance. */
export async function cancelProcessInstance(engine: Engine, key: number): Promise<void> {
  await engine.command(async (ctx, p) => {
    const pi = (await ctx
      .trx('engineProcessInstances')
      .where({ key })
      .first('rootKey', 'state', 'parentProcessInstanceKey')) as
      { rootKey: number; state: string; parentProcessInstanceKey: number | null } | undefined;
    if (!pi || pi.state !== 'ACTIVE')
      throw notFound(`Expected to cancel a process instance with key '${key}', but no such process was found`);
    if (pi.parentProcessInstanceKey !== null)
      throw invalidArgument(
        `Expected to cancel a process instance with key '${key}', but it is created by a parent process instance. Cancel the root process instance '${pi.rootKey}' instead.`,
      );
    await ctx.lockRoot(pi.rootKey);
    const state = await ctx.instance(key);
    await p.cancel(state);
  });
}
