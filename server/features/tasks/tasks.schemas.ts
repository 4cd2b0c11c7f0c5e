// The request schemas of /api/tasks (the contract's).
export {
  assignSchema,
  bulkAssignSchema,
  completeSchema,
  draftSchema,
  returnTaskSchema,
  taskIdParams,
  taskListQuerySchema,
  taskViewInputSchema,
} from '../../contract/tasks.js';
