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
    // Wednesday 10 June 2026 17:00 Moscow + 2 working hours: 1 h on Wednesday, 1 h on Thursday morning.
    expect(cal.addWorkingMinutes(new Date('2026-06-10T14:00:00Z'), 120).toISOString()).toBe('2026-06-11T07:00:00.000Z');
    // Thursday 11 June 2026 16:00 Moscow + 2 working hours: the eve of 12 June ends at 17:00 (art. 95), 12 June is
    // a holiday, the weekend follows → Monday 15 June 10:00.
    expect(cal.addWorkingMinutes(new Date('2026-06-11T13:00:00Z'), 120).toISOString()).toBe('2026-06-15T07:00:00.000Z');
  });

  it('when a day precedes a holiday, then it is one hour shorter and a step due that day is due at 17:00 (art. 95)', () => {
    expect(cal.isShortenedDay('2026-06-11')).toBe(true);
    expect(cal.workingMinutesOn('2026-06-11')).toBe(7 * 60);
    expect(cal.workingMinutesOn('2026-06-10')).toBe(8 * 60);
    expect(cal.workingMinutesOn('2026-06-12')).toBe(0);
    const due = cal.dueInstant(new Date('2026-06-10T08:00:00Z'), { value: 1, unit: 'workingDays' });
    expect(due.toISOString()).toBe('2026-06-11T14:00:00.000Z');
    expect(cal.workingMinutesBetween(new Date('2026-06-11T06:00:00Z'), new Date('2026-06-15T06:00:00Z'))).toBe(7 * 60);
  });

  it('when a statutory term lands on a day off, then it ends on the next working day (art. 193)', () => {
    // 30 calendar days from 9 April 2026 end on Saturday 9 May (a holiday), then Sunday, then Monday 11 May (its move).
    expect(cal.dueDate('2026-04-09', { value: 30, unit: 'calendarDays' })).toBe('2026-05-12');
    // 5 calendar days from 26 December 2025 end on 31 December (a transferred day off) → 12 January 2026.
    expect(cal.dueDate('2025-12-26', { value: 5, unit: 'calendarDays' })).toBe('2026-01-12');
  });

  it('when a case is suspended across a holiday, then its due instant and due date move by the working time lost, not the calendar time', () => {
    // Suspended Thursday 11 June 2026 10:00 Moscow, resumed Tuesday 16 June 10:00: lost 6 h on the short Thursday
    // (10:00–17:00 less lunch), nothing on the holiday and the weekend, 8 h on Monday, 1 h on Tuesday = 15 h.
    const from = new Date('2026-06-11T07:00:00Z');
    const to = new Date('2026-06-16T07:00:00Z');
    expect(cal.workingMinutesBetween(from, to)).toBe(15 * 60);
    // A step due Wednesday 17 June 18:00 → 15 working hours later: Thursday 18 June 8 h, Friday 19 June 7 h → 17:00.
    expect(cal.shiftDueInstant(new Date('2026-06-17T15:00:00Z'), from, to).toISOString()).toBe(
      '2026-06-19T14:00:00.000Z',
    );
    // The statutory date moves by the working days after 11 June up to 16 June: 15 and 16 June = 2.
    expect(cal.shiftDueDate('2026-06-17', from, to)).toBe('2026-06-19');
    expect(cal.shiftDueDate('2026-06-17', from, new Date('2026-06-11T12:00:00Z'))).toBe('2026-06-17');
  });
});

describe("given administrators' overrides", () => {
  it('when a day is made a day off or a working day, then every method follows at once, and clearing them restores the national calendar', () => {
    const own = createWorkingCalendar({ country: 'RU', timeZone: 'Europe/Moscow' });
    expect(own.dueDate('2026-06-15', { value: 1, unit: 'workingDays' })).toBe('2026-06-16');
    own.setOverrides([
      { day: '2026-06-16', kind: 'dayOff' },
      { day: '2026-06-13', kind: 'workingDay' },
    ]);
    expect(own.isWorkingDay('2026-06-16')).toBe(false);
    expect(own.isWorkingDay('2026-06-13')).toBe(true);
    expect(own.dueDate('2026-06-12', { value: 1, unit: 'workingDays' })).toBe('2026-06-13');
    expect(own.dueDate('2026-06-15', { value: 1, unit: 'workingDays' })).toBe('2026-06-17');
    expect(own.workingMinutesOn('2026-06-16')).toBe(0);
    expect(own.dayInfo('2026-06-16')).toMatchObject({ working: false, reason: 'override', nationalWorking: true });
    expect(own.overrides()).toEqual([
      { day: '2026-06-13', kind: 'workingDay' },
      { day: '2026-06-16', kind: 'dayOff' },
    ]);
    own.setOverrides([]);
    expect(own.isWorkingDay('2026-06-16')).toBe(true);
    expect(own.dayInfo('2026-06-16')).toMatchObject({ working: true, reason: null });
  });

  it('when a holiday is overridden into a working day, then its eve is no longer shortened', () => {
    const own = createWorkingCalendar({
      country: 'RU',
      timeZone: 'Europe/Moscow',
      overrides: [{ day: '2026-06-12', kind: 'workingDay' }],
    });
    expect(own.isShortenedDay('2026-06-11')).toBe(false);
    expect(own.workingMinutesOn('2026-06-12')).toBe(8 * 60);
  });
});

describe('given the presidential non-working days of 2020', () => {
  it('when a term crosses April 2020, then Okno treats them as days off by default, and an office that worked can opt out', () => {
    expect(cal.isWorkingDay('2020-04-15')).toBe(false);
    expect(cal.dueDate('2020-03-27', { value: 1, unit: 'workingDays' })).toBe('2020-05-12');
    expect(cal.dayInfo('2020-04-15')).toMatchObject({
      working: false,
      nationalWorking: true,
      reason: 'nonWorkingDay',
      source: 'Указ Президента РФ от 02.04.2020 № 239',
    });
    const worked = createWorkingCalendar({
      country: 'RU',
      timeZone: 'Europe/Moscow',
      presidentialNonWorkingDays: false,
    });
    expect(worked.dueDate('2020-03-27', { value: 1, unit: 'workingDays' })).toBe('2020-03-30');
  });
});
