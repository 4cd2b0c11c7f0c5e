import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import type { CommandContext } from '../processor/context.js';
import { pgRows, rawRows } from '../state/sql.js';
import { JOB_COLUMNS, activatedJob, type JobRow } from '../state/jobs.js';
import { DEFAULT_TENANT, type ActivateRequest, type ActivatedJob, type ListenerResult } from '../api.js';
import type { Engine } from '../engine.js';

/** Commands on jobs: activate, complete, fail, throw error, update retries and timeout (Zeebe: Job*Processor). */

/** Activates up to maxJobsToActivate jobs of a type (FOR UPDATE SKIP LOCKED) with their variables. */
export async function activateJobs(engine: Engine, req: ActivateRequest): Promise<ActivatedJob[]> {
  const tenants = req.tenantIds.length ? req.tenantIds : [DEFAULT_TENANT];
  // One statement: activate (skipping jobs other activations hold) and read the variables of the jobs' scopes.
  const fetch = req.fetchVariable.length ? req.fetchVariable : null;
  const activated = await engine.query((db) =>
    pgRows<JobRow & { vars: [number, string, unknown][] | null }>(
      db,
      `with a as (
         update engine_jobs j set state = 'activated', worker = $1, deadline = $7::timestamptz + ($2 * interval '1 millisecond')
          where j.key in (select key from engine_jobs where type = $3 and state = 'activatable' and tenant_id = any($4::text[]) order by key limit $5 for update skip locked)
          returning ${JOB_COLUMNS.map((c) => `j.${c}`).join(', ')})
       select a.*, (select json_agg(json_build_array(v.scope_key, v.name, v.value)) from engine_variables v
                     where v.scope_key = any(a.scope_path) and ($6::text[] is null or v.name = any($6::text[]))) as vars
         from a order by a.key`,
      [req.worker, req.timeout, req.type, tenants, req.maxJobsToActivate, fetch, engine.clock.now().toISOString()],
    ),
  );
  if (!activated.length) return [];
  const jobs = activated;
  const deadline = jobs[0].deadline;
  if (deadline) engine.onDue(new Date(deadline));
  const byScope = new Map<number, Map<string, unknown>>();
  for (const j of jobs) {
    for (const [scopeKey, name, value] of j.vars ?? []) {
      let m = byScope.get(scopeKey);
      if (!m) byScope.set(scopeKey, (m = new Map()));
      m.set(name, value);
    }
  }
  return jobs.map((j) => {
    const vars: Record<string, unknown> = {};
    const path = j.scopePath.map(Number);
    for (let i = path.length - 1; i >= 0; i--) for (const [n, v] of byScope.get(path[i]) ?? []) vars[n] = v;
    return activatedJob(j, vars);
  });
}

/** Locks the job's call hierarchy (one query) and returns the job as it is after the lock, or rejects with NOT_FOUND. */
export async function lockedJob(ctx: CommandContext, key: number, action: string, fresh = true): Promise<JobRow> {
  const locked = await rawRows<JobRow>(
    ctx.trx,
    'select j.* from engine_jobs j join engine_process_instances p on p.key = j.root_key where j.key = ? for update of p',
    [key],
  );
  if (!locked[0]) throw notFound(`Expected to ${action} job with key '${key}', but no such job was found`);
  ctx.lockedRoot(locked[0].rootKey);
  if (!fresh) return locked[0];
  // Read again: a command that held the lock before us may have changed or removed the job.
  const job = (await ctx.trx('engineJobs').where({ key }).first()) as JobRow | undefined;
  if (!job) throw notFound(`Expected to ${action} job with key '${key}', but no such job was found`);
  return job;
}

export function jobEvent(
  ctx: CommandContext,
  job: JobRow,
  intent: string,
  payload: Record<string, unknown> = {},
): void {
  ctx.event({
    key: job.key,
    valueType: 'JOB',
    intent,
    processInstanceKey: job.processInstanceKey,
    elementId: job.elementId,
    payload: { type: job.type, ...payload },
  });
}

/** Completes a job: its element completes with the variables. */
export async function completeJob(
  engine: Engine,
  key: number,
  variables: Record<string, unknown>,
  result?: ListenerResult,
): Promise<void> {
  await engine.command(
    async (ctx, p) => {
      // The group took the job already (locked its hierarchy, deleted it, loaded its instance).
      const job = ctx.prefetched.get(key) as JobRow | undefined;
      ctx.prefetched.delete(key);
      if (!job) throw notFound(`Expected to complete job with key '${key}', but no such job was found`);
      if (job.state === 'failed')
        throw failedPrecondition(
          `Expected to complete job with key '${key}', but it is in state 'FAILED' (it has an incident)`,
        );
      jobEvent(ctx, job, 'COMPLETED');
      const state = await ctx.instance(job.processInstanceKey);
      const el = state.elements.get(job.elementInstanceKey);
      if (el?.data.owns) el.data.owns = el.data.owns.filter((o) => o !== 'job');
      const task = el?.elementType === 'USER_TASK' ? await p.userTaskOf(el) : undefined;
      if (el && task?.pending) {
        // A task listener's job: its result may correct the task or deny the transition.
        if (Object.keys(variables).length)
          throw invalidArgument(
            `Expected to complete task listener job with key '${key}' without variables, but variables were given`,
          );
        const eventType = task.pending.eventType;
        if (result?.denied && (eventType === 'creating' || eventType === 'canceling')) {
          throw invalidArgument(
            `Expected to complete task listener job with key '${key}', but a '${eventType}' listener cannot deny the transition`,
          );
        }
        await p.userTaskListenerDone(state, el, task, result ?? { denied: false, corrections: {} });
        return;
      }
      p.complete(job.processInstanceKey, job.elementInstanceKey, variables);
    },
    { takeJob: key },
  );
}

/**
 * For a group of job completions: locks the jobs' call hierarchies (roots in key order) and
 * deletes the jobs in one statement (the delete sees each job as the lock holder before us left
 * it), then loads their instances in one more; the commands find them in `ctx.prefetched`.
 */
export async function takeJobs(ctx: CommandContext, keys: number[]): Promise<void> {
  const taken = await pgRows<JobRow>(
    ctx.sql,
    `with roots as materialized (
       select p.key from engine_process_instances p
        where p.key in (select root_key from engine_jobs where key = any($1::bigint[]))
        order by p.key for update of p)
     delete from engine_jobs j using roots r where j.key = any($1::bigint[]) and j.root_key = r.key
     returning ${JOB_COLUMNS.map((c) => `j.${c}`).join(', ')}`,
    [keys],
  );
  for (const job of taken) {
    ctx.lockedRoot(job.rootKey);
    ctx.prefetched.set(job.key, job);
  }
  await ctx.preload(taken.map((j) => j.processInstanceKey));
}

// ---------- user tasks ----------

/** Fails a job: retries left → activatable again (after the back-off), none → an incident. */
export async function failJob(
  engine: Engine,
  key: number,
  retries: number,
  errorMessage: string,
  retryBackOff: number,
  variables: Record<string, unknown>,
): Promise<void> {
  await engine.command(async (ctx, p) => {
    const job = await lockedJob(ctx, key, 'fail');
    if (job.state === 'failed')
      throw failedPrecondition(`Expected to fail job with key '${key}', but it is already failed (it has an incident)`);
    const state = await ctx.instance(job.processInstanceKey);
    const el = state.elements.get(job.elementInstanceKey);
    if (el) for (const [n, v] of Object.entries(variables)) state.setVariable(el.key, n, v);
    jobEvent(ctx, job, 'FAILED', { retries, errorMessage });
    if (retries > 0) {
      if (retryBackOff > 0) {
        const due = new Date(ctx.now.getTime() + retryBackOff);
        await ctx
          .trx('engineJobs')
          .where({ key })
          .update({ state: 'backoff', retries, deadline: due, worker: '', errorMessage });
        ctx.noteTimer(due);
      } else {
        await ctx
          .trx('engineJobs')
          .where({ key })
          .update({ state: 'activatable', retries, deadline: null, worker: '', errorMessage });
        ctx.wakeTypes.add(job.type);
      }
    } else {
      await ctx.trx('engineJobs').where({ key }).update({ state: 'failed', retries: 0, deadline: null, errorMessage });
      // A user task's jobs are its listeners' (Zeebe: TASK_LISTENER_NO_RETRIES).
      if (el)
        await p.raiseIncident(
          state,
          el,
          el.elementType === 'USER_TASK' ? 'TASK_LISTENER_NO_RETRIES' : 'JOB_NO_RETRIES',
          errorMessage || 'No more retries left.',
          'job',
          key,
        );
    }
  });
}

/** Throws a BPMN error for a job: caught by the nearest catch, else an incident. */
export async function throwError(
  engine: Engine,
  key: number,
  errorCode: string,
  errorMessage: string,
  variables: Record<string, unknown>,
): Promise<void> {
  await engine.command(async (ctx, p) => {
    const job = await lockedJob(ctx, key, 'throw an error for');
    if (job.state === 'failed')
      throw failedPrecondition(`Expected to throw an error for job with key '${key}', but it is in state 'FAILED'`);
    const state = await ctx.instance(job.processInstanceKey);
    const el = state.elements.get(job.elementInstanceKey);
    if (!el) throw notFound(`Expected to throw an error for job with key '${key}', but its element is gone`);
    jobEvent(ctx, job, 'ERROR_THROWN', { errorCode, errorMessage });
    if (await p.throwError(state, el, errorCode, variables)) {
      await ctx.trx('engineJobs').where({ key }).delete();
    } else {
      await ctx.trx('engineJobs').where({ key }).update({ state: 'failed', deadline: null, errorMessage });
      const reason = `Expected to throw an error event with the code '${errorCode}'${errorMessage ? ` with message '${errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`;
      await p.raiseIncident(state, el, 'UNHANDLED_ERROR_EVENT', reason, 'job', key);
    }
  });
}

/** Sets a job's retries. */
export async function updateJobRetries(engine: Engine, key: number, retries: number): Promise<void> {
  if (retries < 1) throw invalidArgument(`Expected to update job retries with a positive amount, but got ${retries}`);
  await engine.command(async (ctx) => {
    const job = await lockedJob(ctx, key, 'update retries of');
    await ctx.trx('engineJobs').where({ key }).update({ retries });
    jobEvent(ctx, job, 'RETRIES_UPDATED', { retries });
  });
}

/** Resets an activated job's deadline to now + timeout. */
export async function updateJobTimeout(engine: Engine, key: number, timeoutMs: number): Promise<void> {
  await engine.command(async (ctx) => {
    const job = await lockedJob(ctx, key, 'update the timeout of');
    if (job.state !== 'activated')
      throw notFound(`Expected to update the timeout of job with key '${key}', but it is not activated`);
    const due = new Date(ctx.now.getTime() + timeoutMs);
    // The scheduler makes timed-out jobs activatable without the hierarchy's lock: the state read
    // above may be stale, so the write checks it again (a timed-out job is not extended).
    const updated = await ctx.trx('engineJobs').where({ key, state: 'activated' }).update({ deadline: due });
    if (!updated) throw notFound(`Expected to update the timeout of job with key '${key}', but it is not activated`);
    ctx.noteTimer(due);
    jobEvent(ctx, job, 'TIMEOUT_UPDATED', { timeout: timeoutMs });
  });
}
