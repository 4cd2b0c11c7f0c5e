// The tasks feature's public surface: the task service (for cases: caseResumed, stepsOf) and the port cases implements.
export { TaskService, type CaseHooks } from './tasks.service.js';
export { TaskEngine } from './tasks.engine.js';
export type { TaskRow, StepFactRow, TaskViewRow } from './tasks.tables.js';
