import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOkno, type TestOkno } from '../../helpers/okno.js';

describe('database under concurrent writes', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given many parallel write transactions, when they run at once, then every one commits', async () => {
    const clients = await Promise.all(
      ['citizen', 'operator', 'analyst', 'admin'].map((r) => okno.signIn(`${r}@okno.local`)),
    );
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => clients[i % clients.length].patch('/api/auth/me', { fullName: `Имя ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(200));
    const audited = await okno.deps.db.knex('audit_log').where({ action: 'update_profile' }).count({ n: '*' }).first();
    expect(audited).toEqual({ n: 24 });
  });

  it('given parallel reads and writes mixed, then all answer correctly', async () => {
    const admin = await okno.signIn('admin@okno.local');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0 ? admin.patch('/api/auth/me', { locale: 'ru' }) : admin.get('/api/org/units'),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
  });
});
