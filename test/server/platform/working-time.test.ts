import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../../server/platform/working-time.js';

const cal = createWorkingCalendar({ country: 'RU', timeZone: 'Europe/Moscow' });

describe('given the Russian production calendar in Moscow time', () => {
  it('when a 10-working-day term starts on 25 December 2025, then it crosses the New Year holidays and ends on 20 January 2026', () => {
    // 26, 29, 30 Dec 2025 (31 Dec is a transferred day off), then 12–16, 19, 20 Jan 2026.
    expect(cal.dueDate('2025-12-25', { value: 10, unit: 'workingDays' })).toBe('2026-01-20');
  });

  it('when a calendar-day term ends on a Saturday, then it moves to Monday (art. 193)', () => {
    expect(cal.dueDate('2026-06-03', { value: 10, unit: 'calendarDays' })).toBe('2026-06-15');
  });

  it('when a step of 1 working day is created on Friday afternoon, then it is due at 18:00 Moscow on Monday', () => {
    const due = cal.dueInstant(new Date('2026-06-05T12:00:00Z'), { value: 1, unit: 'workingDays' });
    expect(due.toISOString()).toBe('2026-06-08T15:00:00.000Z');
  });

  it('when working minutes are counted over a weekend and a lunch, then only working hours count', () => {
    // Friday 17:00 → Monday 14:30 Moscow: 60 min on Friday, 09:00–13:00 and 14:00–14:30 on Monday.
    expect(cal.workingMinutesBetween(new Date('2026-06-05T14:00:00Z'), new Date('2026-06-08T11:30:00Z'))).toBe(
      60 + 240 + 30,
    );
  });

  it('when working minutes are added across a holiday, then the holiday is skipped', () => {
    // Thursday 11 June 2026 17:00 Moscow + 2 working hours: 12 June is a holiday, the weekend follows → Monday 15 June 10:00.
    expect(cal.addWorkingMinutes(new Date('2026-06-11T14:00:00Z'), 120).toISOString()).toBe('2026-06-15T07:00:00.000Z');
  });
});
