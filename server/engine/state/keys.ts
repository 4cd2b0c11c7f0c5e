import type { Knex } from 'knex';

const BLOCK = 100;

/** Hands out 64-bit keys (partition 1's range, from 2^51) in blocks reserved from a database sequence. */
export class KeyAllocator {
  private next = 0;
  private end = 0;

  /** The next unused key; reserves a new block through `db` when the current one is used up. */
  async take(db: Knex | Knex.Transaction): Promise<number> {
    if (this.next >= this.end) {
      const result = (await db.raw("select nextval('engine_key_seq') as v")) as { rows: { v: number | string }[] };
      this.next = Number(result.rows[0].v);
      this.end = this.next + BLOCK;
    }
    return this.next++;
  }
}
