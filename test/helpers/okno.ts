import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.js';
import { startOkno, type RunningOkno } from '../../server/bootstrap.js';
import { AdjustableClock } from '../../server/platform/clock.js';
import { createLogger } from '../../server/platform/logger.js';
import { ApiClient } from './api.js';

/**
 * The instant a test Okno's clock starts at unless a test names another: a Monday, a working day in
 * Moscow, mid-year. The clock runs on from there; tests move it with `okno.clock`.
 */
export const TEST_NOW = '2026-06-15T07:00:00Z';

export interface TestOkno extends RunningOkno {
  /** The product's one clock (the embedded engine shares it): `set`, `pin`, `advance`, `reset`. */
  clock: AdjustableClock;
  /** A client without a session. */
  anonymous(): ApiClient;
  /** A client signed in as the given login (demo password by default). */
  signIn(login: string, password?: string): Promise<ApiClient>;
  /** The database schema of this Okno (pass it to `startTestOkno` to start again on the same data). */
  schema: string;
  /** Stops without dropping the schema (a restart test starts a new Okno on it; its `stop()` drops it). */
  halt(): Promise<void>;
}

/**
 * Starts a real Okno (HTTP, database, engine) in its own database schema, so test files run in parallel.
 * Uses DATABASE_URL when set (CI: real PostgreSQL), else an embedded PGlite in a temp dir.
 */
export async function startTestOkno(
  overrides: Record<string, string> = {},
  opts: { now?: string; schema?: string } = {},
): Promise<TestOkno> {
  // A given schema belongs to another test Okno (a restart, a second process): it drops it, this one does not.
  const ownsSchema = opts.schema === undefined;
  const schema = opts.schema ?? `t_${crypto.randomBytes(6).toString('hex')}`;
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: path.join(os.tmpdir(), `okno-test-${schema}`),
    DATABASE_URL: process.env.DATABASE_URL,
    ENGINE: 'embedded',
    ENGINE_GRPC_PORT: '0',
    ENGINE_REST_PORT: '0',
    SEED_DEMO: 'true',
    // Tests that need published services publish them; the rest start faster without.
    SEED_DEMO_PUBLISH: 'false',
    LOGIN_MAX_ATTEMPTS: '5',
    CLIENT_DIST: process.env.OKNO_CLIENT_DIST ?? 'dist/client',
    ...overrides,
  });
  const clock = new AdjustableClock();
  clock.set(new Date(opts.now ?? TEST_NOW));
  const okno = await startOkno(config, createLogger(config.LOG_LEVEL), { schema, clock });
  const stop = okno.stop.bind(okno);
  return {
    ...okno,
    clock,
    schema,
    halt: stop,
    async stop() {
      const knex = okno.deps.db.knex;
      if (ownsSchema && okno.deps.db.kind === 'postgres') {
        await knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
      }
      await stop();
    },
    anonymous: () => new ApiClient(okno.url),
    async signIn(login: string, password = 'okno-demo-2026') {
      const client = new ApiClient(okno.url);
      await client.signIn(login, password);
      return client;
    },
  };
}
