import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
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
  /** Connection URL the pool uses (for PGlite: its Unix socket directory, percent-encoded as the host). */
  url: string;
  /** For PGlite: the directory (mode 0700) holding its Unix socket `.s.PGSQL.5432`. */
  socketDir?: string;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

interface EmbeddedServer {
  url: string;
  /** The directory of the Unix socket (pg's `host`) and the port its file name carries. */
  socket: { dir: string; port: number };
  stop(): Promise<void>;
}

/** pg finds a server's Unix socket as `<host>/.s.PGSQL.<port>`; the port is only part of the name. */
const SOCKET_PORT = 5432;
/** Linux keeps at most 107 bytes of a socket path. */
const MAX_SOCKET_PATH = 100;

/** Creates a directory only its owner can enter (0700), or tightens an existing one. */
function privateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** True when something accepts connections on the Unix socket (another Okno on the same DATA_DIR). */
function socketAnswers(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(file);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts PGlite with its files in dataDir/pglite and serves it to the pg driver on a Unix socket in a
 * directory only this user can enter (dataDir/pglite-socket, 0700; a private temp directory when that
 * path is too long for a socket). Never on TCP: PGlite takes no password and every login is superuser.
 */
async function startEmbedded(dataDir: string): Promise<EmbeddedServer> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = privateDir(path.resolve(dataDir, 'pglite'));
  let socketDir = path.resolve(dataDir, 'pglite-socket');
  let temporary = false;
  if (path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`).length > MAX_SOCKET_PATH) {
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okno-pg-'));
    temporary = true;
  }
  privateDir(socketDir);
  const socketFile = path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
  if (fs.existsSync(socketFile)) {
    if (await socketAnswers(socketFile))
      throw new Error(
        `The embedded database in ${dir} is in use by another process (${socketFile}); stop it or use another DATA_DIR`,
      );
    fs.rmSync(socketFile, { force: true }); // left over by a process that was killed
  }
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, path: socketFile, maxConnections: 8 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgres://postgres@${encodeURIComponent(socketDir)}:${SOCKET_PORT}/postgres`,
    socket: { dir: socketDir, port: SOCKET_PORT },
    async stop() {
      await server.stop();
      await db.close();
      fs.rmSync(temporary ? socketDir : socketFile, { recursive: true, force: true });
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
    connection: embedded
      ? {
          host: embedded.socket.dir,
          port: embedded.socket.port,
          user: 'postgres',
          database: 'postgres',
          application_name: 'okno',
        }
      : { connectionString: url, application_name: 'okno' },
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
    socketDir: embedded?.socket.dir,
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
