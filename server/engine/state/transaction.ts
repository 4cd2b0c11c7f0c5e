import type { Knex } from 'knex';
// knex's own factory for a knex object over a client (what knex.transaction uses for its transactor).
import makeKnex from 'knex/lib/knex-builder/make-knex.js';
import type pg from 'pg';
import type { ConnectionClient } from './sql.js';

/**
 * A command transaction on one pooled PostgreSQL connection, cheaper than `knex.transaction` for
 * the engine's hot path (every statement is a loopback write and a round trip):
 * - when the first statement is also the last (a command that only writes, such as creating an
 *   instance whose definition is cached) it runs on its own as PostgreSQL's implicit one-statement
 *   transaction, with no BEGIN and COMMIT at all (one statement is all or nothing);
 * - otherwise a plain BEGIN goes before the first statement and COMMIT after the last; every
 *   statement is sent with its values as bind parameters (never written into the SQL text).
 *
 * `client` serves `pgRows`/`WriteBatch` directly; `trx` is a knex object over the same connection,
 * made only when a command uses the query builder.
 */
export class CommandTransaction {
  private begun?: Promise<unknown>;
  private lastNext = false;
  /** The single statement ran without BEGIN (it committed on its own). */
  private autocommitted = false;
  private view?: Knex.Transaction;
  readonly client: ConnectionClient;

  private constructor(
    private readonly knex: Knex,
    private readonly connection: pg.ClientBase,
  ) {
    const statements = {
      query: (text: string, values: unknown[]) => this.statement(text, values),
    } as unknown as pg.ClientBase;
    this.client = {
      acquireConnection: () => Promise.resolve(statements),
      releaseConnection: () => Promise.resolve(),
    };
    this.builderClient = {
      acquireConnection: () => this.ready(),
      releaseConnection: () => Promise.resolve(),
    };
  }

  private readonly builderClient: ConnectionClient;

  /** One `pgRows` statement (parameterised), after BEGIN unless it is the command's only statement. */
  private async statement(text: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    const connection = await this.ready();
    return connection.query<Record<string, unknown>>(text, values);
  }

  static async open(knex: Knex): Promise<CommandTransaction> {
    const connection = (await (knex.client as ConnectionClient).acquireConnection()) as pg.ClientBase;
    return new CommandTransaction(knex, connection);
  }

  private ready(): Promise<pg.ClientBase> {
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
      const parent = this.knex.client as Record<string, unknown> & { constructor: { prototype: object } };
      // Like knex's own transaction client: the dialect's client, pinned to one connection.
      const client = Object.create(parent.constructor.prototype) as Record<string, unknown>;
      for (const k of ['version', 'config', 'driver', 'connectionSettings', 'valueForUndefined', 'logger'])
        client[k] = parent[k];
      client.transacting = true;
      client.acquireConnection = this.builderClient.acquireConnection;
      client.releaseConnection = this.builderClient.releaseConnection;
      this.view = makeKnex(client) as Knex.Transaction;
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
      (this.connection as unknown as { __knex__disposed?: unknown }).__knex__disposed = err;
      throw err;
    }
  }

  /** Gives the connection back to the pool (a broken one is dropped by the pool's validation). */
  release(): void {
    void (this.knex.client as ConnectionClient).releaseConnection(this.connection);
  }
}
