import { z } from 'zod';

const WEIGHT_EPSILON = 0.0001;

export const unitSchema = z.enum(['count', 'percent', 'date', 'score']);
export const directionSchema = z.enum(['higher', 'lower']);
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Month must look like 2026-11');
export const dateSchema = z.iso.date({ message: 'Date must look like 2026-11-30' });
export const yearSchema = z.coerce.number().int().min(2000).max(2100);
export const codeSchema = z.string().trim().min(1, 'Enter a code').max(64).regex(/^[\w.-]+$/, 'Use letters, digits, dots, dashes and underscores');
const percent = z.number().min(0).max(1000);
const decimal = z.number().min(-1e9).max(1e9);
export const idParam = z.coerce.number().int().positive().max(2_147_483_647);
export const idParams = z.object({ id: idParam });
export const rowParams = z.object({ id: idParam, rowId: idParam });

const paging = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

export const mineQuerySchema = z.object({ ...paging, year: yearSchema.optional() });
export const teamQuerySchema = z.object({
  ...paging,
  month: monthSchema,
  status: z.enum(['draft', 'confirmed', 'agreed', 'approved', 'locked']).optional(),
  unitId: idParam.optional(),
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
});

export const createMatrixSchema = z.object({ employeeId: idParam, month: monthSchema });
export const generateSchema = z.object({ month: monthSchema, unitId: idParam.optional() });

export const matrixPatchSchema = z
  .object({
    workedDays: z.number().min(0).max(31).multipleOf(0.5).optional(),
    plannedWorkingDays: z.number().int().min(0).max(31).optional(),
  })
  .refine((v) => v.workedDays !== undefined || v.plannedWorkingDays !== undefined, { message: 'Nothing to change' });

const rowFields = {
  title: z.string().trim().min(1, 'Enter a title').max(1000),
  unit: unitSchema,
  direction: directionSchema,
  weight: percent.max(100).nullable(),
  t0: percent,
  tmax: percent,
  planValue: decimal.nullable(),
  planDate: dateSchema.nullable(),
  factValue: decimal.nullable(),
  factDate: dateSchema.nullable(),
  note: z.string().max(4000).nullable(),
};

export const addRowSchema = z
  .object({
    kind: z.enum(['kpi', 'smart_variable']),
    ...rowFields,
    direction: directionSchema.default('higher'),
    weight: rowFields.weight.default(null),
    t0: percent.optional(),
    tmax: percent.optional(),
    planValue: decimal.nullable().default(null),
    planDate: dateSchema.nullable().default(null),
    factValue: decimal.nullable().default(null),
    factDate: dateSchema.nullable().default(null),
    note: rowFields.note.default(null),
  })
  .superRefine(checkPlan);

export const rowPatchSchema = z
  .object(rowFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' })
  .refine((v) => v.t0 === undefined || v.tmax === undefined || v.t0 <= v.tmax, { message: 'T0 must not exceed Tmax', path: ['t0'] });

export const factsSchema = z.object({
  facts: z
    .array(z.object({ rowId: idParam, factValue: decimal.nullable().optional(), factDate: dateSchema.nullable().optional() }))
    .min(1)
    .max(500),
});

export const indicatorFactsSchema = z.object({
  facts: z
    .array(
      z.object({
        employeeId: idParam,
        indicatorCode: codeSchema,
        month: monthSchema,
        value: decimal.nullable().default(null),
        dateValue: dateSchema.nullable().default(null),
      }),
    )
    .min(1)
    .max(20_000),
});

/** `?dryRun=true`: check an import file and report what it would change, writing nothing. */
export const importQuerySchema = z.object({ dryRun: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1') });
export const syncSchema = z.object({ month: monthSchema, source: z.string().trim().min(1).max(64) });

export const transitionSchema = z.object({ comment: z.string().trim().max(2000).optional() });
export const returnSchema = z.object({ comment: z.string().trim().min(1, 'Say what to correct').max(2000) });

export const cascadeSchema = z.object({ employeeIds: z.array(idParam).min(1).max(500) });

export const indicatorCreateSchema = z.object({
  code: codeSchema,
  name: z.string().trim().min(1).max(500),
  unit: unitSchema,
  direction: directionSchema.default('higher'),
  source: z.string().trim().min(1).max(64).default('manual'),
  description: z.string().max(4000).nullable().default(null),
});
export const indicatorPatchSchema = z
  .object({ name: z.string().trim().min(1).max(500), source: z.string().trim().min(1).max(64), description: z.string().max(4000).nullable(), isActive: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });
export const termSchema = z.object({ validFrom: monthSchema, t0: percent, tmax: percent }).refine((v) => v.t0 <= v.tmax, { message: 'T0 must not exceed Tmax', path: ['t0'] });

export const ruleCreateSchema = z
  .object({
    position: z.string().trim().min(1).max(300).nullable().default(null),
    validFrom: monthSchema,
    kpiWeight: percent.max(100),
    smartWeight: percent.max(100),
    disciplineWeight: percent.max(100),
    evaluationWeight: percent.max(100),
    t0: percent,
    tmax: percent,
  })
  .superRefine((v, ctx) => {
    const sum = v.kpiWeight + v.smartWeight + v.disciplineWeight + v.evaluationWeight;
    if (Math.abs(sum - 100) > WEIGHT_EPSILON) ctx.addIssue({ code: 'custom', path: ['kpiWeight'], message: `Section weights add up to ${sum}, not 100` });
    if (v.t0 > v.tmax) ctx.addIssue({ code: 'custom', path: ['t0'], message: 'T0 must not exceed Tmax' });
  });

const monthlyEntry = z.union([decimal, dateSchema, z.null()]);
export const planItemCreateSchema = z
  .object({
    employeeId: idParam,
    year: yearSchema,
    kind: z.enum(['kpi', 'smart_constant']),
    title: z.string().trim().min(1).max(1000),
    indicatorCode: codeSchema.nullable().default(null),
    unit: unitSchema,
    direction: directionSchema.default('higher'),
    annualTarget: decimal.nullable().default(null),
    annualDate: dateSchema.nullable().default(null),
    monthly: z.array(monthlyEntry).length(12, 'Give 12 monthly values, January first (null where there is no plan)'),
  })
  .superRefine(checkMonthly);
export const planItemPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(1000),
    annualTarget: decimal.nullable(),
    annualDate: dateSchema.nullable(),
    monthly: z.array(monthlyEntry).length(12, 'Give 12 monthly values, January first (null where there is no plan)'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });
export const planQuerySchema = z.object({ employeeId: idParam, year: yearSchema });

function checkPlan(v: { unit: string; planValue: number | null; planDate: string | null }, ctx: z.RefinementCtx): void {
  if (v.unit === 'date' && v.planValue !== null) ctx.addIssue({ code: 'custom', path: ['planValue'], message: 'A date task has a planned date, not a number' });
  if (v.unit !== 'date' && v.planDate !== null) ctx.addIssue({ code: 'custom', path: ['planDate'], message: 'Only a date task has a planned date' });
}

function checkMonthly(v: { unit: string; monthly: (number | string | null)[] }, ctx: z.RefinementCtx): void {
  v.monthly.forEach((m, i) => {
    if (m === null) return;
    if (v.unit === 'date' && typeof m !== 'string') ctx.addIssue({ code: 'custom', path: ['monthly', i], message: 'A date task needs a date (or null) for each month' });
    if (v.unit !== 'date' && typeof m !== 'number') ctx.addIssue({ code: 'custom', path: ['monthly', i], message: 'Give a number (or null) for each month' });
  });
}

// ---------------------------------------------------------------------------------------------
// Organisation methodology

const levelSchema = z.object({
  code: codeSchema,
  description: z.string().trim().min(1, 'Describe the level').max(2000),
  points: z.number().min(0).max(100_000),
  min: z.number().nullable().default(null),
  max: z.number().nullable().default(null),
});

const orgIndicatorSchema = z.object({
  code: codeSchema,
  name: z.string().trim().min(1).max(1000),
  weight: z.number().min(0).max(1),
  mode: z.enum(['range', 'expert']),
  howObtained: z.string().trim().max(2000).default(''),
  supplier: z.string().trim().max(500).default(''),
  unit: z.string().trim().max(32).nullable().default(null),
  levels: z.array(levelSchema).min(1, 'Give at least one level').max(20),
});

const groupSchema = z.object({
  code: codeSchema,
  name: z.string().trim().min(1).max(500),
  weight: z.number().min(0).max(1),
  indicators: z.array(orgIndicatorSchema).min(1, 'A group needs at least one indicator').max(100),
});

/** A methodology document (JSON import/export and the API body): groups, indicators, graded levels; weights must add up to 1. */
export const methodologySchema = z
  .object({
    code: codeSchema,
    name: z.string().trim().min(1).max(500),
    description: z.string().max(4000).nullable().default(null),
    groups: z.array(groupSchema).min(1, 'Give at least one group').max(50),
  })
  .superRefine((m, ctx) => {
    const sum = (xs: { weight: number }[]) => xs.reduce((s, x) => s + x.weight, 0);
    const total = sum(m.groups);
    if (Math.abs(total - 1) > WEIGHT_EPSILON) ctx.addIssue({ code: 'custom', path: ['groups'], message: `Group weights add up to ${round6(total)}, not 1` });
    const codes = new Set<string>();
    m.groups.forEach((g, gi) => {
      const gs = sum(g.indicators);
      if (Math.abs(gs - 1) > WEIGHT_EPSILON) ctx.addIssue({ code: 'custom', path: ['groups', gi, 'indicators'], message: `Indicator weights of group ${g.code} add up to ${round6(gs)}, not 1` });
      if (codes.has(`g:${g.code}`)) ctx.addIssue({ code: 'custom', path: ['groups', gi, 'code'], message: `Group code ${g.code} is used twice` });
      codes.add(`g:${g.code}`);
      g.indicators.forEach((ind, ii) => {
        const path = ['groups', gi, 'indicators', ii];
        if (codes.has(`i:${ind.code}`)) ctx.addIssue({ code: 'custom', path: [...path, 'code'], message: `Indicator code ${ind.code} is used twice` });
        codes.add(`i:${ind.code}`);
        const levelCodes = new Set<string>();
        ind.levels.forEach((l, li) => {
          if (levelCodes.has(l.code)) ctx.addIssue({ code: 'custom', path: [...path, 'levels', li, 'code'], message: `Level code ${l.code} is used twice` });
          levelCodes.add(l.code);
          if (l.min !== null && l.max !== null && l.min >= l.max) ctx.addIssue({ code: 'custom', path: [...path, 'levels', li, 'max'], message: 'The range must end above its start' });
          if (ind.mode === 'range' && l.min === null && l.max === null) ctx.addIssue({ code: 'custom', path: [...path, 'levels', li], message: 'A computed indicator needs a numeric range on every level' });
        });
        if (ind.mode === 'range') {
          const sorted = [...ind.levels].sort((a, b) => (a.min ?? -Infinity) - (b.min ?? -Infinity));
          for (let i = 1; i < sorted.length; i++) {
            const prevMax = sorted[i - 1].max ?? Infinity;
            if ((sorted[i].min ?? -Infinity) < prevMax) ctx.addIssue({ code: 'custom', path: [...path, 'levels'], message: `Ranges of levels ${sorted[i - 1].code} and ${sorted[i].code} overlap` });
          }
        }
      });
    });
  });

export const evaluationSchema = z.object({
  unitId: idParam,
  year: yearSchema,
  inputs: z.record(z.string(), z.union([z.object({ value: z.number() }).strict(), z.object({ level: z.string().min(1) }).strict()])),
});
export const evaluationQuerySchema = z.object({ ...paging, year: yearSchema.optional() });
export const exportQuerySchema = z.object({ format: z.enum(['json', 'xlsx']).default('json') });
export const listQuerySchema = z.object({ ...paging });

// ---------------------------------------------------------------------------------------------
// Roadmap

export const roadmapIndicatorSchema = z.object({
  code: codeSchema,
  name: z.string().trim().min(1).max(500),
  unit: z.string().trim().min(1).max(32),
  direction: directionSchema.default('higher'),
  source: z.string().trim().min(1).max(64).default('manual'),
  description: z.string().max(4000).nullable().default(null),
  sort: z.number().int().min(0).max(10_000).default(0),
});
export const roadmapIndicatorPatchSchema = z
  .object({ name: z.string().trim().min(1).max(500), unit: z.string().trim().min(1).max(32), direction: directionSchema, source: z.string().trim().min(1).max(64), description: z.string().max(4000).nullable(), sort: z.number().int().min(0).max(10_000) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });
export const roadmapValuesSchema = z.object({
  values: z
    .array(z.object({ year: z.number().int().min(2000).max(2100), plan: decimal.nullable().optional(), fact: decimal.nullable().optional() }))
    .min(1)
    .max(100)
    .refine((vs) => new Set(vs.map((v) => v.year)).size === vs.length, { message: 'Each year may appear once' }),
});
export const seriesQuerySchema = z
  .object({ from: yearSchema.optional(), to: yearSchema.optional() })
  .refine((v) => v.from === undefined || v.to === undefined || v.from <= v.to, { message: 'from must not be after to', path: ['from'] });

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export type Methodology = z.infer<typeof methodologySchema>;
export type AddRowInput = z.infer<typeof addRowSchema>;
export type RowPatch = z.infer<typeof rowPatchSchema>;
export type IndicatorFactInput = z.infer<typeof indicatorFactsSchema>['facts'][number];
export type PlanItemCreate = z.infer<typeof planItemCreateSchema>;
export type PlanItemPatch = z.infer<typeof planItemPatchSchema>;
export type RuleCreate = z.infer<typeof ruleCreateSchema>;
export type IndicatorCreate = z.infer<typeof indicatorCreateSchema>;
export type RoadmapIndicatorCreate = z.infer<typeof roadmapIndicatorSchema>;
