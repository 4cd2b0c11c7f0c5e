import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

describe('users administration', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  const userId = async (email: string) =>
    ((await okno.deps.db.knex('users').where({ email }).first('id')) as { id: number }).id;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given an admin, when listing users, then public fields with the employee name and no password hash', async () => {
    const res = await admin.get('/api/users?sort=fullName');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 8, page: 1, pageSize: 50 });
    const manager = res.body.items.find((u: { email: string }) => u.email === 'manager@okno.local');
    expect(manager).toMatchObject({
      fullName: 'Орлов Игорь Владимирович',
      roles: ['manager', 'specialist'],
      employeeName: 'Орлов Игорь Владимирович',
      isActive: true,
    });
    const housing = (await okno.deps.db.knex('org_units').where({ code: 'dep-housing' }).first('id'))!.id;
    expect(manager.unitId).toBe(housing);
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon2/);
  });

  it('given filters, then role, activity and text narrow the list', async () => {
    const operators = await admin.get('/api/users?role=operator');
    expect(operators.body.items.map((u: { email: string }) => u.email).sort()).toEqual([
      'operator2@okno.local',
      'operator@okno.local',
    ]);
    const found = await admin.get(`/api/users?q=${encodeURIComponent('петров иван')}`);
    expect(found.body.items.map((u: { email: string }) => u.email)).toEqual(['citizen@okno.local']);
    const bad = await admin.get('/api/users?role=king&active=perhaps&pageSize=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'active',
      'pageSize',
      'role',
    ]);
  });

  it('given no session, then 401; given a manager or operator, then 403', async () => {
    expect((await okno.anonymous().get('/api/users')).status).toBe(401);
    expect((await (await okno.signIn('manager@okno.local')).get('/api/users')).status).toBe(403);
    expect((await (await okno.signIn('operator@okno.local')).post('/api/users', {})).status).toBe(403);
  });

  it('given an admin, when creating a staff user, then 201 and the new user can sign in with their roles', async () => {
    const employee = await okno.deps.db
      .knex('employees')
      .insert({
        fullName: 'Тихонов Роман',
        position: 'Специалист',
        unitId: (await okno.deps.db.knex('org_units').where({ code: 'dep-property' }).first('id'))!.id,
      })
      .returning('id');
    const res = await admin.post('/api/users', {
      fullName: 'Тихонов Роман',
      email: 'Tikhonov@City.example',
      roles: ['specialist', 'specialist'],
      employeeId: employee[0].id,
      password: 'start-pass-1',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'tikhonov@city.example',
      roles: ['specialist'],
      employeeName: 'Тихонов Роман',
      isActive: true,
    });
    const client = await okno.signIn('tikhonov@city.example', 'start-pass-1');
    expect((await client.get('/api/auth/me')).body.user.roles).toEqual(['specialist']);
    const entry: any = await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'user', entityId: String(res.body.id), action: 'create' })
      .first();
    expect(entry.after).toMatchObject({ email: 'tikhonov@city.example' });
    expect(JSON.stringify(entry.after)).not.toMatch(/password/i);
  });

  it('given bad input, when creating a user, then 400 with fields; a taken e-mail → 409', async () => {
    const bad = await admin.post('/api/users', { fullName: 'X', roles: [], password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'email',
      'fullName',
      'password',
      'roles',
    ]);
    const unknownRole = await admin.post('/api/users', {
      fullName: 'Иван Иванов',
      email: 'ivan@city.example',
      roles: ['superuser'],
      password: 'long-enough-1',
    });
    expect(unknownRole.status).toBe(400);
    const taken = await admin.post('/api/users', {
      fullName: 'Дубль',
      email: 'OPERATOR@okno.local',
      roles: ['operator'],
      password: 'long-enough-1',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.fields[0].path).toBe('email');
  });

  it('given an employee already linked to an account, when linking another user, then 409 on employeeId', async () => {
    const linked = (await okno.deps.db.knex('users').where({ email: 'operator@okno.local' }).first('employeeId'))!
      .employeeId;
    const res = await admin.post('/api/users', {
      fullName: 'Второй аккаунт',
      email: 'second@city.example',
      roles: ['operator'],
      employeeId: linked,
      password: 'long-enough-1',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details.fields[0].path).toBe('employeeId');
  });

  it('given an admin, when changing roles of a user, then their next request sees the new roles', async () => {
    const analyst = await okno.signIn('analyst@okno.local');
    const id = await userId('analyst@okno.local');
    const res = await admin.patch(`/api/users/${id}`, { roles: ['analyst', 'manager'], phone: '+7 (900) 111-22-33' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ roles: ['analyst', 'manager'], phone: '+79001112233' });
    expect((await analyst.get('/api/auth/me')).body.user.roles).toEqual(['analyst', 'manager']);
    const entry: any = await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'user', entityId: String(id), action: 'update' })
      .first();
    expect(entry.before.roles).toEqual(['analyst']);
    expect(entry.after.roles).toEqual(['analyst', 'manager']);
  });

  it('given a user, when an admin deactivates them, then their sessions end and they cannot sign in', async () => {
    const victim = await okno.signIn('specialist2@okno.local');
    const id = await userId('specialist2@okno.local');
    const res = await admin.patch(`/api/users/${id}`, { isActive: false });
    expect(res.status).toBe(200);
    expect(res.body.isActive).toBe(false);
    expect((await victim.get('/api/auth/me')).status).toBe(401);
    expect(await okno.deps.db.knex('sessions').where({ userId: id })).toHaveLength(0);
    const login = await okno
      .anonymous()
      .post('/api/auth/login', { login: 'specialist2@okno.local', password: 'okno-demo-2026' });
    expect(login.status).toBe(401);
    expect((await admin.get('/api/users?active=false')).body.items.map((u: { id: number }) => u.id)).toEqual([id]);
  });

  it('given the signed-in admin, when they drop their own admin role or deactivate themselves, then 400', async () => {
    const me = await userId('admin@okno.local');
    const roles = await admin.patch(`/api/users/${me}`, { roles: ['analyst'] });
    expect(roles.status).toBe(400);
    expect(roles.body.error.details.fields[0].path).toBe('roles');
    const off = await admin.patch(`/api/users/${me}`, { isActive: false });
    expect(off.status).toBe(400);
    expect(off.body.error.details.fields[0].path).toBe('isActive');
    expect((await admin.get(`/api/users/${me}`)).body).toMatchObject({ roles: ['admin'], isActive: true });
  });

  it('given a user without a phone, when the admin clears the e-mail, then 400 (a login must remain)', async () => {
    const res = await admin.patch(`/api/users/${await userId('operator2@okno.local')}`, { email: null });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].path).toBe('email');
  });

  it('given a password reset, then the old password and old sessions stop working and the new one works', async () => {
    const citizen = await okno.signIn('citizen@okno.local');
    const id = await userId('citizen@okno.local');
    const short = await admin.post(`/api/users/${id}/password`, { password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields[0].path).toBe('password');
    expect((await admin.post(`/api/users/${id}/password`, { password: 'brand-new-pass' })).status).toBe(204);
    expect((await citizen.get('/api/auth/me')).status).toBe(401);
    expect(
      (await okno.anonymous().post('/api/auth/login', { login: 'citizen@okno.local', password: 'okno-demo-2026' }))
        .status,
    ).toBe(401);
    await okno.signIn('citizen@okno.local', 'brand-new-pass');
    expect(
      await okno.deps.db.knex('audit_log').where({ entity: 'user', entityId: String(id), action: 'reset_password' }),
    ).toHaveLength(1);
    // The admin's own session survives a reset of someone else's password.
    expect((await admin.get('/api/users?pageSize=1')).status).toBe(200);
  });

  it('given an unknown user id, then 404', async () => {
    expect((await admin.get('/api/users/999999')).status).toBe(404);
    expect((await admin.patch('/api/users/999999', { fullName: 'Никто Никакой' })).status).toBe(404);
  });
});
