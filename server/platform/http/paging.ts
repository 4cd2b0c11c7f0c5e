import type { Knex } from 'knex';
import { booleanParam, idParam, idParams, listQuerySchema, type Page } from '../../contract/common.js';

/** Paging schemas and the page shape are part of the API contract (server/contract/common.ts). */
export { booleanParam, idParam, idParams, listQuerySchema, type Page };

/** A sortable field: a column name (camelCase, mapped to SQL) or raw SQL expressions (snake_case). */
export type SortColumn = string | { raw: string[] };

/** The query string without empty parameters (`?unitId=&q=` means "no filter"). */
export function queryOf(ctx: {
  query: Record<string, string | string[] | undefined>;
}): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(ctx.query).filter((e): e is [string, string | string[]] => e[1] !== undefined && e[1] !== ''),
  );
}

/** An ILIKE pattern matching the text anywhere, with LIKE wildcards in it escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Orders a query by a whitelisted sort field ("name" or "-name"), then by the tiebreaker column. */
export function applySort(
  qb: Knex.QueryBuilder,
  sort: string,
  columns: Record<string, SortColumn>,
  tiebreaker: string,
): void {
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
  const countRow = (await base.clone().clearSelect().clearOrder().count({ total: '*' }).first()) as
    { total: number | string } | undefined;
  const rows = (await base.limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize)) as Row[];
  return { items: await present(rows), total: Number(countRow?.total ?? 0), page: opts.page, pageSize: opts.pageSize };
}
