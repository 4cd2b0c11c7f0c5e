import type { Knex } from 'knex';
import { pgRows, type SqlTarget } from './sql.js';

const snakeNames = new Map<string, string>();

function snake(name: string): string {
  let out = snakeNames.get(name);
  if (out === undefined) snakeNames.set(name, (out = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  return out;
}

/**
 * Collects a command's writes and sends them as one statement (data-modifying CTEs), so a command
 * costs one round trip to write however many rows it touches. All parts see the same snapshot:
 * callers must not insert rows that another part of the same batch deletes.
 */
export class WriteBatch {
  private readonly parts: { sql: string; bindings: Knex.RawBinding[]; name?: string }[] = [];

  /** Adds a raw data-modifying statement; a name lets later parts read its RETURNING rows. */
  add(sql: string, bindings: Knex.RawBinding[] = [], name?: string): void {
    this.parts.push({ sql, bindings, name });
  }

  /** Inserts rows (camelCase keys → snake_case columns; objects become jsonb, arrays of keys bigint[]). */
  insert(table: string, rows: Record<string, unknown>[], suffix = ''): void {
    if (!rows.length) return;
    const keySet = new Set<string>();
    for (const r of rows) for (const k in r) keySet.add(k);
    const keys = [...keySet];
    const names = keys.map(snake);
    const cols = names.join(', ');
    // The JSON document is written directly (rows × columns), without intermediate objects.
    const fields = names.map((n) => `${JSON.stringify(n)}:`);
    let json = '[';
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      json += i ? ',{' : '{';
      for (let j = 0; j < keys.length; j++) json += (j ? ',' : '') + fields[j] + (JSON.stringify(r[keys[j]]) ?? 'null');
      json += '}';
    }
    json += ']';
    this.add(
      `insert into ${table} (${cols}) select ${cols} from jsonb_populate_recordset(null::${table}, ?::jsonb) ${suffix}`,
      [json],
    );
  }

  get size(): number {
    return this.parts.length;
  }

  /** Runs every part in one statement (see pgRows); `notify` payloads go out with pg_notify on that channel at commit. */
  async run(trx: SqlTarget, notify?: { channel: string; payloads: string[] }): Promise<void> {
    const payloads = notify?.payloads ?? [];
    if (!this.parts.length && !payloads.length) return;
    const bindings: unknown[] = [];
    let sql: string;
    if (this.parts.length === 1 && !this.parts[0].name && !payloads.length) {
      sql = this.parts[0].sql;
      bindings.push(...this.parts[0].bindings);
    } else {
      const main = payloads.length ? 'select count(pg_notify(?, p)) from unnest(?::text[]) as p' : 'select 1';
      sql = this.parts.length
        ? `with ${this.parts.map((p, i) => `${p.name ?? `w${i}`} as (${p.sql})`).join(', ')} ${main}`
        : main;
      for (const p of this.parts) bindings.push(...p.bindings);
      if (payloads.length) bindings.push(notify!.channel, payloads);
    }
    let n = 0;
    await pgRows(
      trx,
      sql.replace(/\\\?|\?/g, (m) => (m === '?' ? `$${++n}` : '?')),
      bindings,
    );
  }
}
