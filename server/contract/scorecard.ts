/**
 * The contract of /api/scorecard: request schemas (parsed by the routes), response schemas and the
 * types inferred from them (returned by the services, used by the client through `@contract/scorecard`).
 */
import { z } from 'zod';
import { endpoint, idParam, itemsSchema, pageSchema, pagingFields } from './common.js';

const WEIGHT_EPSILON = 0.0001;

import { EDIT_SCOPES, MATRIX_ACTIONS, MATRIX_STATUSES, SECTIONS } from './enums.js';

export {
  EDIT_SCOPES,
  MATRIX_ACTIONS,
  MATRIX_STATUSES,
  SECTIONS,
  type EditScope,
  type MatrixAction,
  type MatrixStatus,
  type Section,
} from './enums.js';
export const matrixStatusSchema = z.enum(MATRIX_STATUSES);

export const unitSchema = z.enum(['count', 'percent', 'date', 'score']);
export const directionSchema = z.enum(['higher', 'lower']);
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Month must look like 2026-11');
export const dateSchema = z.iso.date({ message: 'Date must look like 2026-11-30' });
export const yearSchema = z.coerce.number<number>().int().min(2000).max(2100);
export const codeSchema = z
  .string()
  .trim()
  .min(1, 'Enter a code')
  .max(64)
  .regex(/^[\w.-]+$/, 'Use letters, digits, dots, dashes and underscores');
const percent = z.number().min(0).max(1000);
const decimal = z.number().min(-1e9).max(1e9);
export { idParam, idParams } from './common.js';
export const rowParams = z.object({ id: idParam, rowId: idParam });

const paging = pagingFields;

export const mineQuerySchema = z.object({ ...paging, year: yearSchema.optional() });
export const teamQuerySchema = z.object({
  ...paging,
  month: monthSchema,
  status: z.enum(MATRIX_STATUSES).optional(),
  unitId: idParam.optional(),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => v || undefined),
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
  .refine((v) => v.t0 === undefined || v.tmax === undefined || v.t0 <= v.tmax, {
    message: 'T0 must not exceed Tmax',
    path: ['t0'],
  });

export const factsSchema = z.object({
  facts: z
    .array(
      z.object({
        rowId: idParam,
        factValue: decimal.nullable().optional(),
        factDate: dateSchema.nullable().optional(),
      }),
    )
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
export const importQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});
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
  .object({
    name: z.string().trim().min(1).max(500),
    source: z.string().trim().min(1).max(64),
    description: z.string().max(4000).nullable(),
    isActive: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });
export const termSchema = z
  .object({ validFrom: monthSchema, t0: percent, tmax: percent })
  .refine((v) => v.t0 <= v.tmax, { message: 'T0 must not exceed Tmax', path: ['t0'] });

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
    if (Math.abs(sum - 100) > WEIGHT_EPSILON)
      ctx.addIssue({ code: 'custom', path: ['kpiWeight'], message: `Section weights add up to ${sum}, not 100` });
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
  if (v.unit === 'date' && v.planValue !== null)
    ctx.addIssue({ code: 'custom', path: ['planValue'], message: 'A date task has a planned date, not a number' });
  if (v.unit !== 'date' && v.planDate !== null)
    ctx.addIssue({ code: 'custom', path: ['planDate'], message: 'Only a date task has a planned date' });
}

function checkMonthly(v: { unit: string; monthly: (number | string | null)[] }, ctx: z.RefinementCtx): void {
  v.monthly.forEach((m, i) => {
    if (m === null) return;
    if (v.unit === 'date' && typeof m !== 'string')
      ctx.addIssue({
        code: 'custom',
        path: ['monthly', i],
        message: 'A date task needs a date (or null) for each month',
      });
    if (v.unit !== 'date' && typeof m !== 'number')
      ctx.addIssue({ code: 'custom', path: ['monthly', i], message: 'Give a number (or null) for each month' });
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
    if (Math.abs(total - 1) > WEIGHT_EPSILON)
      ctx.addIssue({ code: 'custom', path: ['groups'], message: `Group weights add up to ${round6(total)}, not 1` });
    const codes = new Set<string>();
    m.groups.forEach((g, gi) => {
      const gs = sum(g.indicators);
      if (Math.abs(gs - 1) > WEIGHT_EPSILON)
        ctx.addIssue({
          code: 'custom',
          path: ['groups', gi, 'indicators'],
          message: `Indicator weights of group ${g.code} add up to ${round6(gs)}, not 1`,
        });
      if (codes.has(`g:${g.code}`))
        ctx.addIssue({ code: 'custom', path: ['groups', gi, 'code'], message: `Group code ${g.code} is used twice` });
      codes.add(`g:${g.code}`);
      g.indicators.forEach((ind, ii) => {
        const path = ['groups', gi, 'indicators', ii];
        if (codes.has(`i:${ind.code}`))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'code'],
            message: `Indicator code ${ind.code} is used twice`,
          });
        codes.add(`i:${ind.code}`);
        const levelCodes = new Set<string>();
        ind.levels.forEach((l, li) => {
          if (levelCodes.has(l.code))
            ctx.addIssue({
              code: 'custom',
              path: [...path, 'levels', li, 'code'],
              message: `Level code ${l.code} is used twice`,
            });
          levelCodes.add(l.code);
          if (l.min !== null && l.max !== null && l.min >= l.max)
            ctx.addIssue({
              code: 'custom',
              path: [...path, 'levels', li, 'max'],
              message: 'The range must end above its start',
            });
          if (ind.mode === 'range' && l.min === null && l.max === null)
            ctx.addIssue({
              code: 'custom',
              path: [...path, 'levels', li],
              message: 'A computed indicator needs a numeric range on every level',
            });
        });
        if (ind.mode === 'range') {
          const sorted = [...ind.levels].sort((a, b) => (a.min ?? -Infinity) - (b.min ?? -Infinity));
          for (let i = 1; i < sorted.length; i++) {
            const prevMax = sorted[i - 1].max ?? Infinity;
            if ((sorted[i].min ?? -Infinity) < prevMax)
              ctx.addIssue({
                code: 'custom',
                path: [...path, 'levels'],
                message: `Ranges of levels ${sorted[i - 1].code} and ${sorted[i].code} overlap`,
              });
          }
        }
      });
    });
  });

export const evaluationSchema = z.object({
  unitId: idParam,
  year: yearSchema,
  inputs: z.record(
    z.string(),
    z.union([z.object({ value: z.number() }).strict(), z.object({ level: z.string().min(1) }).strict()]),
  ),
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
  .object({
    name: z.string().trim().min(1).max(500),
    unit: z.string().trim().min(1).max(32),
    direction: directionSchema,
    source: z.string().trim().min(1).max(64),
    description: z.string().max(4000).nullable(),
    sort: z.number().int().min(0).max(10_000),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change' });
export const roadmapValuesSchema = z.object({
  values: z
    .array(
      z.object({
        year: z.number().int().min(2000).max(2100),
        plan: decimal.nullable().optional(),
        fact: decimal.nullable().optional(),
      }),
    )
    .min(1)
    .max(100)
    .refine((vs) => new Set(vs.map((v) => v.year)).size === vs.length, { message: 'Each year may appear once' }),
});
export const seriesQuerySchema = z
  .object({ from: yearSchema.optional(), to: yearSchema.optional() })
  .refine((v) => v.from === undefined || v.to === undefined || v.from <= v.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

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

// ---------------------------------------------------------------------------------------------
// Responses

const person = z.strictObject({ id: z.number().int(), fullName: z.string() });

/** A person and when they signed a step of the approval. */
export const signatureSchema = z.strictObject({ by: person.nullable(), at: z.string() });
export type Signature = z.infer<typeof signatureSchema>;

/** A row of a matrix with its computed columns. */
export const matrixRowSchema = z.strictObject({
  id: z.number().int(),
  section: z.enum(SECTIONS),
  kind: z.string(),
  sort: z.number(),
  title: z.string(),
  indicatorId: z.number().int().nullable(),
  indicatorCode: z.string().nullable(),
  planItemId: z.number().int().nullable(),
  /** Where the fact comes from: the indicator's source (manual, import, a provider id); null for rows without an indicator. */
  source: z.string().nullable(),
  cascadedFromRowId: z.number().int().nullable(),
  unit: unitSchema,
  direction: directionSchema,
  weight: z.number().nullable(),
  effectiveWeight: z.number(),
  planValue: z.number().nullable(),
  planDate: z.string().nullable(),
  factValue: z.number().nullable(),
  factDate: z.string().nullable(),
  completion: z.number().nullable(),
  t0: z.number(),
  tmax: z.number(),
  completionAdjusted: z.number(),
  total: z.number(),
  note: z.string().nullable(),
});
export type MatrixRow = z.infer<typeof matrixRowSchema>;
export type RowUnit = z.infer<typeof unitSchema>;
export type Direction = z.infer<typeof directionSchema>;

/** An employee's monthly matrix. */
export const matrixSchema = z.strictObject({
  id: z.number().int(),
  month: z.string(),
  status: matrixStatusSchema,
  employee: z.strictObject({
    id: z.number().int(),
    fullName: z.string(),
    position: z.string(),
    unitId: z.number().int(),
    unitName: z.string(),
    personnelNumber: z.string().nullable(),
  }),
  salary: z.number(),
  maxBonusSalaries: z.number(),
  sections: z.record(z.enum(SECTIONS), z.number()),
  plannedWorkingDays: z.number(),
  workedDays: z.number(),
  rows: z.array(matrixRowSchema),
  result: z.number(),
  bonusSalaries: z.number(),
  workedTimeCoefficient: z.number(),
  bonusToPay: z.number(),
  bonusAmount: z.number(),
  computedAt: z.string().nullable(),
  workflow: z.strictObject({
    confirmed: signatureSchema.nullable(),
    agreed: signatureSchema.nullable(),
    approved: signatureSchema.nullable(),
    locked: signatureSchema.nullable(),
  }),
  history: z.array(
    z.strictObject({
      action: z.string(),
      from: z.string(),
      to: z.string(),
      by: person.nullable(),
      at: z.string(),
      comment: z.string().nullable(),
    }),
  ),
  allowedActions: z.array(z.enum(MATRIX_ACTIONS)),
  editable: z.enum(EDIT_SCOPES),
  /** The engine's instance of the approval process (null before the employee first confirms). */
  processInstanceKey: z.string().nullable(),
});
export type Matrix = z.infer<typeof matrixSchema>;

/** A matrix in a list. */
export const matrixListItemSchema = z.strictObject({
  id: z.number().int(),
  month: z.string(),
  status: matrixStatusSchema,
  employeeId: z.number().int(),
  fullName: z.string(),
  position: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  result: z.number(),
  bonusToPay: z.number(),
});
export type MatrixListItem = z.infer<typeof matrixListItemSchema>;

/** Totals of a team list over every matching matrix (not only the page). */
export const teamTotalsSchema = z.strictObject({
  matrices: z.number().int(),
  byStatus: z.record(matrixStatusSchema, z.number().int()),
  averageResult: z.number().nullable(),
  bonusToPaySalaries: z.number(),
  bonusAmount: z.number(),
});
export type TeamTotals = z.infer<typeof teamTotalsSchema>;
export const teamPageSchema = pageSchema(matrixListItemSchema).extend({ totals: teamTotalsSchema });
export type TeamPage = z.infer<typeof teamPageSchema>;

export const generateResultSchema = z.strictObject({ created: z.number().int(), existing: z.number().int() });
export type GenerateResult = z.infer<typeof generateResultSchema>;
export const cascadeRowResultSchema = z.strictObject({ matrixIds: z.array(z.number().int()) });
export const factsWriteResultSchema = z.strictObject({
  written: z.number().int(),
  recomputed: z.number().int(),
  dryRun: z.boolean(),
});
export type FactsWriteResult = z.infer<typeof factsWriteResultSchema>;
export const syncResultSchema = z.strictObject({
  checked: z.number().int(),
  changed: z.number().int(),
  recomputed: z.number().int(),
  frozen: z.number().int(),
});
export type SyncResult = z.infer<typeof syncResultSchema>;

/** An employee-level indicator with its T0/Tmax terms by period. */
export const indicatorSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  unit: unitSchema,
  direction: directionSchema,
  source: z.string(),
  description: z.string().nullable(),
  isActive: z.boolean(),
  terms: z.array(z.strictObject({ validFrom: z.string(), t0: z.number(), tmax: z.number() })),
});
export type Indicator = z.infer<typeof indicatorSchema>;
export type IndicatorInput = z.input<typeof indicatorCreateSchema>;
export type IndicatorPatch = z.input<typeof indicatorPatchSchema>;

/** Matrix rules of a position (null: every position) from a month on. */
export const ruleSchema = z.strictObject({
  id: z.number().int(),
  position: z.string().nullable(),
  validFrom: z.string(),
  kpiWeight: z.number(),
  smartWeight: z.number(),
  disciplineWeight: z.number(),
  evaluationWeight: z.number(),
  t0: z.number(),
  tmax: z.number(),
});
export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleCreateSchema>;

/** A monthly plan entry: a number, a 'YYYY-MM-DD' date (date tasks) or null (no plan that month). */
export const monthlyValueSchema = z.union([z.number(), z.string(), z.null()]);
export type MonthlyValue = z.infer<typeof monthlyValueSchema>;

/** An annual plan item: a KPI or a constant SMART task with its January–December breakdown. */
export const planItemSchema = z.strictObject({
  id: z.number().int(),
  employeeId: z.number().int(),
  year: z.number().int(),
  kind: z.enum(['kpi', 'smart_constant']),
  title: z.string(),
  indicatorId: z.number().int().nullable(),
  unit: unitSchema,
  direction: directionSchema,
  annualTarget: z.number().nullable(),
  annualDate: z.string().nullable(),
  monthly: z.array(monthlyValueSchema),
  cascadedFromId: z.number().int().nullable(),
});
export type PlanItem = z.infer<typeof planItemSchema>;
export type PlanItemInput = z.input<typeof planItemCreateSchema>;
export type PlanItemChange = z.input<typeof planItemPatchSchema>;

/** A fact typed into a matrix row. */
export type FactInput = z.input<typeof factsSchema>['facts'][number];
/** A task added to one month's matrix (a variable SMART task or an extra KPI). */
export type NewRowInput = z.input<typeof addRowSchema>;
export type MatrixPatchRequest = z.input<typeof matrixPatchSchema>;
export type TermRequest = z.input<typeof termSchema>;
export type EvaluationRequest = z.input<typeof evaluationSchema>;

const levelViewSchema = z.strictObject({
  code: z.string(),
  description: z.string(),
  points: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
const orgIndicatorViewSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  weight: z.number(),
  mode: z.enum(['range', 'expert']),
  howObtained: z.string(),
  supplier: z.string(),
  unit: z.string().nullable(),
  levels: z.array(levelViewSchema),
});
const groupViewSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  weight: z.number(),
  indicators: z.array(orgIndicatorViewSchema),
});
/** An organisation methodology document as stored (defaults filled in). */
export const methodologyDocSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  groups: z.array(groupViewSchema),
});
export type MethodologyDoc = z.infer<typeof methodologyDocSchema>;
export type MethodologyLevel = MethodologyDoc['groups'][number]['indicators'][number]['levels'][number];
export type MethodologyIndicator = MethodologyDoc['groups'][number]['indicators'][number];
export type MethodologyGroup = MethodologyDoc['groups'][number];
/** A stored methodology with the number of evaluations made with it. */
export const methodologyViewSchema = methodologyDocSchema.extend({
  id: z.number().int(),
  evaluations: z.number().int(),
});
export type MethodologyView = z.infer<typeof methodologyViewSchema>;

/** One indicator's input: a measured value (range mode) or a chosen level code (expert mode). */
export const orgInputSchema = z.union([z.strictObject({ value: z.number() }), z.strictObject({ level: z.string() })]);
export type OrgInput = z.infer<typeof orgInputSchema>;

/** A department's yearly evaluation with its breakdown. */
export const evaluationViewSchema = z.strictObject({
  id: z.number().int(),
  methodologyId: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  year: z.number().int(),
  score: z.number(),
  inputs: z.record(z.string(), orgInputSchema),
  breakdown: z.array(
    z.strictObject({
      code: z.string(),
      weight: z.number(),
      score: z.number(),
      indicators: z.array(
        z.strictObject({
          code: z.string(),
          level: z.string(),
          points: z.number(),
          value: z.number().nullable(),
          contribution: z.number(),
        }),
      ),
    }),
  ),
  evaluatedAt: z.string(),
});
export type EvaluationView = z.infer<typeof evaluationViewSchema>;

export const roadmapValueSchema = z.strictObject({
  year: z.number().int(),
  plan: z.number().nullable(),
  fact: z.number().nullable(),
});
export type RoadmapValue = z.infer<typeof roadmapValueSchema>;
/** A roadmap indicator with its yearly plan and fact. */
export const roadmapIndicatorViewSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  direction: directionSchema,
  source: z.string(),
  description: z.string().nullable(),
  sort: z.number().int(),
  values: z.array(roadmapValueSchema),
});
export type RoadmapIndicatorView = z.infer<typeof roadmapIndicatorViewSchema>;
export type RoadmapIndicatorInput = z.input<typeof roadmapIndicatorSchema>;
export type RoadmapIndicatorChange = z.input<typeof roadmapIndicatorPatchSchema>;

/** One indicator's plan-versus-fact series for a chart (arrays aligned with `years`). */
export const roadmapSeriesSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  direction: directionSchema,
  years: z.array(z.number().int()),
  plan: z.array(z.number().nullable()),
  fact: z.array(z.number().nullable()),
  /** Per year: fact meets plan (respecting direction), or null when either is missing. */
  achieved: z.array(z.boolean().nullable()),
});
export type RoadmapSeries = z.infer<typeof roadmapSeriesSchema>;
export const roadmapSeriesAnswerSchema = z.strictObject({
  years: z.array(z.number().int()),
  indicators: z.array(roadmapSeriesSchema),
});
export type RoadmapSeriesAnswer = z.infer<typeof roadmapSeriesAnswerSchema>;

const S = '/api/scorecard';
/** The endpoints of /api/scorecard and what each answers on success. */
export const scorecardEndpoints = [
  endpoint('GET', `${S}/matrices/mine`, pageSchema(matrixListItemSchema)),
  endpoint('GET', `${S}/matrices/team`, teamPageSchema),
  endpoint('POST', `${S}/matrices`, matrixSchema),
  endpoint('POST', `${S}/matrices/generate`, generateResultSchema),
  endpoint('GET', `${S}/matrices/:id`, matrixSchema),
  endpoint('PATCH', `${S}/matrices/:id`, matrixSchema),
  endpoint('GET', `${S}/matrices/:id/export.xlsx`, null),
  endpoint('POST', `${S}/matrices/:id/rows`, matrixSchema),
  endpoint('PATCH', `${S}/matrices/:id/rows/:rowId`, matrixSchema),
  endpoint('DELETE', `${S}/matrices/:id/rows/:rowId`, matrixSchema),
  endpoint('POST', `${S}/matrices/:id/rows/:rowId/cascade`, cascadeRowResultSchema),
  endpoint('PUT', `${S}/matrices/:id/facts`, matrixSchema),
  ...MATRIX_ACTIONS.map((a) => endpoint('POST', `${S}/matrices/:id/${a}`, matrixSchema)),
  endpoint('POST', `${S}/facts`, factsWriteResultSchema),
  endpoint('POST', `${S}/facts/import`, factsWriteResultSchema),
  endpoint('POST', `${S}/facts/sync`, syncResultSchema),
  endpoint('GET', `${S}/indicators`, itemsSchema(indicatorSchema)),
  endpoint('POST', `${S}/indicators`, indicatorSchema),
  endpoint('PATCH', `${S}/indicators/:id`, indicatorSchema),
  endpoint('POST', `${S}/indicators/:id/terms`, indicatorSchema),
  endpoint('GET', `${S}/rules`, itemsSchema(ruleSchema)),
  endpoint('POST', `${S}/rules`, ruleSchema),
  endpoint('GET', `${S}/providers`, itemsSchema(z.string())),
  endpoint('GET', `${S}/plans`, itemsSchema(planItemSchema)),
  endpoint('POST', `${S}/plans`, planItemSchema),
  endpoint('PATCH', `${S}/plans/:id`, planItemSchema),
  endpoint('DELETE', `${S}/plans/:id`, null),
  endpoint('POST', `${S}/plans/:id/cascade`, itemsSchema(planItemSchema)),
  endpoint('GET', `${S}/methodologies`, pageSchema(methodologyViewSchema)),
  endpoint('POST', `${S}/methodologies`, methodologyViewSchema),
  endpoint('POST', `${S}/methodologies/import`, methodologyViewSchema),
  endpoint('GET', `${S}/methodologies/:id`, methodologyViewSchema),
  endpoint('PUT', `${S}/methodologies/:id`, methodologyViewSchema),
  endpoint('DELETE', `${S}/methodologies/:id`, null),
  endpoint('GET', `${S}/methodologies/:id/export`, null),
  endpoint('POST', `${S}/methodologies/:id/evaluations`, evaluationViewSchema),
  endpoint('GET', `${S}/methodologies/:id/evaluations`, pageSchema(evaluationViewSchema)),
  endpoint('GET', `${S}/roadmap/indicators`, pageSchema(roadmapIndicatorViewSchema)),
  endpoint('GET', `${S}/roadmap/series`, roadmapSeriesAnswerSchema),
  endpoint('POST', `${S}/roadmap/indicators`, roadmapIndicatorViewSchema),
  endpoint('GET', `${S}/roadmap/indicators/:id`, roadmapIndicatorViewSchema),
  endpoint('PATCH', `${S}/roadmap/indicators/:id`, roadmapIndicatorViewSchema),
  endpoint('DELETE', `${S}/roadmap/indicators/:id`, null),
  endpoint('PUT', `${S}/roadmap/indicators/:id/values`, roadmapIndicatorViewSchema),
];
