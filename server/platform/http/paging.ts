import type { Knex } from 'knex';
import { z } from 'zod';

/** One page of a list, as every list endpoint answers. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A sortable field: a column name (camelCase, mapped to SQL) or raw SQL expressions (snake_case). */
export type SortColumn = string | { raw: string[] };

/** Query parameters shared by every list: page, pageSize, sort (whitelisted) and q. */
export function listQuerySchema(sortFields: readonly string[], defaultSort: string) {
  const allowed = new Set(sortFields.flatMap((f) => [f, `-${f}`]));
  return z.object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    sort: z
      .string()
      .refine((v) => allowed.has(v), { message: `Sort by one of: ${sortFields.join(', ')} (prefix with - for descending)` })
      .default(defaultSort),
    q: z
      .string()
      .trim()
      .max(200)
      .optional()
      .transform((v) => v || undefined),
  });
}

/** The query string without empty parameters (`?unitId=&q=` means "no filter"). */
export function queryOf(ctx: { query: Record<string, string | string[] | undefined> }): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(ctx.query).filter((e): e is [string, string | string[]] => e[1] !== undefined && e[1] !== ''));
}

/** A boolean query parameter: true/false (also 1/0). */
export const booleanParam = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A positive integer id in a query string or path. */
export const idParam = z.coerce.number().int().positive().max(2_147_483_647);

/** Path parameters with a numeric id. */
export const idParams = z.object({ id: idParam });

/** An ILIKE pattern matching the text anywhere, with LIKE wildcards in it escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Orders a query by a whitelisted sort field ("name" or "-name"), then by the tiebreaker column. */
export function applySort(qb: Knex.QueryBuilder, sort: string, columns: Record<string, SortColumn>, tiebreaker: string): void {
  const desc = sort.startsWith('-');
  const column = columns[desc ? sort.slice(1) : sort];
  const dir = desc ? 'desc' : 'asc';
  if (typeof column === 'string') qb.orderBy(column, dir, desc ? 'last' : 'first');
  else qb.orderByRaw(column.raw.map((e) => `${e} ${dir}`).join(', '));
  qb.orderBy(tiebreaker, dir);
}

/** Runs a list query for one page and counts the total; `base` must select rows without GROUP BY. */
export async function paginate<Row, Item = Row>(
  base: Knex.QueryBuilder,
  opts: { page: number; pageSize: number },
  present: (rows: Row[]) => Item[] | Promise<Item[]> = (rows) => rows as unknown as Item[],
): Promise<Page<Item>> {
  const countRow = (await base.clone().clearSelect().clearOrder().count({ total: '*' }).first()) as { total: number | string } | undefined;
  const rows = (await base.limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize)) as Row[];
  return { items: await present(rows), total: Number(countRow?.total ?? 0), page: opts.page, pageSize: opts.pageSize };
}
