import type { AppDeps } from '../../deps.js';
import type { RunningWorkers } from '../../workers.js';

/** Deploys the instruction process at start (its user task is served by the tasks feature's listeners). */
export function startInstructionWorkers({ engine, logger, features }: AppDeps): RunningWorkers {
  if (!engine.sdk()) return { stop: async () => undefined };
  features.instructions
    .deploy()
    .catch((err: unknown) =>
      logger.warn({ err }, 'the instruction process could not be deployed yet; it is deployed on first use'),
    );
  return { stop: async () => undefined };
}
