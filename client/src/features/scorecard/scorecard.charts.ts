import type { Evaluation, MethodologyDoc, RoadmapSeries } from './scorecard.api';

/** The ECharts option shape we build (kept loose: ECharts' own types are huge). */
export type ChartOption = Record<string, unknown>;

const PALETTE = ['#2f6fde', '#18a058', '#f0a020', '#8a63d2', '#d03050', '#2080f0', '#13c2c2', '#a0a000'];

/** A stacked bar per department: each group's contribution (group weight × its score) to the rating, best department first. */
export function ratingsChartOption(
  evaluations: readonly Evaluation[],
  doc: Pick<MethodologyDoc, 'groups'> | null,
  labels: { score: string },
): ChartOption {
  const sorted = [...evaluations].sort((a, b) => b.score - a.score);
  const names = new Map((doc?.groups ?? []).map((g) => [g.code, g.name]));
  const groupCodes = doc?.groups.map((g) => g.code) ?? [
    ...new Set(sorted.flatMap((e) => e.breakdown.map((g) => g.code))),
  ];
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 8, right: 48, top: 16, bottom: 48, containLabel: true },
    xAxis: { type: 'value', name: labels.score, nameGap: 8 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: sorted.map((e) => e.unitName),
      axisLabel: { width: 220, overflow: 'truncate' },
    },
    series: groupCodes.map((code) => ({
      name: names.get(code) ?? code,
      type: 'bar',
      stack: 'score',
      emphasis: { focus: 'series' },
      data: sorted.map((e) => {
        const g = e.breakdown.find((x) => x.code === code);
        return g ? Math.round(g.weight * g.score * 100) / 100 : 0;
      }),
    })),
  };
}

/** Plan as bars and fact as a line over the years, for one roadmap indicator; the years where the fact missed the plan are marked red. */
export function roadmapChartOption(s: RoadmapSeries, labels: { plan: string; fact: string }): ChartOption {
  return {
    color: ['#9db8e8', '#18a058'],
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${String(v)} ${s.unit}`),
    },
    legend: { data: [labels.plan, labels.fact], bottom: 0 },
    grid: { left: 8, right: 16, top: 24, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: s.years.map(String) },
    yAxis: { type: 'value', name: s.unit, scale: true },
    series: [
      { name: labels.plan, type: 'bar', barMaxWidth: 36, data: s.plan },
      {
        name: labels.fact,
        type: 'line',
        connectNulls: false,
        symbolSize: 10,
        data: s.fact.map((v, i) =>
          v === null ? null : { value: v, itemStyle: { color: s.achieved[i] === false ? '#d03050' : '#18a058' } },
        ),
      },
    ],
  };
}
