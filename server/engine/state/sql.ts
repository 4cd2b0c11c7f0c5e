import type { Knex } from 'knex';

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Runs raw SQL and returns its rows with camelCase keys (knex's mappers leave raw results alone). */
export async function rawRows<T>(db: Knex | Knex.Transaction, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<T[]> {
  const result = (await db.raw(sql, bindings)) as { rows: Record<string, unknown>[] };
  return result.rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[camel(k)] = v;
    return out as T;
  });
}
