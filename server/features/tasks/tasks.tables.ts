import type { Table, Timestamps, TimestampWrite } from '../../platform/tables.js';
import type { TaskColumn, TaskSort, TaskStatus } from '../../contract/tasks.js';

/** A request for corrections stored on the returned task. */
export interface CorrectionRequest {
  reason: string;
  fields: string[];
  documents: string[];
}

/** `tasks`: the projection of an engine user task, with the case fields the list filters and shows. */
export interface TaskRow {
  id: number;
  userTaskKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  elementId: string;
  name: string;
  formId: string | null;
  /** Written only as one of TASK_STATUSES. */
  status: TaskStatus;
  candidateGroups: string[];
  candidateUsers: string[];
  assigneeId: number | null;
  priority: number;
  createdAt: Date;
  dueAt: Date | null;
  completedAt: Date | null;
  completedBy: number | null;
  caseId: number | null;
  caseNumber: string | null;
  applicantName: string | null;
  serviceCode: string | null;
  serviceTitle: string | null;
  departmentId: number | null;
  waitingForCorrections: boolean;
  correction: CorrectionRequest | null;
  suspendedAt: Date | null;
  suspendedMinutes: number;
  draft: Record<string, unknown> | null;
  draftSavedAt: Date | null;
  updatedAt: Date;
}

/** `step_facts`: one row per completed task (how long a step took, on time or late). */
export interface StepFactRow {
  id: number;
  taskId: number;
  caseId: number | null;
  serviceCode: string | null;
  elementId: string;
  completedBy: number | null;
  employeeId: number | null;
  departmentId: number | null;
  createdAt: Date;
  dueAt: Date | null;
  completedAt: Date;
  onTime: boolean;
  workingMinutes: number;
  suspendedMinutes: number;
}

/** `task_views`: a saved view of the task list, private or shared with a staff group. */
export interface TaskViewRow extends Timestamps {
  id: number;
  ownerId: number;
  name: string;
  filters: Record<string, unknown>;
  columns: TaskColumn[];
  /** Written only as one of TASK_SORTS. */
  sort: TaskSort;
  sharedWithGroup: string | null;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    tasks: Table<
      TaskRow,
      | 'id'
      | 'status'
      | 'candidateGroups'
      | 'candidateUsers'
      | 'priority'
      | 'waitingForCorrections'
      | 'suspendedMinutes'
      | 'updatedAt',
      {
        createdAt: TimestampWrite;
        dueAt?: TimestampWrite | null;
        completedAt?: TimestampWrite | null;
        suspendedAt?: TimestampWrite | null;
        draftSavedAt?: TimestampWrite | null;
        updatedAt?: TimestampWrite;
      }
    >;
    step_facts: Table<StepFactRow, 'id' | 'suspendedMinutes'>;
    task_views: Table<TaskViewRow, 'id' | 'createdAt' | 'updatedAt', { columns?: string }>;
  }
}
