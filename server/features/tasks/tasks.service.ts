import type { Knex } from 'knex';
import type { Clock } from '../../platform/clock.js';
import { localDate } from '../../platform/clock.js';
import { audit } from '../../platform/audit.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import type { Logger } from '../../platform/logger.js';
import type { Term, WorkingCalendar } from '../../platform/working-time.js';
import { managedUnits, UnitTree } from '../org/index.js';
import type {
  BulkAssignResult,
  DraftAnswer,
  TaskDetail,
  TaskItem,
  TaskListQuery,
  TaskPage,
  TaskView,
  TaskViewInput,
} from '../../contract/tasks.js';
import { completeSchema, TASK_TOTAL_CAP, taskListQuerySchema, taskViewInputSchema } from '../../contract/tasks.js';
import type { TaskEngine, TaskCorrections } from './tasks.engine.js';
import { checkFormVariables, formKeys } from './tasks.forms.js';
import type { CorrectionRequest, TaskRow } from './tasks.tables.js';
import { INSTRUCTION_PROCESS_ID } from '../instructions/index.js';

/** Working minutes ahead within which an open task counts as at risk (one working day). */
export const AT_RISK_MINUTES = 8 * 60;
/** How long a viewer's groups and managed units are reused (a change of membership shows within this). */
const VIEWER_TTL_MS = 5_000;

/**
 * The port through which the task list tells the case feature what happened to a case's step
 * (implemented by `cases`, wired in the composition root; tasks never imports cases).
 */
export interface CaseHooks {
  /** A step of the case asked for corrections: case → waitingForCorrections, clock suspended, applicant told. */
  correctionsRequested(
    caseId: number,
    request: { taskId: number; reason: string; fields: string[]; documents: string[] },
    actor: Actor,
    trx: Knex.Transaction,
  ): Promise<void>;
  /** A step of the case was completed (the case may move to inProgress or, when the process ended, resultReady). */
  stepCompleted(
    caseId: number,
    step: { taskId: number; elementId: string; variables: Record<string, unknown> },
    actor: Actor | null,
  ): Promise<void>;
}

/** What a task listener job tells the projection (from the job's headers and variables). */
export interface ListenerEvent {
  event: 'creating' | 'assigning' | 'updating' | 'completing' | 'canceling';
  jobKey: string;
  userTaskKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  elementId: string;
  name: string | null;
  formId: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  priority: number;
  dueDate: string | null;
  /** The step's term from the model (task headers written at publish). */
  term: Term | null;
  /** The task's creation in the engine, when known. */
  createdAt: Date | null;
  variables: Record<string, unknown>;
}

/** The viewer with the staff groups they are a member of. */
interface Viewer {
  user: SessionUser;
  groups: string[];
  /** Units a manager sees (their subtree); 'all' for an admin; [] otherwise. */
  scope: 'all' | number[];
}

const OPEN = ['created', 'assigned'] as const;
const SORTS: Record<string, { column: string; desc: boolean }> = {
  due: { column: 'due_at', desc: false },
  '-due': { column: 'due_at', desc: true },
  priority: { column: 'priority', desc: false },
  '-priority': { column: 'priority', desc: true },
  created: { column: 'created_at', desc: false },
  '-created': { column: 'created_at', desc: true },
};

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const userIdOf = (assignee: string | null): number | null =>
  assignee && /^\d{1,9}$/.test(assignee) ? Number(assignee) : null;

export interface TaskServiceOptions {
  clock: Clock;
  calendar: WorkingCalendar;
  engine: TaskEngine;
  logger?: Logger;
  caseHooks?: CaseHooks;
}

/** The staff task list: the projection of the engine's user tasks, the actions on them, saved views and step facts. */
export class TaskService {
  private hooks: CaseHooks | undefined;
  private readonly departments = new Map<string, { id: number | null; at: number }>();
  private trigram: Promise<boolean> | undefined;
  /** Tasks this process is completing (engine called, row not yet written): their hook is called by `complete`. */
  private readonly completing = new Set<number>();
  /** Viewers' groups and scope, for a few seconds (a list request should not cost two more queries). */
  private readonly viewers = new Map<number, { at: number; viewer: Promise<Viewer> }>();

  constructor(
    private readonly knex: Knex,
    private readonly opts: TaskServiceOptions,
  ) {
    this.hooks = opts.caseHooks;
  }

  /** Wires the case feature's port (the composition root calls it once both services exist). */
  useCaseHooks(hooks: CaseHooks | undefined): void {
    this.hooks = hooks;
  }

  private now(): Date {
    return this.opts.clock.now();
  }

  // ---------------------------------------------------------------------------------------------
  // Projection (task listener jobs)
  // ---------------------------------------------------------------------------------------------

  /** The org unit id of a service's department (services.department is a unit code), cached for a minute. */
  private async departmentOf(serviceCode: string | null, db: Knex | Knex.Transaction): Promise<number | null> {
    if (!serviceCode) return null;
    const cached = this.departments.get(serviceCode);
    if (cached && performance.now() - cached.at < 60_000) return cached.id;
    const row = await db('services as s')
      .join('org_units as u', 'u.code', 's.department')
      .where('s.code', serviceCode)
      .first<{ id: number } | undefined>('u.id');
    const id = row?.id ?? null;
    this.departments.set(serviceCode, { id, at: performance.now() });
    return id;
  }

  /**
   * Records what a task listener reports and returns the corrections to answer the job with. Idempotent:
   * a task is keyed by its user task key; a re-delivered job finds its change made and changes nothing.
   */
  async record(e: ListenerEvent): Promise<TaskCorrections> {
    const now = this.now();
    return this.knex.transaction(async (trx) => {
      let row = await trx('tasks').where({ userTaskKey: e.userTaskKey }).forUpdate().first();
      if (!row) row = await this.insertFromEvent(e, trx, now);
      if (e.event === 'creating') return row.dueAt ? { dueDate: row.dueAt.toISOString() } : {};
      const open = (OPEN as readonly string[]).includes(row.status);
      if (e.event === 'assigning' && open) {
        const assigneeId = userIdOf(e.assignee);
        if (assigneeId !== row.assigneeId)
          await trx('tasks')
            .where({ id: row.id })
            .update({ assigneeId, status: assigneeId === null ? 'created' : 'assigned', updatedAt: now });
      } else if (e.event === 'updating' && open) {
        await trx('tasks').where({ id: row.id }).update({
          candidateGroups: e.candidateGroups,
          candidateUsers: e.candidateUsers,
          priority: e.priority,
          dueAt: e.dueDate,
          updatedAt: now,
        });
      } else if (e.event === 'completing' && open) {
        const by = userIdOf(e.assignee) ?? row.assigneeId;
        await this.markCompleted(trx, row, by, now);
        if (row.caseId !== null && this.hooks && !this.completing.has(row.id)) {
          const hooks = this.hooks;
          const caseId = row.caseId;
          const step = { taskId: row.id, elementId: row.elementId, variables: {} };
          trx.executionPromise
            .then(() => hooks.stepCompleted(caseId, step, null))
            .catch((err: unknown) => this.opts.logger?.warn({ err, caseId }, 'case hook stepCompleted failed'));
        }
      } else if (e.event === 'canceling' && open) {
        await trx('tasks').where({ id: row.id }).update({ status: 'canceled', completedAt: now, updatedAt: now });
      }
      return {};
    });
  }

  private async insertFromEvent(e: ListenerEvent, trx: Knex.Transaction, now: Date): Promise<TaskRow> {
    const v = e.variables;
    const createdAt = e.createdAt ?? now;
    const dueAt = e.term ? this.opts.calendar.dueInstant(createdAt, e.term) : e.dueDate ? new Date(e.dueDate) : null;
    const serviceCode = str(v.serviceCode) ?? e.bpmnProcessId;
    const assigneeId = userIdOf(e.assignee);
    const caseId = typeof v.caseId === 'number' && Number.isInteger(v.caseId) ? v.caseId : null;
    const inserted = await trx('tasks')
      .insert({
        userTaskKey: e.userTaskKey,
        processInstanceKey: e.processInstanceKey,
        processDefinitionKey: e.processDefinitionKey,
        bpmnProcessId: e.bpmnProcessId,
        elementId: e.elementId,
        // An instruction (поручение) is listed under its own title; a case's step under the step's name.
        name: (e.bpmnProcessId === INSTRUCTION_PROCESS_ID ? str(v.title) : null) ?? e.name ?? e.elementId,
        formId: e.formId,
        status: assigneeId === null ? 'created' : 'assigned',
        candidateGroups: e.candidateGroups,
        candidateUsers: e.candidateUsers,
        assigneeId,
        priority: e.priority,
        createdAt,
        dueAt,
        caseId,
        caseNumber: str(v.caseNumber),
        applicantName: str(v.applicantName),
        serviceCode,
        serviceTitle: str(v.serviceTitle),
        departmentId: await this.departmentOf(serviceCode, trx),
      })
      .onConflict('userTaskKey')
      .ignore()
      .returning('*');
    if (inserted[0]) return inserted[0];
    return (await trx('tasks').where({ userTaskKey: e.userTaskKey }).forUpdate().first())!;
  }

  /** Marks a task completed and writes its step fact (once), in the caller's transaction. */
  private async markCompleted(trx: Knex.Transaction, row: TaskRow, by: number | null, at: Date): Promise<void> {
    await trx('tasks')
      .where({ id: row.id })
      .update({ status: 'completed', completedAt: at, completedBy: by, draft: null, updatedAt: at });
    const cal = this.opts.calendar;
    const suspended = row.suspendedMinutes;
    const employee = by === null ? undefined : await trx('users').where({ id: by }).first('employeeId');
    await trx('step_facts')
      .insert({
        taskId: row.id,
        caseId: row.caseId,
        serviceCode: row.serviceCode,
        elementId: row.elementId,
        completedBy: by,
        employeeId: employee?.employeeId ?? null,
        departmentId: row.departmentId,
        createdAt: row.createdAt,
        dueAt: row.dueAt,
        completedAt: at,
        onTime: row.dueAt === null || at.getTime() <= row.dueAt.getTime(),
        workingMinutes: Math.max(0, cal.workingMinutesBetween(row.createdAt, at) - suspended),
        suspendedMinutes: suspended,
      })
      .onConflict('taskId')
      .ignore();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading
  // ---------------------------------------------------------------------------------------------

  private viewer(user: SessionUser): Promise<Viewer> {
    const key = user.id;
    const cached = this.viewers.get(key);
    if (cached && performance.now() - cached.at < VIEWER_TTL_MS) return cached.viewer.then((v) => ({ ...v, user }));
    const viewer = this.loadViewer(user);
    viewer.catch(() => this.viewers.delete(key));
    if (this.viewers.size > 10_000) this.viewers.clear();
    this.viewers.set(key, { at: performance.now(), viewer });
    return viewer;
  }

  private async loadViewer(user: SessionUser, db: Knex | Knex.Transaction = this.knex): Promise<Viewer> {
    const groups =
      user.employeeId === null
        ? []
        : (
            await db('staff_group_members as m')
              .join('staff_groups as g', 'g.id', 'm.groupId')
              .where('m.employeeId', user.employeeId)
              .select<{ code: string }[]>('g.code')
          ).map((g) => g.code);
    const scope =
      user.roles.includes('admin') || user.roles.includes('manager') ? managedUnits(user, await UnitTree.load(db)) : [];
    return { user, groups, scope };
  }

  /** May the viewer see the task? (Otherwise it does not exist for them: 404.) */
  private sees(v: Viewer, t: TaskRow): boolean {
    if (v.scope === 'all') return true;
    if (t.departmentId !== null && v.scope.includes(t.departmentId)) return true;
    if (t.assigneeId === v.user.id || t.completedBy === v.user.id) return true;
    if (t.candidateUsers.includes(String(v.user.id))) return true;
    return t.candidateGroups.some((g) => v.groups.includes(g));
  }

  /** Is the viewer a candidate for the task (member of a candidate group, or a candidate user)? */
  private isCandidate(v: Viewer, t: TaskRow): boolean {
    return t.candidateUsers.includes(String(v.user.id)) || t.candidateGroups.some((g) => v.groups.includes(g));
  }

  private manages(v: Viewer, t: TaskRow): boolean {
    return v.scope === 'all' || (t.departmentId !== null && v.scope.includes(t.departmentId));
  }

  private async visibleTask(v: Viewer, id: number, db: Knex | Knex.Transaction = this.knex, lock = false) {
    const q = db('tasks').where({ id });
    const row = await (lock ? q.forUpdate() : q).first();
    if (!row || !this.sees(v, row)) throw new NotFoundError('Task');
    return row;
  }

  private async hasTrigram(): Promise<boolean> {
    this.trigram ??= this.knex
      .raw<{ rows: unknown[] }>(`select 1 from pg_indexes where indexname = 'tasks_applicant_trgm'`)
      .then((r) => r.rows.length > 0)
      .catch(() => false);
    return this.trigram;
  }

  /** GET /api/tasks: one page of a view with filters and sort. */
  async list(user: SessionUser, input: TaskListQuery): Promise<TaskPage> {
    const query = taskListQuerySchema.parse(input);
    const v = await this.viewer(user);
    const now = this.now();
    const me = user.id;
    const q = this.knex('tasks');
    switch (query.view) {
      case 'mine':
        q.where('assigneeId', me);
        if (!query.status) q.whereIn('status', OPEN);
        break;
      case 'group':
        q.where('status', 'created').whereNull('assigneeId');
        q.where((w) => {
          w.whereRaw('candidate_groups && ?::text[]', [v.groups]).orWhereRaw('candidate_users @> ?::text[]', [
            [String(me)],
          ]);
        });
        break;
      case 'scope':
        if (v.scope !== 'all') {
          if (!v.scope.length) throw new ForbiddenError('Only managers and administrators see a scope of tasks');
          q.whereIn('departmentId', v.scope);
        }
        if (!query.status) q.whereIn('status', OPEN);
        break;
      case 'completed':
        q.where('status', 'completed');
        if (v.scope === 'all') break;
        if (v.scope.length) {
          const scope = v.scope;
          q.where((w) => w.where('completedBy', me).orWhereIn('departmentId', scope));
        } else q.where('completedBy', me);
        break;
    }
    if (query.status) q.where('status', query.status);
    if (query.service) q.where('serviceCode', query.service);
    if (query.step) q.where('elementId', query.step);
    if (query.department) q.where('departmentId', query.department);
    if (query.caseNumber) q.whereRaw('case_number like ?', [`${likeEscape(query.caseNumber)}%`]);
    if (query.applicant) {
      const a = query.applicant.toLowerCase();
      if (await this.hasTrigram())
        q.where((w) =>
          w
            .whereRaw('lower(applicant_name) like ?', [`${likeEscape(a)}%`])
            .orWhereRaw('applicant_name ilike ?', [`%${likeEscape(a)}%`]),
        );
      else q.whereRaw('lower(applicant_name) like ?', [`${likeEscape(a)}%`]);
    }
    if (query.due) {
      const cal = this.opts.calendar;
      if (query.due === 'overdue') q.whereIn('status', OPEN).where('dueAt', '<', now);
      else if (query.due === 'atRisk')
        q.whereIn('status', OPEN)
          .where('dueAt', '>=', now)
          .where('dueAt', '<=', cal.addWorkingMinutes(now, AT_RISK_MINUTES));
      else {
        const { from, to } = dayBounds(now, cal.timeZone);
        q.where('dueAt', '>=', from).where('dueAt', '<', to);
      }
    }
    const sort = SORTS[query.sort];
    const offset = (query.page - 1) * query.pageSize;
    const [rows, count] = await Promise.all([
      q
        .clone()
        .select('*')
        .orderByRaw(`${sort.column} ${sort.desc ? 'desc' : 'asc'} nulls last, id ${sort.desc ? 'desc' : 'asc'}`)
        .limit(query.pageSize)
        .offset(offset),
      // Counted up to the cap + 1 (an index-only walk that stops there), not the whole match.
      this.knex
        .from(
          q
            .clone()
            .select(this.knex.raw('1'))
            .limit(TASK_TOTAL_CAP + 1)
            .as('m'),
        )
        .count<{ n: string | number }[]>({ n: '*' }),
    ]);
    const total = Number(count[0]?.n ?? 0);
    return {
      items: await this.items(rows, now),
      total: Math.min(total, TASK_TOTAL_CAP),
      totalCapped: total > TASK_TOTAL_CAP,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /** Rows as list items (assignee names in one query for the page). */
  private async items(rows: TaskRow[], now: Date, db: Knex | Knex.Transaction = this.knex): Promise<TaskItem[]> {
    const ids = [...new Set(rows.map((r) => r.assigneeId).filter((x): x is number => x !== null))];
    const names = new Map<number, string>();
    if (ids.length)
      for (const u of await db('users').whereIn('id', ids).select('id', 'fullName')) names.set(u.id, u.fullName);
    const riskEdge = this.opts.calendar.addWorkingMinutes(now, AT_RISK_MINUTES);
    return rows.map((r) => {
      const open = (OPEN as readonly string[]).includes(r.status);
      const overdue = open && r.dueAt !== null && r.dueAt.getTime() < now.getTime();
      return {
        id: r.id,
        userTaskKey: r.userTaskKey,
        processInstanceKey: r.processInstanceKey,
        elementId: r.elementId,
        name: r.name,
        status: r.status,
        waitingForCorrections: r.waitingForCorrections,
        assigneeId: r.assigneeId,
        assigneeName: r.assigneeId === null ? null : (names.get(r.assigneeId) ?? null),
        candidateGroups: r.candidateGroups,
        candidateUsers: r.candidateUsers,
        priority: r.priority,
        created: r.createdAt,
        due: r.dueAt,
        completed: r.completedAt,
        overdue,
        atRisk: open && !overdue && r.dueAt !== null && r.dueAt.getTime() <= riskEdge.getTime(),
        caseId: r.caseId,
        caseNumber: r.caseNumber,
        applicantName: r.applicantName,
        serviceCode: r.serviceCode,
        serviceTitle: r.serviceTitle,
        departmentId: r.departmentId,
        formId: r.formId,
      };
    });
  }

  private async item(id: number, db: Knex | Knex.Transaction = this.knex): Promise<TaskItem> {
    const row = await db('tasks').where({ id }).first();
    if (!row) throw new NotFoundError('Task');
    return (await this.items([row], this.now(), db))[0];
  }

  /** The form (form-js schema) of a task: the published version's form with the task's form id. */
  private async formOf(t: TaskRow): Promise<Record<string, unknown> | null> {
    if (!t.formId) return null;
    const version = await this.knex('service_versions')
      .where({ processDefinitionKey: t.processDefinitionKey })
      .first('forms');
    return (version?.forms.find((f) => f.id === t.formId) as Record<string, unknown> | undefined) ?? null;
  }

  /** GET /api/tasks/:id: the task, its form, the instance variables the form uses and the draft. */
  async get(user: SessionUser, id: number): Promise<TaskDetail> {
    const v = await this.viewer(user);
    const row = await this.visibleTask(v, id);
    const form = await this.formOf(row);
    const open = (OPEN as readonly string[]).includes(row.status);
    let variables: Record<string, unknown> = {};
    if (open) {
      const all = await this.opts.engine.variables(row.processInstanceKey).catch(() => ({}));
      const wanted = new Set([
        ...(form ? formKeys(form) : []),
        'caseId',
        'caseNumber',
        'serviceCode',
        'serviceTitle',
        'applicantName',
        'applicantKind',
        'documents',
        'answers',
        'situations',
        'variant',
      ]);
      variables = Object.fromEntries(Object.entries(all).filter(([k]) => wanted.has(k)));
    }
    const mine = row.assigneeId === user.id;
    return {
      task: (await this.items([row], this.now()))[0],
      form,
      variables,
      draft: row.draft,
      can: {
        claim: open && row.assigneeId === null && this.isCandidate(v, row),
        unclaim: open && row.assigneeId !== null && (mine || this.manages(v, row)),
        assign: open && this.manages(v, row),
        complete: open && mine && !row.waitingForCorrections,
        return: open && mine && !row.waitingForCorrections && row.caseId !== null,
      },
      correction: row.waitingForCorrections ? row.correction : null,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Actions: engine first, then the row (a refused engine call leaves the row as it was)
  // ---------------------------------------------------------------------------------------------

  private requireOpen(t: TaskRow): void {
    if (!(OPEN as readonly string[]).includes(t.status))
      throw new ConflictError(`The task is ${t.status}; it can no longer be changed`);
  }

  /** POST /api/tasks/:id/claim: a candidate takes an unassigned task. */
  async claim(user: SessionUser, id: number, actor: Actor): Promise<TaskItem> {
    const v = await this.viewer(user);
    const row = await this.visibleTask(v, id);
    this.requireOpen(row);
    if (!this.isCandidate(v, row)) throw new ForbiddenError('Only a member of the task’s groups can claim it');
    if (row.assigneeId !== null)
      throw new ConflictError(row.assigneeId === user.id ? 'You have this task already' : 'Someone has this task');
    await this.opts.engine.assign(row.userTaskKey, String(user.id), 'claim');
    return this.setAssignee(row, user.id, actor, 'claim');
  }

  /** POST /api/tasks/:id/unclaim: the assignee (or a manager in scope) gives the task back to its groups. */
  async unclaim(user: SessionUser, id: number, actor: Actor): Promise<TaskItem> {
    const v = await this.viewer(user);
    const row = await this.visibleTask(v, id);
    this.requireOpen(row);
    if (row.assigneeId === null) throw new ConflictError('The task is not assigned');
    if (row.assigneeId !== user.id && !this.manages(v, row))
      throw new ForbiddenError('Only the assignee or a manager can give the task back');
    await this.opts.engine.unassign(row.userTaskKey);
    return this.setAssignee(row, null, actor, 'unclaim');
  }

  /** POST /api/tasks/:id/assign: a manager (within scope) or an admin assigns a candidate. */
  async assign(user: SessionUser, id: number, userId: number, actor: Actor): Promise<TaskItem> {
    const v = await this.viewer(user);
    const row = await this.visibleTask(v, id);
    if (!this.manages(v, row)) throw new ForbiddenError('Only a manager of the task’s department can assign it');
    this.requireOpen(row);
    await this.checkCandidate(row, userId);
    if (row.assigneeId === userId) return this.item(row.id);
    await this.opts.engine.assign(row.userTaskKey, String(userId), 'assign');
    return this.setAssignee(row, userId, actor, 'assign');
  }

  /** The assignee must be a member of a candidate group or a candidate user (else 400). */
  private async checkCandidate(row: TaskRow, userId: number): Promise<void> {
    const target = await this.knex('users').where({ id: userId, isActive: true }).first('id', 'employeeId', 'roles');
    const fail = (message: string) => new ValidationError(message, [{ path: 'userId', message }]);
    if (!target) throw fail('No such active user');
    if (row.candidateUsers.includes(String(userId))) return;
    if (target.employeeId !== null && row.candidateGroups.length) {
      const member = await this.knex('staff_group_members as m')
        .join('staff_groups as g', 'g.id', 'm.groupId')
        .where('m.employeeId', target.employeeId)
        .whereIn('g.code', row.candidateGroups)
        .first<{ code: string } | undefined>('g.code');
      if (member) return;
    }
    throw fail('The user is not a member of the task’s candidate groups');
  }

  private async setAssignee(
    row: TaskRow,
    assigneeId: number | null,
    actor: Actor,
    action: 'claim' | 'unclaim' | 'assign',
  ): Promise<TaskItem> {
    const now = this.now();
    return this.knex.transaction(async (trx) => {
      await trx('tasks')
        .where({ id: row.id })
        .whereIn('status', OPEN)
        .update({ assigneeId, status: assigneeId === null ? 'created' : 'assigned', updatedAt: now });
      await audit(trx, actor, {
        action,
        entity: 'task',
        entityId: row.id,
        before: { assigneeId: row.assigneeId },
        after: { assigneeId },
      });
      return this.item(row.id, trx);
    });
  }

  /** POST /api/tasks/assign: several tasks to one user (manager/admin); each task succeeds or fails on its own. */
  async bulkAssign(user: SessionUser, taskIds: number[], userId: number, actor: Actor): Promise<BulkAssignResult> {
    const result: BulkAssignResult = { assigned: [], failed: [] };
    for (const id of [...new Set(taskIds)]) {
      try {
        await this.assign(user, id, userId, actor);
        result.assigned.push(id);
      } catch (err) {
        result.failed.push({ taskId: id, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return result;
  }

  /** POST /api/tasks/:id/complete: the assignee completes the task with the form's variables. */
  async complete(user: SessionUser, id: number, input: unknown, actor: Actor): Promise<TaskItem> {
    const { variables } = completeSchema.parse(input);
    const v = await this.viewer(user);
    const row = await this.visibleTask(v, id);
    this.requireOpen(row);
    if (row.assigneeId !== user.id) throw new ForbiddenError('Only the assignee can complete the task');
    if (row.waitingForCorrections)
      throw new ConflictError('The case was returned for corrections; the task waits until it is resubmitted');
    const form = await this.formOf(row);
    if (form) {
      const issues: FieldIssue[] = checkFormVariables(form, variables);
      if (issues.length) throw new ValidationError('Fill in the form', issues);
    }
    // The completing listener may record the completion first; then it leaves the case hook to us.
    this.completing.add(id);
    try {
      await this.opts.engine.complete(row.userTaskKey, variables);
      const now = this.now();
      const item = await this.knex.transaction(async (trx) => {
        const locked = (await trx('tasks').where({ id }).forUpdate().first())!;
        if ((OPEN as readonly string[]).includes(locked.status)) await this.markCompleted(trx, locked, user.id, now);
        await audit(trx, actor, { action: 'complete', entity: 'task', entityId: id, after: { variables } });
        return this.item(id, trx);
      });
      if (row.caseId !== null && this.hooks)
        await this.hooks
          .stepCompleted(row.caseId, { taskId: id, elementId: row.elementId, variables }, actor)
          .catch((err: unknown) =>
            this.opts.logger?.warn({ err, caseId: row.caseId }, 'case hook stepCompleted failed'),
          );
      return item;
    } finally {
      this.completing.delete(id);
    }
  }

  /** PUT /api/tasks/:id/draft: keeps the form's values until the task is completed. */
  async saveDraft(
    user: SessionUser,
    id: number,
    variables: Record<string, unknown>,
    actor: Actor,
  ): Promise<DraftAnswer> {
    const v = await this.viewer(user);
    const row = await this.visibleTask(v, id);
    this.requireOpen(row);
    if (row.assigneeId !== user.id) throw new ForbiddenError('Only the assignee keeps a draft of the task');
    const now = this.now();
    await this.knex.transaction(async (trx) => {
      await trx('tasks').where({ id }).update({ draft: variables, draftSavedAt: now, updatedAt: now });
      await audit(trx, actor, { action: 'draft', entity: 'task', entityId: id });
    });
    return { variables, savedAt: now };
  }

  /** POST /api/tasks/:id/return: asks the applicant for corrections; the task stays assigned and waits. */
  async returnForCorrections(
    user: SessionUser,
    id: number,
    request: CorrectionRequest,
    actor: Actor,
  ): Promise<TaskItem> {
    const v = await this.viewer(user);
    const row = await this.visibleTask(v, id);
    this.requireOpen(row);
    if (row.assigneeId !== user.id) throw new ForbiddenError('Only the assignee can return the case');
    if (row.caseId === null)
      throw new ValidationError('This task has no case to return', [{ path: 'id', message: 'The task has no case' }]);
    if (row.waitingForCorrections) throw new ConflictError('The case already waits for corrections');
    const now = this.now();
    const caseId = row.caseId;
    return this.knex.transaction(async (trx) => {
      await trx('tasks')
        .where({ id })
        .update({ waitingForCorrections: true, correction: request, suspendedAt: now, updatedAt: now });
      if (this.hooks) await this.hooks.correctionsRequested(caseId, { taskId: id, ...request }, actor, trx);
      await audit(trx, actor, { action: 'return', entity: 'task', entityId: id, after: request });
      return this.item(id, trx);
    });
  }

  /**
   * The case was resubmitted after corrections: its open tasks' due dates move by the suspended working
   * time and the returned task can be completed again. Called by `CasesService.resubmit()` inside its
   * transaction; the engine's due dates are moved once that transaction commits (the embedded engine
   * needs a connection of its own, and PGlite has one), and the updating listener confirms them here.
   */
  async caseResumed(
    caseId: number,
    span: { suspendedFrom: Date; resumedAt: Date },
    trx: Knex.Transaction,
  ): Promise<void> {
    const cal = this.opts.calendar;
    const minutes = cal.workingMinutesBetween(span.suspendedFrom, span.resumedAt);
    const open = await trx('tasks').where({ caseId }).whereIn('status', OPEN).forUpdate().select('*');
    const moved: { key: string; due: string }[] = [];
    for (const t of open) {
      const dueAt = t.dueAt && minutes > 0 ? cal.addWorkingMinutes(t.dueAt, minutes) : t.dueAt;
      if (dueAt && t.dueAt && dueAt.getTime() !== t.dueAt.getTime())
        moved.push({ key: t.userTaskKey, due: dueAt.toISOString() });
      await trx('tasks')
        .where({ id: t.id })
        .update({
          dueAt,
          waitingForCorrections: false,
          suspendedAt: null,
          suspendedMinutes: t.suspendedMinutes + (t.waitingForCorrections ? minutes : 0),
          updatedAt: span.resumedAt,
        });
    }
    if (moved.length)
      trx.executionPromise
        .then(async () => {
          for (const m of moved) await this.opts.engine.setDueDate(m.key, m.due);
        })
        .catch((err: unknown) =>
          this.opts.logger?.warn({ err, caseId }, 'due dates moved in the task list, not yet in the engine'),
        );
  }

  /** The steps of a case's diagram: element ids done, current (open) and late (open past due, or completed late). */
  /** The steps of a case as the case view lists them (cases' `CaseTasksPort.stepsOf`). */
  async caseSteps(caseId: number): Promise<
    {
      elementId: string;
      status: 'created' | 'assigned' | 'completed' | 'canceled' | 'waitingForCorrections';
      due: Date | null;
      completedAt: Date | null;
    }[]
  > {
    const rows = await this.knex('tasks')
      .where({ caseId })
      .select('elementId', 'status', 'waitingForCorrections', 'dueAt', 'completedAt')
      .orderBy('createdAt');
    return rows.map((r) => ({
      elementId: r.elementId,
      status: r.waitingForCorrections && r.status !== 'completed' ? 'waitingForCorrections' : r.status,
      due: r.dueAt,
      completedAt: r.completedAt,
    }));
  }

  /** A subquery of the ids of cases with a step for any of these staff groups (a specialist's case scope). */
  caseIdsOfGroups(groupCodes: string[]): Knex.QueryBuilder {
    return this.knex('tasks')
      .whereNotNull('caseId')
      .whereRaw('candidate_groups && ?::text[]', [groupCodes])
      .select('caseId');
  }

  async stepsOf(caseId: number): Promise<{ done: string[]; current: string[]; late: string[] }> {
    const rows = await this.knex('tasks')
      .where({ caseId })
      .select('elementId', 'status', 'dueAt', 'completedAt')
      .orderBy('createdAt');
    const now = this.now().getTime();
    const done = new Set<string>();
    const current = new Set<string>();
    const late = new Set<string>();
    for (const r of rows) {
      if (r.status === 'completed') done.add(r.elementId);
      if ((OPEN as readonly string[]).includes(r.status)) current.add(r.elementId);
      const end = r.completedAt?.getTime() ?? (r.status === 'canceled' ? null : now);
      if (r.dueAt && end !== null && end > r.dueAt.getTime()) late.add(r.elementId);
    }
    return { done: [...done], current: [...current], late: [...late] };
  }

  // ---------------------------------------------------------------------------------------------
  // Saved views
  // ---------------------------------------------------------------------------------------------

  private viewOf(
    row: {
      id: number;
      name: string;
      filters: Record<string, unknown>;
      columns: TaskView['columns'];
      sort: TaskView['sort'];
      sharedWithGroup: string | null;
      ownerId: number;
    },
    me: number,
  ): TaskView {
    return {
      id: row.id,
      name: row.name,
      filters: row.filters,
      columns: row.columns,
      sort: row.sort,
      sharedWithGroup: row.sharedWithGroup,
      ownerId: row.ownerId,
      mine: row.ownerId === me,
    };
  }

  /** The viewer's own views and those shared with one of their groups. */
  async views(user: SessionUser): Promise<{ items: TaskView[] }> {
    const v = await this.viewer(user);
    const rows = await this.knex('task_views')
      .where((w) => {
        w.where('ownerId', user.id);
        if (v.groups.length) w.orWhereIn('sharedWithGroup', v.groups);
      })
      .orderBy('name')
      .select('*');
    return { items: rows.map((r) => this.viewOf(r, user.id)) };
  }

  private async checkGroup(user: SessionUser, group: string | null): Promise<void> {
    if (group === null) return;
    const v = await this.viewer(user);
    const exists = await this.knex('staff_groups').where({ code: group }).first('id');
    const message = !exists
      ? 'No such staff group'
      : !v.groups.includes(group) && v.scope !== 'all' && !v.scope.length
        ? 'Share a view only with a group you are a member of'
        : null;
    if (message) throw new ValidationError(message, [{ path: 'sharedWithGroup', message }]);
  }

  async createView(user: SessionUser, input: TaskViewInput, actor: Actor): Promise<TaskView> {
    const view = taskViewInputSchema.parse(input);
    await this.checkGroup(user, view.sharedWithGroup);
    return this.knex.transaction(async (trx) => {
      const [row] = await trx('task_views')
        .insert({
          ownerId: user.id,
          name: view.name,
          filters: view.filters,
          columns: JSON.stringify(view.columns),
          sort: view.sort,
          sharedWithGroup: view.sharedWithGroup,
        })
        .returning('*');
      await audit(trx, actor, { action: 'create', entity: 'task_view', entityId: row.id, after: view });
      return this.viewOf(row, user.id);
    });
  }

  private async ownView(user: SessionUser, id: number, trx: Knex.Transaction) {
    const v = await this.loadViewer(user, trx);
    const row = await trx('task_views').where({ id }).forUpdate().first();
    if (!row || (row.ownerId !== user.id && !(row.sharedWithGroup && v.groups.includes(row.sharedWithGroup))))
      throw new NotFoundError('View');
    if (row.ownerId !== user.id) throw new ForbiddenError('Only the owner can change a shared view');
    return row;
  }

  async updateView(user: SessionUser, id: number, input: TaskViewInput, actor: Actor): Promise<TaskView> {
    const view = taskViewInputSchema.parse(input);
    await this.checkGroup(user, view.sharedWithGroup);
    return this.knex.transaction(async (trx) => {
      const before = await this.ownView(user, id, trx);
      const [row] = await trx('task_views')
        .where({ id })
        .update({
          name: view.name,
          filters: view.filters,
          columns: JSON.stringify(view.columns),
          sort: view.sort,
          sharedWithGroup: view.sharedWithGroup,
          updatedAt: this.now(),
        })
        .returning('*');
      await audit(trx, actor, { action: 'update', entity: 'task_view', entityId: id, before, after: view });
      return this.viewOf(row, user.id);
    });
  }

  async deleteView(user: SessionUser, id: number, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const before = await this.ownView(user, id, trx);
      await trx('task_views').where({ id }).delete();
      await audit(trx, actor, { action: 'delete', entity: 'task_view', entityId: id, before });
    });
  }
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The start and end of the local day of `now` (as instants). */
function dayBounds(now: Date, timeZone: string): { from: Date; to: Date } {
  const day = localDate(now, timeZone);
  const from = zonedMidnight(day, timeZone);
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { from, to: zonedMidnight(next.toISOString().slice(0, 10), timeZone) };
}

/** The instant of midnight of a local day in a time zone. */
function zonedMidnight(day: string, timeZone: string): Date {
  const utc = new Date(`${day}T00:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(utc);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asLocal = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return new Date(utc.getTime() - (asLocal - utc.getTime()));
}
