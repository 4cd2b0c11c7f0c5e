import type { Knex } from 'knex';
import { workingDaysInMonth, type CalendarCountry } from '../../platform/calendar.js';
import { computeMatrix, type MatrixResult, type RowInput } from './scorecard.formulas.js';
import { factKey, type FactProviderRegistry, type FactValue } from './scorecard.providers.js';
import type {
  IndicatorRow as IndicatorRecord,
  MatrixLineRow,
  MatrixRow,
  PlanItemRow as PlanItemRecord,
  RuleRow as RuleRecord,
} from './scorecard.tables.js';
import type { EmployeeRow } from '../org/index.js';

/**
 * The matrix calculator: creates a month's matrices from the rules and annual plans in force, pulls
 * indicator facts from the registered providers, and (re)computes the stored result columns of a
 * set of matrices in bulk. It knows nothing of who asks; the service checks that.
 */

export const DISCIPLINE_INDICATOR = 'executive-discipline';

/** An employee as a new matrix snapshots them. */
export type EmployeeSnapshot = Pick<EmployeeRow, 'id' | 'position' | 'unitId' | 'salary' | 'maxBonusSalaries'>;

type RuleRow = Pick<
  RuleRecord,
  | 'id'
  | 'position'
  | 'validFrom'
  | 'kpiWeight'
  | 'smartWeight'
  | 'disciplineWeight'
  | 'evaluationWeight'
  | 't0'
  | 'tmax'
>;

type PlanItemRow = Pick<
  PlanItemRecord,
  'id' | 'employeeId' | 'kind' | 'title' | 'indicatorId' | 'unit' | 'direction' | 'monthly'
>;

type IndicatorRow = Pick<IndicatorRecord, 'id' | 'code' | 'unit' | 'direction' | 'source' | 'name'>;

/** A row to insert (snake-case mapping is done by knex): the stored row without what the database or the computation fills in. */
type NewRow = Omit<MatrixLineRow, 'id' | 'note' | 'effectiveWeight' | 'completion' | 'completionAdjusted' | 'total'>;

type StoredRow = RowInput & Pick<MatrixLineRow, 'id' | 'matrixId'>;

type StoredMatrix = Pick<
  MatrixRow,
  | 'id'
  | 'kpiWeight'
  | 'smartWeight'
  | 'disciplineWeight'
  | 'evaluationWeight'
  | 'maxBonusSalaries'
  | 'workedDays'
  | 'plannedWorkingDays'
>;

/** Passes a JS array as one Postgres array parameter (knex's typings only know string[]). */
function pgArray(values: readonly (number | string | null)[]): Knex.Value {
  return values as unknown as string[];
}

/** The first day of a 'YYYY-MM' month as a DATE literal. */
export function monthStart(month: string): string {
  return `${month}-01`;
}

/** Picks the rule in force for a position in a month: the position's own rule, else the default (position null); latest valid_from wins. */
export function ruleFor(rules: readonly RuleRow[], position: string, monthDate: string): RuleRow | undefined {
  const valid = rules.filter((r) => r.validFrom <= monthDate).sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1));
  return valid.find((r) => r.position === position) ?? valid.find((r) => r.position === null);
}

/** Creates and computes the month's matrices of the given employees (those without one); returns the new matrix ids. */
export async function createMatrices(
  trx: Knex.Transaction,
  providers: FactProviderRegistry,
  employees: readonly EmployeeSnapshot[],
  month: string,
  country: CalendarCountry,
): Promise<number[]> {
  const monthDate = monthStart(month);
  const monthIndex = Number(month.slice(5, 7)) - 1;
  const year = Number(month.slice(0, 4));
  const existing = new Set(
    (
      await trx('sc_matrices')
        .where({ month: monthDate })
        .whereRaw('employee_id = any(?::int[])', [pgArray(employees.map((e) => e.id))])
        .select('employeeId')
    ).map((r) => r.employeeId),
  );
  const todo = employees.filter((e) => !existing.has(e.id));
  if (!todo.length) return [];

  const rules: RuleRow[] = await trx('sc_rules').where('validFrom', '<=', monthDate).select('*');
  const terms = await trx('sc_indicator_terms')
    .where('validFrom', '<=', monthDate)
    .orderBy('validFrom', 'asc')
    .select('indicatorId', 't0', 'tmax');
  const termOf = new Map(terms.map((t) => [t.indicatorId, t])); // ascending order: the latest one wins
  const indicators = new Map(
    (await trx('sc_indicators').select('id', 'code', 'unit', 'direction', 'source', 'name')).map((i) => [i.id, i]),
  );
  const discipline = [...indicators.values()].find((i) => i.code === DISCIPLINE_INDICATOR);
  const planItems = await trx('sc_plan_items')
    .where({ year })
    .whereRaw('employee_id = any(?::int[])', [pgArray(todo.map((e) => e.id))])
    .orderBy('id')
    .select('id', 'employeeId', 'kind', 'title', 'indicatorId', 'unit', 'direction', 'monthly');
  const itemsOf = new Map<number, PlanItemRow[]>();
  for (const p of planItems) {
    if (p.monthly[monthIndex] === null || p.monthly[monthIndex] === undefined) continue;
    const list = itemsOf.get(p.employeeId) ?? [];
    list.push(p);
    itemsOf.set(p.employeeId, list);
  }

  // Build every matrix and its rows in memory, pull facts from the providers, compute, then store in two statements.
  // The month's norm from the national production calendar (holidays and moved days off); a manager corrects it per matrix.
  const planned = workingDaysInMonth(month, country);
  const drafts = todo.map((e) => {
    const rule = ruleFor(rules, e.position, monthDate);
    if (!rule) throw new Error(`No scorecard rule is in force for ${month}`);
    const limits = (indicatorId: number | null) => {
      const t = indicatorId === null ? undefined : termOf.get(indicatorId);
      return { t0: t?.t0 ?? rule.t0, tmax: t?.tmax ?? rule.tmax };
    };
    const rows: NewRow[] = [];
    let sort = 0;
    for (const p of itemsOf.get(e.id) ?? []) {
      const plan = p.monthly[monthIndex];
      rows.push({
        matrixId: 0,
        section: p.kind === 'kpi' ? 'kpi' : 'smart',
        kind: p.kind,
        sort: sort++,
        title: p.title,
        indicatorId: p.indicatorId,
        planItemId: p.id,
        cascadedFromRowId: null,
        unit: p.unit,
        direction: p.direction,
        weight: null,
        ...limits(p.indicatorId),
        planValue: typeof plan === 'number' ? plan : null,
        planDate: typeof plan === 'string' ? plan : null,
        factValue: null,
        factDate: null,
      });
    }
    const fixed = {
      matrixId: 0,
      indicatorId: null,
      planItemId: null,
      cascadedFromRowId: null,
      weight: null,
      planDate: null,
      factValue: null,
      factDate: null,
      direction: 'higher' as const,
    };
    rows.push({
      ...fixed,
      section: 'discipline',
      kind: 'discipline',
      sort: 1000,
      title: discipline?.name ?? 'Исполнительская дисциплина',
      indicatorId: discipline?.id ?? null,
      unit: 'percent',
      ...limits(discipline?.id ?? null),
      planValue: 100,
    });
    rows.push({
      ...fixed,
      section: 'evaluation',
      kind: 'evaluation',
      sort: 1001,
      title: 'Оценка руководителя',
      unit: 'score',
      ...limits(null),
      planValue: 100,
    });
    return { employee: e, rule, rows };
  });
  await fillFacts(trx, providers, indicators, drafts, month);

  const computed = drafts.map((d) =>
    computeMatrix(
      d.rows,
      {
        kpi: d.rule.kpiWeight,
        smart: d.rule.smartWeight,
        discipline: d.rule.disciplineWeight,
        evaluation: d.rule.evaluationWeight,
      },
      { maxBonusSalaries: d.employee.maxBonusSalaries, workedDays: planned, plannedWorkingDays: planned },
    ),
  );
  const col = <T>(f: (d: (typeof drafts)[number], i: number) => T) =>
    pgArray(drafts.map((d, i) => f(d, i) as number | string | null));
  const inserted = (
    await trx.raw<{ rows: Pick<MatrixRow, 'id' | 'employeeId'>[] }>(
      `insert into sc_matrices (employee_id, month, status, position, unit_id, salary, max_bonus_salaries, rule_id, kpi_weight, smart_weight, discipline_weight, evaluation_weight,
                                planned_working_days, worked_days, result, bonus_salaries, worked_time_coefficient, bonus_to_pay, computed_at)
       select v.*, now() from unnest(?::int[], ?::date[], ?::text[], ?::text[], ?::int[], ?::numeric[], ?::numeric[], ?::int[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[],
                                     ?::int[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[]) as v
       returning id, employee_id as "employeeId"`,
      [
        col((d) => d.employee.id),
        col(() => monthDate),
        col(() => 'draft'),
        col((d) => d.employee.position),
        col((d) => d.employee.unitId),
        col((d) => d.employee.salary),
        col((d) => d.employee.maxBonusSalaries),
        col((d) => d.rule.id),
        col((d) => d.rule.kpiWeight),
        col((d) => d.rule.smartWeight),
        col((d) => d.rule.disciplineWeight),
        col((d) => d.rule.evaluationWeight),
        col(() => planned),
        col(() => planned),
        col((_, i) => computed[i].result),
        col((_, i) => computed[i].bonusSalaries),
        col((_, i) => computed[i].workedTimeCoefficient),
        col((_, i) => computed[i].bonusToPay),
      ],
    )
  ).rows;
  const matrixOf = new Map(inserted.map((r) => [r.employeeId, r.id]));

  const flat: { row: NewRow; res: MatrixResult['rows'][number] }[] = [];
  drafts.forEach((d, i) => {
    const matrixId = matrixOf.get(d.employee.id)!;
    d.rows.forEach((row, j) => flat.push({ row: { ...row, matrixId }, res: computed[i].rows[j] }));
  });
  const rcol = (f: (x: (typeof flat)[number]) => number | string | null) => pgArray(flat.map(f));
  await trx.raw(
    `insert into sc_matrix_rows (matrix_id, section, kind, sort, title, indicator_id, plan_item_id, cascaded_from_row_id, unit, direction, weight, t0, tmax,
                                 plan_value, plan_date, fact_value, fact_date, effective_weight, completion, completion_adjusted, total)
     select * from unnest(?::int[], ?::text[], ?::text[], ?::int[], ?::text[], ?::int[], ?::int[], ?::int[], ?::text[], ?::text[], ?::numeric[], ?::numeric[], ?::numeric[],
                          ?::numeric[], ?::date[], ?::numeric[], ?::date[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[])`,
    [
      rcol((x) => x.row.matrixId),
      rcol((x) => x.row.section),
      rcol((x) => x.row.kind),
      rcol((x) => x.row.sort),
      rcol((x) => x.row.title),
      rcol((x) => x.row.indicatorId),
      rcol((x) => x.row.planItemId),
      rcol((x) => x.row.cascadedFromRowId),
      rcol((x) => x.row.unit),
      rcol((x) => x.row.direction),
      rcol((x) => x.row.weight),
      rcol((x) => x.row.t0),
      rcol((x) => x.row.tmax),
      rcol((x) => x.row.planValue),
      rcol((x) => x.row.planDate),
      rcol((x) => x.row.factValue),
      rcol((x) => x.row.factDate),
      rcol((x) => x.res.effectiveWeight),
      rcol((x) => x.res.completion),
      rcol((x) => x.res.completionAdjusted),
      rcol((x) => x.res.total),
    ],
  );
  return inserted.map((r) => r.id);
}

/** Asks each indicator's provider for the facts of the new rows (indicators of unregistered providers stay empty). */
async function fillFacts(
  trx: Knex.Transaction,
  providers: FactProviderRegistry,
  indicators: Map<number, IndicatorRow>,
  drafts: { employee: EmployeeSnapshot; rows: NewRow[] }[],
  month: string,
): Promise<void> {
  const bySource = new Map<string, Set<string>>();
  for (const d of drafts) {
    for (const r of d.rows) {
      if (r.indicatorId === null) continue;
      const ind = indicators.get(r.indicatorId)!;
      const set = bySource.get(ind.source) ?? new Set<string>();
      set.add(ind.code);
      bySource.set(ind.source, set);
    }
  }
  const employeeIds = drafts.map((d) => d.employee.id);
  const facts = new Map<string, FactValue>();
  for (const [source, codes] of bySource) {
    const provider = providers.get(source);
    if (!provider) continue;
    for (const [k, v] of await provider.facts(employeeIds, month, [...codes], trx)) facts.set(k, v);
  }
  if (!facts.size) return;
  for (const d of drafts) {
    for (const r of d.rows) {
      if (r.indicatorId === null) continue;
      const f = facts.get(factKey(d.employee.id, indicators.get(r.indicatorId)!.code));
      if (f) {
        r.factValue = f.value;
        r.factDate = f.dateValue;
      }
    }
  }
}

/** Recomputes the stored columns of the given matrices and their rows, in bulk. */
export async function recompute(trx: Knex | Knex.Transaction, matrixIds: readonly number[]): Promise<void> {
  if (!matrixIds.length) return;
  const ids = [...new Set(matrixIds)];
  const matrices: StoredMatrix[] = await trx('sc_matrices')
    .whereRaw('id = any(?::int[])', [pgArray(ids)])
    .select(
      'id',
      'kpiWeight',
      'smartWeight',
      'disciplineWeight',
      'evaluationWeight',
      'maxBonusSalaries',
      'workedDays',
      'plannedWorkingDays',
    );
  const rows: StoredRow[] = await trx('sc_matrix_rows')
    .whereRaw('matrix_id = any(?::int[])', [pgArray(ids)])
    .orderBy(['matrixId', 'sort', 'id'])
    .select(
      'id',
      'matrixId',
      'section',
      'weight',
      'unit',
      'direction',
      'planValue',
      'factValue',
      'planDate',
      'factDate',
      't0',
      'tmax',
    );
  const rowsOf = new Map<number, StoredRow[]>();
  for (const r of rows) {
    const list = rowsOf.get(r.matrixId) ?? [];
    list.push(r);
    rowsOf.set(r.matrixId, list);
  }
  const rowCols = {
    id: [] as number[],
    ew: [] as number[],
    c: [] as (number | null)[],
    ca: [] as number[],
    t: [] as number[],
  };
  const mCols = {
    id: [] as number[],
    result: [] as number[],
    bonus: [] as number[],
    coef: [] as number[],
    pay: [] as number[],
  };
  for (const m of matrices) {
    const mine = rowsOf.get(m.id) ?? [];
    const res = computeMatrix(
      mine,
      { kpi: m.kpiWeight, smart: m.smartWeight, discipline: m.disciplineWeight, evaluation: m.evaluationWeight },
      { maxBonusSalaries: m.maxBonusSalaries, workedDays: m.workedDays, plannedWorkingDays: m.plannedWorkingDays },
    );
    mine.forEach((r, i) => {
      const rr = res.rows[i];
      rowCols.id.push(r.id);
      rowCols.ew.push(rr.effectiveWeight);
      rowCols.c.push(rr.completion);
      rowCols.ca.push(rr.completionAdjusted);
      rowCols.t.push(rr.total);
    });
    mCols.id.push(m.id);
    mCols.result.push(res.result);
    mCols.bonus.push(res.bonusSalaries);
    mCols.coef.push(res.workedTimeCoefficient);
    mCols.pay.push(res.bonusToPay);
  }
  if (rowCols.id.length) {
    await trx.raw(
      `update sc_matrix_rows r set effective_weight = v.ew, completion = v.c, completion_adjusted = v.ca, total = v.t
       from unnest(?::int[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[]) as v(id, ew, c, ca, t) where r.id = v.id`,
      [rowCols.id, rowCols.ew, rowCols.c, rowCols.ca, rowCols.t].map(pgArray),
    );
  }
  await trx.raw(
    `update sc_matrices m set result = v.result, bonus_salaries = v.bonus, worked_time_coefficient = v.coef, bonus_to_pay = v.pay, computed_at = now()
     from unnest(?::int[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[]) as v(id, result, bonus, coef, pay) where m.id = v.id`,
    [mCols.id, mCols.result, mCols.bonus, mCols.coef, mCols.pay].map(pgArray),
  );
}

/** A fact to store for an indicator (ids resolved). */
export interface ResolvedFact {
  employeeId: number;
  indicatorId: number;
  month: string;
  value: number | null;
  dateValue: string | null;
}

/** A matrix a fact would change. */
export interface AffectedMatrix {
  matrixId: number;
  employeeId: number;
  month: string;
  status: string;
}

/**
 * The matrices (and their rows) that hold the given employee/indicator/month facts. The matrices are
 * locked (FOR UPDATE, in id order) so a concurrent row edit or transition cannot interleave with the recompute.
 */
export async function affectedBy(
  trx: Knex.Transaction,
  facts: readonly ResolvedFact[],
): Promise<{ rows: { rowId: number; matrixId: number; index: number }[]; matrices: AffectedMatrix[] }> {
  if (!facts.length) return { rows: [], matrices: [] };
  // Raw results are not camel-cased by the mappers: the aliases are.
  const found = (
    await trx.raw<{
      rows: {
        rowId: number;
        matrixId: number;
        employeeId: number;
        month: string;
        status: MatrixRow['status'];
        idx: number;
      }[];
    }>(
      `select r.id as "rowId", m.id as "matrixId", m.employee_id as "employeeId", to_char(m.month, 'YYYY-MM') as month, m.status, f.idx
       from unnest(?::int[], ?::int[], ?::date[], ?::int[]) as f(employee_id, indicator_id, month, idx)
       join sc_matrices m on m.employee_id = f.employee_id and m.month = f.month
       join sc_matrix_rows r on r.matrix_id = m.id and r.indicator_id = f.indicator_id
       order by m.id, r.id
       for update of m`,
      [
        facts.map((f) => f.employeeId),
        facts.map((f) => f.indicatorId),
        facts.map((f) => monthStart(f.month)),
        facts.map((_, i) => i),
      ].map(pgArray),
    )
  ).rows;
  const matrices = new Map<number, AffectedMatrix>();
  for (const r of found)
    matrices.set(r.matrixId, { matrixId: r.matrixId, employeeId: r.employeeId, month: r.month, status: r.status });
  return {
    rows: found.map((r) => ({ rowId: r.rowId, matrixId: r.matrixId, index: r.idx })),
    matrices: [...matrices.values()],
  };
}

/**
 * Stores indicator facts and updates only the matrices that hold them (the incremental path):
 * the facts are upserted, the affected rows get the new fact, and just those matrices are recomputed.
 * Rows of matrices listed in `skipMatrixIds` keep their values. Returns the recomputed matrix ids.
 */
export async function storeFacts(
  trx: Knex.Transaction,
  given: readonly ResolvedFact[],
  source: string,
  userId: number | null,
  skipMatrixIds: ReadonlySet<number> = new Set(),
): Promise<number[]> {
  // One fact per employee, indicator and month (the last one given wins): an upsert cannot touch a row twice.
  const facts = [...new Map(given.map((f) => [`${f.employeeId}:${f.indicatorId}:${f.month}`, f])).values()];
  if (!facts.length) return [];
  await trx.raw(
    `insert into sc_facts (employee_id, indicator_id, month, value, date_value, source, updated_by, updated_at)
     select f.employee_id, f.indicator_id, f.month, f.value, f.date_value, ?, ?, now()
     from unnest(?::int[], ?::int[], ?::date[], ?::numeric[], ?::date[]) as f(employee_id, indicator_id, month, value, date_value)
     on conflict (employee_id, indicator_id, month) do update set value = excluded.value, date_value = excluded.date_value, source = excluded.source, updated_by = excluded.updated_by, updated_at = now()`,
    [
      source,
      userId,
      ...[
        facts.map((f) => f.employeeId),
        facts.map((f) => f.indicatorId),
        facts.map((f) => monthStart(f.month)),
        facts.map((f) => f.value),
        facts.map((f) => f.dateValue),
      ].map(pgArray),
    ],
  );
  const { rows } = await affectedBy(trx, facts);
  const live = rows.filter((r) => !skipMatrixIds.has(r.matrixId));
  if (!live.length) return [];
  await trx.raw(
    `update sc_matrix_rows r set fact_value = v.value, fact_date = v.date_value
     from unnest(?::int[], ?::numeric[], ?::date[]) as v(id, value, date_value) where r.id = v.id`,
    [live.map((r) => r.rowId), live.map((r) => facts[r.index].value), live.map((r) => facts[r.index].dateValue)].map(
      pgArray,
    ),
  );
  const matrixIds = [...new Set(live.map((r) => r.matrixId))];
  await recompute(trx, matrixIds);
  return matrixIds;
}
