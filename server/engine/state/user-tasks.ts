import type { TaskListenerEvent } from '../bpmn/model.js';
import { pgRows, type SqlTarget } from './sql.js';

export type UserTaskState =
  'CREATING' | 'CREATED' | 'ASSIGNING' | 'UPDATING' | 'COMPLETING' | 'COMPLETED' | 'CANCELING' | 'CANCELED';

/** The task attributes a transition or a listener's corrections may change. */
export interface TaskChanges {
  assignee?: string | null;
  dueDate?: string | null;
  followUpDate?: string | null;
  candidateGroups?: string[];
  candidateUsers?: string[];
  priority?: number;
}

/** A transition in progress: its listeners run one after another. */
export interface PendingTransition {
  eventType: TaskListenerEvent;
  /** Index of the listener (among those of this event type) whose job is open. */
  index: number;
  action: string;
  /** Completion: the variables that complete the element. */
  variables?: Record<string, unknown>;
  /** The correctable attributes before the transition, restored when a listener denies it. */
  before: Required<TaskChanges>;
}

export interface UserTaskRow {
  key: number;
  state: UserTaskState;
  elementInstanceKey: number;
  processInstanceKey: number;
  rootKey: number;
  processDefinitionKey: number;
  processDefinitionVersion: number;
  bpmnProcessId: string;
  elementId: string;
  name: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate: string | null;
  followUpDate: string | null;
  priority: number;
  formKey: number | null;
  externalFormReference: string | null;
  customHeaders: Record<string, string>;
  pending: PendingTransition | null;
  tenantId: string;
  creationDate: string;
  completionDate: string | null;
}

/** The state a task is in while the listeners of an event type run. */
export const TRANSITION_STATE: Record<TaskListenerEvent, UserTaskState> = {
  creating: 'CREATING',
  assigning: 'ASSIGNING',
  updating: 'UPDATING',
  completing: 'COMPLETING',
  canceling: 'CANCELING',
};

function isoOrNull(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A row as read from the database (dates as ISO strings, keys as numbers). */
export function userTaskFromDb(r: Record<string, unknown>): UserTaskRow {
  return {
    ...(r as unknown as UserTaskRow),
    key: Number(r.key),
    elementInstanceKey: Number(r.elementInstanceKey),
    processInstanceKey: Number(r.processInstanceKey),
    rootKey: Number(r.rootKey),
    processDefinitionKey: Number(r.processDefinitionKey),
    formKey: r.formKey === null || r.formKey === undefined ? null : Number(r.formKey),
    dueDate: isoOrNull(r.dueDate),
    followUpDate: isoOrNull(r.followUpDate),
    creationDate: isoOrNull(r.creationDate) ?? new Date(0).toISOString(),
    completionDate: isoOrNull(r.completionDate),
  };
}

/** The tasks a transaction has changed, by key: read from here first, written with the command's batch (see userTaskWrites). */
export type TaskCache = Map<number, UserTaskRow>;

/** Reads a task: as changed in this transaction (`cache`), else from the table (locked when `lock`). */
export async function loadUserTask(
  db: SqlTarget,
  key: number,
  lock = false,
  cache?: TaskCache,
): Promise<UserTaskRow | undefined> {
  const changed = cache?.get(key);
  if (changed) return changed;
  const rows = await pgRows<Record<string, unknown>>(
    db,
    `select * from engine_user_tasks where key = $1${lock ? ' for update' : ''}`,
    [key],
  );
  return rows[0] ? userTaskFromDb(rows[0]) : undefined;
}

/** The columns of a task that change after its creation. */
const MUTABLE = [
  'state',
  'assignee',
  'candidate_groups',
  'candidate_users',
  'due_date',
  'follow_up_date',
  'priority',
  'pending',
  'completion_date',
];

/** The suffix of the batch insert of changed tasks: a new task is inserted, a known one gets its mutable columns. */
export const USER_TASK_UPSERT = `on conflict (key) do update set ${MUTABLE.map((c) => `${c} = excluded.${c}`).join(', ')}`;

/** Records a task as changed; the command's batch writes it (once, as it is at the end). */
export function saveUserTask(cache: TaskCache, t: UserTaskRow): void {
  cache.set(t.key, t);
}

/** The rows of changed tasks for the batch insert (jsonb columns as JSON values). */
export function userTaskWrites(tasks: Iterable<UserTaskRow>): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const t of tasks) {
    rows.push({
      key: t.key,
      state: t.state,
      elementInstanceKey: t.elementInstanceKey,
      processInstanceKey: t.processInstanceKey,
      rootKey: t.rootKey,
      processDefinitionKey: t.processDefinitionKey,
      processDefinitionVersion: t.processDefinitionVersion,
      bpmnProcessId: t.bpmnProcessId,
      elementId: t.elementId,
      name: t.name,
      assignee: t.assignee,
      candidateGroups: t.candidateGroups,
      candidateUsers: t.candidateUsers,
      dueDate: t.dueDate,
      followUpDate: t.followUpDate,
      priority: t.priority,
      formKey: t.formKey,
      externalFormReference: t.externalFormReference,
      customHeaders: t.customHeaders,
      pending: t.pending,
      tenantId: t.tenantId,
      creationDate: t.creationDate,
      completionDate: t.completionDate,
    });
  }
  return rows;
}

/** The correctable attributes of a task. */
export function snapshot(t: UserTaskRow): Required<TaskChanges> {
  return {
    assignee: t.assignee,
    dueDate: t.dueDate,
    followUpDate: t.followUpDate,
    candidateGroups: [...t.candidateGroups],
    candidateUsers: [...t.candidateUsers],
    priority: t.priority,
  };
}

/** Applies changes (undefined keeps a value; '' or null clears the assignee and dates). */
export function applyChanges(t: UserTaskRow, c: TaskChanges): void {
  if (c.assignee !== undefined) t.assignee = c.assignee || null;
  if (c.dueDate !== undefined) t.dueDate = isoOrNull(c.dueDate);
  if (c.followUpDate !== undefined) t.followUpDate = isoOrNull(c.followUpDate);
  if (c.candidateGroups !== undefined) t.candidateGroups = [...c.candidateGroups];
  if (c.candidateUsers !== undefined) t.candidateUsers = [...c.candidateUsers];
  if (c.priority !== undefined) t.priority = c.priority;
}

/**
 * Reads changes from a request body or a listener's corrections: only the known attributes,
 * null or missing keeps the value; returns a reason when a value has the wrong type.
 */
export function parseChanges(input: unknown, allowAssignee: boolean): { changes: TaskChanges } | { error: string } {
  if (input === null || input === undefined) return { changes: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return { error: 'Expected an object of changes' };
  const o = input as Record<string, unknown>;
  const changes: TaskChanges = {};
  if (allowAssignee && o.assignee !== null && o.assignee !== undefined) {
    if (typeof o.assignee !== 'string') return { error: "Expected 'assignee' to be a string" };
    changes.assignee = o.assignee;
  }
  for (const name of ['dueDate', 'followUpDate'] as const) {
    const v = o[name];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' || (v !== '' && Number.isNaN(Date.parse(v))))
      return { error: `Expected '${name}' to be an ISO 8601 date-time or '', but was '${String(v)}'` };
    changes[name] = v;
  }
  for (const name of ['candidateGroups', 'candidateUsers'] as const) {
    const v = o[name];
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      return { error: `Expected '${name}' to be a list of strings` };
    changes[name] = v as string[];
  }
  if (o.priority !== null && o.priority !== undefined) {
    if (typeof o.priority !== 'number' || !Number.isInteger(o.priority) || o.priority < 0 || o.priority > 100)
      return { error: `Expected 'priority' to be an integer from 0 to 100, but was '${String(o.priority)}'` };
    changes.priority = o.priority;
  }
  return { changes };
}

/** The custom headers of a task listener job: the task's data, like Zeebe's. */
export function listenerHeaders(t: UserTaskRow, action: string): Record<string, string> {
  const h: Record<string, string> = {
    ...t.customHeaders,
    'io.camunda.zeebe:userTaskKey': String(t.key),
    'io.camunda.zeebe:priority': String(t.priority),
  };
  if (action) h['io.camunda.zeebe:action'] = action;
  if (t.assignee) h['io.camunda.zeebe:assignee'] = t.assignee;
  if (t.candidateGroups.length) h['io.camunda.zeebe:candidateGroups'] = JSON.stringify(t.candidateGroups);
  if (t.candidateUsers.length) h['io.camunda.zeebe:candidateUsers'] = JSON.stringify(t.candidateUsers);
  if (t.dueDate) h['io.camunda.zeebe:dueDate'] = t.dueDate;
  if (t.followUpDate) h['io.camunda.zeebe:followUpDate'] = t.followUpDate;
  if (t.formKey !== null) h['io.camunda.zeebe:formKey'] = String(t.formKey);
  return h;
}
