import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '@koa/router';
import { buildRouter } from '../../server/routes.js';
import { policyOf, type Policy } from '../../server/platform/http/policy.js';
import { ROLES } from '../../server/platform/http/context.js';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import type { ApiClient } from '../helpers/api.js';

interface RouteRow {
  method: string;
  path: string;
  policy: Policy | undefined;
}

/** Every (method, path) the application serves, with the policy its first middleware declares. */
function enumerateRoutes(okno: TestOkno): RouteRow[] {
  const router = buildRouter(okno.deps);
  const rows: RouteRow[] = [];
  for (const layer of router.stack as Layer[]) {
    for (const method of layer.methods) {
      if (method === 'HEAD') continue;
      rows.push({ method, path: String(layer.path), policy: policyOf(layer.stack[0]) });
    }
  }
  return rows;
}

/** Fills route parameters with a plausible value. */
const concrete = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => (/id$/i.test(name) ? '1' : 'units'));

describe('authorization policy on every route', () => {
  let okno: TestOkno;
  let rows: RouteRow[];
  const clients = new Map<string, ApiClient>();

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    rows = enumerateRoutes(okno);
    for (const role of ['citizen', 'operator', 'admin'] as const) {
      clients.set(role, await okno.signIn(`${role}@okno.local`));
    }
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the router, then it serves routes and each declares a policy as its first middleware', () => {
    expect(rows.length).toBeGreaterThan(5);
    const missing = rows.filter((r) => !r.policy).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('given a role-restricted policy, then it names only known roles', () => {
    for (const r of rows) {
      if (r.policy?.kind === 'roles') {
        expect(r.policy.roles.length, `${r.method} ${r.path}`).toBeGreaterThan(0);
        for (const role of r.policy.roles) expect(ROLES).toContain(role);
      }
    }
  });

  it('given no session, when calling any non-public route, then 401', async () => {
    const anonymous = okno.anonymous();
    const failures: string[] = [];
    for (const r of rows.filter((x) => x.policy && x.policy.kind !== 'public')) {
      const res = await anonymous.request(
        r.method,
        concrete(r.path),
        r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      );
      if (res.status !== 401) failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('given a signed-in user without the route role, when calling it, then 403', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const r of rows) {
      if (r.policy?.kind !== 'roles') continue;
      const outsider = ['citizen', 'operator', 'admin'].find(
        (role) => !(r.policy as { roles: readonly string[] }).roles.includes(role),
      );
      if (!outsider) continue;
      checked++;
      const res = await clients
        .get(outsider)!
        .request(r.method, concrete(r.path), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      if (res.status !== 403) failures.push(`${r.method} ${r.path} as ${outsider} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
