/** Pure logic of the task screens (tested under test/client/features/tasks). */
import {
  TASK_COLUMNS,
  TASK_DUE_FILTERS,
  TASK_SORTS,
  TASK_STATUSES,
  TASK_VIEWS,
  type TaskColumn,
  type TaskDueFilter,
  type TaskListView,
  type TaskSort,
  type TaskStatus,
} from '@contract/enums';

/** The part of a form-js schema the screens read. */
export interface FormSchemaLike {
  id?: string;
  type?: string;
  components?: unknown[];
  [key: string]: unknown;
}

interface ComponentLike {
  id?: unknown;
  key?: unknown;
  components?: unknown;
}

/** Form key → component id of every field of a form-js schema (nested groups included). */
export function fieldIdsByKey(schema: FormSchemaLike): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as ComponentLike[]) {
      if (!c || typeof c !== 'object') continue;
      if (typeof c.key === 'string' && typeof c.id === 'string') out[c.key] = c.id;
      walk(c.components);
    }
  };
  walk(schema.components);
  return out;
}

/** How a due instant stands against now: overdue, at risk (due within `riskHours`), or fine. */
export type DueState = 'overdue' | 'atRisk' | 'onTime' | 'none';

export function dueState(due: string | null | undefined, now: Date, riskHours = 24): DueState {
  if (!due) return 'none';
  const at = Date.parse(due);
  if (!Number.isFinite(at)) return 'none';
  if (at < now.getTime()) return 'overdue';
  if (at - now.getTime() <= riskHours * 3_600_000) return 'atRisk';
  return 'onTime';
}

/** A filter value as it sits in the URL query: empty values are left out. */
export type QueryState = Record<string, string | string[] | undefined>;

/** Reads string filters from a route query (first value of repeated keys), ignoring unknown keys. */
export function readQuery<K extends string>(
  query: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = query[k];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s !== '') out[k] = s;
  }
  return out;
}

/** Writes filters into a route query: empty, null and default values are dropped so links stay short. */
export function writeQuery(
  values: Record<string, string | number | boolean | null | undefined | string[]>,
  defaults: Record<string, unknown> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '' || v === false) continue;
    const s = Array.isArray(v) ? v.join(',') : String(v);
    if (s === '' || defaults[k] === v || String(defaults[k] ?? '') === s) continue;
    out[k] = s;
  }
  return out;
}

/** Everything the task list shows, as one value that round-trips through the URL query. */
export interface TaskListState {
  view: TaskListView;
  service: string;
  step: string;
  status: TaskStatus | null;
  due: TaskDueFilter | null;
  caseNumber: string;
  applicant: string;
  department: number | null;
  sort: TaskSort;
  page: number;
  pageSize: number;
  columns: TaskColumn[];
}

export const DEFAULT_COLUMNS: TaskColumn[] = ['caseNumber', 'name', 'applicantName', 'serviceTitle', 'due'];

export function defaultState(): TaskListState {
  return {
    view: 'mine',
    service: '',
    step: '',
    status: null,
    due: null,
    caseNumber: '',
    applicant: '',
    department: null,
    sort: 'due',
    page: 1,
    pageSize: 20,
    columns: [...DEFAULT_COLUMNS],
  };
}

const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  v !== undefined && (list as readonly string[]).includes(v) ? (v as T) : undefined;
const positive = (v: string | undefined): number | undefined => {
  const n = Number(v);
  return v && Number.isInteger(n) && n > 0 ? n : undefined;
};

/** The list's state from a route query; unknown or bad values fall back to the defaults. */
export function stateFromQuery(query: Record<string, unknown>): TaskListState {
  const q = readQuery(query, [
    'view',
    'service',
    'step',
    'status',
    'due',
    'caseNumber',
    'applicant',
    'department',
    'sort',
    'page',
    'pageSize',
    'cols',
  ] as const);
  const d = defaultState();
  const cols = q.cols
    ?.split(',')
    .map((c) => oneOf(TASK_COLUMNS, c))
    .filter((c): c is TaskColumn => Boolean(c));
  return {
    view: oneOf(TASK_VIEWS, q.view) ?? d.view,
    service: q.service ?? '',
    step: q.step ?? '',
    status: oneOf(TASK_STATUSES, q.status) ?? null,
    due: oneOf(TASK_DUE_FILTERS, q.due) ?? null,
    caseNumber: q.caseNumber ?? '',
    applicant: q.applicant ?? '',
    department: positive(q.department) ?? null,
    sort: oneOf(TASK_SORTS, q.sort) ?? d.sort,
    page: positive(q.page) ?? d.page,
    pageSize: Math.min(200, positive(q.pageSize) ?? d.pageSize),
    columns: cols && cols.length ? cols : d.columns,
  };
}

/** The route query of a state: only what differs from the defaults, so a shared link is short. */
export function queryFromState(s: TaskListState): Record<string, string> {
  const d = defaultState();
  return writeQuery(
    {
      view: s.view,
      service: s.service,
      step: s.step,
      status: s.status,
      due: s.due,
      caseNumber: s.caseNumber,
      applicant: s.applicant,
      department: s.department,
      sort: s.sort,
      page: s.page,
      pageSize: s.pageSize,
      cols: s.columns.join(',') === d.columns.join(',') ? null : s.columns.join(','),
    },
    { view: d.view, sort: d.sort, page: d.page, pageSize: d.pageSize },
  );
}

/** The filters of a state as a saved view stores them (and GET /api/tasks takes them). */
export function filtersOf(s: TaskListState): Record<string, string | number> {
  const out: Record<string, string | number> = { view: s.view };
  if (s.service) out.service = s.service;
  if (s.step) out.step = s.step;
  if (s.status) out.status = s.status;
  if (s.due) out.due = s.due;
  if (s.caseNumber) out.caseNumber = s.caseNumber;
  if (s.applicant) out.applicant = s.applicant;
  if (s.department) out.department = s.department;
  return out;
}

/** A saved view applied: its filters, columns and sort over a fresh state (first page). */
export function stateFromView(view: {
  filters: Record<string, unknown>;
  columns: TaskColumn[];
  sort: TaskSort;
}): TaskListState {
  const q: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view.filters)) if (v !== null && v !== undefined) q[k] = String(v);
  const s = stateFromQuery(q);
  return { ...s, sort: view.sort, columns: view.columns.length ? [...view.columns] : [...DEFAULT_COLUMNS], page: 1 };
}
