import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { Model, knexSnakeCaseMappers } from 'objection';
import pg from 'pg';

// Return int8 (bigint) columns such as COUNT(*) as JS numbers when they are safe integers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});
// Return NUMERIC as numbers (money and weights are small; exactness is kept in SQL).
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));
// Keep DATE columns as 'YYYY-MM-DD' strings: a date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

export interface DatabaseOptions {
  /** postgres:// URL of an external server; unset → embedded PGlite in dataDir. */
  url?: string;
  dataDir: string;
  poolMax: number;
  /** Schema to create (if missing) and use as search_path; tests use one per file. */
  schema?: string;
}

export interface Database {
  knex: Knex;
  kind: 'postgres' | 'pglite';
  /** The schema this connection works in. */
  schema: string;
  /** Connection URL the pool uses (for PGlite: the loopback socket). */
  url: string;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite with its files in dataDir and serves it on a loopback socket for the pg driver. */
async function startEmbedded(dataDir: string): Promise<EmbeddedServer> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = path.resolve(dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** Opens the application database (external PostgreSQL or embedded PGlite) and binds objection to it. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const embedded = opts.url ? undefined : await startEmbedded(opts.dataDir);
  const url = opts.url ?? embedded!.url;
  const schema = opts.schema ?? 'public';
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'okno' },
    searchPath: schema === 'public' ? ['public'] : [schema, 'public'],
    // PGlite runs one query at a time and its socket server interleaves the extended-protocol
    // messages of different connections (parallel transactions then fail with "portal does not
    // exist"), so the embedded database gets a pool of exactly one connection: knex queues the rest.
    pool: embedded ? { min: 1, max: 1 } : { min: 0, max: opts.poolMax },
    acquireConnectionTimeout: 30_000,
    // camelCase in code, snake_case in the database (objection's mappers).
    ...knexSnakeCaseMappers(),
  });
  try {
    if (schema !== 'public') await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  } catch (err) {
    await knex.destroy();
    await embedded?.stop();
    throw err;
  }
  Model.knex(knex);
  return {
    knex,
    kind: embedded ? 'pglite' : 'postgres',
    schema,
    url,
    async ping() {
      try {
        await knex.raw('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await knex.destroy();
      await embedded?.stop();
    },
  };
}
