import { TZDate } from '@date-fns/tz';
import { addDays, format, parseISO } from 'date-fns';
import {
  isPreHolidayDay,
  isWorkingDay,
  nationalDay,
  nonWorkingDaySource,
  toDay,
  type CalendarCountry,
  type DayReason,
} from './calendar.js';
import { localDate } from './clock.js';

/** An administrator's correction of the national calendar for one day (table calendar_overrides). */
export interface CalendarOverride {
  day: string;
  kind: 'dayOff' | 'workingDay';
}

/** Why a day of the working calendar is what it is: the national reasons, a presidential non-working day, an override. */
export type WorkingDayReason = DayReason | 'nonWorkingDay' | 'override';

/** One day of the working calendar as the calendar screen shows it. */
export interface WorkingDayInfo {
  day: string;
  working: boolean;
  /** A public holiday (a day off unless overridden). */
  holiday: boolean;
  /** A pre-holiday day one hour shorter (RU Labour Code art. 95). */
  shortened: boolean;
  /** Null for an ordinary working weekday. */
  reason: WorkingDayReason | null;
  /** The act behind the reason (an override's source is its note, given by the caller). */
  source: string | null;
  /** What the national rules alone say (differs from `working` under an override or a non-working day). */
  nationalWorking: boolean;
}

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

  /** A working day one hour shorter because a non-working holiday follows (RU Labour Code art. 95). */
  isShortenedDay(day: string): boolean;
  /** Working minutes of a day (0 on a day off; 60 fewer on a shortened day). */
  workingMinutesOn(day: string): number;
  /** Working days after `from` up to and including `to` (negative when `to` is earlier). */
  workingDaysBetween(from: string, to: string): number;
  /**
   * Suspension (the case waits for the applicant): a due instant moves by the working time between
   * `suspendedFrom` and `resumedAt`; a due at the end of a working day moves into the next ones.
   */
  shiftDueInstant(due: Date, suspendedFrom: Date, resumedAt: Date): Date;
  /**
   * Suspension for a statutory due date: it moves by the working days the clock stood, counted as
   * the working days after the local day of `suspendedFrom` up to and including the local day of
   * `resumedAt` (suspended and resumed on the same day: no move; Monday to Wednesday: two days).
   */
  shiftDueDate(day: string, suspendedFrom: Date, resumedAt: Date): string;
  /** The day with the reason it is off or worked and its source (overrides included). */
  dayInfo(day: string): WorkingDayInfo;
  /** Replaces the administrators' overrides (the calendar feature calls it at start and after every change). */
  setOverrides(overrides: readonly CalendarOverride[]): void;
  /** The overrides in force, by day. */
  overrides(): readonly CalendarOverride[];
}

export interface WorkingCalendarOptions {
  country: CalendarCountry;
  timeZone: string;
  /** The working day, local time 'HH:mm' (default 09:00–18:00 with a lunch 13:00–14:00: 8 hours). */
  workdayStart?: string;
  workdayEnd?: string;
  lunch?: { from: string; to: string } | null;
  /** Administrators' overrides in force at start (later: `setOverrides`). */
  overrides?: readonly CalendarOverride[];
  /**
   * RU: treat the President's paid non-working days of 2020–2021 (RU_NON_WORKING_DAYS) as days off
   * (default true: offices did not receive visitors; docs/domain.md §8).
   */
  presidentialNonWorkingDays?: boolean;
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
  /** The next calendar day of 'YYYY-MM-DD' (plain UTC arithmetic: hot loops call it for every day). */
  const nextDay = (day: string): string =>
    new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + 1))
      .toISOString()
      .slice(0, 10);
  const skipNonWorking = country === 'RU' && opts.presidentialNonWorkingDays !== false;
  let overrides = new Map<string, CalendarOverride['kind']>();
  // Per-day answers, computed once (the national rules parse dates; deadlines and working time walk many days).
  const workingCache = new Map<string, boolean>();
  const shortCache = new Map<string, boolean>();
  const spanCache = new Map<string, [number, number][]>();
  const clearCaches = () => {
    workingCache.clear();
    shortCache.clear();
    spanCache.clear();
  };
  const remember = <T>(cache: Map<string, T>, day: string, compute: () => T): T => {
    let value = cache.get(day);
    if (value === undefined) {
      if (cache.size > 40_000) cache.clear();
      value = compute();
      cache.set(day, value);
    }
    return value;
  };
  const setOverrides = (list: readonly CalendarOverride[]) => {
    overrides = new Map(list.map((o) => [toDay(o.day), o.kind]));
    clearCaches();
  };
  setOverrides(opts.overrides ?? []);
  const working = (day: string): boolean =>
    remember(workingCache, day, () => {
      const kind = overrides.get(day);
      if (kind) return kind === 'workingDay';
      if (skipNonWorking && nonWorkingDaySource(day, country)) return false;
      return isWorkingDay(day, country);
    });
  const shortened = (day: string): boolean => remember(shortCache, day, () => isPreHolidayDay(day, country, working));
  /** Working intervals of a day, in minutes from local midnight (none on a day off). */
  const intervalsOn = (day: string): [number, number][] => {
    if (!working(day)) return [];
    if (!shortened(day)) return intervals;
    const cut = end - 60;
    return intervals.filter(([a]) => a < cut).map(([a, b]) => [a, Math.min(b, cut)]);
  };
  /** The same intervals as instants (epoch milliseconds). */
  const spansOn = (day: string): [number, number][] =>
    remember(spanCache, day, () =>
      intervalsOn(day).map(([a, b]) => [instantOf(day, a).getTime(), instantOf(day, b).getTime()]),
    );
  const dayEnd = (day: string): number => (shortened(day) ? end - 60 : end);
  const roll = (day: string): string => {
    let d = day;
    for (let guard = 0; !working(d); guard++) {
      if (guard > 3660) throw new RangeError(`No working day within ten years of ${day}`);
      d = nextDay(d);
    }
    return d;
  };
  const addDaysWorking = (day: string, n: number): string => {
    let d = day;
    for (let left = n; left > 0;) {
      d = nextDay(d);
      if (working(d)) left -= 1;
    }
    return d;
  };

  const cal: WorkingCalendar = {
    country,
    timeZone,
    isWorkingDay: working,
    nextWorkingDay: roll,
    addWorkingDays: (day, n) => (n <= 0 ? roll(day) : addDaysWorking(day, n)),
    dueDate(day, term) {
      if (term.unit === 'workingDays') return cal.addWorkingDays(day, term.value);
      return roll(format(addDays(parseISO(day), term.value), 'yyyy-MM-dd'));
    },
    dueInstant(at, term) {
      const due = cal.dueDate(localDate(at, timeZone), term);
      return instantOf(due, dayEnd(due));
    },
    workingMinutesBetween(from, to) {
      if (to.getTime() <= from.getTime()) return 0;
      let total = 0;
      const last = localDate(to, timeZone);
      for (let day = localDate(from, timeZone); day <= last; day = nextDay(day)) {
        for (const [a, b] of spansOn(day)) {
          const s = Math.max(a, from.getTime());
          const e = Math.min(b, to.getTime());
          if (e > s) total += (e - s) / 60_000;
        }
      }
      return Math.round(total);
    },
    addWorkingMinutes(at, minutes) {
      let left = minutes;
      let day = localDate(at, timeZone);
      for (let guard = 0; guard < 3660; guard++, day = nextDay(day)) {
        for (const [a, b] of spansOn(day)) {
          const s = Math.max(a, at.getTime());
          const e = b;
          if (e <= s) continue;
          const span = (e - s) / 60_000;
          if (span >= left) return new Date(s + left * 60_000);
          left -= span;
        }
      }
      throw new RangeError(`No working time within ten years of ${at.toISOString()}`);
    },
    isShortenedDay: (day) => shortened(toDay(day)),
    workingMinutesOn: (day) => intervalsOn(toDay(day)).reduce((sum, [a, b]) => sum + (b - a), 0),
    workingDaysBetween(from, to) {
      const [a, b] = [toDay(from), toDay(to)];
      if (a === b) return 0;
      const [lo, hi, sign] = a < b ? [a, b, 1] : [b, a, -1];
      let count = 0;
      for (let day = nextDay(lo); day <= hi; day = nextDay(day)) if (working(day)) count += 1;
      return sign * count;
    },
    shiftDueInstant(due, suspendedFrom, resumedAt) {
      const minutes = cal.workingMinutesBetween(suspendedFrom, resumedAt);
      return minutes > 0 ? cal.addWorkingMinutes(due, minutes) : due;
    },
    shiftDueDate(day, suspendedFrom, resumedAt) {
      const days = cal.workingDaysBetween(localDate(suspendedFrom, timeZone), localDate(resumedAt, timeZone));
      return days > 0 ? addDaysWorking(roll(day), days) : day;
    },
    dayInfo(input) {
      const day = toDay(input);
      const national = nationalDay(day, country);
      const isWorking = working(day);
      const nonWorking = skipNonWorking ? nonWorkingDaySource(day, country) : null;
      const base = {
        day,
        working: isWorking,
        holiday: national.holiday,
        shortened: shortened(day),
        nationalWorking: national.working,
      };
      if (overrides.has(day)) return { ...base, reason: 'override', source: null };
      if (nonWorking) return { ...base, reason: 'nonWorkingDay', source: nonWorking };
      return { ...base, reason: national.reason, source: national.source };
    },
    setOverrides,
    overrides: () => [...overrides].map(([day, kind]) => ({ day, kind })).sort((x, y) => x.day.localeCompare(y.day)),
  };
  return cal;
}
