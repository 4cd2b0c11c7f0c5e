/**
 * Shared pieces of the API contract: roles, paging, ids, instants and the endpoint table.
 *
 * Everything under server/contract/ is zod and plain TypeScript only (no Node, no server internals):
 * the server parses requests with these schemas and types what it returns with the types inferred
 * from them; the client imports the same types through the `@contract/*` alias; the test HTTP client
 * (test/helpers/api.ts) parses every answer of a listed endpoint with its response schema, so a
 * server that sends something else fails the test that called it.
 */
import { z } from 'zod';

import { LOCALES, ROLES } from './enums.js';

export { LOCALES, ROLES, type Locale, type Role } from './enums.js';
export const roleSchema = z.enum(ROLES);
export const localeSchema = z.enum(LOCALES);

/** A positive integer id in a query string or path. */
export const idParam = z.coerce.number<number>().int().positive().max(2_147_483_647);

/** Path parameters with a numeric id. */
export const idParams = z.object({ id: idParam });

/** A boolean query parameter: true/false (also 1/0). */
export const booleanParam = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `page` and `pageSize` of a list query. */
export const pagingFields = {
  page: z.coerce.number<number>().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number<number>().int().min(1).max(200).default(50),
};

/** Query parameters shared by every list: page, pageSize, sort (whitelisted) and q. */
export function listQuerySchema(sortFields: readonly string[], defaultSort: string) {
  const allowed = new Set(sortFields.flatMap((f) => [f, `-${f}`]));
  return z.object({
    ...pagingFields,
    sort: z
      .string()
      .refine((v) => allowed.has(v), {
        message: `Sort by one of: ${sortFields.join(', ')} (prefix with - for descending)`,
      })
      .default(defaultSort),
    q: z
      .string()
      .trim()
      .max(200)
      .optional()
      .transform((v) => v || undefined),
  });
}

/** One page of a list, as every list endpoint answers. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A list without paging. */
export interface Items<T> {
  items: T[];
}

/** `{ items }` without paging. */
export function itemsSchema<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item) });
}

/**
 * An instant: an ISO 8601 string on the wire (what the client receives: `z.input`), a `Date` in the
 * server (what services return: `z.output`; JSON.stringify writes it as the ISO string).
 */
export const instantSchema = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/** A calendar date, 'YYYY-MM-DD'. */
export const isoDate = z.iso.date();

/** A month, 'YYYY-MM'. */
export const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

/** A field-level validation message (`details.fields` of a 400): the path of the field (`email`, `items.0.name`), the message and optionally a code. */
export const fieldIssueSchema = z.strictObject({ path: z.string(), message: z.string(), code: z.string().optional() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** A problem with one cell (or the header, row 1) of an import file (`details.rows`). */
export const rowIssueSchema = z.strictObject({
  row: z.number().int(),
  field: z.string(),
  /** The header as written in the file, when the problem is in a known column. */
  column: z.string().optional(),
  message: z.string(),
});
export type RowIssue = z.infer<typeof rowIssueSchema>;

/** `{ error: { code, message, details } }`: what every failed request answers. */
export const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One endpoint of the API: method, path (with `:param`s) and what a successful answer looks like (null: no JSON body). */
export interface Endpoint {
  method: HttpMethod;
  path: string;
  response: z.ZodType | null;
}

/** Declares an endpoint of the contract. */
export function endpoint(method: HttpMethod, path: string, response: z.ZodType | null): Endpoint {
  return { method, path, response };
}
