import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { CalendarCountry } from '../../platform/calendar.js';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import {
  createMatrices,
  monthStart,
  recompute,
  storeFacts,
  affectedBy,
  type EmployeeSnapshot,
  type ResolvedFact,
} from './matrix.calculator.js';
import type { AdvanceResult, ApprovalParticipants, MatrixApproval } from './matrix.approval.js';
import {
  allowedActions,
  checkTransition,
  editScope,
  type MatrixAction,
  type MatrixRelation,
  type MatrixStatus,
} from './matrix.states.js';
import { effectiveWeights, SECTIONS } from './scorecard.formulas.js';
import { managedUnits, UnitTree } from '../org/index.js';
import { relationOf } from './scorecard.org.js';
import { factKey, type FactProviderRegistry } from './scorecard.providers.js';
import type { AddRowInput, IndicatorFactInput, RowPatch } from './scorecard.schemas.js';
import type { IndicatorRow, MatrixEventRow, MatrixLineRow, MatrixRow } from './scorecard.tables.js';
import type { EmployeeRow, OrgUnitRow } from '../org/index.js';
import type { UserRow } from '../users/index.js';
import { paginate, type Page } from '../../platform/http/paging.js';
import type { Matrix as MatrixView, MatrixListItem, Signature, TeamTotals } from '../../contract/scorecard.js';

/** What the matrix endpoints answer is the API contract's (server/contract/scorecard.ts). */
export type {
  Matrix as MatrixView,
  MatrixListItem,
  MatrixRow as MatrixRowView,
  Signature,
  TeamTotals,
} from '../../contract/scorecard.js';

type MatrixHead = Pick<
  MatrixRow,
  'id' | 'employeeId' | 'unitId' | 'status' | 'month' | 'ruleId' | 'processInstanceKey'
>;

/** A matrix row with its indicator's source (null when the row measures no indicator). */
type RowHead = Pick<
  MatrixLineRow,
  'id' | 'matrixId' | 'kind' | 'section' | 'indicatorId' | 'unit' | 'weight' | 'planValue' | 'planDate' | 't0' | 'tmax'
> & {
  source: IndicatorRow['source'] | null;
};

/** A team list's sums per status (aggregates come back as numbers or numeric strings). */
interface StatusSums {
  status: MatrixStatus;
  n: string | number;
  avgResult: string | number | null;
  bonusToPay: string | number | null;
  bonusAmount: string | number | null;
}

const FROZEN_FOR_FACTS: readonly MatrixStatus[] = ['agreed', 'approved', 'locked'];
const MANAGER_KINDS = new Set(['discipline', 'evaluation']);
const STEPS = ['confirmed', 'agreed', 'approved', 'locked'] as const;
/** How long one approval step may hold its matrix while it talks to the engine (engine calls time out after 10 s each). */
const WORKFLOW_LEASE_SECONDS = 120;

/** Employees' monthly matrices: lists, reading, editing rows and facts, the approval workflow. */
/**
 * Money rules: the plan of a matrix — its rows, weights, thresholds (T0/Tmax) and planned values — comes
 * from the plan and the rules and is changed by the employee's manager, head or an administrator; the
 * employee enters only the facts of their own rows (and a note) and may propose (or drop) a variable SMART
 * task of their own without weight or thresholds; the manager agrees all of it with the matrix.
 */
const OWNER_ROW_FIELDS = new Set(['factValue', 'factDate', 'note']);
const PLAN_BY_MANAGER = 'The plan, weights and thresholds of your matrix are set by your manager: you enter the facts';

export class MatrixService {
  constructor(
    private readonly knex: Knex,
    private readonly providers: FactProviderRegistry,
    private readonly options: {
      /** Whose production calendar sets a new matrix's planned working days (config CALENDAR_COUNTRY). */
      country: CalendarCountry;
      /** The product's clock (approval leases). */
      clock: Clock;
      /** The BPMN approval on the engine; without it the workflow actions answer 503. */
      approval?: MatrixApproval;
    },
  ) {}

  /** The viewer's own matrices, newest month first. */
  async mine(viewer: SessionUser, q: { page: number; pageSize: number; year?: number }): Promise<Page<MatrixListItem>> {
    const base = this.listQuery().where('m.employeeId', viewer.employeeId ?? -1);
    if (q.year) base.whereRaw('extract(year from m.month) = ?', [q.year]);
    base.orderBy('m.month', 'desc');
    return paginate(base, q, presentList);
  }

  /**
   * Matrices of a month for the employees of the viewer's units (admin: every unit), with totals over
   * every matching matrix (not just the page): how many per status, the average result and the bonus sums.
   */
  async team(
    viewer: SessionUser,
    q: { page: number; pageSize: number; month: string; status?: MatrixStatus; unitId?: number; q?: string },
  ): Promise<Page<MatrixListItem> & { totals: TeamTotals }> {
    const org = await UnitTree.load(this.knex);
    const scope = managedUnits(viewer, org);
    const base = this.listQuery().where('m.month', monthStart(q.month));
    if (scope !== 'all') base.whereIn('m.unitId', scope).whereNot('m.employeeId', viewer.employeeId ?? -1);
    if (q.unitId) {
      if (scope !== 'all' && !scope.includes(q.unitId)) throw new NotFoundError('Unit');
      base.whereIn('m.unitId', org.subtree(q.unitId));
    }
    if (q.status) base.where('m.status', q.status);
    if (q.q) base.whereILike('e.fullName', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const sums = await base
      .clone()
      .clearSelect()
      .select<StatusSums[]>(
        'm.status',
        this.knex.raw(
          'count(*) as n, avg(m.result) as "avgResult", sum(m.bonus_to_pay) as "bonusToPay", sum(m.bonus_to_pay * m.salary) as "bonusAmount"',
        ),
      )
      .groupBy('m.status');
    base.orderBy([{ column: 'u.name' }, { column: 'e.fullName' }, { column: 'm.id' }]);
    const page = await paginate(base, q, presentList);
    return { ...page, totals: teamTotals(sums) };
  }

  /** One matrix with rows, computed columns, signatures and what the viewer may do; 404 when not visible. */
  async get(viewer: SessionUser, id: number, db: Knex | Knex.Transaction = this.knex): Promise<MatrixView> {
    const { rel } = await this.access(db, viewer, id);
    return this.present(db, id, rel);
  }

  /** Creates (and computes) one employee's matrix for a month. */
  async create(viewer: SessionUser, input: { employeeId: number; month: string }, actor: Actor): Promise<MatrixView> {
    return this.knex.transaction(async (trx) => {
      const org = await UnitTree.load(trx);
      const employee = await this.employee(trx, input.employeeId);
      const rel = relationOf(viewer, employee.id, employee.unitId, org);
      if (!rel.visible) throw new NotFoundError('Employee');
      const existing = await trx('sc_matrices')
        .where({ employeeId: employee.id, month: monthStart(input.month) })
        .first('id');
      if (existing)
        throw new ConflictError('This employee already has a matrix for that month', { matrixId: existing.id });
      const [id] = await createMatrices(trx, this.providers, [employee], input.month, this.options.country);
      await audit(trx, actor, { action: 'scorecard.matrix.create', entity: 'sc_matrix', entityId: id, after: input });
      return this.present(trx, id, rel);
    });
  }

  /** Creates the month's missing matrices for every active employee of the viewer's units (or one unit's subtree). */
  async generate(
    viewer: SessionUser,
    input: { month: string; unitId?: number },
    actor: Actor,
  ): Promise<{ created: number; existing: number }> {
    return this.knex.transaction(async (trx) => {
      const org = await UnitTree.load(trx);
      let scope = managedUnits(viewer, org);
      if (input.unitId) {
        if (scope !== 'all' && !scope.includes(input.unitId)) throw new NotFoundError('Unit');
        scope = org.subtree(input.unitId);
      }
      const q = trx('employees')
        .where({ isActive: true })
        .select('id', 'position', 'unitId', 'salary', 'maxBonusSalaries');
      if (scope !== 'all') q.whereIn('unitId', scope).whereNot('id', viewer.employeeId ?? -1);
      const employees: EmployeeSnapshot[] = await q;
      const created = await createMatrices(trx, this.providers, employees, input.month, this.options.country);
      await audit(trx, actor, {
        action: 'scorecard.matrix.generate',
        entity: 'sc_matrix',
        after: { ...input, created: created.length },
      });
      return { created: created.length, existing: employees.length - created.length };
    });
  }

  /** Changes the worked days or planned working days (managers, while the matrix is open). */
  async patch(
    viewer: SessionUser,
    id: number,
    patch: { workedDays?: number; plannedWorkingDays?: number },
    actor: Actor,
  ): Promise<MatrixView> {
    return this.write(viewer, id, actor, 'scorecard.matrix.update', async (trx, head, rel) => {
      const scope = this.editGuard(head.status, rel);
      if (scope === 'own') throw new ForbiddenError('Worked days are entered by the manager');
      await trx('sc_matrices')
        .where({ id })
        .update({ ...patch, updatedAt: trx.fn.now() });
      return patch;
    });
  }

  /** Adds a KPI or a variable SMART task to a matrix. */
  async addRow(viewer: SessionUser, id: number, input: AddRowInput, actor: Actor): Promise<MatrixView> {
    return this.write(viewer, id, actor, 'scorecard.row.create', async (trx, head, rel) => {
      const scope = this.editGuard(head.status, rel);
      // The employee may propose a task of their own (a variable SMART task); its weight and thresholds come from the rules.
      if (
        scope === 'own' &&
        (input.kind !== 'smart_variable' || input.weight != null || input.t0 != null || input.tmax != null)
      )
        throw new ForbiddenError(PLAN_BY_MANAGER);
      if (scope === 'managerRows')
        throw new ConflictError('The employee has confirmed the matrix: return it to draft to change the plan');
      const rule =
        head.ruleId === null ? undefined : await trx('sc_rules').where({ id: head.ruleId }).first('t0', 'tmax');
      const t0 = input.t0 ?? rule?.t0 ?? 0;
      const tmax = input.tmax ?? rule?.tmax ?? 100;
      if (t0 > tmax) throw new ValidationError('Row is invalid', [{ path: 't0', message: 'T0 must not exceed Tmax' }]);
      const sortRow = await trx('sc_matrix_rows')
        .where({ matrixId: id })
        .whereIn('section', ['kpi', 'smart'])
        .max({ s: 'sort' })
        .first<{ s: number | null }>();
      const row = {
        matrixId: id,
        section: input.kind === 'kpi' ? ('kpi' as const) : ('smart' as const),
        kind: input.kind,
        sort: (sortRow.s ?? -1) + 1,
        title: input.title,
        unit: input.unit,
        direction: input.direction,
        weight: input.weight,
        t0,
        tmax,
        planValue: input.planValue,
        planDate: input.planDate,
        factValue: input.factValue,
        factDate: input.factDate,
        note: input.note,
      };
      await trx('sc_matrix_rows').insert(row);
      return row;
    });
  }

  /** Changes a row's plan, fact, weight, thresholds or text (fact of an indicator row is stored as the indicator's fact). */
  async patchRow(viewer: SessionUser, id: number, rowId: number, patch: RowPatch, actor: Actor): Promise<MatrixView> {
    return this.write(viewer, id, actor, 'scorecard.row.update', async (trx, head, rel) => {
      const row = await this.row(trx, id, rowId);
      const scope = this.editGuard(head.status, rel);
      const managerRow = MANAGER_KINDS.has(row.kind);
      if (scope === 'own' && managerRow) throw new ForbiddenError('This row is filled by the manager');
      if (scope === 'own' && Object.keys(patch).some((k) => !OWNER_ROW_FIELDS.has(k)))
        throw new ForbiddenError(PLAN_BY_MANAGER);
      if (scope === 'managerRows') {
        const onlyFacts = Object.keys(patch).every((k) => ['factValue', 'factDate', 'note'].includes(k));
        if (!managerRow || !onlyFacts)
          throw new ConflictError(
            'The employee has confirmed the matrix: only the discipline and evaluation facts can change now',
          );
      }
      const unit = patch.unit ?? row.unit;
      const issues: FieldIssue[] = [];
      if (unit === 'date' && patch.planValue !== undefined && patch.planValue !== null)
        issues.push({ path: 'planValue', message: 'A date task has a planned date, not a number' });
      if (unit !== 'date' && patch.planDate)
        issues.push({ path: 'planDate', message: 'Only a date task has a planned date' });
      if (row.indicatorId !== null && (patch.unit || patch.direction))
        issues.push({ path: 'unit', message: "An indicator's unit and direction come from its definition" });
      if (
        row.source !== null &&
        row.source !== 'manual' &&
        (patch.factValue !== undefined || patch.factDate !== undefined)
      )
        issues.push({ path: 'factValue', message: `This fact comes from the "${row.source}" source, not from people` });
      if ((patch.t0 ?? row.t0 ?? 0) > (patch.tmax ?? row.tmax ?? Infinity))
        issues.push({ path: patch.t0 !== undefined ? 't0' : 'tmax', message: 'T0 must not exceed Tmax' });
      if (managerRow && (patch.weight !== undefined || patch.unit))
        issues.push({
          path: 'weight',
          message: 'Discipline and evaluation rows take their weight and unit from the rules',
        });
      if (issues.length) throw new ValidationError('Row is invalid', issues);
      const { factValue, factDate, ...rest } = patch;
      if (row.indicatorId !== null && (factValue !== undefined || factDate !== undefined)) {
        const month = head.month.slice(0, 7);
        await storeFacts(
          trx,
          [
            {
              employeeId: head.employeeId,
              indicatorId: row.indicatorId,
              month,
              value: factValue ?? null,
              dateValue: factDate ?? null,
            },
          ],
          'manual',
          actor.userId,
        );
      } else {
        if (factValue !== undefined) Object.assign(rest, { factValue });
        if (factDate !== undefined) Object.assign(rest, { factDate });
      }
      if (Object.keys(rest).length) await trx('sc_matrix_rows').where({ id: rowId }).update(rest);
      return { rowId, ...patch };
    });
  }

  /** Removes a KPI or SMART row (discipline and evaluation rows are part of every matrix). */
  async deleteRow(viewer: SessionUser, id: number, rowId: number, actor: Actor): Promise<MatrixView> {
    return this.write(viewer, id, actor, 'scorecard.row.delete', async (trx, head, rel) => {
      const row = await this.row(trx, id, rowId);
      const scope = this.editGuard(head.status, rel);
      if (scope === 'own' && row.kind !== 'smart_variable') throw new ForbiddenError(PLAN_BY_MANAGER);
      if (scope === 'managerRows')
        throw new ConflictError('The employee has confirmed the matrix: return it to draft to change the plan');
      if (MANAGER_KINDS.has(row.kind)) throw new ConflictError('Discipline and evaluation rows cannot be removed');
      await trx('sc_matrix_rows').where({ id: rowId }).delete();
      return { rowId };
    });
  }

  /** Enters facts of several rows at once. */
  async enterFacts(
    viewer: SessionUser,
    id: number,
    facts: { rowId: number; factValue?: number | null; factDate?: string | null }[],
    actor: Actor,
  ): Promise<MatrixView> {
    return this.write(viewer, id, actor, 'scorecard.facts.enter', async (trx, head, rel) => {
      const scope = this.editGuard(head.status, rel);
      const rows = await trx('sc_matrix_rows as r')
        .leftJoin('sc_indicators as i', 'i.id', 'r.indicatorId')
        .where('r.matrixId', id)
        .whereIn(
          'r.id',
          facts.map((f) => f.rowId),
        )
        .select<Pick<RowHead, 'id' | 'kind' | 'indicatorId' | 'source' | 'unit'>[]>(
          'r.id',
          'r.kind',
          'r.indicatorId',
          'i.source',
          'r.unit',
        );
      const byId = new Map(rows.map((r) => [r.id, r]));
      const issues: FieldIssue[] = [];
      facts.forEach((f, i) => {
        const row = byId.get(f.rowId);
        if (!row) issues.push({ path: `facts.${i}.rowId`, message: 'No such row in this matrix' });
        else if (row.source !== null && row.source !== 'manual')
          issues.push({
            path: `facts.${i}.factValue`,
            message: `This fact comes from the "${row.source}" source, not from people`,
          });
        else if (row.unit === 'date' && f.factValue !== undefined && f.factValue !== null)
          issues.push({ path: `facts.${i}.factValue`, message: 'A date task takes a date' });
        else if (row.unit !== 'date' && f.factDate)
          issues.push({ path: `facts.${i}.factDate`, message: 'Only a date task takes a date' });
      });
      if (issues.length) throw new ValidationError('Facts are invalid', issues);
      for (const f of facts) {
        const row = byId.get(f.rowId)!;
        const managerRow = MANAGER_KINDS.has(row.kind);
        if (scope === 'own' && managerRow)
          throw new ForbiddenError('Discipline and evaluation are filled by the manager');
        if (scope === 'managerRows' && !managerRow)
          throw new ConflictError(
            'The employee has confirmed the matrix: only the discipline and evaluation facts can change now',
          );
      }
      const indicatorFacts: ResolvedFact[] = [];
      const month = head.month.slice(0, 7);
      for (const f of facts) {
        const row = byId.get(f.rowId)!;
        if (row.indicatorId !== null) {
          indicatorFacts.push({
            employeeId: head.employeeId,
            indicatorId: row.indicatorId,
            month,
            value: f.factValue ?? null,
            dateValue: f.factDate ?? null,
          });
        } else {
          const set: Record<string, unknown> = {};
          if (f.factValue !== undefined) set.factValue = f.factValue;
          if (f.factDate !== undefined) set.factDate = f.factDate;
          if (Object.keys(set).length) await trx('sc_matrix_rows').where({ id: row.id }).update(set);
        }
      }
      await storeFacts(trx, indicatorFacts, 'manual', actor.userId);
      return { facts };
    });
  }

  /**
   * Moves a matrix through its workflow (confirm, agree, approve, lock, return) and records who and when.
   * The step runs on the engine first (the BPMN approval process); only when the engine accepted it is the
   * new status written, so a refused or failed engine call leaves the matrix as it was.
   */
  async transition(
    viewer: SessionUser,
    id: number,
    action: MatrixAction,
    comment: string | undefined,
    actor: Actor,
  ): Promise<MatrixView> {
    if (!this.options.approval?.enabled)
      throw new AppError(
        503,
        'engine_unavailable',
        'The process engine is not configured (ENGINE=none): the matrix approval cannot run',
      );
    // 1. The rules, checked in a short transaction that also takes the matrix's approval lease: one step at a
    //    time per matrix, without keeping a transaction open while the engine is awaited.
    const before = await this.knex.transaction(async (trx) => {
      const { head, rel } = await this.access(trx, viewer, id);
      this.checkAction(action, head.status, rel);
      if (action === 'confirm') await this.checkComplete(trx, id);
      const leased = await trx('sc_matrices')
        .where({ id, status: head.status })
        .where((q) => q.whereNull('workflowLeaseUntil').orWhere('workflowLeaseUntil', '<', this.options.clock.now()))
        .update({ workflowLeaseUntil: new Date(this.options.clock.ms() + WORKFLOW_LEASE_SECONDS * 1000) });
      if (!leased)
        throw new ConflictError('Another approval step of this matrix is in progress; reload it in a moment', {
          status: head.status,
        });
      return { head, participants: await this.participants(trx, head) };
    });
    const release = () => this.knex('sc_matrices').where({ id }).update({ workflowLeaseUntil: null });
    // 2. The engine: start the instance or complete the waiting user task.
    let step: AdvanceResult;
    try {
      step = await this.options.approval.advance({
        matrixId: id,
        status: before.head.status,
        processInstanceKey: before.head.processInstanceKey,
        action,
        actorUserId: viewer.id,
        comment,
        participants: before.participants,
      });
    } catch (err) {
      await release().catch(() => undefined);
      throw err;
    }
    // 3. Okno's record, in one transaction; the status must still be the one the engine step was taken from.
    try {
      return await this.knex.transaction(async (trx) => {
        const { head, rel } = await this.access(trx, viewer, id, true);
        if (head.status !== before.head.status)
          throw new ConflictError('The matrix changed meanwhile; reload it', { status: head.status });
        const check = this.checkAction(action, head.status, rel);
        if (action === 'confirm') await this.checkComplete(trx, id);
        const set: Record<string, unknown> = {
          status: check.to,
          processInstanceKey: step.processInstanceKey,
          workflowLeaseUntil: null,
          updatedAt: trx.fn.now(),
        };
        if (action === 'return') {
          for (const s of STEPS) Object.assign(set, { [`${s}By`]: null, [`${s}At`]: null });
        } else {
          Object.assign(set, { [`${check.to}By`]: viewer.id, [`${check.to}At`]: this.options.clock.now() });
        }
        await trx('sc_matrices').where({ id }).update(set);
        await trx('sc_matrix_events').insert({
          matrixId: id,
          action,
          fromStatus: head.status,
          toStatus: check.to,
          userId: viewer.id,
          comment: comment ?? null,
          at: this.options.clock.now(),
        });
        await audit(trx, actor, {
          action: `scorecard.matrix.${action}`,
          entity: 'sc_matrix',
          entityId: id,
          before: { status: head.status },
          after: { status: check.to, comment, processInstanceKey: step.processInstanceKey },
        });
        return this.present(trx, id, rel);
      });
    } catch (err) {
      // An instance this call started is withdrawn; a completed task is re-aligned by the next action (see MatrixApproval.advance).
      if (step.started) await this.options.approval.cancel(step.processInstanceKey);
      await release().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Locks an approved matrix on behalf of the approval process (its timer ran out before anyone locked it).
   * Idempotent: a matrix that is already locked, or no longer approved, is left as it is. Returns its status.
   */
  async lockBySystem(id: number, actor: Actor): Promise<MatrixStatus | null> {
    return this.knex.transaction(async (trx) => {
      const m = await trx('sc_matrices').where({ id }).forUpdate().first('status');
      if (!m) return null;
      if (m.status !== 'approved') return m.status;
      await trx('sc_matrices')
        .where({ id })
        .update({ status: 'locked', lockedBy: null, lockedAt: this.options.clock.now(), updatedAt: trx.fn.now() });
      await trx('sc_matrix_events').insert({
        matrixId: id,
        action: 'lock',
        fromStatus: 'approved',
        toStatus: 'locked',
        userId: null,
        comment: 'Закрыта автоматически: срок закрытия истёк',
        at: this.options.clock.now(),
      });
      await audit(trx, actor, {
        action: 'scorecard.matrix.lock',
        entity: 'sc_matrix',
        entityId: id,
        before: { status: 'approved' },
        after: { status: 'locked', automatic: true },
      });
      return 'locked';
    });
  }

  /** Cascades a manager's SMART task as a KPI into their employees' matrices of the same month (created if missing). */
  async cascadeRow(
    viewer: SessionUser,
    id: number,
    rowId: number,
    employeeIds: number[],
    actor: Actor,
  ): Promise<{ matrixIds: number[] }> {
    return this.knex.transaction(async (trx) => {
      const { head, rel } = await this.access(trx, viewer, id);
      const row = await trx('sc_matrix_rows').where({ id: rowId, matrixId: id }).first();
      if (!row) throw new NotFoundError('Row');
      if (row.section !== 'smart')
        throw new ValidationError('Only SMART tasks cascade', [{ path: 'rowId', message: 'Only SMART tasks cascade' }]);
      if (!rel.admin && !(rel.owner && viewer.roles.includes('manager')))
        throw new ForbiddenError('Only the manager who owns the task (or an admin) cascades it');
      const org = await UnitTree.load(trx);
      const employees: EmployeeSnapshot[] = await trx('employees')
        .whereIn('id', employeeIds)
        .select('id', 'position', 'unitId', 'salary', 'maxBonusSalaries');
      const known = new Map(employees.map((e) => [e.id, e]));
      const issues: FieldIssue[] = [];
      employeeIds.forEach((eid, i) => {
        const e = known.get(eid);
        const ownerUnit = head.unitId;
        if (!e || e.id === head.employeeId || (!rel.admin && !org.isWithin(e.unitId, ownerUnit)))
          issues.push({ path: `employeeIds.${i}`, message: 'Not an employee of your units' });
      });
      if (issues.length) throw new ValidationError('Cannot cascade', issues);
      const month = head.month.slice(0, 7);
      await createMatrices(trx, this.providers, employees, month, this.options.country);
      const targets = await trx('sc_matrices')
        .where({ month: monthStart(month) })
        .whereIn('employeeId', employeeIds)
        .select('id', 'status', 'employeeId');
      const closed = targets.filter((t) => t.status !== 'draft');
      if (closed.length)
        throw new ConflictError('Some matrices are no longer drafts', {
          matrices: closed.map((t) => ({ id: t.id, status: t.status })),
        });
      const already = new Set(
        (await trx('sc_matrix_rows').where({ cascadedFromRowId: rowId }).select('matrixId')).map((r) => r.matrixId),
      );
      const inserts = targets
        .filter((t) => !already.has(t.id))
        .map((t) => ({
          matrixId: t.id,
          section: 'kpi' as const,
          kind: 'kpi' as const,
          sort: 500,
          title: row.title,
          cascadedFromRowId: rowId,
          unit: row.unit,
          direction: row.direction,
          weight: null,
          t0: row.t0,
          tmax: row.tmax,
          planValue: row.planValue,
          planDate: row.planDate,
        }));
      if (inserts.length) await trx('sc_matrix_rows').insert(inserts);
      await recompute(
        trx,
        targets.map((t) => t.id),
      );
      await audit(trx, actor, {
        action: 'scorecard.row.cascade',
        entity: 'sc_matrix_row',
        entityId: rowId,
        after: { employeeIds },
      });
      return { matrixIds: targets.map((t) => t.id) };
    });
  }

  /**
   * Stores indicator facts (entered in bulk or imported) and recomputes only the matrices holding them.
   * Every employee must be in the viewer's units; facts for agreed, approved or locked matrices are refused (409).
   */
  async writeIndicatorFacts(
    viewer: SessionUser,
    facts: IndicatorFactInput[],
    source: 'manual' | 'import',
    actor: Actor,
    pathPrefix = 'facts',
    dryRun = false,
  ): Promise<{ written: number; recomputed: number; dryRun: boolean }> {
    return this.knex.transaction(async (trx) => {
      const org = await UnitTree.load(trx);
      const scope = managedUnits(viewer, org);
      const codes = [...new Set(facts.map((f) => f.indicatorCode))];
      const indicators = new Map(
        (await trx('sc_indicators').whereIn('code', codes).select('id', 'code', 'unit')).map((i) => [i.code, i]),
      );
      const employees = new Map(
        (
          await trx('employees')
            .whereIn('id', [...new Set(facts.map((f) => f.employeeId))])
            .select('id', 'unitId')
        ).map((e) => [e.id, e]),
      );
      const issues: FieldIssue[] = [];
      const resolved: ResolvedFact[] = [];
      const seen = new Map<string, number>();
      facts.forEach((f, i) => {
        const ind = indicators.get(f.indicatorCode);
        const emp = employees.get(f.employeeId);
        if (!emp || (scope !== 'all' && (!scope.includes(emp.unitId) || emp.id === viewer.employeeId)))
          issues.push({ path: `${pathPrefix}.${i}.employeeId`, message: 'Unknown employee or not in your units' });
        if (!ind)
          issues.push({ path: `${pathPrefix}.${i}.indicatorCode`, message: `Unknown indicator ${f.indicatorCode}` });
        else if (ind.unit === 'date' && (f.dateValue === null || f.value !== null))
          issues.push({ path: `${pathPrefix}.${i}.dateValue`, message: 'A date indicator takes a date' });
        else if (ind.unit !== 'date' && (f.value === null || f.dateValue !== null))
          issues.push({ path: `${pathPrefix}.${i}.value`, message: 'Give a number' });
        const key = `${f.employeeId}:${f.indicatorCode}:${f.month}`;
        if (seen.has(key))
          issues.push({
            path: `${pathPrefix}.${i}`,
            message: `The same fact is given twice (also at ${seen.get(key)})`,
          });
        seen.set(key, i);
        if (ind && emp)
          resolved.push({
            employeeId: emp.id,
            indicatorId: ind.id,
            month: f.month,
            value: f.value,
            dateValue: f.dateValue,
          });
      });
      if (issues.length) throw new ValidationError('Facts are invalid', issues);
      const { matrices } = await affectedBy(trx, resolved);
      const frozen = matrices.filter((m) => FROZEN_FOR_FACTS.includes(m.status as MatrixStatus));
      if (frozen.length)
        throw new ConflictError('Some facts belong to matrices that are already agreed, approved or locked', {
          matrices: frozen,
        });
      // A dry run checks everything above and reports what would change, writing nothing.
      if (dryRun) return { written: resolved.length, recomputed: matrices.length, dryRun };
      const recomputed = await storeFacts(trx, resolved, source, actor.userId);
      await audit(trx, actor, {
        action: `scorecard.facts.${source}`,
        entity: 'sc_fact',
        after: { count: resolved.length, recomputed: recomputed.length },
      });
      return { written: resolved.length, recomputed: recomputed.length, dryRun };
    });
  }

  /**
   * Pulls a month's facts from one provider for every matrix row of its indicators and stores the ones
   * that changed through the incremental path; agreed, approved and locked matrices keep their values.
   */
  async syncFacts(
    month: string,
    source: string,
    actor: Actor,
  ): Promise<{ checked: number; changed: number; recomputed: number; frozen: number }> {
    const provider = this.providers.get(source);
    if (!provider)
      throw new ValidationError('Unknown source', [
        { path: 'source', message: `Registered sources: ${this.providers.ids().join(', ')}` },
      ]);
    return this.knex.transaction(async (trx) => {
      const rows = await trx('sc_matrix_rows as r')
        .join('sc_matrices as m', 'm.id', 'r.matrixId')
        .join('sc_indicators as i', 'i.id', 'r.indicatorId')
        .where({ 'm.month': monthStart(month), 'i.source': source })
        .select<
          (Pick<MatrixRow, 'employeeId' | 'status'> &
            Pick<MatrixLineRow, 'matrixId' | 'factValue' | 'factDate'> &
            Pick<IndicatorRow, 'code'> & { indicatorId: number })[]
        >('m.id as matrixId', 'm.employeeId', 'm.status', 'i.id as indicatorId', 'i.code', 'r.factValue', 'r.factDate');
      if (!rows.length) return { checked: 0, changed: 0, recomputed: 0, frozen: 0 };
      const facts = await provider.facts(
        [...new Set(rows.map((r) => r.employeeId))],
        month,
        [...new Set(rows.map((r) => r.code))],
        trx,
      );
      const changed: ResolvedFact[] = [];
      const frozen = new Set<number>();
      for (const r of rows) {
        const f = facts.get(factKey(r.employeeId, r.code));
        if (!f || (f.value === r.factValue && f.dateValue === r.factDate)) continue;
        if (FROZEN_FOR_FACTS.includes(r.status)) frozen.add(r.matrixId);
        changed.push({
          employeeId: r.employeeId,
          indicatorId: r.indicatorId,
          month,
          value: f.value,
          dateValue: f.dateValue,
        });
      }
      const recomputed = await storeFacts(trx, changed, source, actor.userId, frozen);
      await audit(trx, actor, {
        action: 'scorecard.facts.sync',
        entity: 'sc_fact',
        after: { month, source, changed: changed.length, recomputed: recomputed.length },
      });
      return { checked: rows.length, changed: changed.length, recomputed: recomputed.length, frozen: frozen.size };
    });
  }

  // -------------------------------------------------------------------------------------------
  /** Checks an action against the workflow rules: 409 for the wrong state, 403 for the wrong person. */
  private checkAction(action: MatrixAction, status: MatrixStatus, rel: MatrixRelation): { to: MatrixStatus } {
    const check = checkTransition(action, status, rel);
    if (!check.ok)
      throw check.status === 409 ? new ConflictError(check.message, { status }) : new ForbiddenError(check.message);
    return check;
  }

  /** The employee's user, the managers above the matrix's unit and the head of its department, as process variables. */
  private async participants(db: Knex | Knex.Transaction, head: MatrixHead): Promise<ApprovalParticipants> {
    const org = await UnitTree.load(db);
    const chain = org.ancestry(head.unitId);
    const users = await db('users as u')
      .leftJoin('employees as e', 'e.id', 'u.employeeId')
      .where('u.isActive', true)
      .where((q) =>
        q
          .where('u.employeeId', head.employeeId)
          .orWhere((m) => m.whereRaw("'manager' = any(u.roles)").whereIn('e.unitId', chain)),
      )
      .select<(Pick<UserRow, 'id' | 'employeeId'> & { unitId: EmployeeRow['unitId'] | null })[]>(
        'u.id',
        'u.employeeId',
        'e.unitId',
      );
    const employeeUser = users.find((u) => u.employeeId === head.employeeId);
    const managers = users.filter((u) => u.employeeId !== head.employeeId);
    const top = org.topOf(head.unitId);
    return {
      employeeUserId: employeeUser ? String(employeeUser.id) : null,
      managerUserIds: managers.map((u) => String(u.id)),
      headUserIds: managers.filter((u) => u.unitId === top).map((u) => String(u.id)),
    };
  }

  private listQuery() {
    return this.knex('sc_matrices as m')
      .join('employees as e', 'e.id', 'm.employeeId')
      .join('org_units as u', 'u.id', 'm.unitId')
      .select(
        'm.id',
        'm.month',
        'm.status',
        'm.employeeId',
        'e.fullName',
        'm.position',
        'm.unitId',
        'u.name as unitName',
        'm.result',
        'm.bonusToPay',
      );
  }

  /** Runs a change of an open matrix in one transaction: access check, the change, recompute, audit, fresh view. */
  private async write(
    viewer: SessionUser,
    id: number,
    actor: Actor,
    action: string,
    change: (trx: Knex.Transaction, head: MatrixHead, rel: MatrixRelation) => Promise<unknown>,
  ): Promise<MatrixView> {
    return this.knex.transaction(async (trx) => {
      const { head, rel } = await this.access(trx, viewer, id, true);
      const after = await change(trx, head, rel);
      await recompute(trx, [id]);
      await audit(trx, actor, { action, entity: 'sc_matrix', entityId: id, after });
      return this.present(trx, id, rel);
    });
  }

  /** What the viewer may edit now; throws 409 when the matrix is closed for them. */
  private editGuard(status: MatrixStatus, rel: MatrixRelation): 'all' | 'own' | 'managerRows' {
    const scope = editScope(status, rel);
    if (scope === 'none') throw new ConflictError(`The matrix is ${status}: it cannot be changed`, { status });
    return scope;
  }

  private async access(
    db: Knex | Knex.Transaction,
    viewer: SessionUser,
    id: number,
    forUpdate = false,
  ): Promise<{ head: MatrixHead; rel: MatrixRelation }> {
    const q = db('sc_matrices')
      .where({ id })
      .first('id', 'employeeId', 'unitId', 'status', 'month', 'ruleId', 'processInstanceKey');
    if (forUpdate) q.forUpdate();
    const head: MatrixHead | undefined = await q;
    if (!head) throw new NotFoundError('Matrix');
    const rel = relationOf(viewer, head.employeeId, head.unitId, await UnitTree.load(db));
    if (!rel.visible) throw new NotFoundError('Matrix');
    return { head, rel };
  }

  private async employee(db: Knex | Knex.Transaction, id: number): Promise<EmployeeSnapshot> {
    const e: EmployeeSnapshot | undefined = await db('employees')
      .where({ id })
      .first('id', 'position', 'unitId', 'salary', 'maxBonusSalaries');
    if (!e) throw new NotFoundError('Employee');
    return e;
  }

  private async row(db: Knex | Knex.Transaction, matrixId: number, rowId: number): Promise<RowHead> {
    const row = await db('sc_matrix_rows as r')
      .leftJoin('sc_indicators as i', 'i.id', 'r.indicatorId')
      .where({ 'r.id': rowId, 'r.matrixId': matrixId })
      .first<RowHead | undefined>(
        'r.id',
        'r.matrixId',
        'r.kind',
        'r.section',
        'r.indicatorId',
        'i.source',
        'r.unit',
        'r.weight',
        'r.planValue',
        'r.planDate',
        'r.t0',
        'r.tmax',
      );
    if (!row) throw new NotFoundError('Row');
    return row;
  }

  /** Before confirming: every section has rows whose weights add up to the section's weight, and every row has a plan. */
  private async checkComplete(trx: Knex.Transaction, id: number): Promise<void> {
    const m = await trx('sc_matrices')
      .where({ id })
      .first('kpiWeight', 'smartWeight', 'disciplineWeight', 'evaluationWeight');
    if (!m) throw new NotFoundError('Matrix');
    const sections = {
      kpi: m.kpiWeight,
      smart: m.smartWeight,
      discipline: m.disciplineWeight,
      evaluation: m.evaluationWeight,
    };
    const rows = await trx('sc_matrix_rows')
      .where({ matrixId: id })
      .orderBy(['sort', 'id'])
      .select('id', 'section', 'weight', 'unit', 'planValue', 'planDate');
    const weights = effectiveWeights(rows, sections);
    const issues: FieldIssue[] = [];
    for (const s of SECTIONS) {
      const sum = rows.reduce((acc, r, i) => acc + (r.section === s ? weights[i] : 0), 0);
      if (sections[s] > 0 && !rows.some((r) => r.section === s))
        issues.push({ path: `sections.${s}`, message: `The ${s} section has no rows` });
      else if (Math.abs(sum - sections[s]) > 0.0001)
        issues.push({
          path: `sections.${s}`,
          message: `Row weights of the ${s} section add up to ${Math.round(sum * 1e4) / 1e4}, not ${sections[s]}`,
        });
    }
    rows.forEach((r) => {
      if (r.unit === 'date' ? !r.planDate : r.planValue === null)
        issues.push({ path: `rows.${r.id}.plan`, message: 'Give a plan' });
    });
    if (issues.length) throw new ValidationError('The matrix is not complete', issues);
  }

  private async present(db: Knex | Knex.Transaction, id: number, rel: MatrixRelation): Promise<MatrixView> {
    const m = await db('sc_matrices as m')
      .join('employees as e', 'e.id', 'm.employeeId')
      .join('org_units as u', 'u.id', 'm.unitId')
      .where('m.id', id)
      .first<
        (MatrixRow & Pick<EmployeeRow, 'fullName' | 'personnelNumber'> & { unitName: OrgUnitRow['name'] }) | undefined
      >('m.*', 'e.fullName', 'e.personnelNumber', 'u.name as unitName');
    if (!m) throw new NotFoundError('Matrix');
    const rows = await db('sc_matrix_rows as r')
      .leftJoin('sc_indicators as i', 'i.id', 'r.indicatorId')
      .where('r.matrixId', id)
      .orderByRaw(
        "array_position(array['kpi','smart','discipline','evaluation']::text[], r.section::text), r.sort, r.id",
      )
      .select<
        (MatrixLineRow & { indicatorCode: IndicatorRow['code'] | null; source: IndicatorRow['source'] | null })[]
      >('r.*', 'i.code as indicatorCode', 'i.source as source');
    const events = await db('sc_matrix_events as ev')
      .leftJoin('users as usr', 'usr.id', 'ev.userId')
      .where('ev.matrixId', id)
      .orderBy('ev.id')
      .select<
        (Pick<MatrixEventRow, 'action' | 'fromStatus' | 'toStatus' | 'userId' | 'at' | 'comment'> & {
          fullName: UserRow['fullName'] | null;
        })[]
      >('ev.action', 'ev.fromStatus', 'ev.toStatus', 'ev.userId', 'usr.fullName', 'ev.at', 'ev.comment');
    const userIds = STEPS.map((s) => m[`${s}By`]).filter((v): v is number => typeof v === 'number');
    const names = new Map(
      (await db('users').whereIn('id', userIds).select('id', 'fullName')).map((u) => [u.id, u.fullName]),
    );
    const sign = (s: (typeof STEPS)[number]): Signature | null => {
      const at = m[`${s}At`];
      if (!at) return null;
      const by = m[`${s}By`];
      return { by: by === null ? null : { id: by, fullName: names.get(by) ?? '' }, at: at.toISOString() };
    };
    const status = m.status;
    return {
      id: m.id,
      month: String(m.month).slice(0, 7),
      status,
      employee: {
        id: m.employeeId,
        fullName: String(m.fullName),
        position: String(m.position),
        unitId: m.unitId,
        unitName: String(m.unitName),
        personnelNumber: m.personnelNumber ?? null,
      },
      salary: Number(m.salary),
      maxBonusSalaries: Number(m.maxBonusSalaries),
      sections: {
        kpi: Number(m.kpiWeight),
        smart: Number(m.smartWeight),
        discipline: Number(m.disciplineWeight),
        evaluation: Number(m.evaluationWeight),
      },
      plannedWorkingDays: Number(m.plannedWorkingDays),
      workedDays: Number(m.workedDays),
      rows: rows.map(({ matrixId: _m, ...r }) => r),
      result: Number(m.result),
      bonusSalaries: Number(m.bonusSalaries),
      workedTimeCoefficient: Number(m.workedTimeCoefficient),
      bonusToPay: Number(m.bonusToPay),
      bonusAmount: Math.round(Number(m.bonusToPay) * Number(m.salary) * 100) / 100,
      computedAt: m.computedAt instanceof Date ? m.computedAt.toISOString() : null,
      workflow: {
        confirmed: sign('confirmed'),
        agreed: sign('agreed'),
        approved: sign('approved'),
        locked: sign('locked'),
      },
      history: events.map((e) => ({
        action: e.action,
        from: e.fromStatus,
        to: e.toStatus,
        by: e.userId === null ? null : { id: e.userId, fullName: e.fullName ?? '' },
        at: e.at.toISOString(),
        comment: e.comment,
      })),
      allowedActions: allowedActions(status, rel),
      editable: editScope(status, rel),
      processInstanceKey: m.processInstanceKey ?? null,
    };
  }
}

function teamTotals(groups: StatusSums[]): TeamTotals {
  const byStatus = { draft: 0, confirmed: 0, agreed: 0, approved: 0, locked: 0 } satisfies Record<MatrixStatus, number>;
  let matrices = 0;
  let resultSum = 0;
  let bonusToPaySalaries = 0;
  let bonusAmount = 0;
  for (const g of groups) {
    const n = Number(g.n);
    byStatus[g.status] = n;
    matrices += n;
    resultSum += Number(g.avgResult ?? 0) * n;
    bonusToPaySalaries += Number(g.bonusToPay ?? 0);
    bonusAmount += Number(g.bonusAmount ?? 0);
  }
  return {
    matrices,
    byStatus,
    averageResult: matrices ? Math.round((resultSum / matrices) * 100) / 100 : null,
    bonusToPaySalaries: Math.round(bonusToPaySalaries * 10) / 10,
    bonusAmount: Math.round(bonusAmount * 100) / 100,
  };
}

function presentList(rows: (Omit<MatrixListItem, 'month'> & { month: string })[]): MatrixListItem[] {
  return rows.map((r) => ({ ...r, month: r.month.slice(0, 7) }));
}
