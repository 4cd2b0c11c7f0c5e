/** The contract of /api/instructions: ad-hoc tasks (поручения) a manager gives an employee. */
import { z } from 'zod';
import { endpoint, idParam, instantSchema, isoDate, itemsSchema, listQuerySchema, pageSchema } from './common.js';
import { INSTRUCTION_SCOPES, INSTRUCTION_STATUSES } from './enums.js';

export { INSTRUCTION_SCOPES, INSTRUCTION_STATUSES, type InstructionScope, type InstructionStatus } from './enums.js';

/** POST /api/instructions. */
export const createInstructionSchema = z.object({
  /** The employee (employees.id) who gets the instruction; they need a user account. */
  employeeId: idParam,
  title: z.string().trim().min(1, 'Enter a title').max(300),
  text: z.string().trim().min(1, 'Describe the instruction').max(4000),
  /** The last day, 'YYYY-MM-DD'; the task is due at the end of that working day. */
  due: isoDate,
  /** 0–100 like Camunda's task priority (50 by default). */
  priority: z.coerce.number<number>().int().min(0).max(100).optional(),
});
export type CreateInstructionInput = z.infer<typeof createInstructionSchema>;
export type CreateInstructionRequest = z.input<typeof createInstructionSchema>;

export const INSTRUCTION_SORT_FIELDS = ['createdAt', 'due', 'title'] as const;

/** GET /api/instructions. */
export const instructionListSchema = listQuerySchema(INSTRUCTION_SORT_FIELDS, '-createdAt').extend({
  scope: z.enum(INSTRUCTION_SCOPES).default('givenByMe'),
});
export type InstructionListQuery = z.infer<typeof instructionListSchema>;
export type InstructionListRequest = z.input<typeof instructionListSchema>;

export const instructionSchema = z.strictObject({
  id: z.number().int(),
  title: z.string(),
  text: z.string(),
  due: z.string(),
  dueAt: instantSchema,
  priority: z.number().int(),
  employeeId: z.number().int(),
  employeeName: z.string(),
  assigneeUserId: z.number().int(),
  givenBy: z.number().int().nullable(),
  givenByName: z.string().nullable(),
  processInstanceKey: z.string().nullable(),
  /** From the engine's user task: open, completed, canceled (unknown when the engine does not answer). */
  status: z.enum(INSTRUCTION_STATUSES),
  overdue: z.boolean(),
  createdAt: instantSchema,
});
export type Instruction = z.input<typeof instructionSchema>;
export type InstructionRecord = z.output<typeof instructionSchema>;

export const instructionPageSchema = pageSchema(instructionSchema);
export type InstructionPage = z.input<typeof instructionPageSchema>;
export type InstructionPageRecord = z.output<typeof instructionPageSchema>;

/** An employee the signed-in manager may instruct (their org subtree; everyone with an account for admin). */
export const instructableEmployeeSchema = z.strictObject({
  id: z.number().int(),
  fullName: z.string(),
  position: z.string(),
  unitName: z.string(),
});
export type InstructableEmployee = z.infer<typeof instructableEmployeeSchema>;

/** The endpoints of /api/instructions. */
export const instructionsEndpoints = [
  endpoint('POST', '/api/instructions', instructionSchema),
  endpoint('GET', '/api/instructions', instructionPageSchema),
  endpoint('GET', '/api/instructions/employees', itemsSchema(instructableEmployeeSchema)),
];
