/** The contract of /api/org: units, employees, staff groups, service windows and the CSV/XLSX import. */
import { z } from 'zod';
import { emailSchema } from './auth.js';
import { booleanParam, endpoint, idParam, itemsSchema, listQuerySchema, pageSchema } from './common.js';

import { IMPORT_ENTITIES, UNIT_KINDS } from './enums.js';

export { IMPORT_ENTITIES, UNIT_KINDS, type ImportEntity, type UnitKind } from './enums.js';

/** Codes of units and staff groups (group codes are BPMN candidate groups). */
export const CODE_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;
const codeMessage =
  'Use 2 to 64 characters: lower-case latin letters, digits and hyphens, starting with a letter or digit';
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
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the format YYYY-MM-DD')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'Not a valid date');

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

export const EMPLOYEE_SORT = [
  'fullName',
  'personnelNumber',
  'position',
  'unitName',
  'salary',
  'hiredOn',
  'id',
] as const;
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
export const importParamsSchema = z.object({ entity: z.enum(IMPORT_ENTITIES) });
export const importQuerySchema = z.object({ dryRun: booleanParam.optional() });

// ---------- responses ----------
/** A unit of the organisation: department, division or service office. */
export const unitSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  shortName: z.string().nullable(),
  kind: z.enum(UNIT_KINDS),
  parentId: z.number().int().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  isActive: z.boolean(),
  employeeCount: z.number().int(),
});
export type OrgUnit = z.infer<typeof unitSchema>;
export type OrgUnitInput = z.input<typeof unitCreateSchema>;

/** An employee with their unit and staff groups. */
export const employeeSchema = z.strictObject({
  id: z.number().int(),
  personnelNumber: z.string().nullable(),
  fullName: z.string(),
  position: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  salary: z.number(),
  maxBonusSalaries: z.number(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  hiredOn: z.string().nullable(),
  isActive: z.boolean(),
  userId: z.number().int().nullable(),
  groups: z.array(z.strictObject({ id: z.number().int(), code: z.string() })),
});
export type Employee = z.infer<typeof employeeSchema>;
export type EmployeeInput = z.input<typeof employeeCreateSchema>;

/** What removing an employee did: deleted, or only deactivated because something refers to them. */
export const employeeRemovalSchema = z.strictObject({
  outcome: z.enum(['deleted', 'deactivated']),
  employee: employeeSchema,
});
export type EmployeeRemoval = z.infer<typeof employeeRemovalSchema>;

/** A staff group (its code is a BPMN candidate group). */
export const groupSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  unitId: z.number().int().nullable(),
  memberCount: z.number().int(),
});
export type StaffGroup = z.infer<typeof groupSchema>;
export type StaffGroupInput = z.input<typeof groupCreateSchema>;

/** A member of a staff group. */
export const groupMemberSchema = z.strictObject({
  id: z.number().int(),
  personnelNumber: z.string().nullable(),
  fullName: z.string(),
  position: z.string(),
  unitId: z.number().int(),
  unitName: z.string(),
  isActive: z.boolean(),
});
export type GroupMember = z.infer<typeof groupMemberSchema>;

/** A service window of an office. */
export const windowSchema = z.strictObject({
  id: z.number().int(),
  officeId: z.number().int(),
  officeName: z.string(),
  number: z.string(),
  name: z.string().nullable(),
  employeeId: z.number().int().nullable(),
  employeeName: z.string().nullable(),
  isActive: z.boolean(),
});
export type ServiceWindow = z.infer<typeof windowSchema>;
export type ServiceWindowInput = z.input<typeof windowCreateSchema>;

/** One column of an import file: its key, its Russian title and other accepted header names. */
export const importColumnSchema = z.strictObject({
  key: z.string(),
  title: z.string(),
  aliases: z.array(z.string()),
  required: z.boolean(),
  description: z.string(),
  example: z.string(),
});
export type ImportColumn = z.infer<typeof importColumnSchema>;

/** What an import did (or, in a dry run, would do). */
export const importResultSchema = z.strictObject({
  created: z.number().int(),
  updated: z.number().int(),
  dryRun: z.boolean(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** The endpoints of /api/org and what each answers on success. */
export const orgEndpoints = [
  endpoint('GET', '/api/org/units', itemsSchema(unitSchema)),
  endpoint('POST', '/api/org/units', unitSchema),
  endpoint('PATCH', '/api/org/units/:id', unitSchema),
  endpoint('DELETE', '/api/org/units/:id', null),
  endpoint('GET', '/api/org/employees', pageSchema(employeeSchema)),
  endpoint('GET', '/api/org/employees/:id', employeeSchema),
  endpoint('POST', '/api/org/employees', employeeSchema),
  endpoint('PATCH', '/api/org/employees/:id', employeeSchema),
  endpoint('DELETE', '/api/org/employees/:id', employeeRemovalSchema),
  endpoint('GET', '/api/org/groups', pageSchema(groupSchema)),
  endpoint('GET', '/api/org/groups/:id', groupSchema),
  endpoint('POST', '/api/org/groups', groupSchema),
  endpoint('PATCH', '/api/org/groups/:id', groupSchema),
  endpoint('DELETE', '/api/org/groups/:id', null),
  endpoint('GET', '/api/org/groups/:id/members', itemsSchema(groupMemberSchema)),
  endpoint('PUT', '/api/org/groups/:id/members', itemsSchema(groupMemberSchema)),
  endpoint('GET', '/api/org/windows', pageSchema(windowSchema)),
  endpoint('GET', '/api/org/windows/:id', windowSchema),
  endpoint('POST', '/api/org/windows', windowSchema),
  endpoint('PATCH', '/api/org/windows/:id', windowSchema),
  endpoint('DELETE', '/api/org/windows/:id', null),
  endpoint('GET', '/api/org/import/:entity/columns', itemsSchema(importColumnSchema)),
  endpoint('GET', '/api/org/import/:entity/template', null),
  endpoint('POST', '/api/org/import/:entity', importResultSchema),
];
