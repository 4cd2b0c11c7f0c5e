// The cases feature's public surface: the service (with the hooks the tasks feature calls) and the port it takes from tasks.
export {
  CasesService,
  type CaseHooks,
  type CaseStep,
  type CaseTasksPort,
  type CasesServiceOptions,
} from './cases.service.js';
export type { CaseRow, CaseEventRow } from './cases.tables.js';
