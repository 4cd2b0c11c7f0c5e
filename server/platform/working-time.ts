import { TZDate } from '@date-fns/tz';
import { addDays, format, parseISO } from 'date-fns';
import { addWorkingDays, isWorkingDay, type CalendarCountry } from './calendar.js';
import { localDate } from './clock.js';

/** A term as a regulation writes it: N working days or N calendar days. */
export interface Term {
  value: number;
  unit: 'workingDays' | 'calendarDays';
}

/**
 * Deadlines and working time on the production calendar, in the office's time zone. Everything that
 * computes a statutory deadline, a step's due time or time spent "in working hours" goes through
 * this one object (`deps.calendar`), so per-year overrides apply everywhere.
 *
 * Rules (RU Civil Code, chapter 11):
 * - a term in days starts on the day after the event (art. 191): registered on Monday, "1 working
 *   day" ends on Tuesday;
 * - a term that ends on a day off ends on the next working day (art. 193);
 * - a term ends at the end of the office's working day (art. 194 part 1 for offices: when the
 *   working hours end), here `workdayEnd`.
 */
export interface WorkingCalendar {
  readonly country: CalendarCountry;
  readonly timeZone: string;
  isWorkingDay(day: string): boolean;
  /** The day itself when it is a working day, else the next working day. */
  nextWorkingDay(day: string): string;
  /** The n-th working day after `day` (n ≥ 0; n = 0 → `day` rolled to a working day). */
  addWorkingDays(day: string, n: number): string;
  /** The last day of a term that starts after `day` (a date 'YYYY-MM-DD'). */
  dueDate(day: string, term: Term): string;
  /** The instant a term started at `at` ends: the end of the working day of `dueDate(localDate(at), term)`. */
  dueInstant(at: Date, term: Term): Date;
  /** Working minutes between two instants (0 when `to` ≤ `from`). */
  workingMinutesBetween(from: Date, to: Date): number;
  /** The instant `minutes` working minutes after `at`. */
  addWorkingMinutes(at: Date, minutes: number): Date;
}

export interface WorkingCalendarOptions {
  country: CalendarCountry;
  timeZone: string;
  /** The working day, local time 'HH:mm' (default 09:00–18:00 with a lunch 13:00–14:00: 8 hours). */
  workdayStart?: string;
  workdayEnd?: string;
  lunch?: { from: string; to: string } | null;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** The production calendar of `calendar.ts` with the office's working hours. */
export function createWorkingCalendar(opts: WorkingCalendarOptions): WorkingCalendar {
  const { country, timeZone } = opts;
  const start = minutesOf(opts.workdayStart ?? '09:00');
  const end = minutesOf(opts.workdayEnd ?? '18:00');
  const lunch =
    opts.lunch === undefined
      ? { from: minutesOf('13:00'), to: minutesOf('14:00') }
      : opts.lunch
        ? { from: minutesOf(opts.lunch.from), to: minutesOf(opts.lunch.to) }
        : null;
  /** Working intervals of a working day, in minutes from local midnight. */
  const intervals: [number, number][] = lunch
    ? [
        [start, lunch.from],
        [lunch.to, end],
      ]
    : [[start, end]];

  const instantOf = (day: string, minute: number): Date => {
    const [y, mo, d] = day.split('-').map(Number);
    return new Date(new TZDate(y, mo - 1, d, Math.floor(minute / 60), minute % 60, 0, timeZone).getTime());
  };
  const nextDay = (day: string): string => format(addDays(parseISO(day), 1), 'yyyy-MM-dd');
  const working = (day: string) => isWorkingDay(day, country);
  const roll = (day: string): string => {
    let d = day;
    while (!working(d)) d = nextDay(d);
    return d;
  };

  const cal: WorkingCalendar = {
    country,
    timeZone,
    isWorkingDay: working,
    nextWorkingDay: roll,
    addWorkingDays: (day, n) => (n <= 0 ? roll(day) : addWorkingDays(day, n, country)),
    dueDate(day, term) {
      if (term.unit === 'workingDays') return cal.addWorkingDays(day, term.value);
      return roll(format(addDays(parseISO(day), term.value), 'yyyy-MM-dd'));
    },
    dueInstant(at, term) {
      return instantOf(cal.dueDate(localDate(at, timeZone), term), end);
    },
    workingMinutesBetween(from, to) {
      if (to.getTime() <= from.getTime()) return 0;
      let total = 0;
      for (let day = localDate(from, timeZone); day <= localDate(to, timeZone); day = nextDay(day)) {
        if (!working(day)) continue;
        for (const [a, b] of intervals) {
          const s = Math.max(instantOf(day, a).getTime(), from.getTime());
          const e = Math.min(instantOf(day, b).getTime(), to.getTime());
          if (e > s) total += (e - s) / 60_000;
        }
      }
      return Math.round(total);
    },
    addWorkingMinutes(at, minutes) {
      let left = minutes;
      let day = localDate(at, timeZone);
      for (let guard = 0; guard < 3660; guard++, day = nextDay(day)) {
        if (!working(day)) continue;
        for (const [a, b] of intervals) {
          const s = Math.max(instantOf(day, a).getTime(), at.getTime());
          const e = instantOf(day, b).getTime();
          if (e <= s) continue;
          const span = (e - s) / 60_000;
          if (span >= left) return new Date(s + left * 60_000);
          left -= span;
        }
      }
      throw new RangeError(`No working time within ten years of ${at.toISOString()}`);
    },
  };
  return cal;
}
