import { CronExpressionParser } from 'cron-parser';
import { end as durationEnd, parse as parseDuration } from 'iso8601-duration';

export type TimerKind = 'date' | 'duration' | 'cycle';

export interface TimerSchedule {
  dueAt: Date;
  /** Firings left including this one; -1 = unbounded. */
  repetitions: number;
  /** The cycle to compute the next firing from (cycles only). */
  cycle?: string;
}

function parseDate(text: string): Date | undefined {
  // Zeebe accepts an ISO date-time with an offset, optionally followed by a zone id in brackets.
  const t = Date.parse(text.replace(/\[[^\]]+\]$/, ''));
  return Number.isNaN(t) ? undefined : new Date(t);
}

function addDuration(text: string, from: Date): Date {
  const negative = text.startsWith('-');
  const d = parseDuration(negative ? text.slice(1) : text);
  if (negative) return from;
  return durationEnd(d, from);
}

function isCron(text: string): boolean {
  return !text.startsWith('R') && text.trim().split(/\s+/).length >= 5;
}

/** Computes the first firing of a timer definition; returns an error message if it cannot be read. */
export function scheduleTimer(kind: TimerKind, text: string, now: Date): TimerSchedule | { error: string } {
  try {
    const value = text.trim();
    if (kind === 'date') {
      const due = parseDate(value);
      return due ? { dueAt: due, repetitions: 1 } : { error: `'${value}' is not an ISO 8601 date-time` };
    }
    if (kind === 'duration') return { dueAt: addDuration(value, now), repetitions: 1 };
    if (isCron(value)) {
      const expr = CronExpressionParser.parse(value, { currentDate: now, tz: 'UTC' });
      return { dueAt: expr.next().toDate(), repetitions: -1, cycle: value };
    }
    const m = /^R(\d*)\/(?:([^/]+)\/)?(P[^/]+)$/.exec(value);
    if (!m) return { error: `'${value}' is neither an ISO 8601 repeating interval (R5/PT10S) nor a cron expression` };
    const repetitions = m[1] === '' ? -1 : Number(m[1]);
    if (repetitions === 0) return { error: 'a cycle must repeat at least once' };
    const start = m[2] ? parseDate(m[2]) : undefined;
    if (m[2] && !start) return { error: `'${m[2]}' is not an ISO 8601 date-time` };
    const dueAt =
      start && start.getTime() > now.getTime()
        ? start
        : addDuration(m[3], start && start.getTime() > now.getTime() ? start : now);
    return { dueAt, repetitions, cycle: value };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** The next firing of a cycle after one fired at `last`, or undefined when its repetitions are used up. */
export function nextCycle(cycle: string, repetitionsLeft: number, last: Date): TimerSchedule | undefined {
  if (repetitionsLeft === 1) return undefined;
  const repetitions = repetitionsLeft < 0 ? -1 : repetitionsLeft - 1;
  if (isCron(cycle)) {
    const expr = CronExpressionParser.parse(cycle, { currentDate: last, tz: 'UTC' });
    return { dueAt: expr.next().toDate(), repetitions, cycle };
  }
  const m = /^R(\d*)\/(?:([^/]+)\/)?(P[^/]+)$/.exec(cycle);
  if (!m) return undefined;
  return { dueAt: addDuration(m[3], last), repetitions, cycle };
}

/** Validates a static timer definition; returns { error } when it cannot be read (any reference instant does). */
export function parseTimerSpec(kind: TimerKind, text: string): { error?: string } {
  const r = scheduleTimer(kind, text, new Date(0));
  return 'error' in r ? { error: r.error } : {};
}
