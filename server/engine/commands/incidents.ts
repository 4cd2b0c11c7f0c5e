import { notFound } from '../errors.js';
import { type JobRow } from '../state/jobs.js';
import type { Engine } from '../engine.js';

/** Command: resolve an incident (Zeebe: ResolveIncidentProcessor). */

interface IncidentRow {
  key: number;
  processInstanceKey: number;
  rootKey: number;
  elementInstanceKey: number;
  jobKey: number | null;
  state: string;
  retryPhase: 'activate' | 'complete' | 'job';
}

/** Resolves an incident: a job incident makes the job activatable again; an element incident retries the step. */
export async function resolveIncident(engine: Engine, key: number): Promise<void> {
  await engine.command(async (ctx, p) => {
    const pre = (await ctx.trx('engineIncidents').where({ key }).first('rootKey')) as { rootKey: number } | undefined;
    if (!pre) throw notFound(`Expected to resolve incident with key '${key}', but no such incident was found`);
    await ctx.lockRoot(pre.rootKey);
    const inc = (await ctx.trx('engineIncidents').where({ key }).forUpdate().first()) as IncidentRow | undefined;
    if (!inc || inc.state !== 'ACTIVE')
      throw notFound(`Expected to resolve incident with key '${key}', but no such incident was found`);
    await ctx.trx('engineIncidents').where({ key }).update({ state: 'RESOLVED' });
    ctx.event({ key, valueType: 'INCIDENT', intent: 'RESOLVED', processInstanceKey: inc.processInstanceKey });
    const state = await ctx.instance(inc.processInstanceKey);
    const el = state.elements.get(inc.elementInstanceKey);
    if (el?.data.owns) {
      el.data.owns = el.data.owns.filter((o) => o !== 'incident');
      state.touch(el);
    }
    if (inc.retryPhase === 'job' && inc.jobKey !== null) {
      const job = (await ctx.trx('engineJobs').where({ key: inc.jobKey }).forUpdate().first()) as JobRow | undefined;
      if (!job) return;
      if (job.retries > 0) {
        await ctx
          .trx('engineJobs')
          .where({ key: job.key })
          .update({ state: 'activatable', deadline: null, worker: '' });
        ctx.wakeTypes.add(job.type);
      } else if (el) {
        await p.raiseIncident(
          state,
          el,
          el.elementType === 'USER_TASK' ? 'TASK_LISTENER_NO_RETRIES' : 'JOB_NO_RETRIES',
          job.retries <= 0 ? 'No more retries left.' : 'Job failed',
          'job',
          job.key,
        );
      }
    } else if (el) {
      if (inc.retryPhase === 'complete') p.complete(state.pi.key, el.key);
      else p.retryActivation(state.pi.key, el.key);
    }
  });
}
