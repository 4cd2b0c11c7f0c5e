import { DEFAULT_TENANT, type ActivateRequest, type ActivatedJob } from '../api.js';
import type { Engine } from '../engine.js';

/** The gateway's default long-polling / request timeout (Zeebe: 10 s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** setTimeout's limit (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Waiting long polls and streams also look again this often (jobs revived or created by another engine process). */
export const RECHECK_MS = 1_000;

/** The engine operations a long poll uses. */
export type LongPollEngine = Pick<Engine, 'activateJobs' | 'returnJobs' | 'onJobs' | 'onClose' | 'addJobSink'>;

/**
 * Wraps an async step so calls never overlap: a call while the step runs makes it run once more
 * afterwards (a wake-up is never lost); the step returning true also runs it again at once.
 */
export function coalesced(
  step: () => Promise<boolean>,
  stopped: () => boolean,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let busy = false;
  let pending = false;
  return async () => {
    if (stopped()) return;
    if (busy) {
      pending = true;
      return;
    }
    busy = true;
    try {
      do {
        pending = false;
        if (await step()) pending = true;
      } while (pending && !stopped());
    } catch (err) {
      onError(err);
    } finally {
      busy = false;
    }
  };
}

/**
 * ActivateJobs with long polling, for the gRPC gateway and the REST API alike: activates at once;
 * when nothing is there and `requestTimeout` ≥ 0, waits until jobs of the type become activatable
 * (woken by the engine, rechecked every second) or the timeout passes (0: the default 10 s). While
 * it waits, jobs created for its type are activated for it in the creating transaction (job push).
 * A caller that left (`onGone`) ends the wait; jobs activated after it left go back to activatable.
 */
export function longPollJobs(
  engine: LongPollEngine,
  request: ActivateRequest,
  requestTimeout: number,
  onGone: (callback: () => void) => void,
): Promise<ActivatedJob[]> {
  return new Promise((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let recheck: NodeJS.Timeout | undefined;
    let removeSink: (() => void) | undefined;
    const stop = (): boolean => {
      if (done) return false;
      done = true;
      removeSink?.();
      unsubscribe();
      offClose();
      clearTimeout(timer);
      clearInterval(recheck);
      return true;
    };
    const finish = (jobs: ActivatedJob[] = []) => {
      if (stop()) resolve(jobs);
    };
    const attempt = coalesced(
      async () => {
        const jobs = await engine.activateJobs(request);
        // If the caller left (or got jobs another way) while we activated, the jobs go back.
        if (jobs.length && !done) finish(jobs);
        else if (jobs.length) engine.returnJobs(jobs);
        return false;
      },
      () => done,
      (err) => {
        if (stop()) reject(err);
      },
    );
    // Subscribe before the first attempt, so a job made activatable in between wakes us.
    const unsubscribe = engine.onJobs(request.type, () => void attempt());
    const offClose = engine.onClose(() => finish());
    onGone(() => finish());
    void attempt().then(() => {
      if (done) return;
      if (requestTimeout < 0) return finish();
      // While it waits, jobs created for its type are activated for it in the creating transaction.
      removeSink = engine.addJobSink({
        request,
        tenants: request.tenantIds.length ? request.tenantIds : [DEFAULT_TENANT],
        free: request.maxJobsToActivate,
        once: true,
        deliver: (jobs) => {
          if (done) return false;
          finish(jobs);
          return true;
        },
      });
      timer = setTimeout(
        () => finish(),
        Math.min(requestTimeout === 0 ? DEFAULT_REQUEST_TIMEOUT_MS : requestTimeout, MAX_TIMER_MS),
      );
      recheck = setInterval(() => void attempt(), RECHECK_MS);
    });
  });
}
