import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import { monthStart } from './matrix.calculator.js';
import { UnitTree } from '../org/index.js';
import { relationOf } from './scorecard.org.js';
import type { FactProviderRegistry } from './scorecard.providers.js';
import type { IndicatorCreate, PlanItemCreate, PlanItemPatch, RuleCreate } from './scorecard.schemas.js';
import type { PlanItemRow } from './scorecard.tables.js';

import type { Indicator as IndicatorView, PlanItem as PlanItemView, Rule } from '../../contract/scorecard.js';

/** What the indicator and plan endpoints answer is the API contract's (server/contract/scorecard.ts). */
export type { IndicatorView, PlanItemView };

/** The stored columns of a plan item that the API presents (a PlanItemView). */
type PlanItemFields = Pick<
  PlanItemRow,
  | 'id'
  | 'employeeId'
  | 'year'
  | 'kind'
  | 'title'
  | 'indicatorId'
  | 'unit'
  | 'direction'
  | 'annualTarget'
  | 'annualDate'
  | 'monthly'
  | 'cascadedFromId'
>;

/** Indicators, matrix rules by period and the employees' annual plans (with cascading of a manager's tasks). */
export class PlanService {
  constructor(
    private readonly knex: Knex,
    private readonly providers: FactProviderRegistry,
  ) {}

  /** Every indicator with its terms. */
  async indicators(): Promise<IndicatorView[]> {
    const rows = await this.knex('sc_indicators')
      .orderBy('code')
      .select('id', 'code', 'name', 'unit', 'direction', 'source', 'description', 'isActive');
    const terms = await this.knex('sc_indicator_terms')
      .orderBy('validFrom')
      .select('indicatorId', 'validFrom', 't0', 'tmax');
    return rows.map((r) => ({
      ...r,
      terms: terms
        .filter((t) => t.indicatorId === r.id)
        .map(({ indicatorId: _i, validFrom, ...t }) => ({ validFrom: validFrom.slice(0, 7), ...t })),
    }));
  }

  /** Creates an indicator; its source must be a registered provider. */
  async createIndicator(input: IndicatorCreate, actor: Actor): Promise<IndicatorView> {
    this.checkSource(input.source);
    return this.knex.transaction(async (trx) => {
      const [row] = await trx('sc_indicators').insert(input).returning('id');
      await audit(trx, actor, {
        action: 'scorecard.indicator.create',
        entity: 'sc_indicator',
        entityId: row.id,
        after: input,
      });
      return { ...input, id: row.id, isActive: true, terms: [] };
    });
  }

  /** Changes an indicator's name, source, description or activity (unit and direction are fixed once created). */
  async patchIndicator(
    id: number,
    patch: { name?: string; source?: string; description?: string | null; isActive?: boolean },
    actor: Actor,
  ): Promise<IndicatorView> {
    if (patch.source) this.checkSource(patch.source);
    await this.knex.transaction(async (trx) => {
      const before = await trx('sc_indicators').where({ id }).first();
      if (!before) throw new NotFoundError('Indicator');
      await trx('sc_indicators')
        .where({ id })
        .update({ ...patch, updatedAt: trx.fn.now() });
      await audit(trx, actor, {
        action: 'scorecard.indicator.update',
        entity: 'sc_indicator',
        entityId: id,
        before,
        after: patch,
      });
    });
    return (await this.indicators()).find((i) => i.id === id)!;
  }

  /** Sets T0/Tmax of an indicator from a month on (matrices created for earlier months keep theirs). */
  async addTerm(
    id: number,
    input: { validFrom: string; t0: number; tmax: number },
    actor: Actor,
  ): Promise<IndicatorView> {
    await this.knex.transaction(async (trx) => {
      if (!(await trx('sc_indicators').where({ id }).first('id'))) throw new NotFoundError('Indicator');
      await trx('sc_indicator_terms')
        .insert({ indicatorId: id, validFrom: monthStart(input.validFrom), t0: input.t0, tmax: input.tmax })
        .onConflict(['indicatorId', 'validFrom'])
        .merge();
      await audit(trx, actor, {
        action: 'scorecard.indicator.term',
        entity: 'sc_indicator',
        entityId: id,
        after: input,
      });
    });
    return (await this.indicators()).find((i) => i.id === id)!;
  }

  /** The matrix rules by position and period. */
  async rules(): Promise<Rule[]> {
    const rows = await this.knex('sc_rules')
      .orderBy([{ column: 'position', nulls: 'first' }, { column: 'validFrom' }])
      .select(
        'id',
        'position',
        'validFrom',
        'kpiWeight',
        'smartWeight',
        'disciplineWeight',
        'evaluationWeight',
        't0',
        'tmax',
      );
    return rows.map((r) => ({ ...r, validFrom: r.validFrom.slice(0, 7) }));
  }

  /** Adds rules valid from a month on; a month that already has matrices keeps the rules it was created with. */
  async createRule(input: RuleCreate, actor: Actor): Promise<Rule> {
    return this.knex.transaction(async (trx) => {
      const dup = await trx('sc_rules')
        .where({ validFrom: monthStart(input.validFrom) })
        .whereRaw("coalesce(position, '') = ?", [input.position ?? ''])
        .first('id');
      if (dup)
        throw new ConflictError('Rules for this position and month already exist; add them from another month', {
          ruleId: dup.id,
        });
      const [row] = await trx('sc_rules')
        .insert({ ...input, validFrom: monthStart(input.validFrom), createdBy: actor.userId })
        .returning('id');
      await audit(trx, actor, { action: 'scorecard.rule.create', entity: 'sc_rule', entityId: row.id, after: input });
      return { id: row.id, ...input };
    });
  }

  /** An employee's annual plan for a year (visible to the employee, their managers and admins). */
  async plan(viewer: SessionUser, employeeId: number, year: number): Promise<PlanItemView[]> {
    await this.relation(this.knex, viewer, employeeId, false);
    return this.items(this.knex, { employeeId, year });
  }

  /** Adds a KPI or constant SMART task to an annual plan (the employee themself, their manager or an admin). */
  async createItem(viewer: SessionUser, input: PlanItemCreate, actor: Actor): Promise<PlanItemView> {
    return this.knex.transaction(async (trx) => {
      await this.relation(trx, viewer, input.employeeId, true);
      const { indicatorCode, ...rest } = input;
      const values = { ...rest, indicatorId: null as number | null, monthly: JSON.stringify(input.monthly) };
      if (indicatorCode) {
        const ind = await trx('sc_indicators').where({ code: indicatorCode }).first('id', 'unit', 'direction');
        if (!ind)
          throw new ValidationError('Plan item is invalid', [
            { path: 'indicatorCode', message: `Unknown indicator ${indicatorCode}` },
          ]);
        if (ind.unit !== input.unit)
          throw new ValidationError('Plan item is invalid', [
            { path: 'unit', message: `Indicator ${indicatorCode} is measured in ${ind.unit}` },
          ]);
        values.indicatorId = ind.id;
        values.direction = ind.direction;
      }
      const [row] = await trx('sc_plan_items').insert(values).returning('id');
      await audit(trx, actor, {
        action: 'scorecard.plan.create',
        entity: 'sc_plan_item',
        entityId: row.id,
        after: input,
      });
      return (await this.items(trx, { id: row.id }))[0];
    });
  }

  /** Changes a plan item; the change flows to the items cascaded from it. Matrices already created keep their rows. */
  async patchItem(viewer: SessionUser, id: number, patch: PlanItemPatch, actor: Actor): Promise<PlanItemView> {
    return this.knex.transaction(async (trx) => {
      const item = await this.item(trx, id);
      await this.relation(trx, viewer, item.employeeId, true);
      if (patch.monthly) {
        const issues: FieldIssue[] = [];
        patch.monthly.forEach((m, i) => {
          if (m !== null && (item.unit === 'date') !== (typeof m === 'string'))
            issues.push({
              path: `monthly.${i}`,
              message: item.unit === 'date' ? 'Give a date or null' : 'Give a number or null',
            });
        });
        if (issues.length) throw new ValidationError('Plan item is invalid', issues);
      }
      const { monthly, ...rest } = patch;
      const set = { ...rest, ...(monthly ? { monthly: JSON.stringify(monthly) } : {}), updatedAt: trx.fn.now() };
      await trx('sc_plan_items').where({ id }).orWhere({ cascadedFromId: id }).update(set);
      await audit(trx, actor, {
        action: 'scorecard.plan.update',
        entity: 'sc_plan_item',
        entityId: id,
        before: item,
        after: patch,
      });
      return (await this.items(trx, { id }))[0];
    });
  }

  /** Removes a plan item (and what was cascaded from it). */
  async deleteItem(viewer: SessionUser, id: number, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const item = await this.item(trx, id);
      await this.relation(trx, viewer, item.employeeId, true);
      await trx('sc_plan_items').where({ id }).delete();
      await audit(trx, actor, { action: 'scorecard.plan.delete', entity: 'sc_plan_item', entityId: id, before: item });
    });
  }

  /** Cascades a manager's constant SMART task as a KPI of each given employee of their units. */
  async cascadeItem(viewer: SessionUser, id: number, employeeIds: number[], actor: Actor): Promise<PlanItemView[]> {
    return this.knex.transaction(async (trx) => {
      const item = await this.item(trx, id);
      if (item.kind !== 'smart_constant')
        throw new ValidationError('Only SMART tasks cascade', [{ path: 'id', message: 'Only SMART tasks cascade' }]);
      const owner = viewer.employeeId === item.employeeId && viewer.roles.includes('manager');
      if (!owner && !viewer.roles.includes('admin'))
        throw new ForbiddenError('Only the manager who owns the task (or an admin) cascades it');
      const org = await UnitTree.load(trx);
      const source = await trx('employees').where({ id: item.employeeId }).first('unitId');
      if (!source) throw new NotFoundError('Employee');
      const employees = new Map(
        (await trx('employees').whereIn('id', employeeIds).select('id', 'unitId')).map((e) => [e.id, e]),
      );
      const issues: FieldIssue[] = [];
      employeeIds.forEach((eid, i) => {
        const e = employees.get(eid);
        if (!e || e.id === item.employeeId || !org.isWithin(e.unitId, source.unitId))
          issues.push({ path: `employeeIds.${i}`, message: 'Not an employee of your units' });
      });
      if (issues.length) throw new ValidationError('Cannot cascade', issues);
      const already = new Set(
        (await trx('sc_plan_items').where({ cascadedFromId: id }).select('employeeId')).map((r) => r.employeeId),
      );
      const inserts = employeeIds
        .filter((eid) => !already.has(eid))
        .map((employeeId) => ({
          employeeId,
          year: item.year,
          kind: 'kpi' as const,
          title: item.title,
          indicatorId: item.indicatorId,
          unit: item.unit,
          direction: item.direction,
          annualTarget: item.annualTarget,
          annualDate: item.annualDate,
          monthly: JSON.stringify(item.monthly),
          cascadedFromId: id,
        }));
      if (inserts.length) await trx('sc_plan_items').insert(inserts);
      await audit(trx, actor, {
        action: 'scorecard.plan.cascade',
        entity: 'sc_plan_item',
        entityId: id,
        after: { employeeIds },
      });
      return this.items(trx, { cascadedFromId: id });
    });
  }

  /** Ids of the registered fact providers (what an indicator's source may name). */
  providerIds(): string[] {
    return this.providers.ids();
  }

  private checkSource(source: string): void {
    if (!this.providers.get(source))
      throw new ValidationError('Indicator is invalid', [
        { path: 'source', message: `Unknown source; registered: ${this.providers.ids().join(', ')}` },
      ]);
  }

  private async item(db: Knex | Knex.Transaction, id: number): Promise<PlanItemFields> {
    const [item] = await this.items(db, { id });
    if (!item) throw new NotFoundError('Plan item');
    return item;
  }

  private async items(
    db: Knex | Knex.Transaction,
    where: Partial<Pick<PlanItemRow, 'id' | 'employeeId' | 'year' | 'cascadedFromId'>>,
  ): Promise<PlanItemFields[]> {
    return db('sc_plan_items')
      .where(where)
      .orderBy(['kind', 'id'])
      .select(
        'id',
        'employeeId',
        'year',
        'kind',
        'title',
        'indicatorId',
        'unit',
        'direction',
        'annualTarget',
        'annualDate',
        'monthly',
        'cascadedFromId',
      );
  }

  /** Checks the viewer may see (and with `write`, change) an employee's plan; 404 when not visible. */
  private async relation(
    db: Knex | Knex.Transaction,
    viewer: SessionUser,
    employeeId: number,
    write: boolean,
  ): Promise<void> {
    const e = await db('employees').where({ id: employeeId }).first('id', 'unitId');
    if (!e) throw new NotFoundError('Employee');
    const rel = relationOf(viewer, e.id, e.unitId, await UnitTree.load(db));
    if (!rel.visible) throw new NotFoundError('Employee');
    if (write && !(rel.owner || rel.manager || rel.head || rel.admin)) throw new ForbiddenError();
  }
}
