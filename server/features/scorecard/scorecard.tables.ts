import type { JsonWrite, Table, Timestamps, TimestampWrite } from '../../platform/tables.js';
import type { MatrixStatus } from './matrix.states.js';
import type { Direction, IndicatorUnit, OrgGroupDef, OrgInput, OrgScore, Section } from './scorecard.formulas.js';

/** `sc_indicators`: what a KPI row measures, and where its facts come from (`source`: a fact provider). */
export interface IndicatorRow extends Timestamps {
  id: number;
  code: string;
  name: string;
  unit: IndicatorUnit;
  direction: Direction;
  source: string;
  description: string | null;
  isActive: boolean;
}

/** `sc_indicator_terms`: an indicator's T0/Tmax from a month on. */
export interface IndicatorTermRow {
  id: number;
  indicatorId: number;
  /** 'YYYY-MM-DD', the first of a month. */
  validFrom: string;
  t0: number;
  tmax: number;
  createdAt: Date;
}

/** `sc_rules`: section weights and T0/Tmax for a position (null: everyone) from a month on. */
export interface RuleRow {
  id: number;
  position: string | null;
  validFrom: string;
  kpiWeight: number;
  smartWeight: number;
  disciplineWeight: number;
  evaluationWeight: number;
  t0: number;
  tmax: number;
  createdBy: number | null;
  createdAt: Date;
}

export type PlanItemKind = 'kpi' | 'smart_constant';

/** `sc_plan_items`: a line of an employee's annual plan; `monthly` holds the twelve monthly targets. */
export interface PlanItemRow extends Timestamps {
  id: number;
  employeeId: number;
  year: number;
  kind: PlanItemKind;
  title: string;
  indicatorId: number | null;
  unit: IndicatorUnit;
  direction: Direction;
  annualTarget: number | null;
  annualDate: string | null;
  monthly: (number | string | null)[];
  cascadedFromId: number | null;
}

/** `sc_matrices`: an employee's monthly matrix (snapshot of position, pay and weights, results, signatures). */
export interface MatrixRow extends Timestamps {
  id: number;
  employeeId: number;
  /** 'YYYY-MM-DD', the first of the month. */
  month: string;
  status: MatrixStatus;
  position: string;
  unitId: number;
  salary: number;
  maxBonusSalaries: number;
  ruleId: number | null;
  kpiWeight: number;
  smartWeight: number;
  disciplineWeight: number;
  evaluationWeight: number;
  plannedWorkingDays: number;
  workedDays: number;
  result: number;
  bonusSalaries: number;
  workedTimeCoefficient: number;
  bonusToPay: number;
  computedAt: Date | null;
  confirmedBy: number | null;
  confirmedAt: Date | null;
  agreedBy: number | null;
  agreedAt: Date | null;
  approvedBy: number | null;
  approvedAt: Date | null;
  lockedBy: number | null;
  lockedAt: Date | null;
  /** The approval process instance on the engine. */
  processInstanceKey: string | null;
  workflowLeaseUntil: Date | null;
}

export type MatrixRowKind = 'kpi' | 'smart_constant' | 'smart_variable' | 'discipline' | 'evaluation';

/** `sc_matrix_rows`: a line of a matrix with its plan, fact and computed score. */
export interface MatrixLineRow {
  id: number;
  matrixId: number;
  section: Section;
  kind: MatrixRowKind;
  sort: number;
  title: string;
  indicatorId: number | null;
  planItemId: number | null;
  cascadedFromRowId: number | null;
  unit: IndicatorUnit;
  direction: Direction;
  weight: number | null;
  t0: number;
  tmax: number;
  planValue: number | null;
  planDate: string | null;
  factValue: number | null;
  factDate: string | null;
  note: string | null;
  effectiveWeight: number;
  completion: number | null;
  completionAdjusted: number;
  total: number;
}

/** `sc_matrix_events`: the approval history of a matrix. */
export interface MatrixEventRow {
  id: number;
  matrixId: number;
  action: string;
  fromStatus: string;
  toStatus: string;
  userId: number | null;
  comment: string | null;
  at: Date;
}

/** `sc_facts`: an indicator's fact for an employee and month (entered or from a provider). */
export interface FactRow {
  employeeId: number;
  indicatorId: number;
  month: string;
  value: number | null;
  dateValue: string | null;
  source: string;
  updatedBy: number | null;
  updatedAt: Date;
}

/** `sc_methodologies`: an organisation evaluation methodology (groups → indicators → levels). */
export interface MethodologyRow extends Timestamps {
  id: number;
  code: string;
  name: string;
  description: string | null;
  groups: OrgGroupDef[];
}

/** `sc_org_evaluations`: a department's yearly evaluation by a methodology. */
export interface OrgEvaluationRow {
  id: number;
  methodologyId: number;
  unitId: number;
  year: number;
  inputs: Record<string, OrgInput>;
  score: number;
  breakdown: OrgScore['groups'];
  evaluatedBy: number | null;
  evaluatedAt: Date;
}

/** `sc_roadmap_indicators`: an indicator of the development roadmap. */
export interface RoadmapIndicatorRow extends Timestamps {
  id: number;
  code: string;
  name: string;
  unit: string;
  direction: Direction;
  source: string;
  description: string | null;
  sort: number;
}

/** `sc_roadmap_values`: a roadmap indicator's plan and fact for a year. */
export interface RoadmapValueRow {
  indicatorId: number;
  year: number;
  plan: number | null;
  fact: number | null;
  updatedAt: Date;
}

type Generated = 'id' | 'createdAt' | 'updatedAt';

declare module 'knex/types/tables.js' {
  interface Tables {
    sc_indicators: Table<IndicatorRow, Generated | 'direction' | 'source' | 'isActive'>;
    sc_indicator_terms: Table<IndicatorTermRow, 'id' | 'createdAt'>;
    sc_rules: Table<RuleRow, 'id' | 'createdAt'>;
    sc_plan_items: Table<PlanItemRow, Generated | 'direction', { monthly: JsonWrite<PlanItemRow['monthly']> }>;
    sc_matrices: Table<
      MatrixRow,
      Generated | 'status' | 'result' | 'bonusSalaries' | 'workedTimeCoefficient' | 'bonusToPay',
      {
        computedAt?: TimestampWrite | null;
        confirmedAt?: TimestampWrite | null;
        agreedAt?: TimestampWrite | null;
        approvedAt?: TimestampWrite | null;
        lockedAt?: TimestampWrite | null;
        workflowLeaseUntil?: TimestampWrite | null;
      }
    >;
    sc_matrix_rows: Table<MatrixLineRow, 'id' | 'sort' | 'effectiveWeight' | 'completionAdjusted' | 'total'>;
    sc_matrix_events: Table<MatrixEventRow, 'id' | 'at', { at?: TimestampWrite }>;
    sc_facts: Table<FactRow, 'updatedAt', { updatedAt?: TimestampWrite }>;
    sc_methodologies: Table<MethodologyRow, Generated, { groups: JsonWrite<OrgGroupDef[]> }>;
    sc_org_evaluations: Table<
      OrgEvaluationRow,
      'id' | 'evaluatedAt',
      {
        inputs: JsonWrite<OrgEvaluationRow['inputs']>;
        breakdown: JsonWrite<OrgEvaluationRow['breakdown']>;
        evaluatedAt?: TimestampWrite;
      }
    >;
    sc_roadmap_indicators: Table<RoadmapIndicatorRow, Generated | 'direction' | 'source' | 'sort'>;
    sc_roadmap_values: Table<RoadmapValueRow, 'updatedAt', { updatedAt?: TimestampWrite }>;
  }
}
