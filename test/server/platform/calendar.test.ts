import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  isWorkingDay,
  workingDaysBetween,
  workingDaysInMonth,
  workingDaysInYear,
} from '../../../server/platform/calendar.js';

// Working days per month of the Russian production calendar (five-day week), as published with the
// Government's decrees: 2024 — № 1314 of 10.08.2023 (248 days), 2025 — № 1335 of 04.10.2024 (247),
// 2026 — № 1466 of 24.09.2025 (247).
const RU_MONTHS: Record<number, number[]> = {
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
