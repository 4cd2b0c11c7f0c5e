import type { Knex } from 'knex';
import { localMonth } from '../../platform/clock.js';
import { createMatrices, DISCIPLINE_INDICATOR, monthStart, type EmployeeSnapshot } from './matrix.calculator.js';
import { scoreOrganisation } from './scorecard.formulas.js';
import { defaultProviders } from './scorecard.providers.js';
import { methodologySchema } from './scorecard.schemas.js';

/** The demo city is Russian: its matrices use the Russian production calendar. */
const DEMO_CALENDAR = 'RU';

const INDICATORS = [
  {
    code: 'applications-processed',
    name: 'Количество рассмотренных заявлений',
    unit: 'count',
    direction: 'higher',
    source: 'manual',
  },
  {
    code: 'cases-late',
    name: 'Количество дел с нарушением срока',
    unit: 'count',
    direction: 'lower',
    source: 'manual',
  },
  {
    code: 'cases-on-time-share',
    name: 'Доля дел, рассмотренных в срок',
    unit: 'percent',
    direction: 'higher',
    source: 'manual',
  },
  {
    code: 'visits-served',
    name: 'Количество обслуженных посетителей',
    unit: 'count',
    direction: 'higher',
    source: 'import',
  },
  { code: 'average-rating', name: 'Средняя оценка посетителей', unit: 'score', direction: 'higher', source: 'import' },
] as const;

type PlanSeed = {
  kind: 'kpi' | 'smart_constant';
  title: string;
  indicator?: string;
  unit: 'count' | 'percent' | 'date' | 'score';
  monthly: (year: number, m: number) => number | string;
  annual?: number;
};
const PLANS: Record<string, PlanSeed[]> = {
  'specialist@okno.local': [
    {
      kind: 'kpi',
      title: 'Рассмотрено заявлений о постановке на учет',
      indicator: 'applications-processed',
      unit: 'count',
      monthly: () => 40,
      annual: 480,
    },
    {
      kind: 'kpi',
      title: 'Дела с нарушением срока (не более)',
      indicator: 'cases-late',
      unit: 'count',
      monthly: () => 2,
      annual: 24,
    },
    {
      kind: 'smart_constant',
      title: 'Сдать ежемесячный отчет о движении очереди до 25 числа',
      unit: 'date',
      monthly: (y, m) => `${y}-${String(m + 1).padStart(2, '0')}-25`,
    },
  ],
  'manager@okno.local': [
    {
      kind: 'kpi',
      title: 'Доля дел управления, рассмотренных в срок',
      indicator: 'cases-on-time-share',
      unit: 'percent',
      monthly: () => 95,
    },
    {
      kind: 'smart_constant',
      title: 'Сократить очередь на улучшение жилищных условий (семей снято с учета)',
      unit: 'count',
      monthly: () => 10,
      annual: 120,
    },
  ],
  'operator@okno.local': [
    {
      kind: 'kpi',
      title: 'Обслужено посетителей',
      indicator: 'visits-served',
      unit: 'count',
      monthly: () => 300,
      annual: 3600,
    },
    {
      kind: 'kpi',
      title: 'Средняя оценка посетителей (из 5)',
      indicator: 'average-rating',
      unit: 'score',
      monthly: () => 4.5,
    },
    {
      kind: 'smart_constant',
      title: 'Провести консультации по электронным услугам',
      unit: 'count',
      monthly: () => 20,
      annual: 240,
    },
  ],
  'operator2@okno.local': [
    {
      kind: 'kpi',
      title: 'Обслужено посетителей',
      indicator: 'visits-served',
      unit: 'count',
      monthly: () => 300,
      annual: 3600,
    },
    {
      kind: 'smart_constant',
      title: 'Провести консультации по электронным услугам',
      unit: 'count',
      monthly: () => 20,
      annual: 240,
    },
  ],
  'specialist2@okno.local': [
    {
      kind: 'kpi',
      title: 'Выдано разрешений на установку рекламных конструкций',
      indicator: 'applications-processed',
      unit: 'count',
      monthly: () => 25,
      annual: 300,
    },
    {
      kind: 'smart_constant',
      title: 'Актуализировать схему размещения рекламных конструкций',
      unit: 'date',
      monthly: (y, m) => `${y}-${String(m + 1).padStart(2, '0')}-20`,
    },
  ],
};
const FACTS: Record<string, Record<string, number>> = {
  'specialist@okno.local': { 'applications-processed': 38, 'cases-late': 1, [DISCIPLINE_INDICATOR]: 92 },
  'operator@okno.local': { 'visits-served': 341, 'average-rating': 4.7, [DISCIPLINE_INDICATOR]: 97 },
  'operator2@okno.local': { 'visits-served': 276, [DISCIPLINE_INDICATOR]: 88 },
  'specialist2@okno.local': { 'applications-processed': 27, [DISCIPLINE_INDICATOR]: 45 },
  'manager@okno.local': { 'cases-on-time-share': 96.4, [DISCIPLINE_INDICATOR]: 100 },
};

const level = (
  code: string,
  description: string,
  points: number,
  min: number | null = null,
  max: number | null = null,
) => ({ code, description, points, min, max });
const quartiles = (unit = '%') => [
  level('L1', `менее 25 ${unit}`, 1, null, 25),
  level('L2', `25–49 ${unit}`, 100, 25, 50),
  level('L3', `50–74 ${unit}`, 200, 50, 75),
  level('L4', `75 ${unit} и более`, 300, 75, null),
];
const expert = (l1: string, l2: string, l3: string, l4: string) => [
  level('L1', l1, 1),
  level('L2', l2, 100),
  level('L3', l3, 200),
  level('L4', l4, 300),
];

/** The regional methodology of docs/domain.md §6 (groups and weights as given there). */
export const DEMO_METHODOLOGY = {
  code: 'region-2026',
  name: 'Методика оценки эффективности деятельности органов исполнительной власти (демо)',
  description: 'Группы и веса региональной методики оценки органов власти; уровни 1/100/200/300 баллов.',
  groups: [
    {
      code: 'planning',
      name: 'Планирование',
      weight: 0.15,
      indicators: [
        {
          code: 'plan-achieved',
          name: 'Доля достигнутых плановых показателей',
          weight: 1,
          mode: 'range',
          howObtained: 'Отчет о выполнении плана',
          supplier: 'Комитет экономического развития',
          unit: '%',
          levels: quartiles(),
        },
      ],
    },
    {
      code: 'processes',
      name: 'Процессы и результаты',
      weight: 0.25,
      indicators: [
        {
          code: 'regulations-share',
          name: 'Доля услуг с утвержденным регламентом',
          weight: 0.6,
          mode: 'range',
          howObtained: 'Реестр услуг',
          supplier: 'Управление делами',
          unit: '%',
          levels: quartiles(),
        },
        {
          code: 'process-maturity',
          name: 'Зрелость процессного управления',
          weight: 0.4,
          mode: 'expert',
          howObtained: 'Экспертная оценка',
          supplier: 'Рабочая группа',
          unit: null,
          levels: expert(
            'процессы не описаны',
            'описаны отдельные процессы',
            'описаны основные процессы',
            'процессы описаны и измеряются',
          ),
        },
      ],
    },
    {
      code: 'openness',
      name: 'Открытость',
      weight: 0.1,
      indicators: [
        {
          code: 'open-data',
          name: 'Публикация открытых данных',
          weight: 1,
          mode: 'expert',
          howObtained: 'Мониторинг сайта',
          supplier: 'Пресс-служба',
          unit: null,
          levels: expert('не публикуются', 'частично', 'в основном', 'полностью и своевременно'),
        },
      ],
    },
    {
      code: 'personnel',
      name: 'Управление персоналом',
      weight: 0.1,
      indicators: [
        {
          code: 'vacancy-filled',
          name: 'Доля замещенных должностей',
          weight: 1,
          mode: 'range',
          howObtained: 'Кадровый учет',
          supplier: 'Управление кадров',
          unit: '%',
          levels: quartiles(),
        },
      ],
    },
    {
      code: 'development',
      name: 'Развитие персонала',
      weight: 0.1,
      indicators: [
        {
          code: 'training-share',
          name: 'Доля сотрудников, прошедших обучение',
          weight: 1,
          mode: 'range',
          howObtained: 'Кадровый учет',
          supplier: 'Управление кадров',
          unit: '%',
          levels: quartiles(),
        },
      ],
    },
    {
      code: 'services',
      name: 'Предоставление услуг',
      weight: 0.25,
      indicators: [
        {
          code: 'satisfaction',
          name: 'Удовлетворенность качеством услуг',
          weight: 0.5,
          mode: 'range',
          howObtained: 'Оценки заявителей (Ваш контроль, планшеты)',
          supplier: 'Okno',
          unit: '%',
          levels: quartiles(),
        },
        {
          code: 'electronic-share',
          name: 'Доля услуг, полученных в электронном виде',
          weight: 0.5,
          mode: 'range',
          howObtained: 'Данные Okno',
          supplier: 'Okno',
          unit: '%',
          levels: quartiles(),
        },
      ],
    },
    {
      code: 'discipline',
      name: 'Исполнительская дисциплина',
      weight: 0.05,
      indicators: [
        {
          code: 'on-time-share',
          name: 'Доля поручений, исполненных в срок',
          weight: 1,
          mode: 'range',
          howObtained: 'Данные Okno',
          supplier: 'Okno',
          unit: '%',
          levels: quartiles(),
        },
      ],
    },
  ],
};

const ROADMAP = [
  {
    code: 'satisfaction',
    name: 'Уровень удовлетворенности граждан качеством услуг',
    unit: '%',
    direction: 'higher',
    values: [
      [85, 86.5],
      [88, 89.1],
      [90, 90.4],
      [90, null],
    ],
  },
  {
    code: 'one-window-access',
    name: 'Доля граждан с доступом к услугам по принципу «одного окна»',
    unit: '%',
    direction: 'higher',
    values: [
      [80, 82],
      [90, 91.3],
      [95, 94.2],
      [97, null],
    ],
  },
  {
    code: 'electronic-share',
    name: 'Доля граждан, использующих электронную форму услуг',
    unit: '%',
    direction: 'higher',
    values: [
      [50, 47.5],
      [60, 61.2],
      [70, 68.9],
      [75, null],
    ],
  },
  {
    code: 'business-visits',
    name: 'Среднее число обращений бизнеса для получения одной услуги',
    unit: 'раз',
    direction: 'lower',
    values: [
      [2.5, 2.6],
      [2.2, 2.1],
      [2, 1.9],
      [2, null],
    ],
  },
  {
    code: 'queue-wait',
    name: 'Среднее время ожидания в очереди',
    unit: 'мин',
    direction: 'lower',
    values: [
      [15, 17],
      [15, 14.2],
      [15, 12.8],
      [12, null],
    ],
  },
  {
    code: 'late-share',
    name: 'Доля дел с нарушением установленного срока',
    unit: '%',
    direction: 'lower',
    values: [
      [1, 1.4],
      [0.8, 0.7],
      [0.5, 0.45],
      [0.5, null],
    ],
  },
  {
    code: 'standards-index',
    name: 'Индекс соответствия стандартам качества услуг',
    unit: '%',
    direction: 'higher',
    values: [
      [80, 78],
      [85, 86],
      [90, 91],
      [92, null],
    ],
  },
] as const;

/** Seeds scorecard demo data (indicators, annual plans, facts and this month's matrices, a methodology with ratings, the roadmap); safe to run again. */
export async function seedScorecardDemo(knex: Knex, now: Date, timeZone: string): Promise<void> {
  // "This month" and "this year" are the users' (in the configured time zone), not UTC's.
  const month = localMonth(now, timeZone);
  const year = Number(month.slice(0, 4));
  await knex.transaction(async (trx) => {
    await trx('sc_indicators')
      .insert(INDICATORS.map((i) => ({ ...i })))
      .onConflict('code')
      .ignore();
    const indicatorId = new Map((await trx('sc_indicators').select('id', 'code')).map((i) => [i.code, i.id]));
    const staff = await trx('users as u')
      .join('employees as e', 'e.id', 'u.employeeId')
      .whereIn('u.email', Object.keys(PLANS))
      .select<(EmployeeSnapshot & { email: string })[]>(
        'u.email',
        'e.id',
        'e.position',
        'e.unitId',
        'e.salary',
        'e.maxBonusSalaries',
      );
    const byEmail = new Map(staff.map((s) => [s.email, s]));

    for (const [email, items] of Object.entries(PLANS)) {
      const e = byEmail.get(email);
      if (!e || (await trx('sc_plan_items').where({ employeeId: e.id, year }).first('id'))) continue;
      for (const p of items) {
        await trx('sc_plan_items').insert({
          employeeId: e.id,
          year,
          kind: p.kind,
          title: p.title,
          indicatorId: p.indicator ? indicatorId.get(p.indicator) : null,
          unit: p.unit,
          direction: INDICATORS.find((i) => i.code === p.indicator)?.direction ?? 'higher',
          annualTarget: p.annual ?? null,
          monthly: JSON.stringify(Array.from({ length: 12 }, (_, i) => p.monthly(year, i))),
        });
      }
    }
    // The manager's queue task cascades to the specialist as a KPI.
    const manager = byEmail.get('manager@okno.local');
    const specialist = byEmail.get('specialist@okno.local');
    if (manager && specialist) {
      const task = await trx('sc_plan_items')
        .where({ employeeId: manager.id, year, kind: 'smart_constant' })
        .first('*');
      if (
        task &&
        !(await trx('sc_plan_items').where({ cascadedFromId: task.id, employeeId: specialist.id }).first('id'))
      ) {
        const { id, createdAt: _c, updatedAt: _u, ...rest } = task;
        await trx('sc_plan_items').insert({
          ...rest,
          employeeId: specialist.id,
          kind: 'kpi' as const,
          monthly: JSON.stringify(rest.monthly),
          cascadedFromId: id,
          title: `${String(rest.title)} (вклад отдела учета)`,
        });
      }
    }

    const facts = Object.entries(FACTS).flatMap(([email, values]) => {
      const e = byEmail.get(email);
      return e
        ? Object.entries(values).map(([code, value]) => ({
            employeeId: e.id,
            indicatorId: indicatorId.get(code)!,
            month: monthStart(month),
            value,
            source: INDICATORS.find((i) => i.code === code)?.source ?? 'manual',
          }))
        : [];
    });
    if (facts.length) await trx('sc_facts').insert(facts).onConflict(['employeeId', 'indicatorId', 'month']).ignore();
    await createMatrices(trx, defaultProviders(), staff, month, DEMO_CALENDAR);

    if (!(await trx('sc_methodologies').where({ code: DEMO_METHODOLOGY.code }).first('id'))) {
      const doc = methodologySchema.parse(DEMO_METHODOLOGY);
      const [row] = await trx('sc_methodologies')
        .insert({ ...doc, groups: JSON.stringify(doc.groups) })
        .returning('id');
      const units = await trx('org_units')
        .whereIn('code', ['dep-housing', 'dep-arch', 'dep-property'])
        .select('id', 'code');
      const inputsOf: Record<string, Record<string, { value: number } | { level: string }>> = {
        'dep-housing': {
          'plan-achieved': { value: 82 },
          'regulations-share': { value: 90 },
          'process-maturity': { level: 'L3' },
          'open-data': { level: 'L2' },
          'vacancy-filled': { value: 93 },
          'training-share': { value: 41 },
          satisfaction: { value: 91 },
          'electronic-share': { value: 58 },
          'on-time-share': { value: 97 },
        },
        'dep-arch': {
          'plan-achieved': { value: 64 },
          'regulations-share': { value: 100 },
          'process-maturity': { level: 'L4' },
          'open-data': { level: 'L3' },
          'vacancy-filled': { value: 88 },
          'training-share': { value: 77 },
          satisfaction: { value: 84 },
          'electronic-share': { value: 72 },
          'on-time-share': { value: 91 },
        },
        'dep-property': {
          'plan-achieved': { value: 48 },
          'regulations-share': { value: 70 },
          'process-maturity': { level: 'L2' },
          'open-data': { level: 'L1' },
          'vacancy-filled': { value: 81 },
          'training-share': { value: 22 },
          satisfaction: { value: 79 },
          'electronic-share': { value: 35 },
          'on-time-share': { value: 86 },
        },
      };
      for (const u of units) {
        const r = scoreOrganisation(doc.groups, inputsOf[u.code]);
        if (!r.ok) continue;
        await trx('sc_org_evaluations').insert({
          methodologyId: row.id,
          unitId: u.id,
          year: year - 1,
          inputs: JSON.stringify(inputsOf[u.code]),
          score: r.value.score,
          breakdown: JSON.stringify(r.value.groups),
        });
      }
    }

    for (const [sort, r] of ROADMAP.entries()) {
      await trx('sc_roadmap_indicators')
        .insert({ code: r.code, name: r.name, unit: r.unit, direction: r.direction, source: 'manual', sort })
        .onConflict('code')
        .ignore();
      const { id } = (await trx('sc_roadmap_indicators').where({ code: r.code }).first('id'))!; // inserted or kept just above
      const values = r.values.map(([plan, fact], i) => ({ indicatorId: id, year: year - 2 + i, plan, fact }));
      await trx('sc_roadmap_values').insert(values).onConflict(['indicatorId', 'year']).ignore();
    }
  });
}
