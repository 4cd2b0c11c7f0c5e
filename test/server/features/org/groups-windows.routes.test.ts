import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

describe('staff groups and windows', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  let operator: ApiClient;
  const unitId = async (code: string) =>
    ((await okno.deps.db.knex('org_units').where({ code }).first('id')) as { id: number }).id;
  const employeeId = async (email: string) =>
    ((await okno.deps.db.knex('employees').where({ email }).first('id')) as { id: number }).id;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
    operator = await okno.signIn('operator@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  describe('groups', () => {
    it('given staff, when listing groups, then codes with member counts, sorted and searchable', async () => {
      const res = await operator.get('/api/org/groups?sort=-memberCount');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 6, page: 1, pageSize: 50 });
      expect(res.body.items[0]).toMatchObject({
        code: 'mfc-operators',
        name: 'Операторы МФЦ',
        memberCount: 2,
        unitId: await unitId('mfc-central'),
        description: null,
      });
      const found = await operator.get('/api/org/groups?q=HOUSING&sort=code');
      expect(found.body.items.map((g: { code: string }) => g.code)).toEqual([
        'housing-accounting',
        'housing-managers',
        'housing-subsidies',
      ]);
    });

    it('given a bad sort, then 400 on sort; given a citizen, then 403', async () => {
      const res = await admin.get('/api/org/groups?sort=secret');
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].path).toBe('sort');
      expect((await (await okno.signIn('citizen@okno.local')).get('/api/org/groups')).status).toBe(403);
    });

    it('given an admin, when creating a group with members and replacing them, then the members follow and the change is audited', async () => {
      const created = await admin.post('/api/org/groups', {
        code: 'housing-archive',
        name: 'Архив жилищного управления',
        unitId: await unitId('dep-housing'),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code: 'housing-archive', memberCount: 0 });
      const a = await employeeId('specialist@okno.local');
      const b = await employeeId('manager@okno.local');
      const put = await admin.put(`/api/org/groups/${created.body.id}/members`, { employeeIds: [a, b, a] });
      expect(put.status).toBe(200);
      expect(put.body.items.map((m: { id: number }) => m.id).sort()).toEqual([a, b].sort());
      const replaced = await admin.put(`/api/org/groups/${created.body.id}/members`, { employeeIds: [b] });
      expect(replaced.body.items).toEqual([
        expect.objectContaining({ id: b, fullName: 'Орлов Игорь Владимирович', unitName: 'Жилищное управление' }),
      ]);
      const members = await operator.get(`/api/org/groups/${created.body.id}/members`);
      expect(members.body.items.map((m: { id: number }) => m.id)).toEqual([b]);
      const entry: any = await okno.deps.db
        .knex('audit_log')
        .where({ entity: 'staff_group', entityId: String(created.body.id), action: 'set_members' })
        .orderBy('id', 'desc')
        .first();
      expect(entry.before.employeeIds.sort()).toEqual([a, b].sort());
      expect(entry.after.employeeIds).toEqual([b]);
      const emp = await admin.get(`/api/org/employees/${b}`);
      expect(emp.body.groups.map((g: { code: string }) => g.code)).toEqual(['housing-archive', 'housing-managers']);
    });

    it('given unknown employees, when replacing members, then 400 naming the item and nothing changes', async () => {
      const group = (await admin.get('/api/org/groups?q=mfc-operators')).body.items[0];
      const res = await admin.put(`/api/org/groups/${group.id}/members`, {
        employeeIds: [await employeeId('operator@okno.local'), 999999],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].path).toBe('employeeIds.1');
      expect((await admin.get(`/api/org/groups/${group.id}/members`)).body.items).toHaveLength(2);
    });

    it('given group rules, when the code is not a BPMN-friendly code or is taken, then 400 or 409 on code', async () => {
      const bad = await admin.post('/api/org/groups', { code: 'Операторы', name: 'Операторы' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.fields[0].path).toBe('code');
      const taken = await admin.post('/api/org/groups', { code: 'mfc-operators', name: 'Дубль' });
      expect(taken.status).toBe(409);
      expect(taken.body.error.details.fields[0].path).toBe('code');
    });

    it('given an admin, when renaming and deleting a group, then it answers 200 and 204; an operator gets 403', async () => {
      const created = await admin.post('/api/org/groups', { code: 'temp-group', name: 'Временная' });
      expect((await operator.patch(`/api/org/groups/${created.body.id}`, { name: 'Нет' })).status).toBe(403);
      const patched = await admin.patch(`/api/org/groups/${created.body.id}`, {
        name: 'Временная группа',
        description: 'Для теста',
      });
      expect(patched.body).toMatchObject({ name: 'Временная группа', description: 'Для теста' });
      expect((await admin.delete(`/api/org/groups/${created.body.id}`)).status).toBe(204);
      expect((await admin.get(`/api/org/groups/${created.body.id}`)).status).toBe(404);
    });
  });

  describe('windows', () => {
    it('given staff, when listing windows of an office, then numbers in order with the seated employee', async () => {
      const office = await unitId('mfc-central');
      const res = await operator.get(`/api/org/windows?officeId=${office}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(4);
      expect(res.body.items[0]).toEqual({
        id: expect.any(Number),
        officeId: office,
        officeName: 'МФЦ «Центральный»',
        number: '1',
        name: 'Окно 1',
        employeeId: await employeeId('operator@okno.local'),
        employeeName: 'Кузнецова Елена Игоревна',
        isActive: true,
      });
      expect(res.body.items.map((w: { number: string }) => w.number)).toEqual(['1', '2', '3', '4']);
    });

    it('given an admin, when adding window 10, then it sorts after 4, and renaming and deleting work', async () => {
      const office = await unitId('mfc-central');
      const created = await admin.post('/api/org/windows', { officeId: office, number: '10', name: 'Окно 10' });
      expect(created.status).toBe(201);
      const list = await admin.get(`/api/org/windows?officeId=${office}`);
      expect(list.body.items.map((w: { number: string }) => w.number)).toEqual(['1', '2', '3', '4', '10']);
      const seated = await admin.patch(`/api/org/windows/${created.body.id}`, {
        employeeId: await employeeId('operator2@okno.local'),
      });
      expect(seated.body.employeeName).toBe('Волков Павел Андреевич');
      expect((await admin.delete(`/api/org/windows/${created.body.id}`)).status).toBe(204);
      const audit: any[] = await okno.deps.db
        .knex('audit_log')
        .where({ entity: 'window', entityId: String(created.body.id) })
        .orderBy('id');
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
      expect(audit[1].before.employeeId).toBeNull();
    });

    it('given a window number already used in the office, then 409 with field details', async () => {
      const res = await admin.post('/api/org/windows', { officeId: await unitId('mfc-central'), number: '2' });
      expect(res.status).toBe(409);
      expect(res.body.error.details.fields[0].path).toBe('number');
    });

    it('given a unit that is not an office, when adding a window to it, then 400 on officeId', async () => {
      const res = await admin.post('/api/org/windows', { officeId: await unitId('dep-it'), number: '1' });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].path).toBe('officeId');
    });

    it('given no session, then 401; given an operator writing, then 403', async () => {
      expect((await okno.anonymous().get('/api/org/windows')).status).toBe(401);
      expect((await operator.post('/api/org/windows', { officeId: 1, number: '9' })).status).toBe(403);
    });
  });
});
