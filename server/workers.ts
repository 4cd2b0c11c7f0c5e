import type { AppDeps } from './deps.js';
import { startInstructionWorkers } from './features/instructions/instructions.workers.js';
import { startInteragencyWorkers } from './features/interagency/interagency.workers.js';
import { startCalendarWorkers } from './features/calendar/calendar.workers.js';
import { startScorecardWorkers } from './features/scorecard/scorecard.workers.js';
import { startTasksWorkers } from './features/tasks/tasks.workers.js';

/** A feature's running job workers. */
export interface RunningWorkers {
  stop(): Promise<void>;
}

/** Starts every feature's job workers (one line per feature); stop() closes them all. */
export function startWorkers(deps: AppDeps): RunningWorkers {
  const running: RunningWorkers[] = [
    startScorecardWorkers(deps),
    startTasksWorkers(deps),
    startInteragencyWorkers(deps),
    startInstructionWorkers(deps),
    startCalendarWorkers(deps),
  ];
  return {
    async stop() {
      await Promise.allSettled(running.map((w) => w.stop()));
    },
  };
}
