import type { AdjustableClock } from '../../platform/clock.js';
import type { RestRouter } from './router.js';
import { HttpError, bad } from './user-tasks.js';

/**
 * Camunda's clock API (`PUT /v2/clock` pins the engine's clock to an instant, where it stays;
 * `POST /v2/clock/reset` returns it to the system time; both answer 204). Like Camunda's
 * `zeebe.clock.controlled`, it is refused unless clock control is switched on.
 */
export function registerClock(router: RestRouter, clock: AdjustableClock, controlled: boolean): void {
  const allowed = () => {
    if (!controlled)
      throw new HttpError(
        403,
        'The engine clock is not controllable: start the engine with ENGINE_CLOCK_CONTROLLED=true',
        'FORBIDDEN',
      );
  };
  router.add('POST', '/v2/clock/reset', () => {
    allowed();
    clock.reset();
    return { status: 204 };
  });
  router.add('PUT', '/v2/clock', ({ body }) => {
    allowed();
    const timestamp = body.timestamp;
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw bad(`Expected a timestamp in epoch milliseconds (a non-negative integer), but got '${String(timestamp)}'`);
    }
    clock.pin(timestamp);
    return { status: 204 };
  });
}
