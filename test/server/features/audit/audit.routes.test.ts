import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

describe('audit log', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  let adminId: number;
  let unitId: number;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
    adminId = (await okno.deps.db.knex('users').where({ email: 'admin@okno.local' }).first('id'))!.id;
    const created = await admin.post('/api/org/units', {
      code: 'dep-sport',
      name: 'Управление спорта',
      kind: 'department',
    });
    unitId = created.body.id;
    await admin.patch(`/api/org/units/${unitId}`, { name: 'Управление физкультуры и спорта' });
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given writes by an admin, when filtering by entity and id, then newest first with actor, before and after', async () => {
    const res = await admin.get(`/api/audit?entity=org_unit&entityId=${unitId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, page: 1, pageSize: 50 });
    const [update, create] = res.body.items;
    expect(update).toMatchObject({
      action: 'update',
      entity: 'org_unit',
      entityId: String(unitId),
      actorUserId: adminId,
      actorName: 'Соколова Анна Викторовна',
      before: { name: 'Управление спорта' },
      after: { name: 'Управление физкультуры и спорта' },
      requestId: expect.any(String),
    });
    expect(create).toMatchObject({ action: 'create', before: null, after: { code: 'dep-sport' } });
    expect(new Date(update.at).getTime()).toBeGreaterThanOrEqual(new Date(create.at).getTime());
  });

  it('given filters by actor, action and time, then only matching entries', async () => {
    const logins = await admin.get(`/api/audit?actorUserId=${adminId}&action=login&pageSize=1`);
    expect(logins.body.items).toHaveLength(1);
    expect(logins.body.total).toBeGreaterThanOrEqual(1);
    expect(logins.body.items[0]).toMatchObject({ action: 'login', actorUserId: adminId });
    const future = await admin.get('/api/audit?from=2999-01-01');
    expect(future.body).toMatchObject({ items: [], total: 0 });
    const window = await admin.get('/api/audit?entity=org_unit&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z');
    expect(window.body.total).toBe(2);
    const before = await admin.get('/api/audit?entity=org_unit&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z');
    expect(before.body.total).toBe(0);
  });

  it('given a text search and oldest-first sort, then matching entries in that order', async () => {
    const res = await admin.get(`/api/audit?q=${encodeURIComponent('соколова')}&entity=org_unit&sort=at`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['create', 'update']);
    expect((await admin.get('/api/audit?sort=actor')).status).toBe(400);
  });

  it('given bad query parameters, then 400 with the fields', async () => {
    const res = await admin.get('/api/audit?from=yesterday&actorUserId=me&page=-1');
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'actorUserId',
      'from',
      'page',
    ]);
  });

  it('given no session, then 401; given a manager, then 403', async () => {
    expect((await okno.anonymous().get('/api/audit')).status).toBe(401);
    expect((await (await okno.signIn('manager@okno.local')).get('/api/audit')).status).toBe(403);
  });

  it('given a write that fails validation, then nothing is audited', async () => {
    const before = (await admin.get('/api/audit?entity=org_unit')).body.total;
    expect((await admin.post('/api/org/units', { code: 'dep-sport', name: 'Дубль', kind: 'department' })).status).toBe(
      409,
    );
    expect((await admin.get('/api/audit?entity=org_unit')).body.total).toBe(before);
  });
});
