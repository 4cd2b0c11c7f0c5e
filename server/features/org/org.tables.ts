import type { Table, Timestamps } from '../../platform/tables.js';

export type OrgUnitKind = 'department' | 'division' | 'office';

/** `org_units`: departments, their divisions and the front offices. */
export interface OrgUnitRow extends Timestamps {
  id: number;
  code: string;
  name: string;
  shortName: string | null;
  kind: OrgUnitKind;
  parentId: number | null;
  address: string | null;
  phone: string | null;
  isActive: boolean;
}

/** `employees`: staff records (salary and bonus cap feed the scorecard). */
export interface EmployeeRow extends Timestamps {
  id: number;
  personnelNumber: string | null;
  fullName: string;
  position: string;
  unitId: number;
  salary: number;
  maxBonusSalaries: number;
  email: string | null;
  phone: string | null;
  /** 'YYYY-MM-DD'. */
  hiredOn: string | null;
  isActive: boolean;
}

/** `staff_groups`: BPMN candidate groups. */
export interface StaffGroupRow extends Timestamps {
  id: number;
  code: string;
  name: string;
  description: string | null;
  unitId: number | null;
}

/** `staff_group_members`. */
export interface StaffGroupMemberRow {
  groupId: number;
  employeeId: number;
}

/** `windows`: front-office workstations. */
export interface WindowRow extends Timestamps {
  id: number;
  officeId: number;
  number: string;
  name: string | null;
  employeeId: number | null;
  isActive: boolean;
}

type Generated = 'id' | 'createdAt' | 'updatedAt';

declare module 'knex/types/tables.js' {
  interface Tables {
    org_units: Table<OrgUnitRow, Generated | 'isActive'>;
    employees: Table<EmployeeRow, Generated | 'salary' | 'maxBonusSalaries' | 'isActive'>;
    staff_groups: Table<StaffGroupRow, Generated>;
    staff_group_members: Table<StaffGroupMemberRow>;
    windows: Table<WindowRow, Generated | 'isActive'>;
  }
}
