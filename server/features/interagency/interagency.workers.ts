import type { AppDeps } from '../../deps.js';
import type { RunningWorkers } from '../../workers.js';

/** The job type of the models' "send inter-agency requests" service task (services.jobs.ts). */
export const SEND_REQUEST_JOB_TYPE = 'send-interagency-request';
/** How often replies whose message could not be published (engine away) are tried again. */
const REPUBLISH_EVERY_MS = 30_000;

/** Serves `send-interagency-request` jobs and re-publishes replies the engine missed. */
export function startInteragencyWorkers({ engine, logger, features }: AppDeps): RunningWorkers {
  const sdk = engine.sdk();
  if (!sdk) return { stop: async () => undefined };
  const log = logger.child({ component: 'interagency-workers' });
  const service = features.interagency;
  const worker = sdk.getZeebeGrpcApiClient().createWorker({
    taskType: SEND_REQUEST_JOB_TYPE,
    pollInterval: 1000,
    timeout: 30_000,
    loglevel: 'NONE',
    taskHandler: async (job) => {
      try {
        const { requestIds, created } = await service.record({
          jobKey: job.key,
          processInstanceKey: job.processInstanceKey,
          variables: job.variables as Record<string, unknown>,
          customHeaders: job.customHeaders as Record<string, string>,
        });
        log.info({ jobKey: job.key, requestIds, created }, 'inter-agency requests recorded and sent');
        return await job.complete({ interagencyRequestIds: requestIds });
      } catch (err) {
        const status = (err as { status?: number }).status;
        const message = err instanceof Error ? err.message : String(err);
        // Bad variables will not get better on retry: an incident for support; anything else is retried.
        log.warn({ err, jobKey: job.key }, 'inter-agency request failed');
        return job.fail({
          errorMessage: message,
          retries: status === 400 ? 0 : Math.max(job.retries - 1, 0),
          retryBackOff: 5000,
        });
      }
    },
  });
  const timer = setInterval(() => {
    service.publishPending().catch((err: unknown) => log.warn({ err }, 'pending inter-agency replies not published'));
  }, REPUBLISH_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await worker.close();
    },
  };
}
