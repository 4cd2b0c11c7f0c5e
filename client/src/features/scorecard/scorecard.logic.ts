import type { EditScope, Matrix, MatrixRow, MatrixStatus, MethodologyDoc, RowUnit } from './scorecard.api';
import { thisMonth } from '../../shared/clock';

/** The paper form's sections, in order: SMART tasks are split into constant and variable ones. */
export type FormSection = 'kpi' | 'smartConstant' | 'smartVariable' | 'discipline' | 'evaluation';
export const FORM_SECTIONS: readonly FormSection[] = [
  'kpi',
  'smartConstant',
  'smartVariable',
  'discipline',
  'evaluation',
];

/** The form section a row belongs to. */
export function formSectionOf(row: Pick<MatrixRow, 'section' | 'kind'>): FormSection {
  if (row.section === 'smart') return row.kind === 'smart_variable' ? 'smartVariable' : 'smartConstant';
  return row.section;
}

/** Rows grouped by form section, in form order, with the section's weight sum and total; empty sections are kept only when `keepEmpty`. */
export function groupRows(
  rows: readonly MatrixRow[],
  keepEmpty = false,
): { section: FormSection; rows: MatrixRow[]; weight: number; total: number }[] {
  return FORM_SECTIONS.map((section) => {
    const list = rows.filter((r) => formSectionOf(r) === section);
    return {
      section,
      rows: list,
      weight: round(sum(list.map((r) => r.effectiveWeight)), 4),
      total: round(sum(list.map((r) => r.total)), 4),
    };
  }).filter((g) => keepEmpty || g.rows.length > 0);
}

/** This month as `YYYY-MM`, by the server's clock in the users' time zone. */
export function currentMonth(): string {
  return thisMonth();
}

/** `YYYY-MM` for a date picker timestamp, and back (first day of the month, the picker's local time). */
export function monthOfTimestamp(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}
export function timestampOfMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(y, m - 1, 1).getTime();
}

/** Whether the viewer may type the fact of this row, given the matrix's edit scope and the indicator's source. */
export function canEditFact(
  row: Pick<MatrixRow, 'kind' | 'indicatorCode'>,
  scope: EditScope,
  sourceOf: (code: string) => string | undefined,
): boolean {
  if (scope === 'none') return false;
  if (row.indicatorCode) {
    const source = sourceOf(row.indicatorCode);
    if (source !== undefined && source !== 'manual') return false;
  }
  const managerRow = row.kind === 'discipline' || row.kind === 'evaluation';
  if (scope === 'own') return !managerRow;
  if (scope === 'managerRows') return managerRow;
  return true;
}

/** A fact as typed: a number (or empty) for count/%/score rows, a `YYYY-MM-DD` date (or empty) for date rows. */
export type FactDraft = { kind: 'value'; value: number | null } | { kind: 'date'; value: string | null };

/** Checks a typed fact before it is sent; returns an i18n key of the problem, or null. */
export function validateFact(unit: RowUnit, draft: FactDraft): string | null {
  if (unit === 'date') {
    if (draft.kind !== 'date') return 'scorecard.matrix.errors.dateExpected';
    if (draft.value !== null && !/^\d{4}-\d{2}-\d{2}$/.test(draft.value)) return 'scorecard.matrix.errors.dateExpected';
    return null;
  }
  if (draft.kind !== 'value') return 'scorecard.matrix.errors.numberExpected';
  if (draft.value === null) return null;
  if (!Number.isFinite(draft.value)) return 'scorecard.matrix.errors.numberExpected';
  if (draft.value < 0) return 'scorecard.matrix.errors.negative';
  if ((unit === 'percent' || unit === 'score') && draft.value > 1000) return 'scorecard.matrix.errors.tooLarge';
  if (Math.abs(draft.value) > 1e9) return 'scorecard.matrix.errors.tooLarge';
  return null;
}

/** The facts that differ from the row's stored fact (what a save sends). */
export function changedFacts(
  rows: readonly MatrixRow[],
  drafts: Readonly<Record<number, FactDraft>>,
): { rowId: number; factValue?: number | null; factDate?: string | null }[] {
  const out: { rowId: number; factValue?: number | null; factDate?: string | null }[] = [];
  for (const row of rows) {
    const d = drafts[row.id];
    if (!d) continue;
    if (d.kind === 'date' && d.value !== row.factDate) out.push({ rowId: row.id, factDate: d.value });
    if (d.kind === 'value' && d.value !== row.factValue) out.push({ rowId: row.id, factValue: d.value });
  }
  return out;
}

/** Maps a server field path of `PUT /facts` (`facts.<i>.factValue`) to the row it names. */
export function rowIdOfFactPath(path: string, sent: readonly { rowId: number }[]): number | null {
  const m = /^facts\.(\d+)/.exec(path);
  if (!m) return null;
  return sent[Number(m[1])]?.rowId ?? null;
}

/** The workflow steps with who signed them and when, for the timeline. */
export function timeline(
  matrix: Pick<Matrix, 'workflow'>,
): { step: 'confirmed' | 'agreed' | 'approved' | 'locked'; by: string | null; at: string | null; done: boolean }[] {
  return (['confirmed', 'agreed', 'approved', 'locked'] as const).map((step) => {
    const s = matrix.workflow[step];
    return { step, by: s?.by?.fullName ?? null, at: s?.at ?? null, done: s !== null };
  });
}

/** The naive-ui tag type of a matrix status. */
export function statusType(status: MatrixStatus): 'default' | 'info' | 'warning' | 'success' {
  return ({ draft: 'default', confirmed: 'info', agreed: 'warning', approved: 'success', locked: 'success' } as const)[
    status
  ];
}

/** Totals of a team list: matrices, their average result and the bonus to pay, by status. */
export function teamTotals(
  items: readonly { status: MatrixStatus; result: number | string; bonusToPay: number | string }[],
): { count: number; averageResult: number; bonusToPay: number; byStatus: Record<MatrixStatus, number> } {
  const byStatus: Record<MatrixStatus, number> = { draft: 0, confirmed: 0, agreed: 0, approved: 0, locked: 0 };
  for (const i of items) byStatus[i.status]++;
  const results = items.map((i) => Number(i.result));
  return {
    count: items.length,
    averageResult: items.length ? round(sum(results) / items.length, 2) : 0,
    bonusToPay: round(sum(items.map((i) => Number(i.bonusToPay))), 1),
    byStatus,
  };
}

/** A weight problem of a methodology being edited: where it is and what the weights add up to. */
export interface WeightIssue {
  /** `groups` or `groups.<i>.indicators`. */
  path: string;
  sum: number;
}

/** Checks that the group weights add up to 1 and each group's indicator weights too (±0.0001, as the server does). */
export function methodologyWeightIssues(doc: Pick<MethodologyDoc, 'groups'>): WeightIssue[] {
  const issues: WeightIssue[] = [];
  const total = sum(doc.groups.map((g) => Number(g.weight) || 0));
  if (Math.abs(total - 1) > 0.0001) issues.push({ path: 'groups', sum: round(total, 6) });
  doc.groups.forEach((g, i) => {
    const s = sum(g.indicators.map((x) => Number(x.weight) || 0));
    if (Math.abs(s - 1) > 0.0001) issues.push({ path: `groups.${i}.indicators`, sum: round(s, 6) });
  });
  return issues;
}

/** The largest possible score of a methodology (every indicator at its best level). */
export function maxScore(doc: Pick<MethodologyDoc, 'groups'>): number {
  return round(
    sum(
      doc.groups.map(
        (g) => g.weight * sum(g.indicators.map((i) => i.weight * Math.max(0, ...i.levels.map((l) => l.points)))),
      ),
    ),
    4,
  );
}

/** Rounds to the given number of decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Saves a server file download (the browser follows the attachment). */
export function downloadUrl(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** A problem of a form being filled in, at a server-style field path (`title`, `monthly.3`). */
export interface FormIssue {
  path: string;
  message: string;
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * Checks an annual plan task before it is sent, with the server's rules: a title, at least one month
 * with a plan, and each month a number ≥ 0 (or a date for a date task) or empty.
 */
export function planItemIssues(
  form: { title: string; unit: RowUnit; monthly: readonly (number | string | null)[] },
  t: Translate,
): FormIssue[] {
  const issues: FormIssue[] = [];
  if (!form.title.trim()) issues.push({ path: 'title', message: t('validation.required') });
  form.monthly.forEach((v, i) => {
    if (v === null) return;
    if (
      form.unit === 'date'
        ? typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)
        : typeof v !== 'number' || !Number.isFinite(v) || v < 0
    ) {
      issues.push({
        path: `monthly.${i}`,
        message: t(form.unit === 'date' ? 'scorecard.plans.dateNeeded' : 'scorecard.plans.numberNeeded'),
      });
    }
  });
  if (form.monthly.length !== 12 || form.monthly.every((v) => v === null))
    issues.push({ path: 'monthly', message: t('scorecard.plans.needMonth') });
  return issues;
}

/** The sum of a rule's four section weights (it must be 100). */
export function ruleWeightSum(r: {
  kpiWeight: number | null;
  smartWeight: number | null;
  disciplineWeight: number | null;
  evaluationWeight: number | null;
}): number {
  return round((r.kpiWeight ?? 0) + (r.smartWeight ?? 0) + (r.disciplineWeight ?? 0) + (r.evaluationWeight ?? 0), 4);
}

/** Errors of an import file (`rows.<file row>.<field>`) as table rows sorted by file row; other paths keep row null. */
export function importRowErrors(
  fields: readonly { path: string; message: string }[],
): { row: number | null; field: string; message: string }[] {
  return fields
    .map((f) => {
      const m = /^rows\.(\d+)(?:\.(.+))?$/.exec(f.path);
      return m
        ? { row: Number(m[1]), field: m[2] ?? '', message: f.message }
        : { row: null, field: f.path, message: f.message };
    })
    .sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
}
