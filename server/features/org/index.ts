// The org feature's public surface for other features: the structure, the manager's scope and the row types of its tables.
export { managedUnits, UnitTree, type UnitNode } from './org.tree.js';
export type {
  EmployeeRow,
  OrgUnitKind,
  OrgUnitRow,
  StaffGroupMemberRow,
  StaffGroupRow,
  WindowRow,
} from './org.tables.js';
