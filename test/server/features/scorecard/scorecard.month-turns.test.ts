import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

/**
 * "This month" is the users' month in the configured time zone, read from the product's clock: at
 * 00:30 on 1 January in Moscow (still 31 December in UTC) the seeded matrices are January's, with
 * January's plan and the New Year holiday block counted out of the planned working days.
 */
describe('scorecard at the turn of the year', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none', TIME_ZONE: 'Europe/Moscow' }, { now: '2025-12-31T21:30:00Z' });
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it("given the clock at 31 December 21:30 UTC, then the specialist's matrix is for January in Moscow with January's plan and 15 working days", async () => {
    const specialist = await okno.signIn('specialist@okno.local');
    const mine = await specialist.get('/api/scorecard/matrices/mine');
    expect(mine.body.items.map((i: { month: string }) => i.month)).toEqual(['2026-01']);
    const m = (await specialist.get(`/api/scorecard/matrices/${mine.body.items[0].id}`)).body;
    // 1–11 January 2026 are days off (holidays, weekends and the moved 9 January): 15 working days remain.
    expect(m.plannedWorkingDays).toBe(15);
    expect(m.rows.filter((r: { kind: string }) => r.kind === 'kpi').length).toBeGreaterThan(0);
    expect(
      m.rows.find((r: { indicatorCode: string | null }) => r.indicatorCode === 'applications-processed'),
    ).toMatchObject({ planValue: expect.any(Number) });
  });

  it("given the session answer, then the client is told the server's time and the users' time zone", async () => {
    const specialist = await okno.signIn('specialist@okno.local');
    const me = await specialist.get('/api/auth/me');
    expect(me.body.clock.timeZone).toBe('Europe/Moscow');
    expect(Date.parse(me.body.clock.now)).toBeGreaterThanOrEqual(Date.parse('2025-12-31T21:30:00Z'));
    expect(Date.parse(me.body.clock.now)).toBeLessThan(Date.parse('2026-01-01T00:00:00Z'));
  });

  it("given the clock moved past the session's expiry, then the session is over (sessions expire by the product's clock)", async () => {
    const specialist = await okno.signIn('specialist@okno.local');
    expect((await specialist.get('/api/auth/me')).status).toBe(200);
    okno.clock.advance(13 * 3_600_000);
    try {
      expect((await specialist.get('/api/auth/me')).status).toBe(401);
    } finally {
      okno.clock.advance(-13 * 3_600_000);
    }
  });
});

describe('scorecard in Kyiv on the same instant', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno(
      { ENGINE: 'none', TIME_ZONE: 'Europe/Kyiv', CALENDAR_COUNTRY: 'UA' },
      { now: '2025-12-31T21:30:00Z' },
    );
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it("given the same instant in Kyiv (23:30 on 31 December), then the matrix is still December's", async () => {
    const specialist = await okno.signIn('specialist@okno.local');
    const mine = await specialist.get('/api/scorecard/matrices/mine');
    expect(mine.body.items.map((i: { month: string }) => i.month)).toEqual(['2025-12']);
  });
});
