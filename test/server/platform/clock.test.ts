import { describe, expect, it } from 'vitest';
import { AdjustableClock, isTimeZone, localDate, localMonth, localYear } from '../../../server/platform/clock.js';

describe('the one clock', () => {
  it('given a system time source, then the clock follows it until moved; set keeps it running, pin freezes it, reset returns', () => {
    let system = Date.parse('2026-06-15T07:00:00Z');
    const clock = new AdjustableClock(() => system);
    let changes = 0;
    clock.onChange(() => changes++);
    expect(clock.now().toISOString()).toBe('2026-06-15T07:00:00.000Z');

    clock.set(new Date('2027-12-31T21:30:00Z'));
    system += 1_000;
    expect(clock.now().toISOString()).toBe('2027-12-31T21:30:01.000Z');

    clock.pin(Date.parse('2028-02-29T00:00:00Z'));
    system += 60_000;
    expect(clock.now().toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(clock.pinned).toBe(true);
    clock.advance(86_400_000);
    expect(clock.now().toISOString()).toBe('2028-03-01T00:00:00.000Z');

    clock.reset();
    expect(clock.ms()).toBe(system);
    expect(changes).toBe(4);
  });

  it('given the last evening of the year in UTC, then in Moscow it is already the new year and in Kyiv not yet', () => {
    const at = new Date('2027-12-31T21:30:00Z');
    expect(localDate(at, 'Europe/Moscow')).toBe('2028-01-01');
    expect(localMonth(at, 'Europe/Moscow')).toBe('2028-01');
    expect(localYear(at, 'Europe/Moscow')).toBe(2028);
    expect(localDate(at, 'Europe/Kyiv')).toBe('2027-12-31');
    expect(localYear(at, 'Europe/Kyiv')).toBe(2027);
  });

  it('given the evening of 28 February in a leap year, then Moscow is on the 29th and the next day is 1 March', () => {
    expect(localDate(new Date('2028-02-28T21:00:00Z'), 'Europe/Moscow')).toBe('2028-02-29');
    expect(localDate(new Date('2028-02-29T21:00:00Z'), 'Europe/Moscow')).toBe('2028-03-01');
    expect(localDate(new Date('2027-02-28T21:00:00Z'), 'Europe/Moscow')).toBe('2027-03-01');
  });

  it('given Kyiv across the switch to summer time, then dates follow the local offset', () => {
    // 29 March 2026: Kyiv moves from UTC+2 to UTC+3 at 01:00 UTC
    expect(localDate(new Date('2026-03-28T21:59:00Z'), 'Europe/Kyiv')).toBe('2026-03-28');
    expect(localDate(new Date('2026-03-29T21:00:00Z'), 'Europe/Kyiv')).toBe('2026-03-30');
  });

  it('given time zone names, then only IANA zones are accepted', () => {
    expect(isTimeZone('Europe/Moscow')).toBe(true);
    expect(isTimeZone('Europe/Kyiv')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
