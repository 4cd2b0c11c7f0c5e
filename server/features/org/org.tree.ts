import type { Knex } from 'knex';
import type { FieldIssue } from '../../platform/errors.js';
import type { SessionUser } from '../../platform/http/context.js';
import type { UnitKind } from './org.schemas.js';

/** The part of an org unit the structure rules look at. */
export interface UnitNode {
  id: number;
  code: string;
  kind: UnitKind;
  parentId: number | null;
}

/** The org structure in memory (a city has hundreds of units at most). */
export class UnitTree {
  readonly byId = new Map<number, UnitNode>();
  readonly byCode = new Map<string, UnitNode>();
  private readonly childIds = new Map<number, Set<number>>();

  constructor(nodes: UnitNode[]) {
    for (const n of nodes) this.put(n);
  }

  /** Loads every unit's id, code, kind and parent. */
  static async load(db: Knex | Knex.Transaction): Promise<UnitTree> {
    return new UnitTree(await db('org_units').select('id', 'code', 'kind', 'parentId'));
  }

  /** Adds or replaces a node. */
  put(node: UnitNode): void {
    const old = this.byId.get(node.id);
    if (old) {
      this.byCode.delete(old.code);
      if (old.parentId !== null) this.childIds.get(old.parentId)?.delete(old.id);
    }
    const copy = { ...node };
    this.byId.set(node.id, copy);
    this.byCode.set(node.code, copy);
    if (copy.parentId !== null) {
      let set = this.childIds.get(copy.parentId);
      if (!set) this.childIds.set(copy.parentId, (set = new Set()));
      set.add(copy.id);
    }
  }

  /** Direct children of a unit. */
  children(id: number): UnitNode[] {
    return [...(this.childIds.get(id) ?? [])].map((c) => this.byId.get(c)!);
  }

  /** The unit and all units below it. */
  subtree(rootId: number): number[] {
    if (!this.byId.has(rootId)) return [];
    const out: number[] = [];
    const queue = [rootId];
    const seen = new Set<number>();
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
      for (const c of this.children(id)) queue.push(c.id);
    }
    return out;
  }

  /** True when `candidate` is `ancestorId` or lies below it. */
  isWithin(candidate: number, ancestorId: number): boolean {
    const seen = new Set<number>();
    let cur: number | null = candidate;
    while (cur !== null && !seen.has(cur)) {
      if (cur === ancestorId) return true;
      seen.add(cur);
      cur = this.byId.get(cur)?.parentId ?? null;
    }
    return false;
  }

  /** The unit and every unit above it, nearest first. */
  ancestry(unitId: number): number[] {
    const chain: number[] = [];
    for (
      let cur: number | null | undefined = unitId;
      cur !== null && cur !== undefined && !chain.includes(cur);
      cur = this.byId.get(cur)?.parentId
    )
      chain.push(cur);
    return chain;
  }

  /** The top of the unit's chain (its top-level department). */
  topOf(unitId: number): number {
    return this.ancestry(unitId).at(-1) ?? unitId;
  }

  /**
   * Checks where a unit may stand: a division belongs to a department or division, a department
   * stands alone or under a department, nothing goes under an office, and no cycles.
   * `selfId` is set for an existing unit (its children are checked against its new kind too).
   */
  placementIssues(
    selfId: number | undefined,
    kind: UnitKind,
    parentId: number | null,
    fields = { kind: 'kind', parentId: 'parentId' },
  ): FieldIssue[] {
    const issues: FieldIssue[] = [];
    if (parentId !== null) {
      const parent = this.byId.get(parentId);
      if (!parent) {
        issues.push({ path: fields.parentId, message: 'Parent unit does not exist' });
      } else if (selfId !== undefined && this.isWithin(parentId, selfId)) {
        issues.push({ path: fields.parentId, message: 'A unit cannot be placed inside itself or its own sub-units' });
      } else if (parent.kind === 'office') {
        issues.push({ path: fields.parentId, message: 'An office cannot contain other units' });
      } else if (kind === 'department' && parent.kind !== 'department') {
        issues.push({ path: fields.parentId, message: 'A department can only be placed under another department' });
      }
    } else if (kind === 'division') {
      issues.push({ path: fields.parentId, message: 'A division must belong to a department or a division' });
    }
    if (selfId !== undefined) {
      const children = this.children(selfId);
      if (kind === 'office' && children.length) {
        issues.push({ path: fields.kind, message: 'A unit with sub-units cannot become an office' });
      } else if (kind === 'division' && children.some((c) => c.kind === 'department')) {
        issues.push({ path: fields.kind, message: 'A unit with departments under it cannot become a division' });
      }
    }
    return issues;
  }
}

/** The units a signed-in user manages: all (admin), their own unit's subtree (manager), or none. */
export function managedUnits(viewer: SessionUser, tree: UnitTree): 'all' | number[] {
  if (viewer.roles.includes('admin')) return 'all';
  if (viewer.roles.includes('manager') && viewer.unitId !== null) return tree.subtree(viewer.unitId);
  return [];
}
