import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

describe('org units', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  const unitId = async (code: string) =>
    ((await okno.deps.db.knex('org_units').where({ code }).first('id')) as { id: number }).id;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the demo city, when an operator lists units, then every unit comes with its employee count', async () => {
    const operator = await okno.signIn('operator@okno.local');
    const res = await operator.get('/api/org/units');
    expect(res.status).toBe(200);
    const housing = res.body.items.find((u: { code: string }) => u.code === 'dep-housing');
    expect(housing).toMatchObject({
      name: 'Жилищное управление',
      kind: 'department',
      parentId: null,
      isActive: true,
      employeeCount: 1,
    });
    const accounting = res.body.items.find((u: { code: string }) => u.code === 'dep-housing-accounting');
    expect(accounting).toMatchObject({ kind: 'division', parentId: housing.id, employeeCount: 1 });
    expect(Object.keys(housing).sort()).toEqual(
      ['address', 'code', 'employeeCount', 'id', 'isActive', 'kind', 'name', 'parentId', 'phone', 'shortName'].sort(),
    );
  });

  it('given no session, when listing units, then 401; given a citizen, then 403', async () => {
    expect((await okno.anonymous().get('/api/org/units')).status).toBe(401);
    const citizen = await okno.signIn('citizen@okno.local');
    expect((await citizen.get('/api/org/units')).status).toBe(403);
  });

  it('given an operator, when creating a unit, then 403', async () => {
    const operator = await okno.signIn('operator@okno.local');
    const res = await operator.post('/api/org/units', { code: 'x-unit', name: 'Отдел X', kind: 'department' });
    expect(res.status).toBe(403);
  });

  it('given an admin, when creating, renaming and deleting a division, then each step is answered and audited with before/after', async () => {
    const parentId = await unitId('dep-housing');
    const created = await admin.post('/api/org/units', {
      code: 'dep-housing-repair',
      name: 'Отдел капремонта',
      kind: 'division',
      parentId,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: 'dep-housing-repair',
      kind: 'division',
      parentId,
      employeeCount: 0,
      shortName: null,
    });

    const patched = await admin.patch(`/api/org/units/${created.body.id}`, {
      name: 'Отдел капитального ремонта',
      shortName: 'ОКР',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Отдел капитального ремонта', shortName: 'ОКР' });

    const audit = await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'org_unit', entityId: String(created.body.id) })
      .orderBy('id');
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[1].before).toMatchObject({ name: 'Отдел капремонта', shortName: null });
    expect(audit[1].after).toMatchObject({ name: 'Отдел капитального ремонта', shortName: 'ОКР' });

    expect((await admin.delete(`/api/org/units/${created.body.id}`)).status).toBe(204);
    expect(await okno.deps.db.knex('org_units').where({ code: 'dep-housing-repair' }).first()).toBeUndefined();
    const del = (await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'org_unit', entityId: String(created.body.id), action: 'delete' })
      .first())!;
    expect(del.before).toMatchObject({ code: 'dep-housing-repair' });
  });

  it('given a bad body, when creating a unit, then 400 with field details', async () => {
    const res = await admin.post('/api/org/units', { code: 'Bad Code!', name: '', kind: 'planet' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['code', 'kind', 'name']);
  });

  it('given an existing code, when creating a unit with it, then 409 on code', async () => {
    const res = await admin.post('/api/org/units', { code: 'dep-it', name: 'Дубль', kind: 'department' });
    expect(res.status).toBe(409);
    expect(res.body.error.details.fields[0].path).toBe('code');
  });

  it('given structure rules, when a division has no parent or sits under an office, then 400 on parentId', async () => {
    const noParent = await admin.post('/api/org/units', {
      code: 'lonely-div',
      name: 'Отдел без управления',
      kind: 'division',
    });
    expect(noParent.status).toBe(400);
    expect(noParent.body.error.details.fields[0].path).toBe('parentId');
    const underOffice = await admin.post('/api/org/units', {
      code: 'office-div',
      name: 'Отдел в МФЦ',
      kind: 'division',
      parentId: await unitId('mfc-central'),
    });
    expect(underOffice.status).toBe(400);
    expect(underOffice.body.error.details.fields[0]).toMatchObject({
      path: 'parentId',
      message: expect.stringMatching(/office/i),
    });
    const deptUnderDivision = await admin.post('/api/org/units', {
      code: 'dept-in-div',
      name: 'Департамент в отделе',
      kind: 'department',
      parentId: await unitId('dep-housing-accounting'),
    });
    expect(deptUnderDivision.status).toBe(400);
  });

  it('given a department, when it is moved under its own division, then 400 (no cycles) and nothing changes', async () => {
    const housing = await unitId('dep-housing');
    const res = await admin.patch(`/api/org/units/${housing}`, { parentId: await unitId('dep-housing-subsidies') });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].path).toBe('parentId');
    expect((await okno.deps.db.knex('org_units').where({ id: housing }).first('parentId'))!.parentId).toBeNull();
  });

  it('given a unit with sub-units, when it would become an office, then 400 on kind', async () => {
    const res = await admin.patch(`/api/org/units/${await unitId('dep-housing')}`, { kind: 'office' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].path).toBe('kind');
  });

  it('given a unit with children, when deleting it, then 409 with what still depends on it', async () => {
    const res = await admin.delete(`/api/org/units/${await unitId('dep-housing')}`);
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ children: 2, employees: 1, groups: 1 });
    expect(await okno.deps.db.knex('org_units').where({ code: 'dep-housing' }).first()).toBeTruthy();
  });

  it('given an office with windows, when deleting it, then 409', async () => {
    const res = await admin.delete(`/api/org/units/${await unitId('mfc-central')}`);
    expect(res.status).toBe(409);
    expect(res.body.error.details.windows).toBe(4);
  });

  it('given an unknown id, when patching, then 404; given a non-numeric id, then 400', async () => {
    expect((await admin.patch('/api/org/units/999999', { name: 'Нет такого' })).status).toBe(404);
    expect((await admin.patch('/api/org/units/abc', { name: 'Нет такого' })).status).toBe(400);
  });
});
