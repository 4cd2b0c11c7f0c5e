// The instructions feature's public surface: the service, the process ids and the row type of its table.
export {
  InstructionService,
  INSTRUCTION_PROCESS_ID,
  INSTRUCTION_TASK_ID,
  type ModelPreparer,
} from './instructions.service.js';
export type { InstructionRow } from './instructions.tables.js';
