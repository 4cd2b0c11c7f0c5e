import type { Knex } from 'knex';
import type { Tables } from 'knex/types/tables.js';

/**
 * Typed tables: every table of the app has one row type, registered in knex's `Tables` interface
 * (`knex/types/tables`), so `knex('sc_matrices').where({ employeId })` or `.select('fullname')` fails
 * `tsc` and a query's result is typed without a cast.
 *
 * Row types are camelCase, as code sees them: `platform/db.ts` installs objection's snake-case mappers
 * (`wrapIdentifier` turns `unitId` into `unit_id`, `postProcessResponse` turns result keys back).
 * They follow the migrations in `migrations/` and the `pg` type parsers in `platform/db.ts`: numeric and
 * int8 read as numbers, `date` as 'YYYY-MM-DD' strings, `timestamptz` as Date.
 *
 * Each owner declares its tables next to its code, with a `declare module 'knex/types/tables.js'` block:
 *
 * | tables                                                                 | declared in                               |
 * | ---------------------------------------------------------------------- | ----------------------------------------- |
 * | audit_log                                                              | here (written by `platform/audit.ts`)     |
 * | users                                                                  | `features/users/users.tables.ts`          |
 * | sessions                                                               | `features/auth/auth.tables.ts`            |
 * | org_units, employees, staff_groups, staff_group_members, windows       | `features/org/org.tables.ts`              |
 * | services, service_versions                                             | `features/services/services.tables.ts`    |
 * | sc_* (the scorecard)                                                   | `features/scorecard/scorecard.tables.ts`  |
 * | tasks, step_facts, task_views                                          | `features/tasks/tasks.tables.ts`          |
 * | cases, case_counters, case_events, case_comments, case_suspensions,    | `features/cases/cases.tables.ts`          |
 * | case_extensions                                                        |                                           |
 * | interagency_requests                                                   | `features/interagency/interagency.tables.ts` |
 * | instructions                                                           | `features/instructions/instructions.tables.ts` |
 * | calendar_overrides                                                     | `features/calendar/calendar.tables.ts`    |
 *
 * A declaration counts wherever its file is part of the compilation: `tsconfig.json` includes all of
 * `server/`, so every `*.tables.ts` is in; a new one needs no registration besides the line above.
 *
 * The embedded engine's `engine_*` tables are not declared: `server/engine/` has its own state modules
 * (`server/engine/state/`) and queries them as before. A query on a table that is not declared, or on
 * an aliased table (`'users as u'`, joins), is untyped: name its result with `.select<Row[]>()` /
 * `.first<Row>()` or a `Pick<>` of the row types below.
 * `test/server/platform/tables.test.ts` fails when a migration adds an app table that is not declared.
 */

/** A column written by the database when the insert leaves it out (ids, defaults, nullable columns). */
type NullableKeys<Row> = { [K in keyof Row]-?: null extends Row[K] ? K : never }[keyof Row];

/** Any column may also be written with a raw SQL expression (`knex.fn.now()`, `knex.raw(...)`). */
type OrRaw<T> = { [K in keyof T]: T[K] | Knex.Raw };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The insert shape of a row: `Defaulted` columns (generated ids, column defaults) and nullable columns
 * may be left out; `Writes` overrides how a column is written (e.g. a jsonb column as JSON text).
 */
export type Insert<
  Row,
  Defaulted extends keyof Row = never,
  Writes extends Partial<Record<keyof Row, unknown>> = Record<never, never>,
> = Simplify<
  OrRaw<
    Omit<Row, Defaulted | NullableKeys<Row> | keyof Writes> &
      Partial<Pick<Row, Exclude<Defaulted | NullableKeys<Row>, keyof Writes>>> &
      Writes
  >
>;

/** A table's read, insert and update shapes (`Knex.CompositeTableType`). */
export type Table<
  Row,
  Defaulted extends keyof Row = never,
  Writes extends Partial<Record<keyof Row, unknown>> = Record<never, never>,
> = Knex.CompositeTableType<Row, Insert<Row, Defaulted, Writes>, Partial<Insert<Row, Defaulted, Writes>>>;

/**
 * How a jsonb column holding T is written. `pg` serialises a JS array as a PostgreSQL array, not JSON,
 * so an array must be written as JSON text (`JSON.stringify`); an object may be passed as is.
 */
export type JsonWrite<T> = T extends readonly unknown[] ? string : T | string;

/** The row type of a declared table, e.g. `RowOf<'users'>`. */
export type RowOf<T extends keyof Tables> = Knex.ResolveTableType<Tables[T], 'base'>;

/** The insert shape of a declared table, e.g. `InsertOf<'sc_plan_items'>[]` for rows built before one bulk insert. */
export type InsertOf<T extends keyof Tables> = Knex.ResolveTableType<Tables[T], 'insert'>;

/** `timestamptz`: read as Date, written as Date or an ISO string. */
export type TimestampWrite = Date | string;

/** `created_at`/`updated_at` of `t.timestamps(true, true)`. */
export interface Timestamps {
  createdAt: Date;
  updatedAt: Date;
}

/** One write of the audit log (`platform/audit.ts`), read by `features/audit`. */
export interface AuditLogRow {
  id: number;
  at: Date;
  actorUserId: number | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    audit_log: Table<AuditLogRow, 'id' | 'at', { at?: TimestampWrite; before?: string | null; after?: string | null }>;
  }
}
