import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { TreeOption, TreeSelectOption } from 'naive-ui';
import { adminApi, type OrgUnit } from './admin.api';

/** A unit with its children, ordered by name. */
export interface UnitNode extends OrgUnit {
  children: UnitNode[];
}

/** Builds the unit forest from a flat list (orphans become roots). */
export function buildUnitTree(units: readonly OrgUnit[]): UnitNode[] {
  const nodes = new Map<number, UnitNode>(units.map((u) => [u.id, { ...u, children: [] }]));
  const roots: UnitNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId !== null ? nodes.get(node.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: UnitNode[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/** Ids of a unit and all units below it. */
export function descendantIds(units: readonly OrgUnit[], rootId: number): Set<number> {
  const ids = new Set<number>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) {
      if (u.parentId !== null && ids.has(u.parentId) && !ids.has(u.id)) {
        ids.add(u.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** The organisation's units, shared by the structure tree and every unit picker. */
export const useOrgStore = defineStore('org', () => {
  const units = ref<OrgUnit[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<unknown>(null);

  const tree = computed(() => buildUnitTree(units.value));
  const byId = computed(() => new Map(units.value.map((u) => [u.id, u])));
  const offices = computed(() => units.value.filter((u) => u.kind === 'office'));

  /** Options for n-tree-select pickers. */
  const selectOptions = computed<TreeSelectOption[]>(() => {
    const map = (nodes: UnitNode[]): TreeSelectOption[] =>
      nodes.map((n) => ({
        key: n.id,
        label: n.shortName || n.name,
        children: n.children.length ? map(n.children) : undefined,
      }));
    return map(tree.value);
  });

  /** Options for the n-tree of the structure screen. */
  const treeOptions = computed<TreeOption[]>(() => {
    const map = (nodes: UnitNode[]): TreeOption[] =>
      nodes.map((n) => ({
        key: n.id,
        label: n.name,
        kind: n.kind,
        isLeaf: n.children.length === 0,
        children: n.children.length ? map(n.children) : undefined,
      }));
    return map(tree.value);
  });

  /** Loads the units (again if `force`). */
  async function load(force = false): Promise<void> {
    if (loaded.value && !force) return;
    loading.value = true;
    error.value = null;
    try {
      units.value = (await adminApi.units.list()).items;
      loaded.value = true;
    } catch (err) {
      error.value = err;
    } finally {
      loading.value = false;
    }
  }

  /** A unit's display name. */
  function nameOf(id: number | null | undefined): string {
    if (id === null || id === undefined) return '';
    const u = byId.value.get(id);
    return u ? u.shortName || u.name : `#${id}`;
  }

  return { units, loading, loaded, error, tree, byId, offices, selectOptions, treeOptions, load, nameOf };
});
