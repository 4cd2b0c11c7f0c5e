import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '@koa/router';
import { ENDPOINTS, endpointOf } from '../../server/contract/index.js';
import { buildRouter } from '../../server/routes.js';
import { seedScorecardDemo } from '../../server/features/scorecard/scorecard.seed.js';
import { checkContract, ContractDrift, type ApiClient } from '../helpers/api.js';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';

/**
 * The API contract (server/contract/) is what the client's types are inferred from. The test client
 * (test/helpers/api.ts) checks every successful answer against it, so every route test is also a
 * drift check; these tests make sure that check exists, bites, and covers every route.
 */
describe('the API contract', () => {
  let okno: TestOkno;
  let specialist: ApiClient;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    await seedScorecardDemo(okno.deps.db.knex, okno.clock.now(), okno.deps.config.TIME_ZONE);
    specialist = await okno.signIn('specialist@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the router, then every route it serves is an endpoint of the contract, and every endpoint is served', () => {
    const served = new Set<string>();
    for (const layer of buildRouter(okno.deps).stack as Layer[]) {
      for (const method of layer.methods) if (method !== 'HEAD') served.add(`${method} ${String(layer.path)}`);
    }
    const declared = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path}`));
    expect([...served].filter((r) => !declared.has(r))).toEqual([]);
    expect([...declared].filter((r) => !served.has(r))).toEqual([]);
  });

  it('given a literal path beside a parameter (/matrices/team, /matrices/:id), then the literal endpoint is chosen', () => {
    expect(endpointOf('GET', '/api/scorecard/matrices/team?month=2026-06')?.path).toBe('/api/scorecard/matrices/team');
    expect(endpointOf('GET', '/api/scorecard/matrices/12')?.path).toBe('/api/scorecard/matrices/:id');
    expect(endpointOf('POST', '/api/services/import')?.path).toBe('/api/services/import');
  });

  it('given a matrix answer that drifted from the contract (a row without source, no processInstanceKey, an unknown field), then the test client fails with ContractDrift', async () => {
    const mine = await specialist.get('/api/scorecard/matrices/mine');
    const path = `/api/scorecard/matrices/${mine.body.items[0].id}`;
    const matrix = (await specialist.get(path)).body;
    expect(() => checkContract('GET', path, 200, matrix)).not.toThrow();

    const { source: _source, ...rowWithoutSource } = matrix.rows[0];
    expect(() =>
      checkContract('GET', path, 200, { ...matrix, rows: [rowWithoutSource, ...matrix.rows.slice(1)] }),
    ).toThrow(ContractDrift);
    const { processInstanceKey: _key, ...withoutKey } = matrix;
    expect(() => checkContract('GET', path, 200, withoutKey)).toThrow(/processInstanceKey/);
    expect(() => checkContract('GET', path, 200, { ...matrix, status: 'archived' })).toThrow(/status/);
    expect(() => checkContract('GET', path, 200, { ...matrix, owner: 'someone' })).toThrow(/owner/);
    // Errors are not answers of the endpoint: they have their own shape.
    expect(() =>
      checkContract('GET', path, 404, { error: { code: 'not_found', message: 'Matrix not found' } }),
    ).not.toThrow();
  });

  it('given an answer whose instants are not ISO strings, then it drifts too', async () => {
    const admin = await okno.signIn('admin@okno.local');
    const users = (await admin.get('/api/users?pageSize=1')).body;
    expect(() =>
      checkContract('GET', '/api/users', 200, { ...users, items: [{ ...users.items[0], createdAt: 'yesterday' }] }),
    ).toThrow(ContractDrift);
  });

  it('given the contract modules, then they import only zod, each other and okno-moddle (the browser bundle imports them)', () => {
    const dir = new URL('../../server/contract/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...source.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
      for (const spec of imports)
        expect(spec, `${file} imports ${spec}`).toMatch(/^(zod|\.\/[\w-]+\.js|\.\.\/okno-moddle\/[\w-]+\.js)$/);
    }
  });
});
