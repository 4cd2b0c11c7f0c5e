import { onlyNotFound } from '../errors.js';
import { nextCycle } from '../scheduler/timers.js';
import { rawRows } from '../state/sql.js';
import type { Engine } from '../engine.js';

/** Scheduler work: fire due timers, revive timed-out jobs, the next due time (Zeebe: TriggerTimerProcessor, JobTimeOutProcessor). */

/** Makes timed-out and backed-off jobs activatable again; returns how many. */
export async function reviveJobs(engine: Engine): Promise<number> {
  const now = engine.clock.now();
  const rows = await engine.query(async (db) => {
    const revived = await rawRows<{ key: number; type: string; processInstanceKey: number; elementId: string }>(
      db,
      `update engine_jobs set state = 'activatable', deadline = null, worker = ''
        where state in ('activated', 'backoff') and deadline <= ?
        returning key, type, state, process_instance_key, element_id`,
      [now],
    );
    if (revived.length)
      await db('engineEvents').insert(
        revived.map((r) => ({
          key: r.key,
          valueType: 'JOB',
          intent: 'TIMED_OUT',
          processInstanceKey: r.processInstanceKey,
          elementId: r.elementId,
          payload: JSON.stringify({ type: r.type }),
          createdAt: now,
        })),
      );
    return revived;
  });
  for (const t of new Set(rows.map((r) => r.type))) engine.notifyJobs(t);
  return rows.length;
}

/** Fires due timers, each in its own command; returns how many fired. */
export async function fireTimers(engine: Engine, limit = 100): Promise<number> {
  const due = (await engine.query((db) =>
    db('engineTimers').where('dueAt', '<=', engine.clock.now()).orderBy('dueAt').limit(limit).select('key'),
  )) as { key: number }[];
  let fired = 0;
  for (const { key } of due) {
    await engine.command(async (ctx, p) => {
      const pre = (await ctx.trx('engineTimers').where({ key }).first('rootKey')) as
        { rootKey: number | null } | undefined;
      if (!pre) return;
      if (pre.rootKey !== null) await ctx.lockRoot(pre.rootKey);
      const t = (await ctx.trx('engineTimers').where({ key }).forUpdate().first()) as
        | {
            key: number;
            dueAt: Date;
            elementInstanceKey: number | null;
            processInstanceKey: number | null;
            rootKey: number | null;
            processDefinitionKey: number | null;
            targetElementId: string;
            repetitions: number;
            cycle: string | null;
          }
        | undefined;
      if (!t) return;
      await ctx.trx('engineTimers').where({ key }).delete();
      fired++;
      ctx.event({
        key,
        valueType: 'TIMER',
        intent: 'TRIGGERED',
        processInstanceKey: t.processInstanceKey,
        elementId: t.targetElementId,
      });
      const next = t.cycle ? nextCycle(t.cycle, t.repetitions, new Date(t.dueAt)) : undefined;
      if (t.processDefinitionKey !== null) {
        const def = await engine.definition(ctx.trx, t.processDefinitionKey);
        await p.createInstance(def, {}, { startId: t.targetElementId });
        if (next)
          ctx.timers.push({
            key: await ctx.key(),
            dueAt: next.dueAt,
            processDefinitionKey: t.processDefinitionKey,
            targetElementId: t.targetElementId,
            repetitions: next.repetitions,
            cycle: next.cycle ?? null,
          });
      } else if (t.processInstanceKey !== null && t.elementInstanceKey !== null) {
        const state = await ctx.instance(t.processInstanceKey).catch(onlyNotFound);
        if (!state) return;
        const target = state.model.elements.get(t.targetElementId);
        if (next && target && !target.interrupting) {
          ctx.timers.push({
            key: await ctx.key(),
            dueAt: next.dueAt,
            elementInstanceKey: t.elementInstanceKey,
            processInstanceKey: t.processInstanceKey,
            rootKey: t.rootKey,
            targetElementId: t.targetElementId,
            repetitions: next.repetitions,
            cycle: next.cycle ?? null,
          });
        }
        if (next) ctx.noteTimer(next.dueAt);
        await p.trigger(state, t.elementInstanceKey, t.targetElementId, {});
      }
    });
  }
  return fired;
}

// ---------- consistency ----------

/** The earliest due time in the database (timers, job deadlines, message TTLs), if any. */
export async function nextDue(engine: Engine): Promise<Date | undefined> {
  const r = (await engine.query((db) =>
    db.raw(
      `select least(
       (select min(due_at) from engine_timers),
       (select min(deadline) from engine_jobs where state in ('activated', 'backoff')),
       (select min(expires_at) from engine_messages)) as due`,
    ),
  )) as { rows: { due: Date | null }[] };
  return r.rows[0]?.due ? new Date(r.rows[0].due) : undefined;
}
