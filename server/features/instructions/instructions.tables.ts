import type { Table, Timestamps, TimestampWrite } from '../../platform/tables.js';

/** `instructions`: ad-hoc tasks (поручения) a manager gives an employee; each runs as an instance of workflows/instructions/instruction.bpmn. */
export interface InstructionRow extends Timestamps {
  id: number;
  processInstanceKey: string | null;
  givenBy: number | null;
  employeeId: number;
  assigneeUserId: number;
  title: string;
  text: string;
  /** 'YYYY-MM-DD'. */
  due: string;
  /** The end of the working day of `due` (the user task's due date). */
  dueAt: Date;
  priority: number;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    instructions: Table<InstructionRow, 'id' | 'priority' | 'createdAt' | 'updatedAt', { dueAt: TimestampWrite }>;
  }
}
