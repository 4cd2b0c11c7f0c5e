import { invalidArgument, onlyNotFound } from '../errors.js';
import type { Engine } from '../engine.js';

/** Command: broadcast a signal (Zeebe: SignalBroadcastProcessor). */

/** Broadcasts a signal to every open signal subscription and signal start event. */
export async function broadcastSignal(
  engine: Engine,
  name: string,
  variables: Record<string, unknown>,
  tenantId: string,
): Promise<string> {
  if (!name) throw invalidArgument('Expected a signal name, but none given');
  return engine.command(async (ctx, p) => {
    const trx = ctx.trx;
    const key = await ctx.key();
    ctx.event({ key, valueType: 'SIGNAL', intent: 'BROADCASTED', processInstanceKey: null, payload: { name } });
    const subs = (await trx('engineSignalSubscriptions')
      .where({ signalName: name })
      .whereNotNull('elementInstanceKey')
      .orderBy('key')) as {
      key: number;
      rootKey: number;
      processInstanceKey: number;
      elementInstanceKey: number;
      targetElementId: string;
      interrupting: boolean;
    }[];
    for (const root of [...new Set(subs.map((s) => s.rootKey))].sort((a, b) => a - b)) await ctx.lockRoot(root);
    for (const s of subs) {
      const still = await trx('engineSignalSubscriptions').where({ key: s.key }).first('key');
      if (!still) continue;
      const state = await ctx.instance(s.processInstanceKey).catch(onlyNotFound);
      if (!state) continue;
      if (s.interrupting) await trx('engineSignalSubscriptions').where({ key: s.key }).delete();
      await p.trigger(state, s.elementInstanceKey, s.targetElementId, variables);
    }
    const starts = (await trx.raw(
      `select d.key from engine_process_definitions d
        where d.signal_starts \\? ? and d.tenant_id = ?
          and d.version = (select max(version) from engine_process_definitions x where x.bpmn_process_id = d.bpmn_process_id and x.tenant_id = d.tenant_id)`,
      [name, tenantId],
    )) as { rows: { key: number }[] };
    for (const row of starts.rows) {
      const def = await engine.definition(trx, row.key);
      const startId = def.model.signalStarts.find((s) => def.model.elements.get(s)!.event?.signalName === name);
      if (startId) await p.createInstance(def, variables, { startId, tenantId });
    }
    return String(key);
  });
}
