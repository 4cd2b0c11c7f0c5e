import type { AdjustableClock } from '../../platform/clock.js';
import { HttpError, bad, type Reply } from './user-tasks.js';

/**
 * Camunda's clock API (`PUT /v2/clock` pins the engine's clock to an instant, where it stays;
 * `POST /v2/clock/reset` returns it to the system time; both answer 204). Like Camunda's
 * `zeebe.clock.controlled`, it is refused unless clock control is switched on.
 */
export function routeClock(
  clock: AdjustableClock,
  controlled: boolean,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Reply | undefined {
  const pin = method === 'PUT' && path === '/v2/clock';
  const reset = method === 'POST' && path === '/v2/clock/reset';
  if (!pin && !reset) return undefined;
  if (!controlled)
    throw new HttpError(
      403,
      'The engine clock is not controllable: start the engine with ENGINE_CLOCK_CONTROLLED=true',
      'FORBIDDEN',
    );
  if (reset) {
    clock.reset();
    return { status: 204 };
  }
  const timestamp = body.timestamp;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw bad(`Expected a timestamp in epoch milliseconds (a non-negative integer), but got '${String(timestamp)}'`);
  }
  clock.pin(timestamp);
  return { status: 204 };
}
