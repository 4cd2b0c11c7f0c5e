import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

describe('org employees', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  let manager: ApiClient;
  const unitId = async (code: string) =>
    ((await okno.deps.db.knex('org_units').where({ code }).first('id')) as { id: number }).id;
  const employeeId = async (email: string) =>
    ((await okno.deps.db.knex('employees').where({ email }).first('id')) as { id: number }).id;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
    manager = await okno.signIn('manager@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given an admin, when listing employees, then a page with every demo employee and their groups and accounts', async () => {
    const res = await admin.get('/api/org/employees');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 7, page: 1, pageSize: 50 });
    const lebedeva = res.body.items.find((e: { email: string }) => e.email === 'specialist@okno.local');
    expect(lebedeva).toMatchObject({
      fullName: 'Лебедева Ольга Николаевна',
      unitName: 'Отдел учета',
      salary: 55000,
      maxBonusSalaries: 1.2,
      hiredOn: '2024-02-01',
      isActive: true,
      userId: expect.any(Number),
      groups: [{ id: expect.any(Number), code: 'housing-accounting' }],
    });
  });

  it('given the manager of «Жилищное управление», when listing, then only employees of it and its divisions', async () => {
    const res = await manager.get('/api/org/employees');
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { unitName: string }) => e.unitName).sort()).toEqual([
      'Жилищное управление',
      'Отдел учета',
    ]);
    expect(res.body.total).toBe(2);
  });

  it('given the manager, when opening an employee outside their department, then 404; inside, then 200', async () => {
    expect((await manager.get(`/api/org/employees/${await employeeId('operator@okno.local')}`)).status).toBe(404);
    const inside = await manager.get(`/api/org/employees/${await employeeId('specialist@okno.local')}`);
    expect(inside.status).toBe(200);
    expect(inside.body.fullName).toBe('Лебедева Ольга Николаевна');
  });

  it('given the manager, when filtering by a unit outside their scope, then nothing', async () => {
    const res = await manager.get(`/api/org/employees?unitId=${await unitId('mfc-central')}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ items: [], total: 0 });
  });

  it('given a unit filter, when includeSubunits is true, then employees of sub-units are included', async () => {
    const housing = await unitId('dep-housing');
    expect((await admin.get(`/api/org/employees?unitId=${housing}`)).body.total).toBe(1);
    expect((await admin.get(`/api/org/employees?unitId=${housing}&includeSubunits=true`)).body.total).toBe(2);
  });

  it('given empty filter parameters, then they mean "no filter"', async () => {
    const res = await admin.get('/api/org/employees?unitId=&includeSubunits=true&q=&active=&page=&pageSize=&sort=');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 7, page: 1, pageSize: 50 });
  });

  it('given search, sort and paging, then the list follows them', async () => {
    const found = await admin.get(`/api/org/employees?q=${encodeURIComponent('кузнец')}`);
    expect(found.body.items.map((e: { fullName: string }) => e.fullName)).toEqual(['Кузнецова Елена Игоревна']);
    const bySalary = await admin.get('/api/org/employees?sort=-salary&pageSize=2&page=1');
    expect(bySalary.body).toMatchObject({ total: 7, page: 1, pageSize: 2 });
    expect(bySalary.body.items.map((e: { salary: number }) => e.salary)).toEqual([110000, 95000]);
    const page4 = await admin.get('/api/org/employees?sort=-salary&pageSize=2&page=4');
    expect(page4.body.items).toHaveLength(1);
  });

  it('given bad query parameters, then 400 with the fields', async () => {
    const res = await admin.get('/api/org/employees?page=0&pageSize=500&sort=salaryy&active=maybe');
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'active',
      'page',
      'pageSize',
      'sort',
    ]);
  });

  it('given no session, then 401; given an operator, then 403', async () => {
    expect((await okno.anonymous().get('/api/org/employees')).status).toBe(401);
    expect((await (await okno.signIn('operator@okno.local')).get('/api/org/employees')).status).toBe(403);
    expect(
      (
        await manager.post('/api/org/employees', {
          fullName: 'Новый Сотрудник',
          position: 'Специалист',
          unitId: await unitId('dep-housing'),
        })
      ).status,
    ).toBe(403);
  });

  it('given an admin, when creating, updating and deleting an unreferenced employee, then it is gone and audited', async () => {
    const created = await admin.post('/api/org/employees', {
      personnelNumber: '2001',
      fullName: 'Новиков Сергей Олегович',
      position: 'Специалист отдела субсидий',
      unitId: await unitId('dep-housing-subsidies'),
      salary: 50000,
      maxBonusSalaries: 1,
      hiredOn: '2026-01-15',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      personnelNumber: '2001',
      unitName: 'Отдел субсидий',
      salary: 50000,
      userId: null,
      groups: [],
    });
    // The manager sees the new employee of their subtree at once.
    expect((await manager.get(`/api/org/employees/${created.body.id}`)).status).toBe(200);

    const patched = await admin.patch(`/api/org/employees/${created.body.id}`, { salary: 52000.5 });
    expect(patched.body.salary).toBe(52000.5);
    // An audit snapshot is free-form JSON.
    const update: any = await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'employee', entityId: String(created.body.id), action: 'update' })
      .first();
    expect(update.before.salary).toBe(50000);
    expect(update.after.salary).toBe(52000.5);

    const removed = await admin.delete(`/api/org/employees/${created.body.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.outcome).toBe('deleted');
    expect((await admin.get(`/api/org/employees/${created.body.id}`)).status).toBe(404);
  });

  it('given an employee with a user account, when deleting, then they are only deactivated', async () => {
    const id = await employeeId('operator2@okno.local');
    const res = await admin.delete(`/api/org/employees/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'deactivated', employee: { id, isActive: false } });
    expect((await admin.get(`/api/org/employees?active=false`)).body.items.map((e: { id: number }) => e.id)).toEqual([
      id,
    ]);
  });

  it('given an employee referenced by a record of another feature, when deleting, then they are deactivated, not deleted', async () => {
    const knex = okno.deps.db.knex;
    const created = await admin.post('/api/org/employees', {
      fullName: 'Ссылкин Петр',
      position: 'Специалист',
      unitId: await unitId('dep-it'),
    });
    await knex.schema.createTable('test_employee_refs', (t) =>
      t.integer('employee_id').references('id').inTable('employees'),
    );
    await knex('test_employee_refs').insert({ employeeId: created.body.id });
    const res = await admin.delete(`/api/org/employees/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'deactivated', employee: { isActive: false } });
    expect(
      await knex('audit_log').where({ entity: 'employee', entityId: String(created.body.id), action: 'deactivate' }),
    ).toHaveLength(1);
    await knex.schema.dropTable('test_employee_refs');
  });

  it('given invalid values, when creating, then 400 on salary, maxBonusSalaries and unitId', async () => {
    const res = await admin.post('/api/org/employees', {
      fullName: 'Тест Тестов',
      position: 'Специалист',
      unitId: 'x',
      salary: -1,
      maxBonusSalaries: 13,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'maxBonusSalaries',
      'salary',
      'unitId',
    ]);
    const noUnit = await admin.post('/api/org/employees', {
      fullName: 'Тест Тестов',
      position: 'Специалист',
      unitId: 999999,
    });
    expect(noUnit.status).toBe(400);
    expect(noUnit.body.error.details.fields[0].path).toBe('unitId');
  });

  it('given a used personnel number, when creating, then 409 on personnelNumber and nothing written', async () => {
    const before = await okno.deps.db.knex('employees').count({ n: '*' }).first();
    const res = await admin.post('/api/org/employees', {
      personnelNumber: '1001',
      fullName: 'Дубль Дублев',
      position: 'Специалист',
      unitId: await unitId('dep-it'),
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details.fields[0].path).toBe('personnelNumber');
    expect(await okno.deps.db.knex('employees').count({ n: '*' }).first()).toEqual(before);
  });
});
