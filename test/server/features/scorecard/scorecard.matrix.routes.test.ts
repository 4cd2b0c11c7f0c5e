import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedScorecardDemo } from '../../../../server/features/scorecard/scorecard.seed.js';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, TEST_NOW, type TestOkno } from '../../../helpers/okno.js';

// The test Okno's clock starts at TEST_NOW (15 June 2026): this month is June, next month July.
const MONTH = TEST_NOW.slice(0, 7);
const NEXT_MONTH = '2026-07';

const rowOf = (m: any, pred: (r: any) => boolean) => m.rows.find(pred);
const fieldPaths = (res: any): string[] => res.body.error.details.fields.map((f: { path: string }) => f.path);

describe('scorecard matrices over HTTP', () => {
  let okno: TestOkno;
  let specialist: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let operator: ApiClient;
  let matrixId: number;
  let specialistEmployeeId: number;

  beforeAll(async () => {
    // The embedded engine runs the approval process (workflow actions are BPMN steps).
    okno = await startTestOkno();
    await seedScorecardDemo(okno.deps.db.knex, okno.clock.now(), okno.deps.config.TIME_ZONE);
    // Sequential: the embedded PGlite socket server mishandles concurrent connections (see the concurrency test).
    specialist = await okno.signIn('specialist@okno.local');
    manager = await okno.signIn('manager@okno.local');
    admin = await okno.signIn('admin@okno.local');
    operator = await okno.signIn('operator@okno.local');
    const mine = await specialist.get('/api/scorecard/matrices/mine');
    matrixId = mine.body.items[0].id;
    specialistEmployeeId = mine.body.items[0].employeeId;
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the demo seed run twice, then each demo employee still has exactly one matrix for the month', async () => {
    await seedScorecardDemo(okno.deps.db.knex, okno.clock.now(), okno.deps.config.TIME_ZONE);
    const rows = await okno.deps.db
      .knex('sc_matrices')
      .where({ month: `${MONTH}-01` })
      .count({ n: '*' })
      .groupBy('employeeId');
    expect(rows.every((r: any) => Number(r.n) === 1)).toBe(true);
    expect(rows.length).toBe(5);
  });

  it('given the specialist, when they open their matrix, then rows follow the real matrix (docs/domain.md §6): KPI 95 %, late cases capped at Tmax, discipline 92 %, result 49.1 %, bonus 0.6 salary', async () => {
    const mine = await specialist.get('/api/scorecard/matrices/mine');
    expect(mine.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    const m = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    expect(m).toMatchObject({
      month: MONTH,
      status: 'draft',
      sections: { kpi: 30, smart: 30, discipline: 30, evaluation: 10 },
      editable: 'own',
      allowedActions: ['confirm'],
    });
    expect(rowOf(m, (r) => r.indicatorCode === 'applications-processed')).toMatchObject({
      planValue: 40,
      factValue: 38,
      completion: 95,
      total: 9.5,
    });
    expect(rowOf(m, (r) => r.indicatorCode === 'cases-late')).toMatchObject({
      direction: 'lower',
      completion: 200,
      completionAdjusted: 120,
      total: 12,
    });
    expect(rowOf(m, (r) => r.kind === 'discipline')).toMatchObject({ factValue: 92, total: 27.6 });
    expect(m.result).toBeCloseTo(49.1, 6);
    expect(m.bonusToPay).toBe(0.6);
    expect(m.bonusAmount).toBe(33000);
  });

  it('given scope rules, then the specialist cannot see another matrix (404) nor the team list (403); the manager sees their subtree only', async () => {
    const managerMine = await manager.get('/api/scorecard/matrices/mine');
    expect((await specialist.get(`/api/scorecard/matrices/${managerMine.body.items[0].id}`)).status).toBe(404);
    expect((await specialist.get(`/api/scorecard/matrices/team?month=${MONTH}`)).status).toBe(403);
    const operatorMatrix = (await operator.get('/api/scorecard/matrices/mine')).body.items[0].id;
    expect((await manager.get(`/api/scorecard/matrices/${operatorMatrix}`)).status).toBe(404);
    const team = await manager.get(`/api/scorecard/matrices/team?month=${MONTH}`);
    expect(team.status).toBe(200);
    expect(team.body.items.map((i: any) => i.fullName)).toEqual(['Лебедева Ольга Николаевна']);
    const all = await admin.get(`/api/scorecard/matrices/team?month=${MONTH}&pageSize=2`);
    expect(all.body).toMatchObject({ total: 5, pageSize: 2 });
    expect(all.body.items).toHaveLength(2);
    expect((await manager.get('/api/scorecard/matrices/team?month=2026-13')).status).toBe(400);
  });

  it('given a team list, then its totals cover every matching matrix, not only the page: per status, average result and bonus sums', async () => {
    const every = (await admin.get(`/api/scorecard/matrices/team?month=${MONTH}&pageSize=200`)).body;
    const items = every.items as { status: string; result: number; bonusToPay: number }[];
    const paged = (await admin.get(`/api/scorecard/matrices/team?month=${MONTH}&pageSize=2`)).body;
    expect(paged.totals).toEqual(every.totals);
    expect(every.totals.matrices).toBe(items.length);
    expect(every.totals.byStatus.draft).toBe(items.filter((i) => i.status === 'draft').length);
    expect(every.totals.averageResult).toBeCloseTo(items.reduce((a, i) => a + i.result, 0) / items.length, 2);
    expect(every.totals.bonusToPaySalaries).toBeCloseTo(
      items.reduce((a, i) => a + i.bonusToPay, 0),
      6,
    );
    const specialistOnly = (await manager.get(`/api/scorecard/matrices/team?month=${MONTH}`)).body;
    expect(specialistOnly.totals).toMatchObject({
      matrices: 1,
      bonusToPaySalaries: specialistOnly.items[0].bonusToPay,
      bonusAmount: 33000,
    });
  });

  it('given a matrix for November 2025, then its planned working days follow the production calendar (19, with the worked Saturday of 1 November), and rows name their fact source', async () => {
    const created = await specialist.post('/api/scorecard/matrices', {
      employeeId: specialistEmployeeId,
      month: '2025-11',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ plannedWorkingDays: 19, workedDays: 19 });
    expect(created.body.rows.find((r: { kind: string }) => r.kind === 'discipline')?.source).toBe('manual');
    const rows = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body.rows as {
      kind: string;
      indicatorCode: string | null;
      source: string | null;
    }[];
    expect(rows.find((r) => r.kind === 'evaluation')?.source).toBeNull();
    const sources = new Map(
      ((await admin.get('/api/scorecard/indicators')).body.items as { code: string; source: string }[]).map((i) => [
        i.code,
        i.source,
      ]),
    );
    const measured = rows.filter((r) => r.indicatorCode !== null);
    expect(measured.length).toBeGreaterThan(1);
    for (const r of measured) expect(r.source).toBe(sources.get(r.indicatorCode!));
  });

  it('given the specialist, when they report the SMART date task met on time, then it scores 100 % and the result rises by 30', async () => {
    const m = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    const task = rowOf(m, (r) => r.kind === 'smart_constant');
    const res = await specialist.put(`/api/scorecard/matrices/${matrixId}/facts`, {
      facts: [{ rowId: task.id, factDate: task.planDate }],
    });
    expect(res.status).toBe(200);
    expect(rowOf(res.body, (r) => r.id === task.id)).toMatchObject({ completion: 100, total: 30 });
    expect(res.body.result).toBeCloseTo(79.1, 6);
  });

  it('given a date task met one day late, then it scores 0', async () => {
    const m = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    const task = rowOf(m, (r) => r.kind === 'smart_constant');
    const late = new Date(Date.parse(task.planDate) + 86_400_000).toISOString().slice(0, 10);
    const res = await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${task.id}`, { factDate: late });
    expect(rowOf(res.body, (r) => r.id === task.id)).toMatchObject({ completion: 0, total: 0 });
    await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${task.id}`, { factDate: task.planDate });
  });

  it('given bad input, then 400 with the fields named and nothing changed', async () => {
    const before = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    const kpi = rowOf(before, (r) => r.indicatorCode === 'applications-processed');
    const a = await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${kpi.id}`, { planDate: '2026-01-01' });
    expect(a.status).toBe(400);
    expect(fieldPaths(a)).toContain('planDate');
    expect(
      fieldPaths(await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${kpi.id}`, { t0: 130 })),
    ).toEqual(['t0']);
    const b = await specialist.put(`/api/scorecard/matrices/${matrixId}/facts`, {
      facts: [
        { rowId: kpi.id, factValue: 41 },
        { rowId: 999999, factValue: 1 },
      ],
    });
    expect(b.status).toBe(400);
    expect(fieldPaths(b)).toEqual(['facts.1.rowId']);
    const c = await specialist.post(`/api/scorecard/matrices/${matrixId}/rows`, {
      kind: 'smart_variable',
      title: '',
      unit: 'kg',
    });
    expect(c.status).toBe(400);
    expect(fieldPaths(c).sort()).toEqual(['title', 'unit']);
    const after = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    expect(after.result).toBe(before.result);
  });

  it('given a KPI fed by the import source, when the operator types its fact, then 400: it comes from the import', async () => {
    const id = (await operator.get('/api/scorecard/matrices/mine')).body.items[0].id;
    const m = (await operator.get(`/api/scorecard/matrices/${id}`)).body;
    const visits = rowOf(m, (r) => r.indicatorCode === 'visits-served');
    expect(visits.factValue).toBe(341);
    const res = await operator.put(`/api/scorecard/matrices/${id}/facts`, {
      facts: [{ rowId: visits.id, factValue: 400 }],
    });
    expect(res.status).toBe(400);
    expect(fieldPaths(res)).toEqual(['facts.0.factValue']);
    expect((await operator.patch(`/api/scorecard/matrices/${id}/rows/${visits.id}`, { factValue: 400 })).status).toBe(
      400,
    );
  });

  it('given the specialist, when they try to fill the manager evaluation or worked days, then 403', async () => {
    const m = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    const evaluation = rowOf(m, (r) => r.kind === 'evaluation');
    expect(
      (
        await specialist.put(`/api/scorecard/matrices/${matrixId}/facts`, {
          facts: [{ rowId: evaluation.id, factValue: 100 }],
        })
      ).status,
    ).toBe(403);
    expect((await specialist.patch(`/api/scorecard/matrices/${matrixId}`, { workedDays: 10 })).status).toBe(403);
  });

  it('given the manager, when they cascade a variable SMART task of their matrix, then it becomes a KPI of the specialist; an employee outside their units is refused', async () => {
    const own = (await manager.get('/api/scorecard/matrices/mine')).body.items[0].id;
    const added = await manager.post(`/api/scorecard/matrices/${own}/rows`, {
      kind: 'smart_variable',
      title: 'Провести выездную проверку очередников',
      unit: 'count',
      planValue: 5,
    });
    expect(added.status).toBe(201);
    const task = rowOf(added.body, (r) => r.kind === 'smart_variable');
    const res = await manager.post(`/api/scorecard/matrices/${own}/rows/${task.id}/cascade`, {
      employeeIds: [specialistEmployeeId],
    });
    expect(res.status).toBe(200);
    const m = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    expect(rowOf(m, (r) => r.cascadedFromRowId === task.id)).toMatchObject({
      section: 'kpi',
      title: 'Провести выездную проверку очередников',
      planValue: 5,
    });
    expect(m.rows.filter((r: any) => r.section === 'kpi').map((r: any) => r.effectiveWeight)).toEqual([
      7.5, 7.5, 7.5, 7.5,
    ]);
    const outsider = (await admin.get(`/api/scorecard/matrices/team?month=${MONTH}&q=Смирнов`)).body.items[0]
      .employeeId;
    const refused = await manager.post(`/api/scorecard/matrices/${own}/rows/${task.id}/cascade`, {
      employeeIds: [outsider],
    });
    expect(refused.status).toBe(400);
    expect(fieldPaths(refused)).toEqual(['employeeIds.0']);
  });

  it('given a fact of one indicator changes, then only the matrix holding it is recomputed', async () => {
    const knex = okno.deps.db.knex;
    const before = await knex('sc_matrices').select('id', 'computedAt');
    const res = await manager.post('/api/scorecard/facts', {
      facts: [{ employeeId: specialistEmployeeId, indicatorCode: 'applications-processed', month: MONTH, value: 44 }],
    });
    expect(res.body).toEqual({ written: 1, recomputed: 1, dryRun: false });
    const after = new Map(
      (await knex('sc_matrices').select('id', 'computedAt')).map((r: any) => [r.id, r.computedAt.getTime()]),
    );
    const changed = before.filter((b: any) => after.get(b.id) !== b.computedAt.getTime()).map((b: any) => b.id);
    expect(changed).toEqual([matrixId]);
    const m = (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body;
    expect(rowOf(m, (r) => r.indicatorCode === 'applications-processed')).toMatchObject({
      factValue: 44,
      completion: 110,
    });
  });

  it('given facts for an unknown indicator or an employee outside the manager units, then 400 per field and nothing stored', async () => {
    const outsider = (await admin.get(`/api/scorecard/matrices/team?month=${MONTH}&q=Смирнов`)).body.items[0]
      .employeeId;
    const res = await manager.post('/api/scorecard/facts', {
      facts: [
        { employeeId: specialistEmployeeId, indicatorCode: 'applications-processed', month: MONTH, value: 1 },
        { employeeId: outsider, indicatorCode: 'applications-processed', month: MONTH, value: 1 },
        { employeeId: specialistEmployeeId, indicatorCode: 'no-such', month: MONTH, value: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect(fieldPaths(res).sort()).toEqual(['facts.1.employeeId', 'facts.2.indicatorCode']);
    const twice = await manager.post('/api/scorecard/facts', {
      facts: [0, 1].map((v) => ({
        employeeId: specialistEmployeeId,
        indicatorCode: 'applications-processed',
        month: MONTH,
        value: v,
      })),
    });
    expect(twice.status).toBe(400);
    expect(fieldPaths(twice)).toEqual(['facts.1']);
    const stored = await okno.deps.db
      .knex('sc_facts as f')
      .join('sc_indicators as i', 'i.id', 'f.indicatorId')
      .where({ 'f.employeeId': specialistEmployeeId, 'i.code': 'applications-processed' })
      .first('f.value');
    expect(stored.value).toBe(44);
  });

  it('given the workflow, then only the employee confirms, the manager agrees, the head approves and locks, with who and when; writes after confirmation are limited and after agreement refused (409)', async () => {
    expect((await manager.post(`/api/scorecard/matrices/${matrixId}/confirm`, {})).status).toBe(403);
    expect((await manager.post(`/api/scorecard/matrices/${matrixId}/approve`, {})).status).toBe(409);
    const confirmed = await specialist.post(`/api/scorecard/matrices/${matrixId}/confirm`, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');
    expect(confirmed.body.workflow.confirmed.by.fullName).toBe('Лебедева Ольга Николаевна');
    const kpi = rowOf(confirmed.body, (r) => r.indicatorCode === 'applications-processed');
    expect((await specialist.patch(`/api/scorecard/matrices/${matrixId}/rows/${kpi.id}`, { note: 'x' })).status).toBe(
      409,
    );
    expect((await manager.patch(`/api/scorecard/matrices/${matrixId}/rows/${kpi.id}`, { planValue: 10 })).status).toBe(
      409,
    );
    const evaluation = rowOf(confirmed.body, (r) => r.kind === 'evaluation');
    const evaluated = await manager.put(`/api/scorecard/matrices/${matrixId}/facts`, {
      facts: [{ rowId: evaluation.id, factValue: 100 }],
    });
    expect(evaluated.status).toBe(200);
    expect(rowOf(evaluated.body, (r) => r.kind === 'evaluation').total).toBe(10);
    expect(evaluated.body.allowedActions).toEqual(['agree', 'return']);

    expect((await specialist.post(`/api/scorecard/matrices/${matrixId}/agree`, {})).status).toBe(403);
    expect((await manager.post(`/api/scorecard/matrices/${matrixId}/agree`, {})).body.status).toBe('agreed');
    expect(
      (
        await manager.put(`/api/scorecard/matrices/${matrixId}/facts`, {
          facts: [{ rowId: evaluation.id, factValue: 90 }],
        })
      ).status,
    ).toBe(409);
    const blocked = await manager.post('/api/scorecard/facts', {
      facts: [{ employeeId: specialistEmployeeId, indicatorCode: 'applications-processed', month: MONTH, value: 1 }],
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.details.matrices[0]).toMatchObject({ matrixId, status: 'agreed' });
    const kept = await okno.deps.db
      .knex('sc_facts as f')
      .join('sc_indicators as i', 'i.id', 'f.indicatorId')
      .where({ 'f.employeeId': specialistEmployeeId, 'i.code': 'applications-processed' })
      .first('f.value');
    expect(kept.value).toBe(44);

    const approved = await manager.post(`/api/scorecard/matrices/${matrixId}/approve`, { comment: 'Утверждаю' });
    expect(approved.body.status).toBe('approved');
    const locked = await manager.post(`/api/scorecard/matrices/${matrixId}/lock`, {});
    expect(locked.body).toMatchObject({ status: 'locked', allowedActions: [], editable: 'none' });
    expect(locked.body.workflow.locked.by.fullName).toBe('Орлов Игорь Владимирович');
    expect(locked.body.history.map((h: any) => h.action)).toEqual(['confirm', 'agree', 'approve', 'lock']);
    expect((await admin.post(`/api/scorecard/matrices/${matrixId}/return`, { comment: 'reopen' })).status).toBe(409);
    expect((await admin.patch(`/api/scorecard/matrices/${matrixId}`, { workedDays: 1 })).status).toBe(409);
    expect((await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body.result).toBe(locked.body.result);
    const audited = await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'sc_matrix', entityId: String(matrixId), action: 'scorecard.matrix.lock' })
      .first();
    expect(audited).toBeTruthy();
  });

  it('given a return, then a comment is required and the matrix goes back to draft with signatures cleared', async () => {
    const own = (await manager.get('/api/scorecard/matrices/mine')).body.items[0].id;
    // The manager's own matrix is agreed and approved by an admin (no one above them in the demo).
    const m = (await manager.get(`/api/scorecard/matrices/${own}`)).body;
    for (const r of m.rows.filter((x: any) => x.planValue === null && x.unit !== 'date'))
      await manager.patch(`/api/scorecard/matrices/${own}/rows/${r.id}`, { planValue: 1 });
    expect((await manager.post(`/api/scorecard/matrices/${own}/confirm`, {})).status).toBe(200);
    expect((await manager.post(`/api/scorecard/matrices/${own}/agree`, {})).status).toBe(403);
    expect((await admin.post(`/api/scorecard/matrices/${own}/return`, {})).status).toBe(400);
    const back = await admin.post(`/api/scorecard/matrices/${own}/return`, { comment: 'Уточните план' });
    expect(back.body).toMatchObject({ status: 'draft', workflow: { confirmed: null } });
    expect(back.body.history.at(-1)).toMatchObject({ action: 'return', comment: 'Уточните план' });
  });

  it('given weights that do not add up, when confirming, then 400 names the section', async () => {
    const own = (await manager.get('/api/scorecard/matrices/mine')).body.items[0].id;
    const m = (await manager.get(`/api/scorecard/matrices/${own}`)).body;
    const smart = rowOf(m, (r) => r.section === 'smart');
    await manager.patch(`/api/scorecard/matrices/${own}/rows/${smart.id}`, { weight: 40 });
    const res = await manager.post(`/api/scorecard/matrices/${own}/confirm`, {});
    expect(res.status).toBe(400);
    expect(fieldPaths(res)).toContain('sections.smart');
    await manager.patch(`/api/scorecard/matrices/${own}/rows/${smart.id}`, { weight: null });
  });

  it('given indicators, then an unknown source is refused, managers cannot define them, and providers are listed', async () => {
    expect((await admin.get('/api/scorecard/providers')).body.items).toEqual(['manual', 'import']);
    const bad = await admin.post('/api/scorecard/indicators', {
      code: 'steps-done',
      name: 'Шаги',
      unit: 'count',
      source: 'process-steps',
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad)).toEqual(['source']);
    expect((await manager.post('/api/scorecard/indicators', { code: 'x', name: 'x', unit: 'count' })).status).toBe(403);
    const ok = await admin.post('/api/scorecard/indicators', { code: 'steps-done', name: 'Шаги', unit: 'count' });
    expect(ok.status).toBe(201);
    expect(
      (await admin.post('/api/scorecard/indicators', { code: 'steps-done', name: 'Шаги', unit: 'count' })).status,
    ).toBe(409);
    const badTerm = await admin.post(`/api/scorecard/indicators/${ok.body.id}/terms`, {
      validFrom: NEXT_MONTH,
      t0: 90,
      tmax: 80,
    });
    expect(fieldPaths(badTerm)).toEqual(['t0']);
  });

  it('given an existing matrix, when creating it again, then 409 with its id; a specialist creates their own next month', async () => {
    const dup = await specialist.post('/api/scorecard/matrices', { employeeId: specialistEmployeeId, month: MONTH });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details.matrixId).toBe(matrixId);
    const other = (await admin.get(`/api/scorecard/matrices/team?month=${MONTH}&q=Смирнов`)).body.items[0].employeeId;
    expect((await specialist.post('/api/scorecard/matrices', { employeeId: other, month: MONTH })).status).toBe(404);
  });

  it('given new rules and indicator terms from next month, then next month uses them and this month keeps its own', async () => {
    const indicator = (await admin.get('/api/scorecard/indicators')).body.items.find(
      (i: any) => i.code === 'applications-processed',
    );
    const term = await admin.post(`/api/scorecard/indicators/${indicator.id}/terms`, {
      validFrom: NEXT_MONTH,
      t0: 70,
      tmax: 100,
    });
    expect(term.body.terms).toEqual([{ validFrom: NEXT_MONTH, t0: 70, tmax: 100 }]);
    const rule = await admin.post('/api/scorecard/rules', {
      validFrom: NEXT_MONTH,
      kpiWeight: 40,
      smartWeight: 20,
      disciplineWeight: 30,
      evaluationWeight: 10,
      t0: 60,
      tmax: 110,
    });
    expect(rule.status).toBe(201);
    const bad = await admin.post('/api/scorecard/rules', {
      validFrom: NEXT_MONTH,
      position: 'X',
      kpiWeight: 40,
      smartWeight: 40,
      disciplineWeight: 30,
      evaluationWeight: 10,
      t0: 60,
      tmax: 110,
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad)).toEqual(['kpiWeight']);
    const rules = (await specialist.get('/api/scorecard/rules')).body.items;
    expect(rules.map((r: any) => [r.position, r.validFrom, r.kpiWeight])).toEqual([
      [null, '2000-01', 30],
      [null, NEXT_MONTH, 40],
    ]);
    expect(
      (
        await admin.post('/api/scorecard/rules', {
          validFrom: NEXT_MONTH,
          kpiWeight: 40,
          smartWeight: 20,
          disciplineWeight: 30,
          evaluationWeight: 10,
          t0: 60,
          tmax: 110,
        })
      ).status,
    ).toBe(409);
    const gen = await manager.post('/api/scorecard/matrices/generate', { month: NEXT_MONTH });
    expect(gen.body).toEqual({ created: 1, existing: 0 });
    const nextId = (await manager.get(`/api/scorecard/matrices/team?month=${NEXT_MONTH}&q=Лебедева`)).body.items[0].id;
    const nextMatrix = (await specialist.get(`/api/scorecard/matrices/${nextId}`)).body;
    expect(nextMatrix.sections).toEqual({ kpi: 40, smart: 20, discipline: 30, evaluation: 10 });
    expect(rowOf(nextMatrix, (r) => r.kind === 'evaluation')).toMatchObject({ t0: 60, tmax: 110 });
    expect(rowOf(nextMatrix, (r) => r.indicatorCode === 'applications-processed')).toMatchObject({ t0: 70, tmax: 100 });
    expect(
      rowOf(
        (await specialist.get(`/api/scorecard/matrices/${matrixId}`)).body,
        (r) => r.indicatorCode === 'applications-processed',
      ),
    ).toMatchObject({ t0: 50, tmax: 120 });
    const ownThisMonth = (await manager.get('/api/scorecard/matrices/mine')).body.items.find(
      (i: any) => i.month === MONTH,
    ).id;
    expect((await manager.get(`/api/scorecard/matrices/${ownThisMonth}`)).body.sections).toEqual({
      kpi: 30,
      smart: 30,
      discipline: 30,
      evaluation: 10,
    });
  });

  it('given a partial month, when the manager sets 15 of 20 worked days, then the bonus to pay is scaled and rounded to 0.1', async () => {
    const nextId = (await manager.get(`/api/scorecard/matrices/team?month=${NEXT_MONTH}&q=Лебедева`)).body.items[0].id;
    const res = await manager.patch(`/api/scorecard/matrices/${nextId}`, { workedDays: 15, plannedWorkingDays: 20 });
    expect(res.body.workedTimeCoefficient).toBe(0.75);
    expect(res.body.bonusToPay).toBe(Math.round(res.body.bonusSalaries * 0.75 * 10 + 1e-9) / 10);
    expect((await manager.patch(`/api/scorecard/matrices/${nextId}`, { workedDays: 40 })).status).toBe(400);
  });

  it('given a matrix, when exported, then the XLSX is laid out like the paper form with signature lines', async () => {
    const res = await specialist.get(`/api/scorecard/matrices/${matrixId}/export.xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    const texts: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
    expect(texts[0]).toMatch(/^ОТЧЕТНАЯ МАТРИЦА за/);
    expect(texts).toContain('Сотрудник: Лебедева Ольга Николаевна (таб. № 1005)');
    expect(texts.some((t) => t.startsWith('Утверждено'))).toBe(true);
    expect(texts).toContain('Орлов Игорь Владимирович');
    expect(texts).toContain('ИТОГО результат матрицы, %');
  });

  it('given a personnel number in Cyrillic with a quote, when the matrix is exported, then the file name is encoded (RFC 5987) and the download works', async () => {
    const before = await admin.get(`/api/org/employees/${specialistEmployeeId}`);
    expect(
      (await admin.patch(`/api/org/employees/${specialistEmployeeId}`, { personnelNumber: 'Т-1005"' })).status,
    ).toBe(200);
    try {
      const res = await specialist.get(`/api/scorecard/matrices/${matrixId}/export.xlsx`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''matrix-%D0%A2-1005%22-`);
    } finally {
      await admin.patch(`/api/org/employees/${specialistEmployeeId}`, { personnelNumber: before.body.personnelNumber });
    }
  });

  it('given an annual plan, when the employee adds a task with a bad monthly breakdown, then 400 on that month; a valid one shows up in the plan', async () => {
    const year = Number(MONTH.slice(0, 4));
    const bad = await specialist.post('/api/scorecard/plans', {
      employeeId: specialistEmployeeId,
      year,
      kind: 'smart_constant',
      title: 'Отчет',
      unit: 'date',
      monthly: [...Array(11).fill(null), 5],
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad)).toEqual(['monthly.11']);
    const ok = await specialist.post('/api/scorecard/plans', {
      employeeId: specialistEmployeeId,
      year,
      kind: 'kpi',
      title: 'Консультации',
      unit: 'count',
      annualTarget: 120,
      monthly: Array(12).fill(10),
    });
    expect(ok.status).toBe(201);
    const plan = await specialist.get(`/api/scorecard/plans?employeeId=${specialistEmployeeId}&year=${year}`);
    expect(plan.body.items.map((i: any) => i.title)).toContain('Консультации');
    const other = (await admin.get(`/api/scorecard/matrices/team?month=${MONTH}&q=Смирнов`)).body.items[0].employeeId;
    expect((await specialist.get(`/api/scorecard/plans?employeeId=${other}&year=${year}`)).status).toBe(404);
  });

  it('given the manager cascades their constant SMART task, then each employee gets it as a KPI plan item', async () => {
    const year = Number(MONTH.slice(0, 4));
    const managerEmployee = (await manager.get('/api/auth/me')).body.user.employeeId;
    const items = (await manager.get(`/api/scorecard/plans?employeeId=${managerEmployee}&year=${year}`)).body.items;
    const task = items.find((i: any) => i.kind === 'smart_constant');
    const res = await manager.post(`/api/scorecard/plans/${task.id}/cascade`, { employeeIds: [specialistEmployeeId] });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ employeeId: specialistEmployeeId, kind: 'kpi', cascadedFromId: task.id });
  });

  it('given an XLSX of facts, when imported, then facts are stored with source import; a bad row is reported by its row number', async () => {
    const nextId = (await manager.get(`/api/scorecard/matrices/team?month=${NEXT_MONTH}&q=Лебедева`)).body.items[0].id;
    const file = async (rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('facts');
      ws.addRow(['employeeId', 'indicator', 'month', 'value']);
      for (const r of rows) ws.addRow(r);
      const form = new FormData();
      form.append('file', new Blob([await wb.xlsx.writeBuffer()]), 'facts.xlsx');
      return form;
    };
    const bad = await manager.upload(
      '/api/scorecard/facts/import',
      await file([
        [specialistEmployeeId, 'applications-processed', NEXT_MONTH, 30],
        [specialistEmployeeId, 'nope', NEXT_MONTH, 1],
      ]),
    );
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad)).toEqual(['rows.3.indicatorCode']);
    // A dry run reports the same row errors, and for a good file what would change, writing nothing.
    const badDry = await manager.upload(
      '/api/scorecard/facts/import?dryRun=true',
      await file([[specialistEmployeeId, 'nope', NEXT_MONTH, 1]]),
    );
    expect(fieldPaths(badDry)).toEqual(['rows.2.indicatorCode']);
    const dry = await manager.upload(
      '/api/scorecard/facts/import?dryRun=true',
      await file([[specialistEmployeeId, 'applications-processed', NEXT_MONTH, 30]]),
    );
    expect(dry.body).toEqual({ written: 1, recomputed: 1, dryRun: true });
    expect(
      rowOf(
        (await specialist.get(`/api/scorecard/matrices/${nextId}`)).body,
        (r) => r.indicatorCode === 'applications-processed',
      ).factValue,
    ).not.toBe(30);
    const ok = await manager.upload(
      '/api/scorecard/facts/import',
      await file([[specialistEmployeeId, 'applications-processed', NEXT_MONTH, 30]]),
    );
    expect(ok.body).toEqual({ written: 1, recomputed: 1, dryRun: false });
    const m = (await specialist.get(`/api/scorecard/matrices/${nextId}`)).body;
    expect(rowOf(m, (r) => r.indicatorCode === 'applications-processed')).toMatchObject({
      factValue: 30,
      completion: 75,
    });
  });

  // Real PostgreSQL only: over pglite-socket 0.2.x, concurrent transactions from several connections hang or
  // garble the protocol ("portal does not exist"); 12 parallel PATCH /api/auth/me reproduce it outside the scorecard.
  it('given concurrent fact imports and row edits on one matrix, then the stored result equals the sum of its stored rows', async () => {
    const nextId = (await manager.get(`/api/scorecard/matrices/team?month=${NEXT_MONTH}&q=Лебедева`)).body.items[0].id;
    const m = (await manager.get(`/api/scorecard/matrices/${nextId}`)).body;
    const evaluation = rowOf(m, (r) => r.kind === 'evaluation');
    const smart =
      rowOf(m, (r) => r.section === 'smart' && r.unit === 'count') ?? rowOf(m, (r) => r.section === 'smart');
    const writes = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? manager.post('/api/scorecard/facts', {
            facts: [
              {
                employeeId: specialistEmployeeId,
                indicatorCode: 'applications-processed',
                month: NEXT_MONTH,
                value: 20 + i,
              },
            ],
          })
        : i % 3 === 1
          ? manager.put(`/api/scorecard/matrices/${nextId}/facts`, {
              facts: [{ rowId: evaluation.id, factValue: 60 + i }],
            })
          : manager.patch(`/api/scorecard/matrices/${nextId}/rows/${smart.id}`, { note: `edit ${i}` }),
    );
    const statuses = (await Promise.all(writes)).map((r) => r.status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const after = (await manager.get(`/api/scorecard/matrices/${nextId}`)).body;
    const sum = after.rows.reduce((acc: number, r: any) => acc + r.total, 0);
    expect(after.result).toBeCloseTo(sum, 4);
    const kpi = rowOf(after, (r) => r.indicatorCode === 'applications-processed');
    expect(kpi.completion).toBeCloseTo((kpi.factValue / kpi.planValue) * 100, 4);
    const evaluationAfter = rowOf(after, (r) => r.kind === 'evaluation');
    expect(evaluationAfter.completion).toBeCloseTo(evaluationAfter.factValue, 4);
  });
});
