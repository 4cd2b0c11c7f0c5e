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

/** A source of a calendar rule: the act, its number and date. */
const DECREES = {
  2015: 'Постановление Правительства РФ от 27.08.2014 № 860',
  2016: 'Постановление Правительства РФ от 24.09.2015 № 1017',
  2017: 'Постановление Правительства РФ от 04.08.2016 № 756',
  2018: 'Постановление Правительства РФ от 14.10.2017 № 1250',
  2019: 'Постановление Правительства РФ от 01.10.2018 № 1163',
  2020: 'Постановление Правительства РФ от 10.07.2019 № 875',
  2021: 'Постановление Правительства РФ от 10.10.2020 № 1648',
  2022: 'Постановление Правительства РФ от 16.09.2021 № 1564',
  2023: 'Постановление Правительства РФ от 29.08.2022 № 1505',
  2024: 'Постановление Правительства РФ от 10.08.2023 № 1314',
  2025: 'Постановление Правительства РФ от 04.10.2024 № 1335',
  2026: 'Постановление Правительства РФ от 24.09.2025 № 1466',
} as const satisfies Record<number, string>;

/** The Russian Government's decree «О переносе выходных дней» of a year, if the table has one. */
export function ruTransferDecree(year: number): string | null {
  return (DECREES as Record<number, string>)[year] ?? null;
}

/**
 * Russia: the Government's decrees on moving days off ("О переносе выходных дней в … году"), one per
 * year, cited in DECREES above; the working-day counts of the published production calendars for a
 * five-day week are in test/server/platform/calendar.test.ts (2015–2019: 247, 2020: 248, 2021–2023:
 * 247, 2024: 248, 2025: 247, 2026: 247).
 * - 2027: no decree was published when this table was written; only the Labour Code rules apply,
 *   so 2–3 January 2027 (a weekend) move nowhere. Add the decree's transfers here once it is out.
 */
export const RU_TRANSFERS: Readonly<Record<number, readonly Transfer[]>> = {
  2015: [
    { from: '2015-01-03', to: '2015-01-09' },
    { from: '2015-01-04', to: '2015-05-04' },
  ],
  2016: [
    { from: '2016-01-02', to: '2016-05-03' },
    { from: '2016-01-03', to: '2016-03-07' },
    { from: '2016-02-20', to: '2016-02-22' },
  ],
  2017: [
    { from: '2017-01-01', to: '2017-02-24' },
    { from: '2017-01-07', to: '2017-05-08' },
  ],
  2018: [
    { from: '2018-01-06', to: '2018-03-09' },
    { from: '2018-01-07', to: '2018-05-02' },
    { from: '2018-04-28', to: '2018-04-30' },
    { from: '2018-06-09', to: '2018-06-11' },
    { from: '2018-12-29', to: '2018-12-31' },
  ],
  2019: [
    { from: '2019-01-05', to: '2019-05-02' },
    { from: '2019-01-06', to: '2019-05-03' },
    { from: '2019-02-23', to: '2019-05-10' },
  ],
  2020: [
    { from: '2020-01-04', to: '2020-05-04' },
    { from: '2020-01-05', to: '2020-05-05' },
  ],
  2021: [
    { from: '2021-01-02', to: '2021-11-05' },
    { from: '2021-01-03', to: '2021-12-31' },
    { from: '2021-02-20', to: '2021-02-22' },
  ],
  2022: [
    { from: '2022-01-01', to: '2022-05-03' },
    { from: '2022-01-02', to: '2022-05-10' },
    { from: '2022-03-05', to: '2022-03-07' },
  ],
  2023: [
    { from: '2023-01-01', to: '2023-02-24' },
    { from: '2023-01-08', to: '2023-05-08' },
  ],
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

/**
 * Russia: non-working days declared by the President in 2020 and 2021 (COVID-19, the 2020 parade and
 * the constitutional vote), "с сохранением за работниками заработной платы". They are not days off of
 * the Labour Code and not transfers: the published production calendars (and `isWorkingDay`,
 * `workingDaysInMonth`, `workingDaysInYear` here, which the scorecard's planned days use) count them as
 * working days. Most offices did not receive visitors on them, so Okno's working calendar for
 * deadlines and working time (`WorkingCalendar`, `deps.calendar`) treats them as days off by default
 * (a term ending on one ends on the next working day; no working time accrues); an administrator
 * makes one a working day with an override where an office did work. docs/domain.md §8.
 */
export const RU_NON_WORKING_DAYS: readonly { from: string; to: string; source: string }[] = [
  { from: '2020-03-30', to: '2020-04-03', source: 'Указ Президента РФ от 25.03.2020 № 206' },
  { from: '2020-04-04', to: '2020-04-30', source: 'Указ Президента РФ от 02.04.2020 № 239' },
  { from: '2020-05-06', to: '2020-05-08', source: 'Указ Президента РФ от 28.04.2020 № 294' },
  { from: '2020-06-24', to: '2020-06-24', source: 'Указ Президента РФ от 29.05.2020 № 345' },
  { from: '2020-07-01', to: '2020-07-01', source: 'Указ Президента РФ от 01.06.2020 № 354' },
  { from: '2021-05-04', to: '2021-05-07', source: 'Указ Президента РФ от 23.04.2021 № 242' },
  { from: '2021-10-30', to: '2021-11-07', source: 'Указ Президента РФ от 20.10.2021 № 595' },
];

/**
 * The presidential decree that made a day a paid non-working day (RU_NON_WORKING_DAYS), or null. Only
 * days that would otherwise be working days of the production calendar count.
 */
export function nonWorkingDaySource(d: DayInput, country: CalendarCountry = 'RU'): string | null {
  if (country !== 'RU') return null;
  const day = toDay(d);
  const hit = RU_NON_WORKING_DAYS.find((p) => day >= p.from && day <= p.to);
  return hit && isWorkingDay(day, country) ? hit.source : null;
}

/** Years whose government transfers are in the table (other years follow the Labour Code alone). */
export const OFFICIAL_TRANSFER_YEARS: Readonly<Record<CalendarCountry, readonly number[]>> = {
  RU: Object.keys(RU_TRANSFERS).map(Number),
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

/** Why a day is off, or a weekend day is worked. */
export type DayReason = 'weekend' | 'holiday' | 'holidayMove' | 'transfer' | 'transferWorkingDay';

interface YearCalendar {
  /** Days off that fall on Monday–Friday (holidays, their moves, transfers). */
  offWeekdays: Set<string>;
  /** Saturdays and Sundays that are working days (transfers). */
  workingWeekends: Set<string>;
  /** The public holidays that are days off (for display and the pre-holiday day). */
  holidays: Set<string>;
  /** Why each holiday, moved day off and worked weekend day is what it is, and the act that says so. */
  reasons: Map<string, { reason: DayReason; source: string }>;
}

const LAW: Record<CalendarCountry, { weekend: string; holiday: string; move: string }> = {
  RU: { weekend: 'ТК РФ ст. 111', holiday: 'ТК РФ ст. 112 ч. 1', move: 'ТК РФ ст. 112 ч. 2' },
  UA: { weekend: 'КЗпП ст. 67', holiday: 'КЗпП ст. 73', move: 'КЗпП ст. 67 ч. 3' },
};

const engines = new Map<CalendarCountry, Holidays>();
const years = new Map<string, YearCalendar>();

/** The calendar date 'YYYY-MM-DD' of a day; throws on an invalid date. */
export function toDay(d: DayInput): string {
  const date = typeof d === 'string' ? parseISO(d) : d;
  if (!isValid(date)) throw new RangeError(`Not a date: ${String(d)}`);
  return format(date, 'yyyy-MM-dd');
}

const isWeekendDay = (day: string) => [0, 6].includes(getDay(parseISO(day)));
const nextDayOf = (day: string) => toDay(addDays(parseISO(day), 1));

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
      .map((h) => h.date.slice(0, 10))
      .filter((h) => !(country === 'UA' && inMartialLaw(h))),
  );
  const reasons = new Map<string, { reason: DayReason; source: string }>();
  const offWeekdays = new Set<string>();
  const workingWeekends = new Set<string>();
  const transfers = country === 'RU' ? (RU_TRANSFERS[year] ?? []) : [];
  const decree = ruTransferDecree(year) ?? '';
  const decreed = new Set(transfers.map((t) => t.from));
  for (const h of [...holidays].sort()) {
    reasons.set(h, { reason: 'holiday', source: LAW[country].holiday });
    if (!isWeekendDay(h)) {
      offWeekdays.add(h);
      continue;
    }
    // A holiday on a weekend: the next working day is off, unless the decree moved it (RU: and never for 1–8 January).
    if (decreed.has(h) || (country === 'RU' && h.slice(5, 7) === '01' && h.slice(8) <= '08')) continue;
    let next = nextDayOf(h);
    while (isWeekendDay(next) || holidays.has(next) || offWeekdays.has(next)) next = nextDayOf(next);
    offWeekdays.add(next);
    reasons.set(next, { reason: 'holidayMove', source: LAW[country].move });
  }
  for (const t of transfers) {
    offWeekdays.add(t.to);
    reasons.set(t.to, { reason: 'transfer', source: decree });
    if (!holidays.has(t.from)) {
      workingWeekends.add(t.from);
      reasons.set(t.from, { reason: 'transferWorkingDay', source: decree });
    }
  }
  const cal = { offWeekdays, workingWeekends, holidays, reasons };
  years.set(key, cal);
  return cal;
}

/** True when the day is a public holiday that is a day off (RU art. 112 part 1; UA art. 73 outside martial law). */
export function isHoliday(d: DayInput, country: CalendarCountry = 'RU'): boolean {
  const day = toDay(d);
  return yearCalendar(country, Number(day.slice(0, 4))).holidays.has(day);
}

/**
 * RU Labour Code art. 95 part 1: the working day immediately before a non-working holiday is one hour
 * shorter. A Saturday or Sunday worked under a transfer takes the place of the weekday it moved to,
 * so it is shortened when that weekday would have been (2024: Saturday 2 November stands for Tuesday
 * 30 April, the eve of 1 May; 2025: Saturday 1 November for Monday 3 November). A day before a
 * moved day off that is not itself a holiday is not shortened (7 May 2025). This reproduces the
 * published working-hour norms (40-hour week: 2015 1971 h … 2025 1972 h). `working` lets a working
 * calendar with overrides ask the same question of its own days. Ukraine: not applied (art. 53 КЗпП
 * has the same rule, but under martial law there are no holidays off).
 */
export function isPreHolidayDay(
  d: DayInput,
  country: CalendarCountry = 'RU',
  working: (day: string) => boolean = (x) => isWorkingDay(x, country),
): boolean {
  if (country !== 'RU') return false;
  const day = toDay(d);
  if (!working(day)) return false;
  const holidayOff = (x: string) => isHoliday(x, country) && !working(x);
  if (holidayOff(nextDayOf(day))) return true;
  if (!isWeekendDay(day)) return false;
  const swap = (RU_TRANSFERS[Number(day.slice(0, 4))] ?? []).find((t) => t.from === day);
  return swap !== undefined && holidayOff(nextDayOf(swap.to));
}

/** A day of the national production calendar with the reason it is off (or a worked weekend day) and its source. */
export interface NationalDay {
  day: string;
  working: boolean;
  holiday: boolean;
  /** One hour shorter (RU art. 95). */
  shortened: boolean;
  /** Null for an ordinary working weekday. */
  reason: DayReason | null;
  source: string | null;
}

/** What the national rules say about a day and why. */
export function nationalDay(d: DayInput, country: CalendarCountry = 'RU'): NationalDay {
  const day = toDay(d);
  const cal = yearCalendar(country, Number(day.slice(0, 4)));
  const working = isWorkingDay(day, country);
  const known = cal.reasons.get(day);
  const why =
    known ?? (isWeekendDay(day) && !working ? { reason: 'weekend' as const, source: LAW[country].weekend } : null);
  return {
    day,
    working,
    holiday: cal.holidays.has(day),
    shortened: isPreHolidayDay(day, country),
    reason: why?.reason ?? null,
    source: why?.source ?? null,
  };
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

/** The norm of working hours in a year (RU: a pre-holiday day is one hour shorter), for a day of `dayHours`. */
export function workingHoursInYear(year: number, country: CalendarCountry = 'RU', dayHours = 8): number {
  let hours = 0;
  for (let day = `${year}-01-01`; day.startsWith(String(year)); day = nextDayOf(day))
    if (isWorkingDay(day, country)) hours += isPreHolidayDay(day, country) ? dayHours - 1 : dayHours;
  return hours;
}
