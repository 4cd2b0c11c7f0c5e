import { describe, expect, it } from 'vitest';
import { serverNow, syncClock, thisMonth, thisYear, zonedDate } from '../../../client/src/shared/clock';

describe('the server clock in the browser', () => {
  it('given the server time at sign-in, then later readings are the server time plus what elapsed locally', () => {
    // Given the browser's clock at 1 January 2020 and the server's at 28 February 2028, 22:00 UTC
    syncClock({ now: '2028-02-28T22:00:00Z', timeZone: 'Europe/Moscow' }, Date.parse('2020-01-01T00:00:00Z'));
    // Then "now" is about the server's (the offset is kept), and in Moscow it is already the leap day
    expect(
      Math.abs(
        serverNow().getTime() -
          (Date.parse('2028-02-28T22:00:00Z') + (Date.now() - Date.parse('2020-01-01T00:00:00Z'))),
      ),
    ).toBeLessThan(1_000);
    expect(zonedDate(new Date('2028-02-28T22:00:00Z'))).toBe('2028-02-29');
  });

  it("given the year's last evening in UTC, then Moscow is in the new year and Kyiv is not", () => {
    syncClock({ now: '2027-12-31T21:30:00Z', timeZone: 'Europe/Moscow' });
    expect(thisMonth()).toBe('2028-01');
    expect(thisYear()).toBe(2028);
    syncClock({ now: '2027-12-31T21:30:00Z', timeZone: 'Europe/Kyiv' });
    expect(thisMonth()).toBe('2027-12');
    expect(thisYear()).toBe(2027);
  });

  it('given an answer without a clock or with a bad time, then the last known clock stays', () => {
    syncClock({ now: '2026-06-15T07:00:00Z', timeZone: 'Europe/Moscow' });
    syncClock(undefined);
    syncClock({ now: 'not a date', timeZone: 'Europe/Moscow' });
    expect(thisMonth()).toBe('2026-06');
  });
});
