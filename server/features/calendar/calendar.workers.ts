import type { AppDeps } from '../../deps.js';
import type { RunningWorkers } from '../../workers.js';

/** How often a process re-reads the overrides another Okno process may have changed. */
export const CALENDAR_REFRESH_MS = 60_000;

/**
 * Keeps `deps.calendar` in step with `calendar_overrides` when several Okno processes share the
 * database: this process's own changes apply at once; another's within `everyMs`.
 */
export function startCalendarWorkers(
  { features, logger }: AppDeps,
  { everyMs = CALENDAR_REFRESH_MS }: { everyMs?: number } = {},
): RunningWorkers {
  const log = logger.child({ component: 'calendar-refresh' });
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = features.calendar
      .refresh()
      .then((changed) => changed && log.info('calendar overrides changed by another process; reloaded'))
      .catch((err: unknown) => log.warn({ err }, 'calendar overrides could not be re-read; retrying'));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
