import { syncClock } from '../../../../client/src/shared/clock';
import { describe, expect, it } from 'vitest';
import type { Matrix, MatrixRow, MethodologyDoc } from '../../../../client/src/features/scorecard/scorecard.api';
import {
  canEditFact,
  changedFacts,
  currentMonth,
  importRowErrors,
  formSectionOf,
  groupRows,
  maxScore,
  methodologyWeightIssues,
  monthOfTimestamp,
  planItemIssues,
  rowIdOfFactPath,
  ruleWeightSum,
  teamTotals,
  timeline,
  timestampOfMonth,
  validateFact,
} from '../../../../client/src/features/scorecard/scorecard.logic';
import { pagesFor } from '../../../../client/src/features/scorecard/scorecard.pages';
import { ratingsChartOption, roadmapChartOption } from '../../../../client/src/features/scorecard/scorecard.charts';
import { en, ru, uk } from '../../../../client/src/features/scorecard/scorecard.i18n';

let nextId = 1;
function row(over: Partial<MatrixRow>): MatrixRow {
  return {
    id: nextId++,
    section: 'kpi',
    kind: 'kpi',
    sort: 0,
    title: 'row',
    indicatorId: null,
    indicatorCode: null,
    planItemId: null,
    source: null,
    cascadedFromRowId: null,
    unit: 'count',
    direction: 'higher',
    weight: null,
    effectiveWeight: 10,
    planValue: 10,
    planDate: null,
    factValue: null,
    factDate: null,
    completion: null,
    t0: 50,
    tmax: 120,
    completionAdjusted: 0,
    total: 0,
    note: null,
    ...over,
  };
}

describe('the paper form layout', () => {
  it('splits SMART tasks into constant and variable and keeps the form order', () => {
    const rows = [
      row({ section: 'evaluation', kind: 'evaluation', effectiveWeight: 10, total: 9 }),
      row({ section: 'smart', kind: 'smart_variable', effectiveWeight: 15, total: 15 }),
      row({ section: 'kpi', kind: 'kpi', effectiveWeight: 15, total: 14.25 }),
      row({ section: 'kpi', kind: 'kpi', effectiveWeight: 15, total: 15 }),
      row({ section: 'smart', kind: 'smart_constant', effectiveWeight: 15, total: 0 }),
      row({ section: 'discipline', kind: 'discipline', effectiveWeight: 30, total: 27.6 }),
    ];
    const groups = groupRows(rows);
    expect(groups.map((g) => g.section)).toEqual(['kpi', 'smartConstant', 'smartVariable', 'discipline', 'evaluation']);
    expect(groups[0]).toMatchObject({ weight: 30, total: 29.25 });
    expect(groups[0].rows).toHaveLength(2);
    expect(formSectionOf({ section: 'smart', kind: 'smart_variable' })).toBe('smartVariable');
  });

  it('leaves out empty sections unless asked to keep them', () => {
    const rows = [row({ section: 'kpi' })];
    expect(groupRows(rows).map((g) => g.section)).toEqual(['kpi']);
    expect(groupRows(rows, true)).toHaveLength(5);
  });
});

describe('months', () => {
  it("takes the current month from the server clock in the users' time zone, and converts month picker timestamps both ways", () => {
    // 31 December 21:30 UTC is already January in Moscow, still December in Kyiv
    syncClock({ now: '2027-12-31T21:30:00Z', timeZone: 'Europe/Moscow' });
    expect(currentMonth()).toBe('2028-01');
    syncClock({ now: '2027-12-31T21:30:00Z', timeZone: 'Europe/Kyiv' });
    expect(currentMonth()).toBe('2027-12');
    expect(monthOfTimestamp(timestampOfMonth('2026-12'))).toBe('2026-12');
    expect(monthOfTimestamp(timestampOfMonth('2028-02'))).toBe('2028-02');
  });
});

describe('who types which fact', () => {
  const kpi = row({ kind: 'kpi', indicatorCode: 'applications-processed' });
  const imported = row({ kind: 'kpi', indicatorCode: 'visits-served' });
  const smart = row({ section: 'smart', kind: 'smart_constant' });
  const discipline = row({ section: 'discipline', kind: 'discipline', indicatorCode: 'executive-discipline' });
  const evaluation = row({ section: 'evaluation', kind: 'evaluation' });
  const sources: Record<string, string> = {
    'applications-processed': 'manual',
    'visits-served': 'import',
    'executive-discipline': 'manual',
  };
  const sourceOf = (code: string) => sources[code];

  it('the employee fills their own rows in a draft, not the manager rows nor imported facts', () => {
    expect([kpi, imported, smart, discipline, evaluation].map((r) => canEditFact(r, 'own', sourceOf))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it('after confirmation the manager fills only discipline and evaluation', () => {
    expect([kpi, imported, smart, discipline, evaluation].map((r) => canEditFact(r, 'managerRows', sourceOf))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('a manager edits every people-entered fact of a draft; nobody edits a closed matrix', () => {
    expect([kpi, imported, smart, discipline, evaluation].map((r) => canEditFact(r, 'all', sourceOf))).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
    expect([kpi, smart, evaluation].some((r) => canEditFact(r, 'none', sourceOf))).toBe(false);
  });

  it('an indicator of unknown source stays editable (the server has the last word)', () => {
    expect(canEditFact(row({ indicatorCode: 'new-one' }), 'own', () => undefined)).toBe(true);
  });
});

describe('typed facts', () => {
  it('accepts numbers and empties, refuses negative or huge numbers', () => {
    expect(validateFact('count', { kind: 'value', value: 9 })).toBeNull();
    expect(validateFact('count', { kind: 'value', value: null })).toBeNull();
    expect(validateFact('count', { kind: 'value', value: -1 })).toBe('scorecard.matrix.errors.negative');
    expect(validateFact('percent', { kind: 'value', value: 1001 })).toBe('scorecard.matrix.errors.tooLarge');
    expect(validateFact('count', { kind: 'value', value: Number.NaN })).toBe('scorecard.matrix.errors.numberExpected');
  });

  it('a date task takes a date', () => {
    expect(validateFact('date', { kind: 'date', value: '2026-11-24' })).toBeNull();
    expect(validateFact('date', { kind: 'date', value: '24.11.2026' })).toBe('scorecard.matrix.errors.dateExpected');
    expect(validateFact('date', { kind: 'value', value: 3 })).toBe('scorecard.matrix.errors.dateExpected');
    expect(validateFact('count', { kind: 'date', value: '2026-11-24' })).toBe('scorecard.matrix.errors.numberExpected');
  });

  it('sends only the facts that changed, and maps server errors back to their rows', () => {
    const a = row({ factValue: 38 });
    const b = row({ factValue: null });
    const c = row({ unit: 'date', factDate: null });
    const facts = changedFacts([a, b, c], {
      [a.id]: { kind: 'value', value: 38 },
      [b.id]: { kind: 'value', value: 9 },
      [c.id]: { kind: 'date', value: '2026-11-20' },
    });
    expect(facts).toEqual([
      { rowId: b.id, factValue: 9 },
      { rowId: c.id, factDate: '2026-11-20' },
    ]);
    expect(rowIdOfFactPath('facts.1.factDate', facts)).toBe(c.id);
    expect(rowIdOfFactPath('facts.7.factValue', facts)).toBeNull();
    expect(rowIdOfFactPath('sections.kpi', facts)).toBeNull();
  });
});

describe('workflow and team totals', () => {
  it('lists the signatures in workflow order with who and when', () => {
    const m = {
      workflow: {
        confirmed: { by: { id: 1, fullName: 'Лебедева' }, at: '2026-11-22T10:00:00Z' },
        agreed: null,
        approved: null,
        locked: null,
      },
    } as Pick<Matrix, 'workflow'>;
    expect(timeline(m)).toEqual([
      { step: 'confirmed', by: 'Лебедева', at: '2026-11-22T10:00:00Z', done: true },
      { step: 'agreed', by: null, at: null, done: false },
      { step: 'approved', by: null, at: null, done: false },
      { step: 'locked', by: null, at: null, done: false },
    ]);
  });

  it('sums a team page: count, average result, bonus to pay and matrices by status (numeric columns may be strings)', () => {
    const totals = teamTotals([
      { status: 'draft', result: '67.1', bonusToPay: '0.8' },
      { status: 'approved', result: 90, bonusToPay: 1.1 },
      { status: 'approved', result: 100, bonusToPay: 1.2 },
    ]);
    expect(totals).toEqual({
      count: 3,
      averageResult: 85.7,
      bonusToPay: 3.1,
      byStatus: { draft: 1, confirmed: 0, agreed: 0, approved: 2, locked: 0 },
    });
    expect(teamTotals([]).averageResult).toBe(0);
  });
});

describe('methodology weights', () => {
  const level = (points: number) => ({ code: `L${points}`, description: 'x', points, min: null, max: null });
  const doc = (gw: number[], iw: number[][]): Pick<MethodologyDoc, 'groups'> => ({
    groups: gw.map((w, i) => ({
      code: `g${i}`,
      name: `G${i}`,
      weight: w,
      indicators: iw[i].map((x, j) => ({
        code: `i${i}${j}`,
        name: 'i',
        weight: x,
        mode: 'expert' as const,
        howObtained: '',
        supplier: '',
        unit: null,
        levels: [level(1), level(300)],
      })),
    })),
  });

  it('accepts weights that add up to 1 within the server tolerance (0.15 + 0.25 + … floating sums)', () => {
    expect(
      methodologyWeightIssues(
        doc([0.15, 0.25, 0.1, 0.1, 0.1, 0.25, 0.05], [[1], [0.6, 0.4], [1], [1], [1], [0.5, 0.5], [1]]),
      ),
    ).toEqual([]);
  });

  it('names the groups whose weights do not add up, with the sum', () => {
    expect(methodologyWeightIssues(doc([0.5, 0.4], [[1], [0.7, 0.2]]))).toEqual([
      { path: 'groups', sum: 0.9 },
      { path: 'groups.1.indicators', sum: 0.9 },
    ]);
  });

  it('the best possible score is every indicator at its top level', () => {
    expect(maxScore(doc([0.5, 0.5], [[1], [0.5, 0.5]]))).toBe(300);
  });
});

describe('sub-pages by role', () => {
  it('shows each role its scorecard tabs', () => {
    const names = (roles: Parameters<typeof pagesFor>[0]) => pagesFor(roles).map((p) => p.name);
    expect(names(['specialist'])).toEqual(['scorecard-my', 'scorecard-plans']);
    expect(names(['manager', 'specialist'])).toEqual([
      'scorecard-my',
      'scorecard-team',
      'scorecard-plans',
      'scorecard-facts',
      'scorecard-ratings',
      'scorecard-roadmap',
    ]);
    expect(names(['admin'])).toEqual([
      'scorecard-team',
      'scorecard-plans',
      'scorecard-facts',
      'scorecard-indicators',
      'scorecard-methodology',
      'scorecard-ratings',
      'scorecard-roadmap',
    ]);
    expect(names(['citizen'])).toEqual([]);
  });
});

describe('charts', () => {
  it('stacks each group’s contribution per department, best department first', () => {
    const ev = (id: number, unitName: string, score: number, groups: [string, number, number][]) => ({
      id,
      methodologyId: 1,
      unitId: id,
      unitName,
      year: 2025,
      score,
      inputs: {},
      breakdown: groups.map(([code, weight, s]) => ({ code, weight, score: s, indicators: [] })),
      evaluatedAt: '',
    });
    const option = ratingsChartOption(
      [
        ev(1, 'Архитектура', 150, [
          ['a', 0.5, 100],
          ['b', 0.5, 200],
        ]),
        ev(2, 'Жилищное', 250, [
          ['a', 0.5, 300],
          ['b', 0.5, 200],
        ]),
      ],
      {
        groups: [
          { code: 'a', name: 'Планирование', weight: 0.5, indicators: [] },
          { code: 'b', name: 'Услуги', weight: 0.5, indicators: [] },
        ],
      },
      { score: 'Балл' },
    ) as { yAxis: { data: string[] }; series: { name: string; data: number[]; stack: string }[] };
    expect(option.yAxis.data).toEqual(['Жилищное', 'Архитектура']);
    expect(option.series.map((s) => [s.name, s.data])).toEqual([
      ['Планирование', [150, 50]],
      ['Услуги', [100, 100]],
    ]);
    expect(new Set(option.series.map((s) => s.stack)).size).toBe(1);
  });

  it('draws the roadmap plan as bars and the fact as a line, missed years in red', () => {
    const option = roadmapChartOption(
      {
        id: 1,
        code: 'q',
        name: 'Очередь',
        unit: 'мин',
        direction: 'lower',
        years: [2024, 2025, 2026],
        plan: [15, 15, 12],
        fact: [17, 12.8, null],
        achieved: [false, true, null],
      },
      { plan: 'План', fact: 'Факт' },
    ) as { xAxis: { data: string[] }; series: { type: string; data: unknown[] }[] };
    expect(option.xAxis.data).toEqual(['2024', '2025', '2026']);
    expect(option.series[0]).toMatchObject({ type: 'bar', data: [15, 15, 12] });
    expect(option.series[1].type).toBe('line');
    expect(option.series[1].data).toEqual([
      { value: 17, itemStyle: { color: '#d03050' } },
      { value: 12.8, itemStyle: { color: '#18a058' } },
      null,
    ]);
  });
});

describe('messages', () => {
  it('uk and en have every key of ru and no empty strings', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v as object, `${p}${k}.`) : [`${p}${k}`]));
    const values = (o: object): string[] =>
      Object.values(o).flatMap((v) => (typeof v === 'object' ? values(v as object) : [v as string]));
    expect(keys(uk)).toEqual(keys(ru));
    expect(keys(en)).toEqual(keys(ru));
    for (const lang of [ru, uk, en]) expect(values(lang).every((v) => v.trim().length > 0)).toBe(true);
  });
});

describe('set-up forms', () => {
  const t = (key: string) => key;
  const months = (v: (number | string | null)[]) => [...v, ...Array(12 - v.length).fill(null)];

  it('given a plan task without a title or any month, then both are flagged; a negative month is flagged at its index', () => {
    expect(planItemIssues({ title: ' ', unit: 'count', monthly: months([]) }, t).map((i) => i.path)).toEqual([
      'title',
      'monthly',
    ]);
    expect(planItemIssues({ title: 'Отчёт', unit: 'count', monthly: months([5, -1, 3]) }, t)).toEqual([
      { path: 'monthly.1', message: 'scorecard.plans.numberNeeded' },
    ]);
    expect(planItemIssues({ title: 'Отчёт', unit: 'count', monthly: months([5, null, 0]) }, t)).toEqual([]);
  });

  it('given a date task, then each month needs a date, not a number', () => {
    expect(planItemIssues({ title: 'Отчёт', unit: 'date', monthly: months(['2026-01-25', 3]) }, t)).toEqual([
      { path: 'monthly.1', message: 'scorecard.plans.dateNeeded' },
    ]);
    expect(planItemIssues({ title: 'Отчёт', unit: 'date', monthly: months(['2026-01-25']) }, t)).toEqual([]);
  });

  it('given rule weights, then their sum is exact to 4 digits (the server wants 100)', () => {
    expect(ruleWeightSum({ kpiWeight: 30, smartWeight: 30, disciplineWeight: 30, evaluationWeight: 10 })).toBe(100);
    expect(
      ruleWeightSum({ kpiWeight: 33.3333, smartWeight: 33.3333, disciplineWeight: 33.3334, evaluationWeight: null }),
    ).toBe(100);
    expect(ruleWeightSum({ kpiWeight: 40, smartWeight: 30, disciplineWeight: 30, evaluationWeight: 10 })).toBe(110);
  });

  it('given import errors, then they become rows sorted by file row, with the field named', () => {
    expect(
      importRowErrors([
        { path: 'rows.7.value', message: 'Give a number' },
        { path: 'rows.3.indicatorCode', message: 'Unknown' },
        { path: 'file', message: 'Attach' },
      ]),
    ).toEqual([
      { row: null, field: 'file', message: 'Attach' },
      { row: 3, field: 'indicatorCode', message: 'Unknown' },
      { row: 7, field: 'value', message: 'Give a number' },
    ]);
  });
});
