import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Layer } from '@koa/router';
import { buildRouter } from '../../../../server/routes.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import type { ApiClient } from '../../../helpers/api.js';

/** Field names the API's bodies and queries use; a fuzzed body carries a few of them. */
const FIELDS = [
  'name',
  'title',
  'code',
  'email',
  'login',
  'password',
  'fullName',
  'search',
  'q',
  'comment',
  'reason',
  'note',
  'position',
  'month',
];

/** Text no field can hold, text at the edges, and ordinary text. */
const hostileText = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\uD800', 'x\uDC00', '\uDBFF\u0000', 'ok\uD83D'),
  fc.string({ minLength: 0, maxLength: 40 }).map((s) => `${s}\u0000`),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.constant('я'.repeat(20_000)),
);

const concrete = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => (/id$/i.test(name) ? '1' : 'x'));

describe('hostile text and headers', () => {
  let okno: TestOkno;
  let admin: ApiClient;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given a NUL inside a JSON body field, when posting, then 400 naming the field and nothing else is tried', async () => {
    const res = await okno.anonymous().post('/api/auth/login', { login: 'admin@okno.local\u0000', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([{ path: 'login', message: expect.stringContaining('NUL') }]);
  });

  it('given a NUL in a query value of a public endpoint, when searching the catalogue, then 400 naming the parameter', async () => {
    const res = await okno.anonymous().get('/api/catalogue?search=abc%00');
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].path).toBe('search');
  });

  it('given a lone surrogate in a JSON body (escaped as JSON allows), when registering, then 400 naming the field', async () => {
    const res = await okno
      .anonymous()
      .post('/api/auth/register', { fullName: 'Иван \uD800', login: 'x@example.org', password: 'long-enough-1' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([{ path: 'fullName', message: expect.any(String) }]);
  });

  it('given a NUL in a path segment, when requesting, then 400 (not a database error)', async () => {
    const res = await admin.get('/api/services/abc%00def');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('given a malformed Origin, when writing, then 403', async () => {
    const res = await admin.request('POST', '/api/auth/logout', {}, { origin: 'http://[::1' });
    expect(res.status).toBe(403);
  });

  it('given a CSRF header with non-ASCII characters, when writing, then 403 (not 500)', async () => {
    const res = await admin.request('POST', '/api/auth/logout', {}, { 'x-csrf-token': 'ö'.repeat(43) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_failed');
  });

  it('given any API answer, then it carries the content security policy, the permissions policy and no-store', async () => {
    const res = await admin.get('/api/auth/me');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect(res.headers.get('permissions-policy')).toContain('camera=()');
    expect(res.headers.get('strict-transport-security')).toBeNull(); // only in production
  });

  it('given every route, when fuzzed with NUL, surrogates, binary and oversized text in body and query, then none answers 500', async () => {
    const router = buildRouter(okno.deps);
    const routes: { method: string; path: string }[] = [];
    for (const layer of router.stack as Layer[]) {
      for (const method of layer.methods) {
        if (method === 'HEAD' || String(layer.path) === '/api/auth/logout') continue;
        routes.push({ method, path: concrete(String(layer.path)) });
      }
    }
    expect(routes.length).toBeGreaterThan(50);
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.dictionary(fc.constantFrom(...FIELDS), hostileText, { minKeys: 1, maxKeys: 3 }),
        async (route, fields) => {
          const query = new URLSearchParams(
            Object.entries(fields).map(([k, v]) => [k, v.slice(0, 200)] as [string, string]),
          ).toString();
          const withBody = route.method !== 'GET' && route.method !== 'DELETE';
          const res = await admin.request(route.method, `${route.path}?${query}`, withBody ? fields : undefined);
          if (res.status === 500)
            failures.push(`${route.method} ${route.path} ${JSON.stringify(fields).slice(0, 120)}`);
          return res.status !== 500;
        },
      ),
      { numRuns: Math.max(150, routes.length * 2), seed: 20261208 },
    );
    expect(failures).toEqual([]);
  }, 120_000);
});
