import type { AppDeps } from '../../deps.js';
import type { RunningWorkers } from '../../workers.js';
import { deployApproval, LOCK_MATRIX_JOB_TYPE } from './matrix.approval.js';

/** How long an approved matrix waits for the head to lock it before the process locks it (ISO 8601 duration). */
export const AUTO_LOCK_AFTER = 'P10D';

/** The scorecard's job workers: deploys the matrix approval process and serves its `okno-scorecard-lock-matrix` jobs. */
export function startScorecardWorkers({ engine, logger, features }: AppDeps): RunningWorkers {
  const sdk = engine.sdk();
  if (!sdk) return { stop: async () => undefined };
  const log = logger.child({ component: 'scorecard-workers' });
  deployApproval(sdk).catch((err: unknown) =>
    log.warn({ err }, 'the matrix approval process could not be deployed yet; it is deployed on first use'),
  );
  const { matrices } = features.scorecard;
  const worker = sdk.getZeebeGrpcApiClient().createWorker({
    taskType: LOCK_MATRIX_JOB_TYPE,
    pollInterval: 1000,
    timeout: 30_000,
    fetchVariable: ['matrixId'],
    // The SDK logs to stdout on its own; Okno's logger reports what matters.
    loglevel: 'NONE',
    taskHandler: async (job) => {
      const matrixId = Number((job.variables as { matrixId?: unknown }).matrixId);
      if (!Number.isInteger(matrixId))
        return job.fail({ errorMessage: 'The instance has no matrixId variable', retries: 0 });
      try {
        const status = await matrices.lockBySystem(matrixId, {
          userId: null,
          requestId: `job-${job.key}`,
          ip: 'engine',
        });
        log.info({ matrixId, status }, 'approved matrix locked by the approval process');
        return await job.complete({ lockedAutomatically: status === 'locked' });
      } catch (err) {
        // A transient fault (database busy): the engine offers the job again after the back-off.
        log.warn({ err, matrixId }, 'automatic lock failed; retrying');
        return job.fail({
          errorMessage: err instanceof Error ? err.message : String(err),
          retries: Math.max(job.retries - 1, 0),
          retryBackOff: 5000,
        });
      }
    },
  });
  return {
    async stop() {
      await worker.close();
    },
  };
}
