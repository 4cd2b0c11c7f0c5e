/**
 * The contract of /api/tasks: the staff task list (a projection of the engine's user tasks), one task
 * with its form, the actions on a task (claim, unclaim, assign, complete, draft, return for
 * corrections) and saved views of the list.
 */
import { z } from 'zod';
import { endpoint, idParam, instantSchema, pageSchema, pagingFields } from './common.js';

import { TASK_COLUMNS, TASK_DUE_FILTERS, TASK_SORTS, TASK_STATUSES, TASK_VIEWS } from './enums.js';

export {
  TASK_COLUMNS,
  TASK_DUE_FILTERS,
  TASK_SORTS,
  TASK_STATUSES,
  TASK_VIEWS,
  type TaskColumn,
  type TaskDueFilter,
  type TaskListView,
  type TaskSort,
  type TaskStatus,
} from './enums.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);

/** The filters of the list (also what a saved view stores). */
export const taskFiltersSchema = z.object({
  view: z.enum(TASK_VIEWS).default('mine'),
  /** Service code. */
  service: text(64),
  /** Step: BPMN element id. */
  step: text(200),
  status: z.enum(TASK_STATUSES).optional(),
  due: z.enum(TASK_DUE_FILTERS).optional(),
  /** Case number, exact or its beginning (`2026-0001`). */
  caseNumber: text(32),
  /** Applicant name: prefix or similar (trigram) match. */
  applicant: text(200),
  /** Department org unit id. */
  department: idParam.optional(),
});
export type TaskFilters = z.output<typeof taskFiltersSchema>;

/** GET /api/tasks query: filters, sort, page. */
export const taskListQuerySchema = taskFiltersSchema.extend({
  ...pagingFields,
  sort: z.enum(TASK_SORTS).default('due'),
});
export type TaskListQuery = z.input<typeof taskListQuerySchema>;

export const taskIdParams = z.object({ id: idParam });

export const claimSchema = z.object({}).strict().optional();
export const assignSchema = z.object({ userId: idParam });
export const bulkAssignSchema = z.object({ taskIds: z.array(idParam).min(1).max(500), userId: idParam });
const variables = z.record(z.string(), z.unknown());
export const completeSchema = z.object({ variables: variables.default({}) });
export const draftSchema = z.object({ variables });
export const returnTaskSchema = z.object({
  reason: z.string().trim().min(1, 'Say what must be corrected').max(4000),
  fields: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  documents: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
});
export type AssignRequest = z.input<typeof assignSchema>;
export type BulkAssignRequest = z.input<typeof bulkAssignSchema>;
export type CompleteTaskRequest = z.input<typeof completeSchema>;
export type DraftRequest = z.input<typeof draftSchema>;
export type ReturnTaskRequest = z.input<typeof returnTaskSchema>;

export const taskViewInputSchema = z.object({
  name: z.string().trim().min(1, 'Name the view').max(200),
  filters: taskFiltersSchema.partial().default({}),
  columns: z.array(z.enum(TASK_COLUMNS)).max(TASK_COLUMNS.length).default([]),
  sort: z.enum(TASK_SORTS).default('due'),
  /** Staff group code the view is shared with (its members see it); null: private. */
  sharedWithGroup: z.string().trim().min(1).max(64).nullable().default(null),
});
export type TaskViewInput = z.input<typeof taskViewInputSchema>;

// ---- answers ----

export const taskItemSchema = z.strictObject({
  id: z.number().int(),
  /** The engine's user task key (decimal string: it may exceed 2^53 on a cluster). */
  userTaskKey: z.string(),
  processInstanceKey: z.string(),
  elementId: z.string(),
  name: z.string(),
  status: z.enum(TASK_STATUSES),
  /** The case was returned for corrections from this task: it cannot be completed until resubmitted. */
  waitingForCorrections: z.boolean(),
  assigneeId: z.number().int().nullable(),
  assigneeName: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  candidateUsers: z.array(z.string()),
  priority: z.number().int(),
  created: instantSchema,
  due: instantSchema.nullable(),
  completed: instantSchema.nullable(),
  /** Due within 8 working hours (and not completed). */
  atRisk: z.boolean(),
  overdue: z.boolean(),
  caseId: z.number().int().nullable(),
  caseNumber: z.string().nullable(),
  applicantName: z.string().nullable(),
  serviceCode: z.string().nullable(),
  serviceTitle: z.string().nullable(),
  departmentId: z.number().int().nullable(),
  formId: z.string().nullable(),
});
export type TaskItem = z.infer<typeof taskItemSchema>;
export type TaskItemDto = z.input<typeof taskItemSchema>;

/**
 * One page of tasks. `total` counts at most TASK_TOTAL_CAP matches (a count of a few hundred thousand rows
 * costs more than the page); `totalCapped` says the real number is larger.
 */
export const taskPageSchema = pageSchema(taskItemSchema).extend({ totalCapped: z.boolean() });
export type TaskPage = z.infer<typeof taskPageSchema>;
export const TASK_TOTAL_CAP = 10_000;

/** One task with what its screen needs: the form schema (form-js JSON), the variables the form shows and the draft. */
export const taskDetailSchema = z.strictObject({
  task: taskItemSchema,
  form: z.record(z.string(), z.unknown()).nullable(),
  variables: z.record(z.string(), z.unknown()),
  draft: z.record(z.string(), z.unknown()).nullable(),
  /** What the viewer may do now. */
  can: z.strictObject({
    claim: z.boolean(),
    unclaim: z.boolean(),
    assign: z.boolean(),
    complete: z.boolean(),
    return: z.boolean(),
  }),
  /** The request for corrections, while the task waits for them. */
  correction: z
    .strictObject({ reason: z.string(), fields: z.array(z.string()), documents: z.array(z.string()) })
    .nullable(),
});
export type TaskDetail = z.infer<typeof taskDetailSchema>;

export const bulkAssignResultSchema = z.strictObject({
  assigned: z.array(z.number().int()),
  failed: z.array(z.strictObject({ taskId: z.number().int(), message: z.string() })),
});
export type BulkAssignResult = z.infer<typeof bulkAssignResultSchema>;

export const draftAnswerSchema = z.strictObject({
  variables: z.record(z.string(), z.unknown()),
  savedAt: instantSchema,
});
export type DraftAnswer = z.infer<typeof draftAnswerSchema>;

export const taskViewSchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  filters: z.record(z.string(), z.unknown()),
  columns: z.array(z.enum(TASK_COLUMNS)),
  sort: z.enum(TASK_SORTS),
  sharedWithGroup: z.string().nullable(),
  ownerId: z.number().int(),
  /** The viewer owns it (only the owner edits or deletes). */
  mine: z.boolean(),
});
export type TaskView = z.infer<typeof taskViewSchema>;
export const taskViewsSchema = z.strictObject({ items: z.array(taskViewSchema) });

export const tasksEndpoints = [
  endpoint('GET', '/api/tasks', taskPageSchema),
  endpoint('GET', '/api/tasks/views', taskViewsSchema),
  endpoint('POST', '/api/tasks/views', taskViewSchema),
  endpoint('PUT', '/api/tasks/views/:id', taskViewSchema),
  endpoint('DELETE', '/api/tasks/views/:id', null),
  endpoint('POST', '/api/tasks/assign', bulkAssignResultSchema),
  endpoint('GET', '/api/tasks/:id', taskDetailSchema),
  endpoint('POST', '/api/tasks/:id/claim', taskItemSchema),
  endpoint('POST', '/api/tasks/:id/unclaim', taskItemSchema),
  endpoint('POST', '/api/tasks/:id/assign', taskItemSchema),
  endpoint('POST', '/api/tasks/:id/complete', taskItemSchema),
  endpoint('PUT', '/api/tasks/:id/draft', draftAnswerSchema),
  endpoint('POST', '/api/tasks/:id/return', taskItemSchema),
];
