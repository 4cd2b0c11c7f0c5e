import { z } from 'zod';
import { emailSchema } from '../auth/index.js';
import { booleanParam, idParam, listQuerySchema } from '../../platform/http/paging.js';

export const UNIT_KINDS = ['department', 'division', 'office'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Codes of units and staff groups (group codes are BPMN candidate groups). */
export const CODE_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;
const codeMessage = 'Use 2 to 64 characters: lower-case latin letters, digits and hyphens, starting with a letter or digit';
export const codeSchema = z.string().trim().regex(CODE_PATTERN, codeMessage);

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

const money = z.number().min(0, 'Must be zero or more').max(9_999_999_999.99);
const bonus = z.number().min(0, 'Must be between 0 and 12').max(12, 'Must be between 0 and 12');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the format YYYY-MM-DD').refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'Not a valid date');

// ---------- units ----------
export const unitCreateSchema = z.object({
  code: codeSchema,
  name: z.string().trim().min(2, 'Enter a name').max(300),
  shortName: optionalText(100),
  kind: z.enum(UNIT_KINDS),
  parentId: idParam.nullable().optional(),
  address: optionalText(500),
  phone: optionalText(50),
  isActive: z.boolean().optional(),
});
export const unitPatchSchema = unitCreateSchema.partial();
export type UnitCreate = z.infer<typeof unitCreateSchema>;
export type UnitPatch = z.infer<typeof unitPatchSchema>;

// ---------- employees ----------
export const employeeCreateSchema = z.object({
  personnelNumber: z.string().trim().min(1).max(32).nullable().optional(),
  fullName: z.string().trim().min(2, 'Enter the full name').max(300),
  position: z.string().trim().min(2, 'Enter the position').max(300),
  unitId: idParam,
  salary: money.optional(),
  maxBonusSalaries: bonus.optional(),
  email: z.preprocess((v) => (v === '' ? null : v), emailSchema.nullable().optional()),
  phone: optionalText(50),
  hiredOn: isoDate.nullable().optional(),
  isActive: z.boolean().optional(),
});
export const employeePatchSchema = employeeCreateSchema.partial();
export type EmployeeCreate = z.infer<typeof employeeCreateSchema>;
export type EmployeePatch = z.infer<typeof employeePatchSchema>;

export const EMPLOYEE_SORT = ['fullName', 'personnelNumber', 'position', 'unitName', 'salary', 'hiredOn', 'id'] as const;
export const employeeListSchema = listQuerySchema(EMPLOYEE_SORT, 'fullName').extend({
  unitId: idParam.optional(),
  includeSubunits: booleanParam.optional(),
  active: booleanParam.optional(),
});
export type EmployeeListQuery = z.infer<typeof employeeListSchema>;

// ---------- groups ----------
export const groupCreateSchema = z.object({
  code: codeSchema,
  name: z.string().trim().min(2, 'Enter a name').max(300),
  description: optionalText(5000),
  unitId: idParam.nullable().optional(),
});
export const groupPatchSchema = groupCreateSchema.partial();
export type GroupCreate = z.infer<typeof groupCreateSchema>;
export type GroupPatch = z.infer<typeof groupPatchSchema>;

export const GROUP_SORT = ['code', 'name', 'memberCount', 'id'] as const;
export const groupListSchema = listQuerySchema(GROUP_SORT, 'code').extend({
  unitId: idParam.optional(),
});
export type GroupListQuery = z.infer<typeof groupListSchema>;

export const groupMembersSchema = z.object({
  employeeIds: z.array(idParam).max(5000),
});

// ---------- windows ----------
export const windowCreateSchema = z.object({
  officeId: idParam,
  number: z.string().trim().min(1, 'Enter the window number').max(16),
  name: optionalText(200),
  employeeId: idParam.nullable().optional(),
  isActive: z.boolean().optional(),
});
export const windowPatchSchema = windowCreateSchema.partial();
export type WindowCreate = z.infer<typeof windowCreateSchema>;
export type WindowPatch = z.infer<typeof windowPatchSchema>;

export const WINDOW_SORT = ['number', 'officeName', 'employeeName', 'id'] as const;
export const windowListSchema = listQuerySchema(WINDOW_SORT, 'number').extend({
  officeId: idParam.optional(),
  active: booleanParam.optional(),
});
export type WindowListQuery = z.infer<typeof windowListSchema>;

// ---------- import ----------
export const IMPORT_ENTITIES = ['units', 'employees', 'groups', 'windows'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
export const importParamsSchema = z.object({ entity: z.enum(IMPORT_ENTITIES) });
export const importQuerySchema = z.object({ dryRun: booleanParam.optional() });
