import { http, type Page, type QueryValue } from '../../api/http';
import type { Role } from '../../shared/roles';

export type UnitKind = 'department' | 'division' | 'office';

/** A unit of the organisation: department, division or service office. */
export interface OrgUnit {
  id: number;
  code: string;
  name: string;
  shortName: string | null;
  kind: UnitKind;
  parentId: number | null;
  address: string | null;
  phone: string | null;
  isActive: boolean;
  employeeCount: number;
}
export type OrgUnitInput = Omit<OrgUnit, 'id' | 'employeeCount'>;

export interface Employee {
  id: number;
  personnelNumber: string | null;
  fullName: string;
  position: string;
  unitId: number;
  unitName: string;
  salary: number | string;
  maxBonusSalaries: number | string;
  email: string | null;
  phone: string | null;
  hiredOn: string | null;
  isActive: boolean;
  userId: number | null;
  groups: { id: number; code: string }[];
}
export interface EmployeeInput {
  personnelNumber: string | null;
  fullName: string;
  position: string;
  unitId: number;
  salary: number;
  maxBonusSalaries: number;
  email: string | null;
  phone: string | null;
  hiredOn: string | null;
  isActive: boolean;
}

export interface StaffGroup {
  id: number;
  code: string;
  name: string;
  description: string | null;
  unitId: number | null;
  memberCount: number;
}
export type StaffGroupInput = Omit<StaffGroup, 'id' | 'memberCount'>;

export interface ServiceWindow {
  id: number;
  officeId: number;
  officeName: string;
  number: string;
  name: string | null;
  employeeId: number | null;
  employeeName: string | null;
  isActive: boolean;
}
export interface ServiceWindowInput {
  officeId: number;
  number: string;
  name: string | null;
  employeeId: number | null;
  isActive: boolean;
}

export interface UserAccount {
  id: number;
  fullName: string;
  email: string | null;
  phone: string | null;
  roles: Role[];
  locale: string;
  employeeId: number | null;
  unitId: number | null;
  employeeName: string | null;
  isActive: boolean;
  lastLoginAt: string | null;
  createdAt?: string;
}
export interface UserCreateInput {
  fullName: string;
  email?: string;
  phone?: string;
  roles: Role[];
  employeeId?: number;
  password: string;
  locale?: string;
}
export interface UserPatch {
  fullName?: string;
  email?: string | null;
  phone?: string | null;
  roles?: Role[];
  employeeId?: number | null;
  isActive?: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

/** A column of an import file, as the server describes it. */
export interface ImportColumn {
  key: string;
  title: string;
  required: boolean;
  description: string;
  example: string;
}

export type ImportEntity = 'units' | 'employees' | 'groups' | 'windows';
export const IMPORT_ENTITIES: readonly ImportEntity[] = ['units', 'employees', 'groups', 'windows'];

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
    list: () => http.get<{ items: OrgUnit[] }>('/api/org/units', { pageSize: 200 }),
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
        const answer = await http.get<Page<Employee>>('/api/org/employees', { ...query, page, pageSize: 200, sort: 'fullName' });
        items.push(...answer.items);
        if (items.length >= answer.total || answer.items.length === 0) break;
      }
      return items;
    },
    create: (input: EmployeeInput) => http.post<Employee>('/api/org/employees', input),
    update: (id: number, patch: Partial<EmployeeInput>) => http.patch<Employee>(`/api/org/employees/${id}`, patch),
    /** Deletes an employee, or deactivates them when other records refer to them. */
    remove: (id: number) => http.delete<{ outcome: 'deleted' | 'deactivated'; employee: Employee }>(`/api/org/employees/${id}`),
  },
  groups: {
    list: (query: Partial<ListQuery> & Query = {}) => http.get<Page<StaffGroup>>('/api/org/groups', query),
    create: (input: StaffGroupInput) => http.post<StaffGroup>('/api/org/groups', input),
    update: (id: number, patch: Partial<StaffGroupInput>) => http.patch<StaffGroup>(`/api/org/groups/${id}`, patch),
    remove: (id: number) => http.delete(`/api/org/groups/${id}`),
    /** Ids of the group's members (the server may answer with employees or with ids). */
    memberIds: async (id: number): Promise<number[]> => {
      const answer = await http.get<{ items?: { id: number }[]; employeeIds?: number[] }>(`/api/org/groups/${id}/members`);
      return answer.employeeIds ?? (answer.items ?? []).map((e) => e.id);
    },
    setMembers: (id: number, employeeIds: number[]) => http.put<unknown>(`/api/org/groups/${id}/members`, { employeeIds }),
  },
  windows: {
    list: (officeId: number) => http.get<Page<ServiceWindow>>('/api/org/windows', { officeId, pageSize: 200 }),
    create: (input: ServiceWindowInput) => http.post<ServiceWindow>('/api/org/windows', input),
    update: (id: number, patch: Partial<ServiceWindowInput>) => http.patch<ServiceWindow>(`/api/org/windows/${id}`, patch),
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
      http.upload<{ created: number; updated: number }>(`/api/org/import/${entity}`, file, { dryRun }),
    templateUrl: (entity: ImportEntity) => `/api/org/import/${entity}/template`,
    /** The columns a file for this entity may have. */
    columns: (entity: ImportEntity) => http.get<{ items: ImportColumn[] }>(`/api/org/import/${entity}/columns`),
  },
};
