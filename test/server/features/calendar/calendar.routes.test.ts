import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDay, CalendarYear } from '../../../../server/contract/calendar.js';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import { startCalendarWorkers } from '../../../../server/features/calendar/calendar.workers.js';

const dayOf = (year: CalendarYear, day: string): CalendarDay | undefined => year.days.find((d) => d.day === day);

describe('the production calendar API', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  let operator: ApiClient;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
    operator = await okno.signIn('operator@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  describe('given the national calendar of 2026', () => {
    it('when an operator reads the year, then the counts, the decree, the transfers, the holidays and the shortened days are there with their sources', async () => {
      const res = await operator.get<CalendarYear>('/api/calendar/2026');
      expect(res.status).toBe(200);
      const year = res.body;
      expect(year).toMatchObject({
        year: 2026,
        country: 'RU',
        officialTransfers: true,
        decree: 'Постановление Правительства РФ от 24.09.2025 № 1466',
        workingDays: 247,
        nationalWorkingDays: 247,
        workingHours: 1972,
        overrides: [],
      });
      expect(year.months.map((m) => m.workingDays)).toEqual([15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22]);
      expect(year.months[5]).toEqual({ month: '2026-06', workingDays: 21, workingHours: 167, nationalWorkingDays: 21 });
      expect(dayOf(year, '2026-01-09')).toMatchObject({ working: false, reason: 'transfer', source: year.decree });
      expect(dayOf(year, '2026-06-12')).toMatchObject({ working: false, holiday: true, reason: 'holiday' });
      expect(dayOf(year, '2026-03-09')).toMatchObject({ working: false, reason: 'holidayMove' });
      expect(dayOf(year, '2026-06-13')).toMatchObject({ working: false, reason: 'weekend' });
      expect(dayOf(year, '2026-06-11')).toEqual({
        day: '2026-06-11',
        working: true,
        holiday: false,
        shortened: true,
        reason: null,
        source: null,
        nationalWorking: true,
      });
      expect(dayOf(year, '2026-06-10')).toBeUndefined();
    });

    it('when 2020 is read, then the presidential non-working days are days off with their decree, while the national norm stays 248', async () => {
      const year = (await operator.get<CalendarYear>('/api/calendar/2020')).body;
      expect(year.nationalWorkingDays).toBe(248);
      expect(year.months[3]).toMatchObject({ month: '2020-04', workingDays: 0, nationalWorkingDays: 22 });
      expect(dayOf(year, '2020-04-15')).toMatchObject({
        working: false,
        nationalWorking: true,
        reason: 'nonWorkingDay',
        source: 'Указ Президента РФ от 02.04.2020 № 239',
      });
    });

    it('when the year is not a number or out of range, then 400 names the field; a citizen gets 403, no session 401', async () => {
      for (const bad of ['abc', '1999', '2026.5']) {
        const res = await operator.get(`/api/calendar/${bad}`);
        expect(res.status).toBe(400);
        expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['year']);
      }
      expect((await (await okno.signIn('citizen@okno.local')).get('/api/calendar/2026')).status).toBe(403);
      expect((await okno.anonymous().get('/api/calendar/2026')).status).toBe(401);
    });
  });

  describe('given an admin overriding days', () => {
    it('when a working day is made a day off, then the month loses a working day, the day shows the note, deadlines move at once and the change is audited', async () => {
      const due = () => okno.deps.calendar.dueDate('2026-06-15', { value: 1, unit: 'workingDays' });
      expect(due()).toBe('2026-06-16');
      const put = await admin.put('/api/calendar/overrides/2026-06-16', {
        kind: 'dayOff',
        note: 'Распоряжение главы города № 12 (день города)',
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        day: '2026-06-16',
        kind: 'dayOff',
        note: 'Распоряжение главы города № 12 (день города)',
        updatedByName: expect.any(String),
      });
      expect(due()).toBe('2026-06-17');
      const year = (await operator.get<CalendarYear>('/api/calendar/2026')).body;
      expect(year.months[5]).toMatchObject({ workingDays: 20, nationalWorkingDays: 21 });
      expect(year.workingDays).toBe(246);
      expect(dayOf(year, '2026-06-16')).toMatchObject({
        working: false,
        nationalWorking: true,
        reason: 'override',
        source: 'Распоряжение главы города № 12 (день города)',
      });
      expect(year.overrides.map((o) => [o.day, o.kind])).toEqual([['2026-06-16', 'dayOff']]);
      const logged = await okno.deps.db
        .knex('audit_log')
        .where({ entity: 'calendar_override', entityId: 'RU:2026-06-16' })
        .select('action');
      expect(logged.map((r) => r.action)).toEqual(['create']);
    });

    it('when the same day is overridden again, then the override is replaced, and deleting it restores the national rule; a second delete is 404', async () => {
      const put = await admin.put('/api/calendar/overrides/2026-06-16', { kind: 'workingDay', note: 'Отменено' });
      expect(put.status).toBe(200);
      expect(okno.deps.calendar.isWorkingDay('2026-06-16')).toBe(true);
      expect((await admin.delete('/api/calendar/overrides/2026-06-16')).status).toBe(204);
      expect(okno.deps.calendar.overrides()).toEqual([]);
      const year = (await admin.get<CalendarYear>('/api/calendar/2026')).body;
      expect(year.workingDays).toBe(247);
      expect(dayOf(year, '2026-06-16')).toBeUndefined();
      const again = await admin.delete('/api/calendar/overrides/2026-06-16');
      expect(again.status).toBe(404);
      const actions = await okno.deps.db
        .knex('audit_log')
        .where({ entity: 'calendar_override', entityId: 'RU:2026-06-16' })
        .orderBy('id')
        .select('action');
      expect(actions.map((r) => r.action)).toEqual(['create', 'update', 'delete']);
    });

    it('when a Saturday is made a working day, then it counts as one and a term can end on it', async () => {
      expect(
        (await admin.put('/api/calendar/overrides/2026-06-20', { kind: 'workingDay', note: 'Субботник' })).status,
      ).toBe(200);
      expect(okno.deps.calendar.dueDate('2026-06-19', { value: 1, unit: 'workingDays' })).toBe('2026-06-20');
      const year = (await operator.get<CalendarYear>('/api/calendar/2026')).body;
      expect(dayOf(year, '2026-06-20')).toMatchObject({ working: true, nationalWorking: false, reason: 'override' });
      expect(year.months[5].workingDays).toBe(22);
      await admin.delete('/api/calendar/overrides/2026-06-20');
    });

    it('when another process wrote an override, then reading the year brings it into the working calendar', async () => {
      const now = new Date('2026-06-15T07:00:00Z');
      await okno.deps.db.knex('calendar_overrides').insert({
        country: 'RU',
        day: '2026-07-01',
        kind: 'dayOff',
        note: 'Другой узел',
        createdAt: now,
        updatedAt: now,
      });
      expect(okno.deps.calendar.isWorkingDay('2026-07-01')).toBe(true);
      await operator.get('/api/calendar/2026');
      expect(okno.deps.calendar.isWorkingDay('2026-07-01')).toBe(false);
      expect((await admin.delete('/api/calendar/overrides/2026-07-01')).status).toBe(204);
      expect(okno.deps.calendar.isWorkingDay('2026-07-01')).toBe(true);
    });

    it('when another process changes an override, then the refresh worker brings it in without a request', async () => {
      const refresher = startCalendarWorkers(okno.deps, { everyMs: 50 });
      try {
        const now = new Date('2026-06-15T07:00:00Z');
        await okno.deps.db.knex('calendar_overrides').insert({
          country: 'RU',
          day: '2026-07-03',
          kind: 'dayOff',
          note: 'Другой узел',
          createdAt: now,
          updatedAt: now,
        });
        await expect.poll(() => okno.deps.calendar.isWorkingDay('2026-07-03'), { timeout: 3000 }).toBe(false);
        await okno.deps.db.knex('calendar_overrides').where({ day: '2026-07-03' }).delete();
        await expect.poll(() => okno.deps.calendar.isWorkingDay('2026-07-03'), { timeout: 3000 }).toBe(true);
      } finally {
        await refresher.stop();
      }
    });

    it('when Okno starts on a database that holds overrides, then its working calendar has them before any request', async () => {
      expect(
        (await admin.put('/api/calendar/overrides/2026-07-02', { kind: 'dayOff', note: 'До перезапуска' })).status,
      ).toBe(200);
      const second = await startTestOkno({ ENGINE: 'none', SEED_DEMO: 'false' }, { schema: okno.schema });
      try {
        expect(second.deps.calendar.overrides()).toEqual([{ day: '2026-07-02', kind: 'dayOff' }]);
        expect(second.deps.calendar.dueDate('2026-07-01', { value: 1, unit: 'workingDays' })).toBe('2026-07-03');
      } finally {
        await second.stop();
      }
      expect((await admin.delete('/api/calendar/overrides/2026-07-02')).status).toBe(204);
    });

    it('when the day or the body is bad, then 400 names the fields; a manager or operator gets 403', async () => {
      for (const bad of ['2026-13-01', '2026-02-30', '16.06.2026']) {
        const res = await admin.put(`/api/calendar/overrides/${bad}`, { kind: 'dayOff', note: 'Причина' });
        expect(res.status).toBe(400);
        expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['day']);
      }
      const body = await admin.put('/api/calendar/overrides/2026-06-16', { kind: 'holiday', note: ' ' });
      expect(body.status).toBe(400);
      expect(body.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['kind', 'note']);
      const badDelete = await admin.delete('/api/calendar/overrides/yesterday');
      expect(badDelete.status).toBe(400);
      expect(badDelete.body.error.details.fields[0].path).toBe('day');
      const manager = await okno.signIn('manager@okno.local');
      expect(
        (await manager.put('/api/calendar/overrides/2026-06-16', { kind: 'dayOff', note: 'Причина' })).status,
      ).toBe(403);
      expect((await operator.delete('/api/calendar/overrides/2026-06-16')).status).toBe(403);
      expect(okno.deps.calendar.overrides()).toEqual([]);
    });
  });
});
