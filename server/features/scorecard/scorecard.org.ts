import type { SessionUser } from '../../platform/http/context.js';
import type { UnitTree } from '../org/index.js';
import type { MatrixRelation } from './matrix.states.js';

/** How a signed-in user relates to an employee's matrix (owner, their manager, the head of their department, admin). */
export function relationOf(
  viewer: SessionUser,
  employeeId: number,
  unitId: number,
  org: UnitTree,
): MatrixRelation & { visible: boolean } {
  const owner = viewer.employeeId === employeeId;
  // Segregation of duties: nobody manages their own matrix, an administrator who is also this employee
  // included — their matrix goes to their own manager and head like everyone's.
  const admin = viewer.roles.includes('admin') && !owner;
  const managing = viewer.roles.includes('manager') && viewer.unitId !== null && !owner;
  const manager = managing && org.isWithin(unitId, viewer.unitId!);
  const head = managing && org.topOf(unitId) === viewer.unitId;
  return { owner, admin, manager, head, visible: owner || admin || manager || head };
}
