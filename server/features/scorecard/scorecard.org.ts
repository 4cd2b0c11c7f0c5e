import type { Knex } from 'knex';
import type { SessionUser } from '../../platform/http/context.js';
import type { MatrixRelation } from './matrix.states.js';

/** The org structure as the scorecard needs it: parents and kinds of units (hundreds at most, kept in memory per request). */
export class OrgView {
  private readonly children = new Map<number, number[]>();

  constructor(
    readonly parents: Map<number, number | null>,
    readonly kinds: Map<number, string>,
  ) {
    for (const [id, parent] of parents) {
      if (parent === null) continue;
      const list = this.children.get(parent) ?? [];
      list.push(id);
      this.children.set(parent, list);
    }
  }

  /** Loads every unit's parent and kind. */
  static async load(db: Knex | Knex.Transaction): Promise<OrgView> {
    const rows = (await db('org_units').select('id', 'parentId', 'kind')) as { id: number; parentId: number | null; kind: string }[];
    return new OrgView(new Map(rows.map((r) => [r.id, r.parentId])), new Map(rows.map((r) => [r.id, r.kind])));
  }

  /** The unit and every unit below it. */
  subtree(rootId: number): number[] {
    if (!this.parents.has(rootId)) return [];
    const out: number[] = [];
    const stack = [rootId];
    const seen = new Set<number>();
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      stack.push(...(this.children.get(id) ?? []));
    }
    return out;
  }

  /** True when `unitId` is `ancestorId` or lies below it. */
  isWithin(unitId: number, ancestorId: number): boolean {
    const seen = new Set<number>();
    let cur: number | null | undefined = unitId;
    while (cur !== null && cur !== undefined && !seen.has(cur)) {
      if (cur === ancestorId) return true;
      seen.add(cur);
      cur = this.parents.get(cur);
    }
    return false;
  }

  /** The top of the unit's chain (its top-level department). */
  topOf(unitId: number): number {
    const seen = new Set<number>();
    let cur = unitId;
    while (!seen.has(cur)) {
      seen.add(cur);
      const parent = this.parents.get(cur);
      if (parent === null || parent === undefined) return cur;
      cur = parent;
    }
    return cur;
  }
}

/** How a signed-in user relates to an employee's matrix (owner, their manager, the head of their department, admin). */
export function relationOf(viewer: SessionUser, employeeId: number, unitId: number, org: OrgView): MatrixRelation & { visible: boolean } {
  const owner = viewer.employeeId === employeeId;
  const admin = viewer.roles.includes('admin');
  const managing = viewer.roles.includes('manager') && viewer.unitId !== null && !owner;
  const manager = managing && org.isWithin(unitId, viewer.unitId!);
  const head = managing && org.topOf(unitId) === viewer.unitId;
  return { owner, admin, manager, head, visible: owner || admin || manager || head };
}

/** Units whose employees' matrices the viewer manages: all (admin), the subtree of their unit (manager), or none. */
export function managedUnits(viewer: SessionUser, org: OrgView): 'all' | number[] {
  if (viewer.roles.includes('admin')) return 'all';
  if (viewer.roles.includes('manager') && viewer.unitId !== null) return org.subtree(viewer.unitId);
  return [];
}
