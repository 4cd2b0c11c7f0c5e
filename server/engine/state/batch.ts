import type { Knex } from 'knex';

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
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
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const cols = keys.map(snake).join(', ');
    const data = rows.map((r) => Object.fromEntries(keys.map((k) => [snake(k), r[k] === undefined ? null : r[k]])));
    this.add(`insert into ${table} (${cols}) select ${cols} from jsonb_populate_recordset(null::${table}, ?::jsonb) ${suffix}`, [JSON.stringify(data)]);
  }

  get size(): number {
    return this.parts.length;
  }

  /** Runs every part in one statement; `notify` payloads go out with pg_notify on that channel at commit. */
  async run(trx: Knex.Transaction, notify?: { channel: string; payloads: string[] }): Promise<void> {
    const payloads = notify?.payloads ?? [];
    if (!this.parts.length && !payloads.length) return;
    if (this.parts.length === 1 && !this.parts[0].name && !payloads.length) {
      await trx.raw(this.parts[0].sql, this.parts[0].bindings);
      return;
    }
    const main = payloads.length ? 'select count(pg_notify(?, p)) from unnest(?::text[]) as p' : 'select 1';
    const mainBindings: Knex.RawBinding[] = payloads.length ? [notify!.channel, payloads] : [];
    const sql = this.parts.length ? `with ${this.parts.map((p, i) => `${p.name ?? `w${i}`} as (${p.sql})`).join(', ')} ${main}` : main;
    await trx.raw(sql, [...this.parts.flatMap((p) => p.bindings), ...mainBindings]);
  }
}
