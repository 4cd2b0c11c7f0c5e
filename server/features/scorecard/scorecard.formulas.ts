/**
 * The scorecard's arithmetic (docs/domain.md §6), with no I/O: completion of a row, the T0 gate and the
 * Tmax cap, row totals, the matrix result, the bonus and the worked-time coefficient, and the
 * organisation-level score. Percentages are plain numbers (95.5 means 95.5 %); rules are in
 * docs/scorecard.md.
 */

export type IndicatorUnit = 'count' | 'percent' | 'date' | 'score';
export type Direction = 'higher' | 'lower';
export type Section = 'kpi' | 'smart' | 'discipline' | 'evaluation';
export const SECTIONS: readonly Section[] = ['kpi', 'smart', 'discipline', 'evaluation'];

/** What a row's completion is computed from. Dates are 'YYYY-MM-DD'. */
export interface RowMeasure {
  unit: IndicatorUnit;
  direction: Direction;
  planValue: number | null;
  factValue: number | null;
  planDate: string | null;
  factDate: string | null;
}

/** A row as the matrix computation sees it. `weight` null = share the section's weight equally. */
export interface RowInput extends RowMeasure {
  section: Section;
  weight: number | null;
  t0: number;
  tmax: number;
}

/** A row's computed columns. */
export interface RowResult {
  /** The row's weight in % of the matrix (explicit or its share of the section). */
  effectiveWeight: number;
  /** fact / plan in %, null when the fact is not reported yet. */
  completion: number | null;
  /** Completion after the T0 gate and the Tmax cap (0 when not reported). */
  completionAdjusted: number;
  /** effectiveWeight × completionAdjusted / 100, in % of the matrix. */
  total: number;
}

/** What the bonus is computed from. */
export interface BonusInput {
  /** Matrix result in %. */
  result: number;
  /** The position's maximum bonus, in monthly salaries. */
  maxBonusSalaries: number;
  workedDays: number;
  plannedWorkingDays: number;
}

/** The bonus columns of a matrix. */
export interface BonusResult {
  /** maxBonusSalaries × result / 100 (unrounded). */
  bonusSalaries: number;
  /** workedDays / plannedWorkingDays, capped at 1. */
  workedTimeCoefficient: number;
  /** bonusSalaries × coefficient, rounded half-up to 0.1 salary. */
  bonusToPay: number;
}

/** A whole matrix's computed columns. */
export interface MatrixResult extends BonusResult {
  rows: RowResult[];
  result: number;
}

/** Section weights of a matrix in % (they add up to 100). */
export type SectionWeights = Record<Section, number>;

/** Rounds half-up to `digits` decimals, immune to binary artefacts such as 2.05 → 2.0499999. */
export function roundHalfUp(value: number, digits: number): number {
  const factor = 10 ** digits;
  // Go through a 10-significant-decimals string first so 0.15 × 10 = 1.4999999999999998 rounds as 1.5.
  const scaled = Number((value * factor).toPrecision(12));
  return (Math.sign(scaled) * Math.round(Math.abs(scaled))) / factor;
}

/**
 * Completion of a row in %, before T0/Tmax. Rules (docs/scorecard.md):
 * - count/percent/score, higher is better: fact / plan × 100; plan 0 → 100 (nothing was required);
 * - lower is better: plan / fact × 100; fact 0 → 100 when plan is 0, else +∞ (capped later by Tmax);
 *   plan 0 and fact > 0 → 0 (a zero target was broken);
 * - date: met on or before the planned date → 100, later → 0;
 * - no fact reported yet → null (counts as 0 in the total).
 */
export function completionOf(row: RowMeasure): number | null {
  if (row.unit === 'date') {
    if (!row.factDate) return null;
    if (!row.planDate) return 100;
    return row.factDate <= row.planDate ? 100 : 0;
  }
  if (row.factValue === null) return null;
  const plan = row.planValue ?? 0;
  const fact = row.factValue;
  if (row.direction === 'higher') {
    if (plan <= 0) return 100;
    return (Math.max(fact, 0) / plan) * 100;
  }
  if (fact <= 0) return plan <= 0 ? 100 : Number.POSITIVE_INFINITY;
  if (plan <= 0) return 0;
  return (plan / fact) * 100;
}

/** Applies the T0 gate (below T0 scores 0) and the Tmax cap (above Tmax counts as Tmax). */
export function applyThresholds(completion: number | null, t0: number, tmax: number): number {
  if (completion === null) return 0;
  if (completion < t0) return 0;
  return Math.min(completion, tmax);
}

/** Each row's weight: an explicit one, or an equal share of what its section has left after explicit weights. */
export function effectiveWeights(
  rows: readonly Pick<RowInput, 'section' | 'weight'>[],
  sections: SectionWeights,
): number[] {
  const explicit = new Map<Section, number>();
  const autoCount = new Map<Section, number>();
  for (const r of rows) {
    if (r.weight === null) autoCount.set(r.section, (autoCount.get(r.section) ?? 0) + 1);
    else explicit.set(r.section, (explicit.get(r.section) ?? 0) + r.weight);
  }
  return rows.map((r) => {
    if (r.weight !== null) return r.weight;
    const left = Math.max(sections[r.section] - (explicit.get(r.section) ?? 0), 0);
    return left / (autoCount.get(r.section) ?? 1);
  });
}

/** Computes one row's columns given its effective weight. */
export function computeRow(row: RowMeasure & { t0: number; tmax: number }, effectiveWeight: number): RowResult {
  const completion = completionOf(row);
  const completionAdjusted = applyThresholds(completion, row.t0, row.tmax);
  return {
    effectiveWeight,
    completion: completion === null || Number.isFinite(completion) ? completion : row.tmax,
    completionAdjusted,
    total: (effectiveWeight * completionAdjusted) / 100,
  };
}

/** Worked-time coefficient = days worked / working days planned, within [0, 1]; 0 planned days → 0. */
export function workedTimeCoefficient(workedDays: number, plannedWorkingDays: number): number {
  if (plannedWorkingDays <= 0) return 0;
  return Math.min(Math.max(workedDays / plannedWorkingDays, 0), 1);
}

/** Bonus in salaries, the worked-time coefficient and the bonus to pay rounded to 0.1 salary. */
export function computeBonus(input: BonusInput): BonusResult {
  // The position's maximum is a ceiling: a result over 100 % (facts past Tmax) never pays more than it.
  const bonusSalaries = (input.maxBonusSalaries * Math.min(input.result, 100)) / 100;
  const coefficient = workedTimeCoefficient(input.workedDays, input.plannedWorkingDays);
  return { bonusSalaries, workedTimeCoefficient: coefficient, bonusToPay: roundHalfUp(bonusSalaries * coefficient, 1) };
}

/** Computes a whole matrix: every row, the result (Σ row totals, in %) and the bonus. */
export function computeMatrix(
  rows: readonly RowInput[],
  sections: SectionWeights,
  bonus: Omit<BonusInput, 'result'>,
): MatrixResult {
  const weights = effectiveWeights(rows, sections);
  const rowResults = rows.map((r, i) => computeRow(r, weights[i]));
  const result = rowResults.reduce((s, r) => s + r.total, 0);
  return { rows: rowResults, result, ...computeBonus({ ...bonus, result }) };
}

// ---------------------------------------------------------------------------------------------
// Organisation level

/** A graded level: points, and either a numeric range [min, max) or nothing (chosen by an expert). */
export interface LevelDef {
  code: string;
  description: string;
  points: number;
  min?: number | null;
  max?: number | null;
}

/** An indicator of the methodology. */
export interface OrgIndicatorDef {
  code: string;
  name: string;
  weight: number;
  mode: 'range' | 'expert';
  levels: LevelDef[];
}

/** A weighted group of indicators. */
export interface OrgGroupDef {
  code: string;
  name: string;
  weight: number;
  indicators: OrgIndicatorDef[];
}

/** One indicator's input: a measured value (range mode) or a chosen level code (expert mode). */
export type OrgInput = { value: number } | { level: string };

/** The breakdown of one indicator's contribution. */
export interface OrgIndicatorScore {
  code: string;
  level: string;
  points: number;
  value: number | null;
  /** groupWeight × indicatorWeight × points. */
  contribution: number;
}

/** A department's evaluation: the score and its breakdown by group. */
export interface OrgScore {
  score: number;
  groups: { code: string; weight: number; score: number; indicators: OrgIndicatorScore[] }[];
}

/** A problem with an evaluation's inputs, by indicator code. */
export interface OrgInputIssue {
  indicator: string;
  message: string;
}

/** Picks the level whose range [min, max) holds the value (open ends allowed), or undefined. */
export function levelForValue(levels: readonly LevelDef[], value: number): LevelDef | undefined {
  return levels.find(
    (l) =>
      (l.min === null || l.min === undefined || value >= l.min) &&
      (l.max === null || l.max === undefined || value < l.max),
  );
}

/** Score = Σ group weight × Σ indicator weight × points; returns issues instead when inputs are missing or fit no level. */
export function scoreOrganisation(
  groups: readonly OrgGroupDef[],
  inputs: Readonly<Record<string, OrgInput>>,
): { ok: true; value: OrgScore } | { ok: false; issues: OrgInputIssue[] } {
  const issues: OrgInputIssue[] = [];
  const out: OrgScore = { score: 0, groups: [] };
  for (const g of groups) {
    const group = { code: g.code, weight: g.weight, score: 0, indicators: [] as OrgIndicatorScore[] };
    for (const ind of g.indicators) {
      const input = inputs[ind.code];
      let level: LevelDef | undefined;
      let value: number | null = null;
      if (!input) {
        issues.push({ indicator: ind.code, message: 'No value or level given' });
        continue;
      }
      if ('value' in input) {
        if (ind.mode !== 'range') {
          issues.push({ indicator: ind.code, message: 'This indicator is chosen by an expert: give a level' });
          continue;
        }
        value = input.value;
        level = levelForValue(ind.levels, value);
        if (!level) issues.push({ indicator: ind.code, message: `The value ${value} falls in no level's range` });
      } else {
        level = ind.levels.find((l) => l.code === input.level);
        if (!level) issues.push({ indicator: ind.code, message: `Unknown level ${input.level}` });
      }
      if (!level) continue;
      const contribution = g.weight * ind.weight * level.points;
      group.score += ind.weight * level.points;
      out.score += contribution;
      group.indicators.push({ code: ind.code, level: level.code, points: level.points, value, contribution });
    }
    out.groups.push(group);
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: out };
}
