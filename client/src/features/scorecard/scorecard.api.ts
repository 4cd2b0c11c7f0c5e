import { http, type Page } from '../../api/http';
import type { Items } from '@contract/common';
import type {
  EvaluationRequest,
  EvaluationView,
  FactInput,
  FactsWriteResult,
  GenerateResult,
  Indicator,
  IndicatorInput,
  IndicatorPatch,
  Matrix,
  MatrixAction,
  MatrixListItem,
  MatrixPatchRequest,
  MatrixStatus,
  MethodologyDoc,
  MethodologyView,
  NewRowInput,
  PlanItem,
  PlanItemChange,
  PlanItemInput,
  RoadmapIndicatorChange,
  RoadmapIndicatorInput,
  RoadmapIndicatorView,
  RoadmapSeriesAnswer,
  RoadmapValue,
  Rule,
  RuleInput,
  SyncResult,
  TeamPage,
  TermRequest,
} from '@contract/scorecard';
import type { Employee, OrgUnit } from '@contract/org';

// Every request and answer type is the API contract's (server/contract/scorecard.ts), re-exported
// under the names the screens use.
export { MATRIX_STATUSES } from '@contract/enums';
export type {
  EditScope,
  FactInput,
  Indicator,
  Matrix,
  MatrixAction,
  MatrixListItem,
  MatrixRow,
  MatrixStatus,
  MethodologyDoc,
  MethodologyGroup,
  MethodologyIndicator,
  MethodologyLevel,
  MonthlyValue,
  NewRowInput,
  OrgInput,
  PlanItem,
  PlanItemInput,
  RoadmapSeries,
  RoadmapValue,
  RowUnit,
  Rule,
  RuleInput,
  Section,
  Signature,
  TeamTotals,
} from '@contract/scorecard';
/** An indicator with its T0/Tmax terms by period. */
export type IndicatorFull = Indicator;
export type PlanItemPatch = PlanItemChange;
/** A stored organisation methodology. */
export type Methodology = MethodologyView;
/** A department's yearly evaluation with its breakdown. */
export type Evaluation = EvaluationView;
/** A roadmap indicator with its yearly plan and fact. */
export type RoadmapIndicator = RoadmapIndicatorView;
/** An employee to choose in the plan screen (the org contract's employee). */
export type EmployeeOption = Employee;

const base = '/api/scorecard';

/** The scorecard endpoints (`/api/scorecard`). */
export const scorecardApi = {
  matrices: {
    mine: (q: { year?: number; page?: number; pageSize?: number } = {}) =>
      http.get<Page<MatrixListItem>>(`${base}/matrices/mine`, q),
    team: (q: { month: string; status?: MatrixStatus | null; q?: string; page?: number; pageSize?: number }) =>
      http.get<TeamPage>(`${base}/matrices/team`, q),
    get: (id: number) => http.get<Matrix>(`${base}/matrices/${id}`),
    create: (employeeId: number, month: string) => http.post<Matrix>(`${base}/matrices`, { employeeId, month }),
    generate: (month: string) => http.post<GenerateResult>(`${base}/matrices/generate`, { month }),
    patch: (id: number, patch: MatrixPatchRequest) => http.patch<Matrix>(`${base}/matrices/${id}`, patch),
    addRow: (id: number, input: NewRowInput) => http.post<Matrix>(`${base}/matrices/${id}/rows`, input),
    deleteRow: (id: number, rowId: number) => http.delete<Matrix>(`${base}/matrices/${id}/rows/${rowId}`),
    facts: (id: number, facts: FactInput[]) => http.put<Matrix>(`${base}/matrices/${id}/facts`, { facts }),
    transition: (id: number, action: MatrixAction, comment?: string) =>
      http.post<Matrix>(`${base}/matrices/${id}/${action}`, comment ? { comment } : {}),
    exportUrl: (id: number) => `${base}/matrices/${id}/export.xlsx`,
  },
  indicators: () => http.get<Items<Indicator>>(`${base}/indicators`),
  indicator: {
    create: (input: IndicatorInput) => http.post<Indicator>(`${base}/indicators`, input),
    patch: (id: number, patch: IndicatorPatch) => http.patch<Indicator>(`${base}/indicators/${id}`, patch),
    addTerm: (id: number, term: TermRequest) => http.post<Indicator>(`${base}/indicators/${id}/terms`, term),
  },
  rules: {
    list: () => http.get<Items<Rule>>(`${base}/rules`),
    create: (input: RuleInput) => http.post<Rule>(`${base}/rules`, input),
  },
  providers: () => http.get<Items<string>>(`${base}/providers`),
  plans: {
    list: (employeeId: number, year: number) => http.get<Items<PlanItem>>(`${base}/plans`, { employeeId, year }),
    create: (input: PlanItemInput) => http.post<PlanItem>(`${base}/plans`, input),
    patch: (id: number, patch: PlanItemPatch) => http.patch<PlanItem>(`${base}/plans/${id}`, patch),
    remove: (id: number) => http.delete(`${base}/plans/${id}`),
    cascade: (id: number, employeeIds: number[]) =>
      http.post<Items<PlanItem>>(`${base}/plans/${id}/cascade`, { employeeIds }),
  },
  facts: {
    import: (file: File, dryRun: boolean) =>
      http.upload<FactsWriteResult>(`${base}/facts/import`, file, { dryRun: dryRun ? 'true' : 'false' }),
    sync: (month: string, source: string) => http.post<SyncResult>(`${base}/facts/sync`, { month, source }),
  },
  employees: (q: { q?: string } = {}) =>
    http.get<Page<Employee>>('/api/org/employees', { ...q, pageSize: 200, sort: 'fullName' }),
  methodologies: {
    list: () => http.get<Page<MethodologyView>>(`${base}/methodologies`, { pageSize: 200 }),
    get: (id: number) => http.get<MethodologyView>(`${base}/methodologies/${id}`),
    create: (doc: MethodologyDoc) => http.post<MethodologyView>(`${base}/methodologies`, doc),
    replace: (id: number, doc: MethodologyDoc) => http.put<MethodologyView>(`${base}/methodologies/${id}`, doc),
    remove: (id: number) => http.delete(`${base}/methodologies/${id}`),
    import: (file: File) => http.upload<MethodologyView>(`${base}/methodologies/import`, file),
    exportUrl: (id: number, format: 'json' | 'xlsx') => `${base}/methodologies/${id}/export?format=${format}`,
    evaluate: (id: number, input: EvaluationRequest) =>
      http.post<EvaluationView>(`${base}/methodologies/${id}/evaluations`, input),
    evaluations: (id: number, year?: number) =>
      http.get<Page<EvaluationView>>(`${base}/methodologies/${id}/evaluations`, { year, pageSize: 200 }),
  },
  departments: () => http.get<Items<OrgUnit>>('/api/org/units', { pageSize: 200 }),
  roadmap: {
    list: () => http.get<Page<RoadmapIndicatorView>>(`${base}/roadmap/indicators`, { pageSize: 200 }),
    series: (q: { from?: number; to?: number } = {}) => http.get<RoadmapSeriesAnswer>(`${base}/roadmap/series`, q),
    create: (input: RoadmapIndicatorInput) => http.post<RoadmapIndicatorView>(`${base}/roadmap/indicators`, input),
    patch: (id: number, patch: RoadmapIndicatorChange) =>
      http.patch<RoadmapIndicatorView>(`${base}/roadmap/indicators/${id}`, patch),
    remove: (id: number) => http.delete(`${base}/roadmap/indicators/${id}`),
    setValues: (id: number, values: RoadmapValue[]) =>
      http.put<RoadmapIndicatorView>(`${base}/roadmap/indicators/${id}/values`, { values }),
  },
};
