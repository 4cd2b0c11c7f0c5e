import { http, type Page } from '../../api/http';

export type MatrixStatus = 'draft' | 'confirmed' | 'agreed' | 'approved' | 'locked';
export const MATRIX_STATUSES: readonly MatrixStatus[] = ['draft', 'confirmed', 'agreed', 'approved', 'locked'];
export type MatrixAction = 'confirm' | 'agree' | 'approve' | 'lock' | 'return';
export type Section = 'kpi' | 'smart' | 'discipline' | 'evaluation';
export type RowUnit = 'count' | 'percent' | 'date' | 'score';
export type EditScope = 'all' | 'own' | 'managerRows' | 'none';

/** A person and when they signed a workflow step. */
export interface Signature {
  by: { id: number; fullName: string } | null;
  at: string;
}

/** A row of a report matrix with its computed columns. */
export interface MatrixRow {
  id: number;
  section: Section;
  kind: string;
  sort: number;
  title: string;
  indicatorId: number | null;
  indicatorCode: string | null;
  planItemId: number | null;
  cascadedFromRowId: number | null;
  unit: RowUnit;
  direction: 'higher' | 'lower';
  weight: number | null;
  effectiveWeight: number;
  planValue: number | null;
  planDate: string | null;
  factValue: number | null;
  factDate: string | null;
  completion: number | null;
  t0: number;
  tmax: number;
  completionAdjusted: number;
  total: number;
  note: string | null;
  /** Where the fact comes from (the indicator's source); null for rows without an indicator. */
  source?: string | null;
}

/** An employee's monthly matrix as the API presents it. */
export interface Matrix {
  id: number;
  month: string;
  status: MatrixStatus;
  employee: { id: number; fullName: string; position: string; unitId: number; unitName: string; personnelNumber: string | null };
  salary: number;
  maxBonusSalaries: number;
  sections: Record<Section, number>;
  plannedWorkingDays: number;
  workedDays: number;
  rows: MatrixRow[];
  result: number;
  bonusSalaries: number;
  workedTimeCoefficient: number;
  bonusToPay: number;
  bonusAmount: number;
  computedAt: string | null;
  workflow: Record<'confirmed' | 'agreed' | 'approved' | 'locked', Signature | null>;
  history: { action: string; from: string; to: string; by: { id: number; fullName: string } | null; at: string; comment: string | null }[];
  allowedActions: MatrixAction[];
  editable: EditScope;
  /** The engine's approval process instance (null before the first confirmation). */
  processInstanceKey?: string | null;
}

/** A matrix in a list. */
export interface MatrixListItem {
  id: number;
  month: string;
  status: MatrixStatus;
  employeeId: number;
  fullName: string;
  position: string;
  unitId: number;
  unitName: string;
  result: number | string;
  bonusToPay: number | string;
}

/** Totals of a team list over every matching matrix (not only the page). */
export interface TeamTotals {
  matrices: number;
  byStatus: Record<MatrixStatus, number>;
  averageResult: number | null;
  bonusToPaySalaries: number;
  bonusAmount: number;
}

/** A monthly plan entry: a number, a 'YYYY-MM-DD' date (date tasks) or null (no plan that month). */
export type MonthlyValue = number | string | null;

/** An annual plan item: a KPI or a constant SMART task with its Jan–Dec breakdown. */
export interface PlanItem {
  id: number;
  employeeId: number;
  year: number;
  kind: 'kpi' | 'smart_constant';
  title: string;
  indicatorId: number | null;
  unit: RowUnit;
  direction: 'higher' | 'lower';
  annualTarget: number | null;
  annualDate: string | null;
  monthly: MonthlyValue[];
  cascadedFromId: number | null;
}
export interface PlanItemInput {
  employeeId: number;
  year: number;
  kind: 'kpi' | 'smart_constant';
  title: string;
  indicatorCode: string | null;
  unit: RowUnit;
  direction: 'higher' | 'lower';
  annualTarget: number | null;
  annualDate: string | null;
  monthly: MonthlyValue[];
}
export type PlanItemPatch = Partial<Pick<PlanItemInput, 'title' | 'annualTarget' | 'annualDate' | 'monthly'>>;

/** An indicator with its T0/Tmax terms by period. */
export interface IndicatorFull extends Indicator {
  description: string | null;
  isActive: boolean;
  terms: { validFrom: string; t0: number; tmax: number }[];
}
export interface IndicatorInput {
  code: string;
  name: string;
  unit: RowUnit;
  direction: 'higher' | 'lower';
  source: string;
  description: string | null;
}
/** Matrix rules of a position (null: every position) from a month on. */
export interface Rule {
  id: number;
  position: string | null;
  validFrom: string;
  kpiWeight: number;
  smartWeight: number;
  disciplineWeight: number;
  evaluationWeight: number;
  t0: number;
  tmax: number;
}
export type RuleInput = Omit<Rule, 'id'>;

/** An employee to choose in the plan screen. */
export interface EmployeeOption {
  id: number;
  fullName: string;
  position: string;
  unitName: string;
}

/** One fact typed into a matrix row. */
export interface FactInput {
  rowId: number;
  factValue?: number | null;
  factDate?: string | null;
}

/** A task added to one month's matrix (a variable SMART task or an extra KPI). */
export interface NewRowInput {
  kind: 'kpi' | 'smart_variable';
  title: string;
  unit: RowUnit;
  weight: number | null;
  planValue: number | null;
  planDate: string | null;
}

/** An employee-level indicator (its source tells whether people may type its facts). */
export interface Indicator {
  id: number;
  code: string;
  name: string;
  unit: RowUnit;
  direction: 'higher' | 'lower';
  source: string;
}

export interface MethodologyLevel {
  code: string;
  description: string;
  points: number;
  min: number | null;
  max: number | null;
}
export interface MethodologyIndicator {
  code: string;
  name: string;
  weight: number;
  mode: 'range' | 'expert';
  howObtained: string;
  supplier: string;
  unit: string | null;
  levels: MethodologyLevel[];
}
export interface MethodologyGroup {
  code: string;
  name: string;
  weight: number;
  indicators: MethodologyIndicator[];
}
/** An organisation methodology document. */
export interface MethodologyDoc {
  code: string;
  name: string;
  description: string | null;
  groups: MethodologyGroup[];
}
export interface Methodology extends MethodologyDoc {
  id: number;
  evaluations: number;
}

export type OrgInput = { value: number } | { level: string };

/** A department's yearly evaluation with its breakdown. */
export interface Evaluation {
  id: number;
  methodologyId: number;
  unitId: number;
  unitName: string;
  year: number;
  score: number;
  inputs: Record<string, OrgInput>;
  breakdown: { code: string; weight: number; score: number; indicators: { code: string; level: string; points: number; value: number | null; contribution: number }[] }[];
  evaluatedAt: string;
}

export interface RoadmapValue {
  year: number;
  plan: number | null;
  fact: number | null;
}
/** A roadmap indicator with its yearly plan and fact. */
export interface RoadmapIndicator {
  id: number;
  code: string;
  name: string;
  unit: string;
  direction: 'higher' | 'lower';
  source: string;
  description: string | null;
  sort: number;
  values: RoadmapValue[];
}
export type RoadmapIndicatorInput = Pick<RoadmapIndicator, 'code' | 'name' | 'unit' | 'direction' | 'description' | 'sort'>;
/** One indicator's plan-versus-fact series. */
export interface RoadmapSeries {
  id: number;
  code: string;
  name: string;
  unit: string;
  direction: 'higher' | 'lower';
  years: number[];
  plan: (number | null)[];
  fact: (number | null)[];
  achieved: (boolean | null)[];
}

const base = '/api/scorecard';

/** The scorecard endpoints (`/api/scorecard`). */
export const scorecardApi = {
  matrices: {
    mine: (q: { year?: number; page?: number; pageSize?: number } = {}) => http.get<Page<MatrixListItem>>(`${base}/matrices/mine`, q),
    team: (q: { month: string; status?: MatrixStatus | null; q?: string; page?: number; pageSize?: number }) => http.get<Page<MatrixListItem> & { totals: TeamTotals }>(`${base}/matrices/team`, q),
    get: (id: number) => http.get<Matrix>(`${base}/matrices/${id}`),
    create: (employeeId: number, month: string) => http.post<Matrix>(`${base}/matrices`, { employeeId, month }),
    generate: (month: string) => http.post<{ created: number; existing: number }>(`${base}/matrices/generate`, { month }),
    patch: (id: number, patch: { workedDays?: number; plannedWorkingDays?: number }) => http.patch<Matrix>(`${base}/matrices/${id}`, patch),
    addRow: (id: number, input: NewRowInput) => http.post<Matrix>(`${base}/matrices/${id}/rows`, input),
    deleteRow: (id: number, rowId: number) => http.delete<Matrix>(`${base}/matrices/${id}/rows/${rowId}`),
    facts: (id: number, facts: FactInput[]) => http.put<Matrix>(`${base}/matrices/${id}/facts`, { facts }),
    transition: (id: number, action: MatrixAction, comment?: string) => http.post<Matrix>(`${base}/matrices/${id}/${action}`, comment ? { comment } : {}),
    exportUrl: (id: number) => `${base}/matrices/${id}/export.xlsx`,
  },
  indicators: () => http.get<{ items: IndicatorFull[] }>(`${base}/indicators`),
  indicator: {
    create: (input: IndicatorInput) => http.post<IndicatorFull>(`${base}/indicators`, input),
    patch: (id: number, patch: Partial<Pick<IndicatorInput, 'name' | 'source' | 'description'>> & { isActive?: boolean }) => http.patch<IndicatorFull>(`${base}/indicators/${id}`, patch),
    addTerm: (id: number, term: { validFrom: string; t0: number; tmax: number }) => http.post<IndicatorFull>(`${base}/indicators/${id}/terms`, term),
  },
  rules: {
    list: () => http.get<{ items: Rule[] }>(`${base}/rules`),
    create: (input: RuleInput) => http.post<Rule>(`${base}/rules`, input),
  },
  providers: () => http.get<{ items: string[] }>(`${base}/providers`),
  plans: {
    list: (employeeId: number, year: number) => http.get<{ items: PlanItem[] }>(`${base}/plans`, { employeeId, year }),
    create: (input: PlanItemInput) => http.post<PlanItem>(`${base}/plans`, input),
    patch: (id: number, patch: PlanItemPatch) => http.patch<PlanItem>(`${base}/plans/${id}`, patch),
    remove: (id: number) => http.delete(`${base}/plans/${id}`),
    cascade: (id: number, employeeIds: number[]) => http.post<{ items: PlanItem[] }>(`${base}/plans/${id}/cascade`, { employeeIds }),
  },
  facts: {
    import: (file: File, dryRun: boolean) => http.upload<{ written: number; recomputed: number; dryRun: boolean }>(`${base}/facts/import`, file, { dryRun: dryRun ? 'true' : 'false' }),
    sync: (month: string, source: string) => http.post<{ checked: number; changed: number; recomputed: number; frozen: number }>(`${base}/facts/sync`, { month, source }),
  },
  employees: (q: { q?: string } = {}) => http.get<Page<EmployeeOption>>('/api/org/employees', { ...q, pageSize: 200, sort: 'fullName' }),
  methodologies: {
    list: () => http.get<Page<Methodology>>(`${base}/methodologies`, { pageSize: 200 }),
    get: (id: number) => http.get<Methodology>(`${base}/methodologies/${id}`),
    create: (doc: MethodologyDoc) => http.post<Methodology>(`${base}/methodologies`, doc),
    replace: (id: number, doc: MethodologyDoc) => http.put<Methodology>(`${base}/methodologies/${id}`, doc),
    remove: (id: number) => http.delete(`${base}/methodologies/${id}`),
    import: (file: File) => http.upload<Methodology>(`${base}/methodologies/import`, file),
    exportUrl: (id: number, format: 'json' | 'xlsx') => `${base}/methodologies/${id}/export?format=${format}`,
    evaluate: (id: number, input: { unitId: number; year: number; inputs: Record<string, OrgInput> }) => http.post<Evaluation>(`${base}/methodologies/${id}/evaluations`, input),
    evaluations: (id: number, year?: number) => http.get<Page<Evaluation>>(`${base}/methodologies/${id}/evaluations`, { year, pageSize: 200 }),
  },
  departments: () => http.get<{ items: { id: number; name: string; kind: string; isActive: boolean }[] }>('/api/org/units', { pageSize: 200 }),
  roadmap: {
    list: () => http.get<Page<RoadmapIndicator>>(`${base}/roadmap/indicators`, { pageSize: 200 }),
    series: (q: { from?: number; to?: number } = {}) => http.get<{ years: number[]; indicators: RoadmapSeries[] }>(`${base}/roadmap/series`, q),
    create: (input: RoadmapIndicatorInput) => http.post<RoadmapIndicator>(`${base}/roadmap/indicators`, input),
    patch: (id: number, patch: Partial<RoadmapIndicatorInput>) => http.patch<RoadmapIndicator>(`${base}/roadmap/indicators/${id}`, patch),
    remove: (id: number) => http.delete(`${base}/roadmap/indicators/${id}`),
    setValues: (id: number, values: RoadmapValue[]) => http.put<RoadmapIndicator>(`${base}/roadmap/indicators/${id}/values`, { values }),
  },
};
