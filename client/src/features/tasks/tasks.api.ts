import { http, type Page, type QueryValue } from '../../api/http';
import type { Items } from '@contract/common';
import type { Employee, StaffGroup } from '@contract/org';
import type {
  BulkAssignResult,
  DraftAnswer,
  ReturnTaskRequest,
  TaskDetail as TaskDetailRecord,
  TaskItemDto,
  TaskListQuery,
  TaskView,
  TaskViewInput,
} from '@contract/tasks';

// Every request and answer type is the API contract's (server/contract/tasks.ts).
export { TASK_COLUMNS, TASK_DUE_FILTERS, TASK_SORTS, TASK_STATUSES, TASK_VIEWS } from '@contract/enums';
export type { TaskColumn, TaskDueFilter, TaskListView, TaskSort, TaskStatus } from '@contract/enums';
export type { BulkAssignResult, DraftAnswer, ReturnTaskRequest, TaskView, TaskViewInput };
/** A row of the list as the browser receives it (instants as ISO strings). */
export type TaskRow = TaskItemDto;
/** One task as the browser receives it: the contract's `TaskDetail` with its task's instants as ISO strings. */
export type TaskDetail = Omit<TaskDetailRecord, 'task'> & { task: TaskRow };
export type { Employee, StaffGroup };

/** Calls of /api/tasks. */
export const tasksApi = {
  list: (query: TaskListQuery) => http.get<Page<TaskRow>>('/api/tasks', query as Record<string, QueryValue>),
  get: (id: number) => http.get<TaskDetail>(`/api/tasks/${id}`),
  claim: (id: number) => http.post<TaskRow>(`/api/tasks/${id}/claim`, {}),
  unclaim: (id: number) => http.post<TaskRow>(`/api/tasks/${id}/unclaim`, {}),
  assign: (id: number, userId: number) => http.post<TaskRow>(`/api/tasks/${id}/assign`, { userId }),
  bulkAssign: (taskIds: number[], userId: number) =>
    http.post<BulkAssignResult>('/api/tasks/assign', { taskIds, userId }),
  complete: (id: number, variables: Record<string, unknown>) =>
    http.post<TaskRow>(`/api/tasks/${id}/complete`, { variables }),
  saveDraft: (id: number, variables: Record<string, unknown>) =>
    http.put<DraftAnswer>(`/api/tasks/${id}/draft`, { variables }),
  returnForCorrections: (id: number, body: ReturnTaskRequest) => http.post<TaskRow>(`/api/tasks/${id}/return`, body),
  views: {
    list: () => http.get<Items<TaskView>>('/api/tasks/views'),
    create: (input: TaskViewInput) => http.post<TaskView>('/api/tasks/views', input),
    update: (id: number, input: TaskViewInput) => http.put<TaskView>(`/api/tasks/views/${id}`, input),
    remove: (id: number) => http.delete(`/api/tasks/views/${id}`),
  },
  /** Colleagues to assign to (manager/admin: the employees of their scope who have an account). */
  colleagues: (search?: string) =>
    http.get<Page<Employee>>('/api/org/employees', { pageSize: 50, page: 1, q: search, active: true }),
  groups: () => http.get<Page<StaffGroup>>('/api/org/groups', { pageSize: 200, page: 1 }),
};
