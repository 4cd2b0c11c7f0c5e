import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeBonus } from '../../../../server/features/scorecard/scorecard.formulas.js';
import { seedScorecardDemo } from '../../../../server/features/scorecard/scorecard.seed.js';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, TEST_NOW, type TestOkno } from '../../../helpers/okno.js';

const MONTH = TEST_NOW.slice(0, 7);
const rowOf = (m: any, pred: (r: any) => boolean) => m.rows.find(pred);

describe('money rules and segregation of duties', () => {
  let okno: TestOkno;
  let specialist: ApiClient;
  let admin: ApiClient;
  let matrixId: number;

  beforeAll(async () => {
    okno = await startTestOkno();
    await seedScorecardDemo(okno.deps.db.knex, okno.clock.now(), okno.deps.config.TIME_ZONE);
    specialist = await okno.signIn('specialist@okno.local');
    admin = await okno.signIn('admin@okno.local');
    matrixId = (await specialist.get('/api/scorecard/matrices/mine')).body.items[0].id;
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the employee on their own draft, when they change a weight, T0/Tmax or a plan value, then 403 and the result stays', async () => {
    const before = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    const smart = rowOf(before, (r) => r.section === 'smart');
    const kpi = rowOf(before, (r) => r.section === 'kpi');
    for (const patch of [{ weight: 90 }, { t0: 0, tmax: 1000 }, { planValue: 1 }]) {
      const res = await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${kpi.id}`, patch);
      expect(res.status, JSON.stringify(patch)).toBe(403);
    }
    expect(
      (await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${smart.id}`, { weight: 90 })).status,
    ).toBe(403);
    const added = await specialist.post(`/api/scorecard/matrices/${matrixId}/rows`, {
      kind: 'smart_variable',
      title: 'Моя задача',
      unit: 'count',
      weight: 100,
      planValue: 1,
      factValue: 100,
    });
    expect(added.status).toBe(403);
    expect(
      (
        await specialist.post(`/api/scorecard/matrices/${matrixId}/rows`, {
          kind: 'kpi',
          title: 'Мой KPI',
          unit: 'count',
        })
      ).status,
    ).toBe(403);
    expect((await specialist.delete(`/api/scorecard/matrices/${matrixId}/rows/${kpi.id}`)).status).toBe(403);
    const after = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    expect(after.result).toBe(before.result);
    expect(after.bonusSalaries).toBe(before.bonusSalaries);
  });

  it('given the employee on their own draft, when they propose a task of their own without weight, then it is added for the manager to agree', async () => {
    const res = await specialist.post(`/api/scorecard/matrices/${matrixId}/rows`, {
      kind: 'smart_variable',
      title: 'Сверка списков',
      unit: 'count',
      planValue: 1,
    });
    expect(res.status).toBe(201);
    const row = rowOf(res.body, (r) => r.title === 'Сверка списков');
    expect((await specialist.delete(`/api/scorecard/matrices/${matrixId}/rows/${row.id}`)).status).toBe(200);
  });

  it('given the employee on their own draft, when they enter the fact of their SMART task, then it counts', async () => {
    const m = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    const task = rowOf(m, (r) => r.kind === 'smart_constant');
    const res = await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${task.id}`, {
      factDate: task.planDate,
      note: 'Сдано в срок',
    });
    expect(res.status).toBe(200);
  });

  it('given an administrator who is also an employee, when she opens her own matrix, then she can neither edit its plan nor agree, approve, lock or return it', async () => {
    const me = (await admin.get('/api/auth/me')).body.user;
    expect(me.employeeId).not.toBeNull();
    const created = await admin.post('/api/scorecard/matrices', { employeeId: me.employeeId, month: MONTH });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.editable).toBe('own');
    const kpi = rowOf(created.body, (r: any) => r.section === 'kpi' || r.section === 'smart');
    if (kpi)
      expect((await admin.patch(`/api/scorecard/matrices/${id}/rows/${kpi.id}`, { weight: 99 })).status).toBe(403);
    expect(created.body.allowedActions).toEqual(['confirm']);
    // Given her matrix further along (as if her manager had moved it), she still cannot act on it as a manager.
    const knex = okno.deps.db.knex;
    for (const [status, action] of [
      ['confirmed', 'agree'],
      ['confirmed', 'return'],
      ['agreed', 'approve'],
      ['approved', 'lock'],
    ] as const) {
      await knex('sc_matrices').where({ id }).update({ status });
      const view = (await admin.get(`/api/scorecard/matrices/${id}`)).body;
      expect(view.allowedActions, status).toEqual([]);
      expect(view.editable, status).toBe('none');
      const body = action === 'return' ? { comment: 'Исправить' } : {};
      expect((await admin.post(`/api/scorecard/matrices/${id}/${action}`, body)).status, action).toBe(403);
      expect((await knex('sc_matrices').where({ id }).first('status'))!.status).toBe(status);
    }
  });

  it('given a result over 100 %, then the bonus is the position maximum, never more', () => {
    expect(computeBonus({ result: 130, maxBonusSalaries: 1, workedDays: 21, plannedWorkingDays: 21 })).toMatchObject({
      bonusSalaries: 1,
      bonusToPay: 1,
    });
    expect(
      computeBonus({ result: 60, maxBonusSalaries: 1, workedDays: 21, plannedWorkingDays: 21 }).bonusSalaries,
    ).toBe(0.6);
  });
});
