import Holidays from 'date-holidays';
import { addDays, format, getDay, getDaysInMonth, isValid, parseISO } from 'date-fns';

/**
 * The national production calendar (производственный календарь) for a five-day week: which days are
 * working days in Russia and Ukraine. A day is a calendar date 'YYYY-MM-DD' (a Date is read as its
 * local calendar date). Sources of every rule and table are cited next to them; docs/scorecard.md
 * summarises them.
 *
 * Russia:
 * - Non-working public holidays: Labour Code art. 112 part 1 (1–6 and 8 January New Year holidays,
 *   7 January, 23 February, 8 March, 1 May, 9 May, 12 June, 4 November).
 * - A holiday on a Saturday or Sunday moves the day off to the next working day (art. 112 part 2),
 *   except the January holidays, which the Government moves by its yearly decree (part 5); a decree
 *   may move other holiday weekends too, and then the automatic move does not happen.
 * - The yearly decree moves days off ("с субботы X на понедельник Y"): X becomes a working day
 *   (unless it is a holiday), Y a day off. Table RU_TRANSFERS below.
 * Ukraine:
 * - Public holidays: Labour Code (КЗпП) art. 73 as amended by Law No. 3107-IX of 22.05.2023
 *   (1 January, 8 March, Easter and Trinity by the Orthodox calendar, 1 May, 8 May, 28 June,
 *   15 July, 24 August, 1 October, 25 December); a holiday on a weekend moves the day off to the
 *   next working day (art. 67 part 3).
 * - Under martial law (since 24.02.2022, Law No. 2136-IX of 15.03.2022, art. 6 and 12) art. 67
 *   part 3 and art. 73 do not apply: holidays are working days and the Cabinet recommends no
 *   transfers, so only Saturdays and Sundays are days off. UA_MARTIAL_LAW below; close the period
 *   when martial law is lifted.
 */

export type CalendarCountry = 'RU' | 'UA';
export type DayInput = Date | string;

interface Transfer {
  /** The weekend day whose rest moves (a working day now, unless it is itself a holiday). */
  from: string;
  /** The weekday that becomes a day off. */
  to: string;
}

/**
 * Russia: the Government's decrees on moving days off ("О переносе выходных дней в … году").
 * - 2024: Постановление Правительства РФ от 10.08.2023 № 1314 (248 working days).
 * - 2025: Постановление Правительства РФ от 04.10.2024 № 1335 (247 working days).
 * - 2026: Постановление Правительства РФ от 24.09.2025 № 1466 (247 working days).
 * - 2027: no decree was published when this table was written; only the Labour Code rules apply,
 *   so 2–3 January 2027 (a weekend) move nowhere. Add the decree's transfers here once it is out.
 */
export const RU_TRANSFERS: Readonly<Record<number, readonly Transfer[]>> = {
  2024: [
    { from: '2024-01-06', to: '2024-05-10' },
    { from: '2024-01-07', to: '2024-12-31' },
    { from: '2024-04-27', to: '2024-04-29' },
    { from: '2024-11-02', to: '2024-04-30' },
    { from: '2024-12-28', to: '2024-12-30' },
  ],
  2025: [
    { from: '2025-01-04', to: '2025-05-02' },
    { from: '2025-01-05', to: '2025-12-31' },
    { from: '2025-02-23', to: '2025-05-08' },
    { from: '2025-03-08', to: '2025-06-13' },
    { from: '2025-11-01', to: '2025-11-03' },
  ],
  2026: [
    { from: '2026-01-03', to: '2026-01-09' },
    { from: '2026-01-04', to: '2026-12-31' },
  ],
};

/** Years whose government transfers are in the table (other years follow the Labour Code alone). */
export const OFFICIAL_TRANSFER_YEARS: Readonly<Record<CalendarCountry, readonly number[]>> = {
  RU: [2024, 2025, 2026],
  UA: [],
};

/** Ukraine: martial law periods during which holidays are working days (end null = still in force). */
export const UA_MARTIAL_LAW: readonly { from: string; to: string | null }[] = [{ from: '2022-02-24', to: null }];

/** Holiday rules in date-holidays' rule syntax (the library computes the dates, Orthodox Easter included). */
const HOLIDAY_RULES: Record<CalendarCountry, readonly string[]> = {
  RU: [
    '01-01',
    '01-02',
    '01-03',
    '01-04',
    '01-05',
    '01-06',
    '01-07',
    '01-08',
    '02-23',
    '03-08',
    '05-01',
    '05-09',
    '06-12',
    '11-04',
  ],
  UA: ['01-01', '03-08', 'orthodox', 'orthodox 49', '05-01', '05-08', '06-28', '07-15', '08-24', '10-01', '12-25'],
};

interface YearCalendar {
  /** Days off that fall on Monday–Friday (holidays, their moves, transfers). */
  offWeekdays: Set<string>;
  /** Saturdays and Sundays that are working days (transfers). */
  workingWeekends: Set<string>;
  /** The public holidays themselves (for display). */
  holidays: Set<string>;
}

const engines = new Map<CalendarCountry, Holidays>();
const years = new Map<string, YearCalendar>();

/** The calendar date 'YYYY-MM-DD' of a day; throws on an invalid date. */
export function toDay(d: DayInput): string {
  const date = typeof d === 'string' ? parseISO(d) : d;
  if (!isValid(date)) throw new RangeError(`Not a date: ${String(d)}`);
  return format(date, 'yyyy-MM-dd');
}

const isWeekendDay = (day: string) => [0, 6].includes(getDay(parseISO(day)));

function holidayEngine(country: CalendarCountry): Holidays {
  let hd = engines.get(country);
  if (!hd) {
    hd = new Holidays();
    for (const rule of HOLIDAY_RULES[country]) hd.setHoliday(rule, { name: { en: rule }, type: 'public' });
    engines.set(country, hd);
  }
  return hd;
}

function inMartialLaw(day: string): boolean {
  return UA_MARTIAL_LAW.some((p) => day >= p.from && (p.to === null || day <= p.to));
}

function yearCalendar(country: CalendarCountry, year: number): YearCalendar {
  const key = `${country}:${year}`;
  const cached = years.get(key);
  if (cached) return cached;
  const holidays = new Set(
    holidayEngine(country)
      .getHolidays(year)
      .map((h) => h.date.slice(0, 10)),
  );
  const offWeekdays = new Set<string>();
  const workingWeekends = new Set<string>();
  const transfers = country === 'RU' ? (RU_TRANSFERS[year] ?? []) : [];
  const decreed = new Set(transfers.map((t) => t.from));
  for (const h of [...holidays].sort()) {
    if (country === 'UA' && inMartialLaw(h)) continue;
    if (!isWeekendDay(h)) {
      offWeekdays.add(h);
      continue;
    }
    // A holiday on a weekend: the next working day is off, unless the decree moved it (RU: and never for 1–8 January).
    if (decreed.has(h) || (country === 'RU' && h.slice(5, 7) === '01' && h.slice(8) <= '08')) continue;
    let next = toDay(addDays(parseISO(h), 1));
    while (isWeekendDay(next) || holidays.has(next) || offWeekdays.has(next)) next = toDay(addDays(parseISO(next), 1));
    offWeekdays.add(next);
  }
  for (const t of transfers) {
    offWeekdays.add(t.to);
    if (!holidays.has(t.from)) workingWeekends.add(t.from);
  }
  const cal = { offWeekdays, workingWeekends, holidays };
  years.set(key, cal);
  return cal;
}

/** True when the day is a working day of the five-day week in the country's production calendar. */
export function isWorkingDay(d: DayInput, country: CalendarCountry = 'RU'): boolean {
  const day = toDay(d);
  const cal = yearCalendar(country, Number(day.slice(0, 4)));
  if (isWeekendDay(day)) return cal.workingWeekends.has(day);
  return !cal.offWeekdays.has(day);
}

/**
 * The day that is n working days after d (n < 0: before it). With n = 0, d itself when it is a
 * working day, else the next working day (a deadline never falls on a day off).
 */
export function addWorkingDays(d: DayInput, n: number, country: CalendarCountry = 'RU'): string {
  if (!Number.isInteger(n)) throw new RangeError('n must be a whole number of working days');
  let day = toDay(d);
  if (n === 0) {
    while (!isWorkingDay(day, country)) day = toDay(addDays(parseISO(day), 1));
    return day;
  }
  const step = n > 0 ? 1 : -1;
  for (let left = Math.abs(n); left > 0;) {
    day = toDay(addDays(parseISO(day), step));
    if (isWorkingDay(day, country)) left -= 1;
  }
  return day;
}

/**
 * Working days after `from` up to and including `to` (negative when `to` is earlier), so that
 * workingDaysBetween(d, addWorkingDays(d, n)) = n.
 */
export function workingDaysBetween(from: DayInput, to: DayInput, country: CalendarCountry = 'RU'): number {
  const a = toDay(from);
  const b = toDay(to);
  if (a === b) return 0;
  const [lo, hi, sign] = a < b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let day = toDay(addDays(parseISO(lo), 1)); day <= hi; day = toDay(addDays(parseISO(day), 1)))
    if (isWorkingDay(day, country)) count += 1;
  return sign * count;
}

/** Working days in a month 'YYYY-MM' (the norm a worked-time coefficient is measured against). */
export function workingDaysInMonth(month: string, country: CalendarCountry = 'RU'): number {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`Not a month: ${month}`);
  const first = parseISO(`${month}-01`);
  let count = 0;
  for (let i = 0; i < getDaysInMonth(first); i += 1) if (isWorkingDay(addDays(first, i), country)) count += 1;
  return count;
}

/** Working days in a year, and whether the government's transfers for it are in the table. */
export function workingDaysInYear(
  year: number,
  country: CalendarCountry = 'RU',
): { days: number; officialTransfers: boolean } {
  let days = 0;
  for (let m = 1; m <= 12; m += 1) days += workingDaysInMonth(`${year}-${String(m).padStart(2, '0')}`, country);
  return { days, officialTransfers: country === 'UA' || OFFICIAL_TRANSFER_YEARS[country].includes(year) };
}
