/**
 * The product's clock as the browser sees it: the server tells its time and the users' time zone at
 * sign-in (and on every /api/auth/me), so "today", "this month" and "this year" on screen are the
 * server's — in tests the server's clock is pinned, and the browser's own clock may be anywhere.
 */
import type { ServerClock } from '@contract/auth';

/** The server's time (ISO 8601) when it answered and the users' time zone: the API contract's (server/contract/auth.ts). */
export type { ServerClock };

let offsetMs = 0;
let zone = 'Europe/Moscow';

/** Adopts the server's clock: later readings are the server's time plus what elapsed here since. */
export function syncClock(clock: ServerClock | undefined, localNow = Date.now()): void {
  if (!clock) return;
  const server = Date.parse(clock.now);
  if (Number.isFinite(server)) offsetMs = server - localNow;
  zone = clock.timeZone || zone;
}

/** The current instant by the server's clock. */
export function serverNow(): Date {
  return new Date(Date.now() + offsetMs);
}

/** The users' time zone. */
export function timeZone(): string {
  return zone;
}

/** The calendar date (YYYY-MM-DD) of an instant in the users' time zone. */
export function zonedDate(at: Date = serverNow(), tz: string = zone): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** This month (YYYY-MM) in the users' time zone. */
export function thisMonth(): string {
  return zonedDate().slice(0, 7);
}

/** This year in the users' time zone. */
export function thisYear(): number {
  return Number(zonedDate().slice(0, 4));
}
