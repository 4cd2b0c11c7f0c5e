import { describe, expect, it } from 'vitest';
import {
  applyThresholds,
  completionOf,
  computeBonus,
  computeMatrix,
  effectiveWeights,
  levelForValue,
  roundHalfUp,
  scoreOrganisation,
  workedTimeCoefficient,
  type OrgGroupDef,
  type RowInput,
  type SectionWeights,
} from '../../../../server/features/scorecard/scorecard.formulas.js';

const SECTIONS: SectionWeights = { kpi: 30, smart: 30, discipline: 30, evaluation: 10 };
const count = (plan: number | null, fact: number | null, extra: Partial<RowInput> = {}): RowInput => ({
  section: 'kpi',
  weight: null,
  unit: 'count',
  direction: 'higher',
  planValue: plan,
  factValue: fact,
  planDate: null,
  factDate: null,
  t0: 50,
  tmax: 120,
  ...extra,
});

describe('row completion', () => {
  it('given a count plan of 40 and a fact of 38, then completion is 95 %', () => {
    expect(completionOf(count(40, 38))).toBeCloseTo(95, 10);
  });

  it('given a date task met before its planned date, then 100 %', () => {
    expect(completionOf({ ...count(null, null), unit: 'date', planDate: '2026-11-20', factDate: '2026-11-18' })).toBe(
      100,
    );
  });

  it('given a date task met exactly on its planned date, then 100 %', () => {
    expect(completionOf({ ...count(null, null), unit: 'date', planDate: '2026-11-20', factDate: '2026-11-20' })).toBe(
      100,
    );
  });

  it('given a date task met one day late, then 0 %', () => {
    expect(completionOf({ ...count(null, null), unit: 'date', planDate: '2026-11-20', factDate: '2026-11-21' })).toBe(
      0,
    );
  });

  it('given a date task not done yet, then completion is not reported (null) and scores 0', () => {
    const row = { ...count(null, null), unit: 'date' as const, planDate: '2026-11-20' };
    expect(completionOf(row)).toBeNull();
    expect(applyThresholds(completionOf(row), 50, 120)).toBe(0);
  });

  it('given a zero plan (higher is better), when anything is done, then 100 % (nothing was required)', () => {
    expect(completionOf(count(0, 0))).toBe(100);
    expect(completionOf(count(0, 7))).toBe(100);
  });

  it('given lower-is-better (late cases, plan at most 4), when the fact is 5, then plan/fact = 80 %', () => {
    expect(completionOf(count(4, 5, { direction: 'lower' }))).toBeCloseTo(80, 10);
  });

  it('given lower-is-better with a zero plan, when the fact is 0 then 100 %, when it is 1 then 0 %', () => {
    expect(completionOf(count(0, 0, { direction: 'lower' }))).toBe(100);
    expect(completionOf(count(0, 1, { direction: 'lower' }))).toBe(0);
  });

  it('given lower-is-better with a positive plan and a zero fact, then the row counts as Tmax', () => {
    const m = computeMatrix([count(4, 0, { direction: 'lower', weight: 30 })], SECTIONS, {
      maxBonusSalaries: 1,
      workedDays: 20,
      plannedWorkingDays: 20,
    });
    expect(m.rows[0].completion).toBe(120);
    expect(m.rows[0].completionAdjusted).toBe(120);
  });
});

describe('T0 gate and Tmax cap', () => {
  it('given T0 = 50 %, when completion is 49.9 %, then it scores 0', () => {
    expect(applyThresholds(49.9, 50, 120)).toBe(0);
  });
  it('given T0 = 50 %, when completion is exactly 50 %, then it counts as 50', () => {
    expect(applyThresholds(50, 50, 120)).toBe(50);
  });
  it('given Tmax = 120 %, when completion is 150 %, then it counts as 120', () => {
    expect(applyThresholds(150, 50, 120)).toBe(120);
  });
});

describe('row weights', () => {
  it('given two KPI rows without explicit weights, then each gets half of the 30 % section', () => {
    expect(
      effectiveWeights(
        [
          { section: 'kpi', weight: null },
          { section: 'kpi', weight: null },
        ],
        SECTIONS,
      ),
    ).toEqual([15, 15]);
  });
  it('given one SMART row weighted 20 and two auto rows, then the auto rows share the 10 % left', () => {
    expect(
      effectiveWeights(
        [
          { section: 'smart', weight: 20 },
          { section: 'smart', weight: null },
          { section: 'smart', weight: null },
        ],
        SECTIONS,
      ),
    ).toEqual([20, 5, 5]);
  });
});

describe('the real matrix (docs/domain.md §6): KPI 30 %, SMART 30 %, discipline 30 %, evaluation 10 %', () => {
  // KPI 38 of 40 = 95 %; SMART: constant 150 % → capped 120, variable date late → 0; discipline 45 % < T0 → 0; evaluation 100 %.
  const rows: RowInput[] = [
    count(40, 38),
    count(10, 15, { section: 'smart' }),
    { ...count(null, null, { section: 'smart' }), unit: 'date', planDate: '2026-11-15', factDate: '2026-11-16' },
    count(100, 45, { section: 'discipline', unit: 'percent' }),
    count(100, 100, { section: 'evaluation', unit: 'score' }),
  ];

  it('given the rows, when computed, then each row total is weight × adjusted completion and the result is their sum', () => {
    const m = computeMatrix(rows, SECTIONS, { maxBonusSalaries: 1.2, workedDays: 20, plannedWorkingDays: 20 });
    expect(m.rows.map((r) => r.effectiveWeight)).toEqual([30, 15, 15, 30, 10]);
    expect(m.rows.map((r) => roundHalfUp(r.total, 4))).toEqual([28.5, 18, 0, 0, 10]);
    expect(m.result).toBeCloseTo(56.5, 10);
    // 1.2 × 56.5 % = 0.678 salaries → 0.7
    expect(m.bonusSalaries).toBeCloseTo(0.678, 10);
    expect(m.bonusToPay).toBe(0.7);
  });

  it('given a partial month (15 of 20 working days), then the bonus is scaled by 0.75 before rounding', () => {
    const m = computeMatrix(rows, SECTIONS, { maxBonusSalaries: 1.2, workedDays: 15, plannedWorkingDays: 20 });
    expect(m.workedTimeCoefficient).toBe(0.75);
    // 0.678 × 0.75 = 0.5085 → 0.5
    expect(m.bonusToPay).toBe(0.5);
  });
});

describe('bonus and rounding', () => {
  it('given max bonus 2 salaries and a result of 87.5 %, then 1.75 salaries rounds half-up to 1.8', () => {
    expect(computeBonus({ result: 87.5, maxBonusSalaries: 2, workedDays: 21, plannedWorkingDays: 21 }).bonusToPay).toBe(
      1.8,
    );
  });
  it('given 0.245 salaries then 0.2, 0.25 then 0.3 and 1.05 then 1.1 (half-up, no binary artefacts)', () => {
    expect(roundHalfUp(0.245, 1)).toBe(0.2);
    expect(roundHalfUp(0.25, 1)).toBe(0.3);
    expect(roundHalfUp(1.05, 1)).toBe(1.1);
  });
  it('given more days worked than planned, then the coefficient is capped at 1; zero planned days gives 0', () => {
    expect(workedTimeCoefficient(23, 21)).toBe(1);
    expect(workedTimeCoefficient(5, 0)).toBe(0);
  });
});

describe('organisation score', () => {
  const levels = [
    { code: 'L1', description: 'below 25 %', points: 1, min: null, max: 25 },
    { code: 'L2', description: '25–49 %', points: 100, min: 25, max: 50 },
    { code: 'L3', description: '50–74 %', points: 200, min: 50, max: 75 },
    { code: 'L4', description: '75 % and more', points: 300, min: 75, max: null },
  ];
  const groups: OrgGroupDef[] = [
    {
      code: 'services',
      name: 'Service delivery',
      weight: 0.25,
      indicators: [{ code: 'satisfaction', name: 'Satisfaction', weight: 1, mode: 'range', levels }],
    },
    {
      code: 'planning',
      name: 'Planning',
      weight: 0.75,
      indicators: [
        {
          code: 'plan-quality',
          name: 'Plan quality',
          weight: 0.4,
          mode: 'expert',
          levels: levels.map((l) => ({ ...l, min: null, max: null })),
        },
        { code: 'achieved', name: 'Share achieved', weight: 0.6, mode: 'range', levels },
      ],
    },
  ];

  it('given 25 % exactly, then the 25–49 % level applies (ranges include their lower bound)', () => {
    expect(levelForValue(levels, 25)?.points).toBe(100);
    expect(levelForValue(levels, 24.99)?.points).toBe(1);
  });

  it('given values and an expert choice, then score = Σ group weight × Σ indicator weight × points', () => {
    const r = scoreOrganisation(groups, {
      satisfaction: { value: 92 },
      'plan-quality': { level: 'L2' },
      achieved: { value: 60 },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // 0.25 × 300 + 0.75 × (0.4 × 100 + 0.6 × 200) = 75 + 120 = 195
    expect(r.value.score).toBeCloseTo(195, 10);
    expect(r.value.groups[1].score).toBeCloseTo(160, 10);
  });

  it('given a missing input and a value for an expert indicator, then issues name the indicators', () => {
    const r = scoreOrganisation(groups, { satisfaction: { value: 92 }, 'plan-quality': { value: 3 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.indicator).sort()).toEqual(['achieved', 'plan-quality']);
  });
});
