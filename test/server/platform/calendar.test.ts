import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  isPreHolidayDay,
  isWorkingDay,
  nationalDay,
  nonWorkingDaySource,
  ruTransferDecree,
  workingHoursInYear,
  workingDaysBetween,
  workingDaysInMonth,
  workingDaysInYear,
} from '../../../server/platform/calendar.js';

// Working days per month of the Russian production calendar (five-day week), as published with the
// Government's decrees «О переносе выходных дней» (cited in RU_TRANSFERS / ruTransferDecree): 2015 —
// № 860 of 27.08.2014 (247 days), 2016 — № 1017 of 24.09.2015 (247), 2017 — № 756 of 04.08.2016 (247),
// 2018 — № 1250 of 14.10.2017 (247), 2019 — № 1163 of 01.10.2018 (247), 2020 — № 875 of 10.07.2019
// (248), 2021 — № 1648 of 10.10.2020 (247), 2022 — № 1564 of 16.09.2021 (247), 2023 — № 1505 of
// 29.08.2022 (247), 2024 — № 1314 of 10.08.2023 (248 days), 2025 — № 1335 of 04.10.2024 (247),
// 2026 — № 1466 of 24.09.2025 (247).
const RU_MONTHS: Record<number, number[]> = {
  2015: [15, 19, 21, 22, 18, 21, 23, 21, 22, 22, 20, 23],
  2016: [15, 20, 21, 21, 19, 21, 21, 23, 22, 21, 21, 22],
  2017: [17, 18, 22, 20, 20, 21, 21, 23, 21, 22, 21, 21],
  2018: [17, 19, 20, 21, 20, 20, 22, 23, 20, 23, 21, 21],
  2019: [17, 20, 20, 22, 18, 19, 23, 22, 21, 23, 20, 22],
  2020: [17, 19, 21, 22, 17, 21, 23, 21, 22, 22, 20, 23],
  2021: [15, 19, 22, 22, 19, 21, 22, 22, 22, 21, 20, 22],
  2022: [16, 19, 22, 21, 18, 21, 21, 23, 22, 21, 21, 22],
  2023: [17, 18, 22, 20, 20, 21, 21, 23, 21, 22, 21, 21],
  2024: [17, 20, 20, 21, 20, 19, 23, 22, 21, 23, 21, 21],
  2025: [17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22],
  2026: [15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22],
};

describe('production calendar', () => {
  it.each(Object.entries(RU_MONTHS))(
    'given Russia %s, then every month has the official number of working days',
    (year, months) => {
      const got = months.map((_, i) => workingDaysInMonth(`${year}-${String(i + 1).padStart(2, '0')}`, 'RU'));
      expect(got).toEqual(months);
      expect(workingDaysInYear(Number(year), 'RU')).toEqual({
        days: months.reduce((a, b) => a + b, 0),
        officialTransfers: true,
      });
    },
  );

  it.each([
    [2015, 247, 1971],
    [2016, 247, 1974],
    [2017, 247, 1973],
    [2018, 247, 1970],
    [2019, 247, 1970],
    [2020, 248, 1979],
    [2021, 247, 1972],
    [2022, 247, 1973],
    [2023, 247, 1973],
    [2024, 248, 1979],
    [2025, 247, 1972],
  ])(
    'given Russia %i, then the year has %i working days and the published 40-hour norm of %i hours (pre-holiday days one hour shorter)',
    (year, days, hours) => {
      expect(workingDaysInYear(year, 'RU').days).toBe(days);
      expect(workingHoursInYear(year, 'RU')).toBe(hours);
      expect(ruTransferDecree(year)).toMatch(/^Постановление Правительства РФ от \d\d\.\d\d\.\d{4} № \d+$/);
    },
  );

  it('given the decrees of 2015–2023, then their moved days are days off and their worked Saturdays are working days', () => {
    expect(isWorkingDay('2015-01-09')).toBe(false); // 2015: from Saturday 3 January
    expect(isWorkingDay('2015-05-04')).toBe(false); // 2015: from Sunday 4 January
    expect(isWorkingDay('2015-05-11')).toBe(false); // 9 May 2015 (Saturday) → Monday by the Labour Code
    expect(isWorkingDay('2016-02-20')).toBe(true); // 2016: a worked Saturday …
    expect(isWorkingDay('2016-02-22')).toBe(false); // … for Monday 22 February
    expect(isWorkingDay('2016-03-07')).toBe(false);
    expect(isWorkingDay('2017-02-24')).toBe(false);
    expect(isWorkingDay('2017-11-06')).toBe(false); // 4 November 2017 (Saturday) → Monday
    expect(isWorkingDay('2018-04-28')).toBe(true);
    expect(isWorkingDay('2018-06-09')).toBe(true);
    expect(isWorkingDay('2018-12-29')).toBe(true);
    expect(isWorkingDay('2018-12-31')).toBe(false);
    expect(isWorkingDay('2019-05-10')).toBe(false); // 23 February 2019 (Saturday) moved by the decree
    expect(isWorkingDay('2019-02-25')).toBe(true); // so Monday 25 February is worked
    expect(isWorkingDay('2020-05-05')).toBe(false);
    expect(isWorkingDay('2021-11-05')).toBe(false);
    expect(isWorkingDay('2021-02-20')).toBe(true);
    expect(isWorkingDay('2022-03-05')).toBe(true);
    expect(isWorkingDay('2022-05-10')).toBe(false);
    expect(isWorkingDay('2022-06-13')).toBe(false); // 12 June 2022 (Sunday) → Monday
    expect(isWorkingDay('2023-02-24')).toBe(false);
    expect(isWorkingDay('2023-05-08')).toBe(false);
    expect(nationalDay('2018-04-28')).toMatchObject({
      working: true,
      reason: 'transferWorkingDay',
      source: 'Постановление Правительства РФ от 14.10.2017 № 1250',
    });
    expect(nationalDay('2022-06-13')).toMatchObject({
      working: false,
      reason: 'holidayMove',
      source: 'ТК РФ ст. 112 ч. 2',
    });
    expect(nationalDay('2023-01-07')).toMatchObject({ working: false, holiday: true, reason: 'holiday' });
    expect(nationalDay('2023-01-14')).toMatchObject({ working: false, reason: 'weekend' });
    expect(nationalDay('2023-01-16')).toMatchObject({ working: true, reason: null, source: null });
  });

  it('given the presidential non-working days of 2020 and 2021, then the production calendar still counts them as working days and names the decree', () => {
    expect(isWorkingDay('2020-04-15')).toBe(true);
    expect(nonWorkingDaySource('2020-04-15')).toBe('Указ Президента РФ от 02.04.2020 № 239');
    expect(nonWorkingDaySource('2021-11-02')).toBe('Указ Президента РФ от 20.10.2021 № 595');
    expect(nonWorkingDaySource('2021-11-04')).toBeNull(); // a holiday anyway
    expect(nonWorkingDaySource('2020-04-15', 'UA')).toBeNull();
  });

  it('given art. 95, then the eve of a holiday is shortened, a worked Saturday standing for such an eve too, but not a Friday before an ordinary weekend', () => {
    expect(isPreHolidayDay('2024-02-22')).toBe(true);
    expect(isPreHolidayDay('2024-11-02')).toBe(true); // a worked Saturday for Tuesday 30 April, the eve of 1 May
    expect(isPreHolidayDay('2024-04-27')).toBe(false); // for Monday 29 April, whose next day is not a holiday
    expect(isPreHolidayDay('2025-11-01')).toBe(true);
    expect(isPreHolidayDay('2025-05-07')).toBe(false); // 8 May 2025 is a moved day off, not a holiday
    expect(isPreHolidayDay('2025-03-07')).toBe(true); // Saturday 8 March is the holiday
    expect(isPreHolidayDay('2026-02-20')).toBe(false); // Friday, then Saturday, Sunday, Monday 23 February
    expect(isPreHolidayDay('2019-12-31')).toBe(true); // the eve of the next year's 1 January
    expect(isPreHolidayDay('2025-03-07', 'UA')).toBe(false);
  });

  it('given the 2025 decree, then a moved Saturday is worked, the days it moved to are off, and 23 February does not move to Monday', () => {
    expect(isWorkingDay('2025-11-01')).toBe(true); // Saturday worked
    expect(isWorkingDay('2025-11-03')).toBe(false); // its Monday off
    expect(isWorkingDay('2025-05-08')).toBe(false); // 23 February (a Sunday) moved here
    expect(isWorkingDay('2025-02-24')).toBe(true); // so no automatic Monday off
    expect(isWorkingDay('2025-06-13')).toBe(false); // 8 March (a Saturday) moved here
    expect(isWorkingDay('2025-12-31')).toBe(false);
    expect(isWorkingDay('2025-01-09')).toBe(true);
  });

  it('given 2026, then holidays on a weekend move the day off to the next working day by the Labour Code (8 March → 9 March, 9 May → 11 May)', () => {
    expect(isWorkingDay('2026-03-09')).toBe(false);
    expect(isWorkingDay('2026-05-11')).toBe(false);
    expect(isWorkingDay('2026-05-12')).toBe(true);
    expect(isWorkingDay('2026-01-09')).toBe(false);
    expect(isWorkingDay('2026-01-12')).toBe(true);
  });

  it('given 2027 without a published decree, then the Labour Code rules still apply and the year says its transfers are not official', () => {
    expect(isWorkingDay('2027-01-08')).toBe(false); // a Friday holiday
    expect(isWorkingDay('2027-01-11')).toBe(true); // January weekend holidays never move on their own
    expect(isWorkingDay('2027-05-10')).toBe(false); // 9 May 2027 is a Sunday → Monday off
    expect(workingDaysInYear(2027, 'RU').officialTransfers).toBe(false);
  });

  it('given Ukraine under martial law, then holidays are working days and only weekends are off', () => {
    expect(isWorkingDay('2025-08-25', 'UA')).toBe(true); // a Monday after Independence Day (Sunday)
    expect(isWorkingDay('2025-12-25', 'UA')).toBe(true); // Christmas, a Thursday
    expect(isWorkingDay('2025-12-27', 'UA')).toBe(false); // Saturday
    expect(workingDaysInYear(2025, 'UA').days).toBe(261);
    expect(workingDaysInMonth('2026-05', 'UA')).toBe(21);
  });

  it('given Ukraine before martial law, then art. 73 holidays and the weekend move apply: 1 May (Saturday) and Easter (Sunday) free 3 and 4 May 2021', () => {
    expect(isWorkingDay('2021-08-24', 'UA')).toBe(false); // Independence Day, a Tuesday
    expect(isWorkingDay('2021-05-03', 'UA')).toBe(false);
    expect(isWorkingDay('2021-05-04', 'UA')).toBe(false);
    expect(isWorkingDay('2021-05-05', 'UA')).toBe(true);
  });

  it('given deadlines in working days, then they skip holidays and transfers, and between() inverts add()', () => {
    expect(addWorkingDays('2025-12-30', 1)).toBe('2026-01-12'); // 31 Dec and the New Year holidays up to 11 January
    expect(addWorkingDays('2025-04-30', 2)).toBe('2025-05-06'); // 1–4 May off
    expect(addWorkingDays('2025-05-05', -1)).toBe('2025-04-30');
    expect(addWorkingDays('2025-05-03', 0)).toBe('2025-05-05');
    expect(addWorkingDays('2025-10-31', 1)).toBe('2025-11-01'); // the worked Saturday
    for (const [from, n] of [
      ['2025-12-20', 15],
      ['2024-04-26', 4],
      ['2026-06-10', 30],
      ['2026-01-01', 1],
    ] as const) {
      expect(workingDaysBetween(from, addWorkingDays(from, n))).toBe(n);
      expect(workingDaysBetween(addWorkingDays(from, n), from)).toBe(-n);
    }
    expect(workingDaysBetween('2025-01-01', '2025-12-31')).toBe(247);
    expect(() => workingDaysInMonth('2025-13')).toThrow(RangeError);
    expect(() => isWorkingDay('not a day')).toThrow(RangeError);
  });
});
