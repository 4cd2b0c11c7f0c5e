import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ConnectionClient } from './sql.js';

/** A knex builder's connection: knex's PostgreSQL dialect calls `query(config, callback)` on it. */
interface BuilderConnection {
  query(config: pg.QueryConfig, done: (err: Error | null, result?: pg.QueryResult) => void): void;
}

/**
 * The engine's own pool of PostgreSQL connections for command transactions (node-postgres, not knex's
 * pool): the engine holds a connection for a whole command and decides itself when BEGIN goes out,
 * through public APIs only. Made from the knex configuration (connection and search path).
 */
export class CommandConnections {
  private readonly pool: pg.Pool;

  constructor(knex: Knex, max: number, logger: Logger) {
    const config = (knex.client as { config: Knex.Config }).config;
    const connection = config.connection as string | pg.ClientConfig;
    const base: pg.PoolConfig = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
    const searchPath = config.searchPath === undefined ? [] : [config.searchPath].flat();
    if (searchPath.length) {
      // The schema search path as a startup parameter: set with the connection, no extra round trip.
      const path = searchPath.map((s) => `"${s.replace(/"/g, '""')}"`.replace(/[\s\\]/g, '\\$&')).join(',');
      base.options = [base.options, `-c search_path=${path}`].filter(Boolean).join(' ');
    }
    this.pool = new pg.Pool({ ...base, max });
    // An idle connection that breaks (server restart) is dropped by the pool; a command gets a new one.
    this.pool.on('error', (err) => logger.warn({ err }, 'engine: an idle command connection failed'));
  }

  connect(): Promise<pg.PoolClient> {
    return this.pool.connect();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * A command transaction on one connection of the engine's pool, cheaper than `knex.transaction` for
 * the engine's hot path (every statement is a loopback write and a round trip):
 * - when the first statement is also the last (a command that only writes, such as creating an
 *   instance whose definition is cached) it runs on its own as PostgreSQL's implicit one-statement
 *   transaction, with no BEGIN and COMMIT at all (one statement is all or nothing);
 * - otherwise a plain BEGIN goes before the first statement and COMMIT after the last; every
 *   statement is sent with its values as bind parameters (never written into the SQL text).
 *
 * `client` serves `pgRows`/`WriteBatch` directly; `trx` is a query builder over the same connection
 * (knex's public `.connection()`), made only when a command uses the query builder.
 */
export class CommandTransaction {
  private begun?: Promise<unknown>;
  private lastNext = false;
  /** The single statement ran without BEGIN (it committed on its own). */
  private autocommitted = false;
  /** Set when the connection must not go back to the pool (ROLLBACK failed). */
  private broken?: Error;
  private view?: Knex.Transaction;
  readonly client: ConnectionClient;

  private constructor(
    private readonly knex: Knex,
    private readonly connection: pg.PoolClient,
  ) {
    const statements = {
      query: (text: string, values: unknown[]) => this.statement(text, values),
    } as unknown as pg.ClientBase;
    this.client = {
      acquireConnection: () => Promise.resolve(statements),
      releaseConnection: () => Promise.resolve(),
    };
  }

  /** One `pgRows` statement (parameterised), after BEGIN unless it is the command's only statement. */
  private async statement(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const connection = await this.ready();
    return connection.query(text, values);
  }

  static async open(knex: Knex, connections: CommandConnections): Promise<CommandTransaction> {
    return new CommandTransaction(knex, await connections.connect());
  }

  private ready(): Promise<pg.PoolClient> {
    if (this.autocommitted)
      return Promise.reject(new Error('engine: a statement after the transaction’s last statement'));
    if (!this.begun && this.lastNext) {
      this.autocommitted = true;
      return Promise.resolve(this.connection);
    }
    this.begun ??= this.connection.query('BEGIN');
    return this.begun.then(() => this.connection);
  }

  /** The next statement is the transaction's last (the command's write): alone, it needs no BEGIN/COMMIT. */
  lastStatement(): void {
    this.lastNext = true;
  }

  /** The query builder over this transaction's connection (BEGIN first, like every statement). */
  get trx(): Knex.Transaction {
    if (!this.view) {
      const knex = this.knex;
      const connection: BuilderConnection = {
        query: (config, done) => {
          this.ready()
            .then((c) => c.query(config))
            .then(
              (result) => done(null, result),
              (err: Error) => done(err),
            );
        },
      };
      const view = ((table: string) => knex(table).connection(connection)) as unknown as Knex.Transaction;
      // A raw statement (compiled by knex, `?` bindings) runs on the same connection.
      view.raw = ((sql: string, bindings?: readonly Knex.RawBinding[]) => {
        const raw = bindings === undefined ? knex.raw(sql) : knex.raw(sql, bindings);
        const run = () => {
          const native = raw.toSQL().toNative();
          return this.statement(native.sql, native.bindings as unknown[]);
        };
        return Object.assign(raw, {
          then: (ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) => run().then(ok, fail),
        });
      }) as unknown as Knex.Transaction['raw'];
      this.view = view;
    }
    return this.view;
  }

  async commit(): Promise<void> {
    if (!this.begun) return;
    await this.begun;
    await this.connection.query('COMMIT');
  }

  async rollback(): Promise<void> {
    if (!this.begun) return;
    // A failed `…; COMMIT` left the transaction aborted (or PostgreSQL ended it): ROLLBACK is harmless either way.
    try {
      await this.begun;
    } catch {
      // BEGIN itself failed: nothing to roll back beyond what PostgreSQL already did
    }
    try {
      await this.connection.query('ROLLBACK');
    } catch (err) {
      // Never hand a connection that may still be inside a transaction back to others: the pool drops it.
      this.broken = err as Error;
      throw err;
    }
  }

  /** Gives the connection back to the pool (a broken one is closed instead). */
  release(): void {
    this.connection.release(this.broken);
  }
}
