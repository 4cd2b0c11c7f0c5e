import { pgRows, type SqlTarget } from './sql.js';

const BLOCK = 100;

/** Hands out 64-bit keys (partition 1's range, from 2^51) in blocks reserved from a database sequence. */
export class KeyAllocator {
  private next = 0;
  private end = 0;

  /** The next unused key; reserves a new block through `db` when the current one is used up. */
  async take(db: SqlTarget): Promise<number> {
    if (this.next >= this.end) {
      const rows = await pgRows<{ v: number | string }>(db, "select nextval('engine_key_seq') as v", []);
      this.next = Number(rows[0].v);
      this.end = this.next + BLOCK;
    }
    return this.next++;
  }
}
