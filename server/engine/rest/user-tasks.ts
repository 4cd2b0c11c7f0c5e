import type { Knex } from 'knex';
import type { RestRouter } from './router.js';
import type { ListenerResult } from '../engine.js';
import { parseChanges, userTaskFromDb, type TaskChanges, type UserTaskRow } from '../state/user-tasks.js';

// /v2/user-tasks and /v2/jobs/{key}/completion of the Camunda 8.8 Orchestration Cluster API.

type Json = Record<string, unknown>;

/** A REST answer: status and optional JSON body. */
export interface Reply {
  status: number;
  body?: Json;
}

/** A request error answered with a problem body (RFC 9457). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly title?: string,
  ) {
    super(message);
  }
}

/** The engine commands the REST API issues. */
export interface UserTaskCommands {
  assignUserTask(key: number, assignee: string, allowOverride: boolean, action: string): Promise<void>;
  unassignUserTask(key: number, action: string): Promise<void>;
  updateUserTask(key: number, changes: TaskChanges, action: string): Promise<void>;
  completeUserTask(key: number, variables: Record<string, unknown>, action: string): Promise<void>;
  completeJob(key: number, variables: Record<string, unknown>, result?: ListenerResult): Promise<void>;
}

function okChanges(input: unknown, allowAssignee: boolean): TaskChanges {
  const r = parseChanges(input, allowAssignee);
  if ('error' in r) throw bad(r.error);
  return r.changes;
}

/** A 400 problem with Zeebe's INVALID_ARGUMENT title. */
export const bad = (detail: string) => new HttpError(400, detail, 'INVALID_ARGUMENT');

/** A key from the path: a positive 64-bit number the engine can hold (its keys are safe integers). */
export function keyOf(raw: string, what: string): number {
  if (!/^\d{1,19}$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) <= 0)
    throw bad(`Expected the ${what} to be a numeric key, but was '${raw}'`);
  return Number(raw);
}

export function optString(body: Json, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`Expected '${name}' to be a string`);
  return v;
}

export function optObject(body: Json, name: string): Json {
  const v = body[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`Expected '${name}' to be a JSON object`);
  return v as Json;
}

/** The UserTaskResult shape (absent values left out). */
export function userTaskResult(t: UserTaskRow): Json {
  const out: Json = {
    userTaskKey: String(t.key),
    name: t.name ?? t.elementId,
    state: t.state,
    assignee: t.assignee ?? undefined,
    elementId: t.elementId,
    candidateGroups: t.candidateGroups,
    candidateUsers: t.candidateUsers,
    processDefinitionId: t.bpmnProcessId,
    creationDate: t.creationDate,
    completionDate: t.completionDate ?? undefined,
    followUpDate: t.followUpDate ?? undefined,
    dueDate: t.dueDate ?? undefined,
    tenantId: t.tenantId,
    externalFormReference: t.externalFormReference ?? undefined,
    processDefinitionVersion: t.processDefinitionVersion,
    customHeaders: t.customHeaders,
    priority: t.priority,
    elementInstanceKey: String(t.elementInstanceKey),
    processDefinitionKey: String(t.processDefinitionKey),
    processInstanceKey: String(t.processInstanceKey),
    formKey: t.formKey === null ? undefined : String(t.formKey),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

type Ops = Json;

function ops(v: unknown): Ops {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Ops) : { $eq: v };
}

/** Applies a filter property (plain value or $eq/$neq/$in/$exists/$gt/$gte/$lt/$lte/$like) to a column. */
function filterColumn(
  q: Knex.QueryBuilder,
  column: string,
  value: unknown,
  cast: (v: unknown) => unknown = (v) => v,
): Knex.QueryBuilder {
  if (value === undefined || value === null) return q;
  const o = ops(value);
  const compare: Record<string, string> = { $eq: '=', $neq: '<>', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };
  for (const [op, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (op in compare) q = q.where(column, compare[op], cast(v) as string);
    else if (op === '$in' && Array.isArray(v)) q = q.whereIn(column, v.map(cast) as string[]);
    else if (op === '$exists') q = v === true ? q.whereNotNull(column) : q.whereNull(column);
    else if (op === '$like' && typeof v === 'string')
      q = q.where(column, 'like', v.replace(/%/g, '\\%').replace(/_/g, '\\_').replace(/\*/g, '%').replace(/\?/g, '_'));
    else throw bad(`Unsupported filter operator '${op}'`);
  }
  return q;
}

/** Filters a jsonb list column by one member ($eq) or any of several ($in). */
function filterMember(q: Knex.QueryBuilder, column: string, value: unknown): Knex.QueryBuilder {
  if (value === undefined || value === null) return q;
  const o = ops(value);
  const names = o.$eq !== undefined ? [o.$eq] : Array.isArray(o.$in) ? o.$in : undefined;
  if (!names || Object.keys(o).some((k) => k !== '$eq' && k !== '$in'))
    throw bad(`Expected the filter on '${column}' to be a value, $eq or $in`);
  return q.where((w) => {
    for (const n of names) w.orWhereRaw(`${column} @> ?::jsonb`, [JSON.stringify([String(n)])]);
  });
}

const SORT: Record<string, string> = {
  creationDate: 'creation_date',
  completionDate: 'completion_date',
  followUpDate: 'follow_up_date',
  dueDate: 'due_date',
  priority: 'priority',
  name: 'name',
};

const iso = (v: unknown) => {
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw bad(`Expected an ISO 8601 date-time, but was '${String(v)}'`);
  return d.toISOString();
};

/** POST /v2/user-tasks/search. */
async function searchUserTasks(db: Knex | Knex.Transaction, body: Json): Promise<Json> {
  const filter = (body.filter ?? {}) as Json;
  let q = db('engineUserTasks');
  q = filterColumn(q, 'state', filter.state);
  q = filterColumn(q, 'assignee', filter.assignee);
  q = filterColumn(q, 'priority', filter.priority);
  q = filterColumn(q, 'element_id', filter.elementId);
  q = filterColumn(q, 'name', filter.name);
  q = filterColumn(q, 'tenant_id', filter.tenantId);
  q = filterColumn(q, 'bpmn_process_id', filter.processDefinitionId);
  q = filterColumn(q, 'key', filter.userTaskKey);
  q = filterColumn(q, 'process_definition_key', filter.processDefinitionKey);
  q = filterColumn(q, 'process_instance_key', filter.processInstanceKey);
  q = filterColumn(q, 'element_instance_key', filter.elementInstanceKey);
  for (const [name, column] of [
    ['creationDate', 'creation_date'],
    ['completionDate', 'completion_date'],
    ['followUpDate', 'follow_up_date'],
    ['dueDate', 'due_date'],
  ] as const) {
    q = filterColumn(q, column, filter[name], iso);
  }
  q = filterMember(q, 'candidate_groups', filter.candidateGroup);
  q = filterMember(q, 'candidate_users', filter.candidateUser);
  const page = pageOf(body.page);
  // The sort criteria, then the key (unique), so that a cursor points at exactly one row.
  const order: { column: string; desc: boolean }[] = [];
  if (body.sort !== undefined && body.sort !== null && !Array.isArray(body.sort))
    throw bad("Expected 'sort' to be a list of { field, order }");
  for (const s of (body.sort ?? []) as Json[]) {
    const column = SORT[String(s?.field)];
    if (!column) throw bad(`Unknown sort field '${String(s?.field)}'; expected one of ${Object.keys(SORT).join(', ')}`);
    const dir = String(s.order ?? 'ASC').toUpperCase();
    if (dir !== 'ASC' && dir !== 'DESC') throw bad(`Unknown sort order '${String(s.order)}'; expected ASC or DESC`);
    order.push({ column, desc: dir === 'DESC' });
  }
  order.push({ column: 'key', desc: false });
  // Backward pages read the reversed order (nulls first) and turn the rows round again.
  const backward = page.before !== undefined;
  const cursor = page.after ?? page.before;
  const counting = q.clone();
  // Without a cursor the total comes with the rows (one pass over the matches), else from its own count.
  let rows: Knex.QueryBuilder =
    cursor === undefined ? q.select('*', (db as Knex).raw('count(*) over () as search_total')) : q.select('*');
  if (cursor !== undefined) rows = afterCursor(rows, order, decodeCursor(cursor, order.length), backward);
  for (const o of order)
    rows = rows.orderByRaw(`${o.column} ${o.desc !== backward ? 'desc' : 'asc'} nulls ${backward ? 'first' : 'last'}`);
  rows = rows.limit(page.limit);
  if (cursor === undefined) rows = rows.offset(page.from);
  const found = (await rows) as Json[];
  if (backward) found.reverse();
  let total = found.length && cursor === undefined ? Number(found[0].searchTotal) : undefined;
  total ??= Number(((await counting.count({ n: '*' }).first()) as { n: number | string } | undefined)?.n ?? 0);
  const items = found.map((r) => userTaskResult(userTaskFromDb(r)));
  const result: Json = { totalItems: total, hasMoreTotalItems: false };
  if (found.length) {
    result.startCursor = encodeCursor(found[0], order);
    result.endCursor = encodeCursor(found[found.length - 1], order);
  }
  return { items, page: result };
}

/** The page of a search: offset (from, limit) or cursor (after / before, limit) — not both. */
function pageOf(raw: unknown): { limit: number; from: number; after?: string; before?: string } {
  if (raw === undefined || raw === null) return { limit: 100, from: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad("Expected 'page' to be an object");
  const p = raw as Json;
  const int = (name: string, dflt: number, min: number) => {
    const v = p[name];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw bad(`Expected 'page.${name}' to be an integer of at least ${min}, but was '${String(v)}'`);
    return v;
  };
  const limit = Math.min(int('limit', 100, 1), 10_000);
  const from = int('from', 0, 0);
  for (const name of ['after', 'before'] as const)
    if (p[name] !== undefined && typeof p[name] !== 'string')
      throw bad(`Expected 'page.${name}' to be a cursor string`);
  const after = p.after as string | undefined;
  const before = p.before as string | undefined;
  if ([after !== undefined, before !== undefined, p.from !== undefined && p.from !== null].filter(Boolean).length > 1) {
    throw bad("Expected only one of 'page.from', 'page.after' and 'page.before'");
  }
  return { limit, from, after, before };
}

/** A cursor: the sort values and key of a row, as base64url JSON. */
function encodeCursor(row: Json, order: { column: string }[]): string {
  const camel = (c: string) => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
  const values = order.map((o) => {
    const v = row[camel(o.column)];
    return v instanceof Date ? v.toISOString() : v === undefined ? null : v;
  });
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, size: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === size &&
      values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    )
      return values;
  } catch {
    // answered below
  }
  throw bad(`Expected a cursor returned by a search with the same sort, but was '${cursor}'`);
}

/** Keyset condition: rows strictly after the cursor's row in the order (nulls last; reversed order: nulls first). */
function afterCursor(
  q: Knex.QueryBuilder,
  order: { column: string; desc: boolean }[],
  values: unknown[],
  backward: boolean,
): Knex.QueryBuilder {
  const nullsFirst = backward;
  const branches: string[] = [];
  const bindings: unknown[] = [];
  for (let i = 0; i < order.length; i++) {
    const parts: string[] = [];
    const args: unknown[] = [];
    for (let j = 0; j < i; j++) {
      if (values[j] === null) parts.push(`${order[j].column} is null`);
      else {
        parts.push(`${order[j].column} = ?`);
        args.push(values[j]);
      }
    }
    const { column } = order[i];
    const desc = order[i].desc !== backward;
    const v = values[i];
    if (v === null) {
      if (!nullsFirst) continue;
      parts.push(`${column} is not null`);
    } else {
      parts.push(`(${column} ${desc ? '<' : '>'} ?${nullsFirst ? '' : ` or ${column} is null`})`);
      args.push(v);
    }
    branches.push(`(${parts.join(' and ')})`);
    bindings.push(...args);
  }
  if (!branches.length) return q.whereRaw('false');
  return q.whereRaw(`(${branches.join(' or ')})`, bindings as Knex.RawBinding[]);
}

async function oneTask(db: Knex | Knex.Transaction, key: number): Promise<UserTaskRow> {
  const row = (await db('engineUserTasks').where({ key }).first()) as Json | undefined;
  if (!row) throw new HttpError(404, `User task with key '${key}' not found`, 'NOT_FOUND');
  return userTaskFromDb(row);
}

/** Registers the user task endpoints and job completion (which carries a task listener's result). */
export function registerUserTasks(
  router: RestRouter,
  query: <T>(fn: (db: Knex | Knex.Transaction) => Promise<T>) => Promise<T>,
  commands: UserTaskCommands,
): void {
  router.add('POST', '/v2/user-tasks/search', async ({ body }) => ({
    status: 200,
    body: await query((db) => searchUserTasks(db, body)),
  }));
  router.add('POST', '/v2/jobs/:jobKey/completion', async ({ params, body }) => {
    const key = keyOf(params.jobKey ?? '', 'job key');
    const raw = body.result;
    let result: ListenerResult | undefined;
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'object' || Array.isArray(raw)) throw bad("Expected 'result' to be an object");
      const r = raw as Json;
      if (r.type !== undefined && r.type !== 'userTask')
        throw bad(`Expected a result of type 'userTask', but was '${String(r.type)}'`);
      result = {
        denied: r.denied === true,
        deniedReason: typeof r.deniedReason === 'string' ? r.deniedReason : undefined,
        corrections: okChanges(r.corrections, true),
      };
    }
    await commands.completeJob(key, optObject(body, 'variables'), result);
    return { status: 204 };
  });
  const taskKey = (params: Record<string, string | undefined>) => keyOf(params.userTaskKey ?? '', 'user task key');
  router.add('GET', '/v2/user-tasks/:userTaskKey', async ({ params }) => {
    const key = taskKey(params);
    return { status: 200, body: userTaskResult(await query((db) => oneTask(db, key))) };
  });
  router.add('GET', '/v2/user-tasks/:userTaskKey/form', async ({ params }) => {
    const key = taskKey(params);
    const form = await query(async (db) => {
      const task = await oneTask(db, key);
      if (task.formKey === null) return undefined;
      return (await db('engineForms').where({ key: task.formKey }).first()) as Json | undefined;
    });
    if (!form) return { status: 204 };
    let schema: unknown;
    try {
      schema = JSON.parse(String(form.resource));
    } catch {
      schema = String(form.resource);
    }
    return {
      status: 200,
      body: {
        formKey: String(form.key),
        formId: form.formId,
        version: form.version,
        schema,
        tenantId: form.tenantId,
      },
    };
  });
  router.add('POST', '/v2/user-tasks/:userTaskKey/assignment', async ({ params, body }) => {
    const key = taskKey(params);
    const assignee = body.assignee;
    if (typeof assignee !== 'string' || !assignee) throw bad("Expected a non-empty 'assignee'");
    const allowOverride = body.allowOverride !== false;
    await commands.assignUserTask(key, assignee, allowOverride, optString(body, 'action') ?? '');
    return { status: 204 };
  });
  router.add('DELETE', '/v2/user-tasks/:userTaskKey/assignee', async ({ params }) => {
    await commands.unassignUserTask(taskKey(params), '');
    return { status: 204 };
  });
  router.add('PATCH', '/v2/user-tasks/:userTaskKey', async ({ params, body }) => {
    await commands.updateUserTask(taskKey(params), okChanges(body.changeset, false), optString(body, 'action') ?? '');
    return { status: 204 };
  });
  router.add('POST', '/v2/user-tasks/:userTaskKey/completion', async ({ params, body }) => {
    await commands.completeUserTask(taskKey(params), optObject(body, 'variables'), optString(body, 'action') ?? '');
    return { status: 204 };
  });
}
