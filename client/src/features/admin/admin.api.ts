import { http, type Page, type QueryValue } from '../../api/http';
import type { Items } from '@contract/common';
import type {
  Employee,
  EmployeeInput,
  EmployeeRemoval,
  GroupMember,
  ImportColumn,
  ImportEntity,
  ImportResult,
  OrgUnit,
  OrgUnitInput,
  ServiceWindow,
  ServiceWindowInput,
  StaffGroup,
  StaffGroupInput,
} from '@contract/org';
import type { UserAccount, UserCreateRequest, UserPatchRequest } from '@contract/users';
import type { AuditEntry } from '@contract/audit';

// Every request and answer type is the API contract's (server/contract/org.ts, users.ts, audit.ts),
// re-exported under the names the screens use.
export { IMPORT_ENTITIES } from '@contract/enums';
export type {
  UnitKind,
  OrgUnit,
  OrgUnitInput,
  Employee,
  EmployeeInput,
  StaffGroup,
  StaffGroupInput,
  ServiceWindow,
  ServiceWindowInput,
  ImportColumn,
  ImportEntity,
} from '@contract/org';
export type { UserAccount } from '@contract/users';
export type { AuditEntry } from '@contract/audit';
export type UserCreateInput = UserCreateRequest;
export type UserPatch = UserPatchRequest;

/** Paging, sorting and search parameters of a list endpoint. */
export type ListQuery = {
  page: number;
  pageSize: number;
  sort?: string;
  q?: string;
};

type Query = Record<string, QueryValue>;

/** Calls of /api/org, /api/users and /api/audit. */
export const adminApi = {
  units: {
    list: () => http.get<Items<OrgUnit>>('/api/org/units', { pageSize: 200 }),
    create: (input: OrgUnitInput) => http.post<OrgUnit>('/api/org/units', input),
    update: (id: number, patch: Partial<OrgUnitInput>) => http.patch<OrgUnit>(`/api/org/units/${id}`, patch),
    remove: (id: number) => http.delete(`/api/org/units/${id}`),
  },
  employees: {
    list: (query: ListQuery & Query) => http.get<Page<Employee>>('/api/org/employees', query),
    /** Every employee matching the filter, fetched page by page (for pickers). */
    all: async (query: Query = {}): Promise<Employee[]> => {
      const items: Employee[] = [];
      for (let page = 1; page <= 50; page++) {
        const answer = await http.get<Page<Employee>>('/api/org/employees', {
          ...query,
          page,
          pageSize: 200,
          sort: 'fullName',
        });
        items.push(...answer.items);
        if (items.length >= answer.total || answer.items.length === 0) break;
      }
      return items;
    },
    create: (input: EmployeeInput) => http.post<Employee>('/api/org/employees', input),
    update: (id: number, patch: Partial<EmployeeInput>) => http.patch<Employee>(`/api/org/employees/${id}`, patch),
    /** Deletes an employee, or deactivates them when other records refer to them. */
    remove: (id: number) => http.delete<EmployeeRemoval>(`/api/org/employees/${id}`),
  },
  groups: {
    list: (query: Partial<ListQuery> & Query = {}) => http.get<Page<StaffGroup>>('/api/org/groups', query),
    create: (input: StaffGroupInput) => http.post<StaffGroup>('/api/org/groups', input),
    update: (id: number, patch: Partial<StaffGroupInput>) => http.patch<StaffGroup>(`/api/org/groups/${id}`, patch),
    remove: (id: number) => http.delete(`/api/org/groups/${id}`),
    /** Ids of the group's members. */
    memberIds: async (id: number): Promise<number[]> => {
      const answer = await http.get<Items<GroupMember>>(`/api/org/groups/${id}/members`);
      return answer.items.map((e) => e.id);
    },
    setMembers: (id: number, employeeIds: number[]) =>
      http.put<Items<GroupMember>>(`/api/org/groups/${id}/members`, { employeeIds }),
  },
  windows: {
    list: (officeId: number) => http.get<Page<ServiceWindow>>('/api/org/windows', { officeId, pageSize: 200 }),
    create: (input: ServiceWindowInput) => http.post<ServiceWindow>('/api/org/windows', input),
    update: (id: number, patch: Partial<ServiceWindowInput>) =>
      http.patch<ServiceWindow>(`/api/org/windows/${id}`, patch),
    remove: (id: number) => http.delete(`/api/org/windows/${id}`),
  },
  users: {
    list: (query: ListQuery & Query) => http.get<Page<UserAccount>>('/api/users', query),
    create: (input: UserCreateInput) => http.post<UserAccount>('/api/users', input),
    update: (id: number, patch: UserPatch) => http.patch<UserAccount>(`/api/users/${id}`, patch),
    setPassword: (id: number, password: string) => http.post<void>(`/api/users/${id}/password`, { password }),
  },
  audit: {
    list: (query: ListQuery & Query) => http.get<Page<AuditEntry>>('/api/audit', query),
  },
  import: {
    /** Checks (dryRun) or imports a CSV/XLSX file. */
    run: (entity: ImportEntity, file: File, dryRun: boolean) =>
      http.upload<ImportResult>(`/api/org/import/${entity}`, file, { dryRun }),
    templateUrl: (entity: ImportEntity) => `/api/org/import/${entity}/template`,
    /** The columns a file for this entity may have. */
    columns: (entity: ImportEntity) => http.get<Items<ImportColumn>>(`/api/org/import/${entity}/columns`),
  },
};
