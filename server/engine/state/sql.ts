import type { Knex } from 'knex';
import type pg from 'pg';

const camelNames = new Map<string, string>();

/** snake_case → camelCase, cached (column names repeat on every row). */
export function camel(name: string): string {
  let out = camelNames.get(name);
  if (out === undefined) {
    out = name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (camelNames.size < 10_000) camelNames.set(name, out);
  }
  return out;
}

function camelRows<T>(rows: Record<string, unknown>[]): T[] {
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[camel(k)] = v;
    return out as T;
  });
}

/** Runs raw SQL and returns its rows with camelCase keys (knex's mappers leave raw results alone). */
export async function rawRows<T>(
  db: Knex | Knex.Transaction,
  sql: string,
  bindings: readonly Knex.RawBinding[] = [],
): Promise<T[]> {
  const result = (await db.raw(sql, bindings)) as { rows: Record<string, unknown>[] };
  return camelRows<T>(result.rows);
}

export interface ConnectionClient {
  acquireConnection(): Promise<pg.ClientBase>;
  releaseConnection(connection: pg.ClientBase): Promise<unknown>;
}

/** Where `pgRows` runs: a knex object, a knex transaction, or a command transaction (anything with a connection client). */
export interface SqlTarget {
  readonly client: unknown;
}

/**
 * Runs SQL with $n placeholders straight on the pg connection under `db` (the transaction's own, or
 * one from the pool): the engine's hot statements skip knex's query building. Rows come back with
 * camelCase keys. Statements are not prepared by name: a cached generic plan made while the engine's
 * tables were small (seq scans) stayed in use after 100,000 instances arrived.
 */
export async function pgRows<T>(db: SqlTarget, text: string, values: readonly unknown[]): Promise<T[]> {
  const client = db.client as unknown as ConnectionClient;
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query<Record<string, unknown>>(text, values as unknown[]);
    return camelRows<T>(result.rows);
  } finally {
    // A transaction's client hands out its own connection and ignores the release.
    await client.releaseConnection(connection);
  }
}
