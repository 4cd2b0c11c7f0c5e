/** Pure logic of the task screens (tested under test/client/features/tasks). */

/** The part of a form-js schema the screens read. */
export interface FormSchemaLike {
  id?: string;
  type?: string;
  components?: unknown[];
  [key: string]: unknown;
}

interface ComponentLike {
  id?: unknown;
  key?: unknown;
  components?: unknown;
}

/** Form key → component id of every field of a form-js schema (nested groups included). */
export function fieldIdsByKey(schema: FormSchemaLike): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as ComponentLike[]) {
      if (!c || typeof c !== 'object') continue;
      if (typeof c.key === 'string' && typeof c.id === 'string') out[c.key] = c.id;
      walk(c.components);
    }
  };
  walk(schema.components);
  return out;
}

/** How a due instant stands against now: overdue, at risk (due within `riskHours`), or fine. */
export type DueState = 'overdue' | 'atRisk' | 'onTime' | 'none';

export function dueState(due: string | null | undefined, now: Date, riskHours = 24): DueState {
  if (!due) return 'none';
  const at = Date.parse(due);
  if (!Number.isFinite(at)) return 'none';
  if (at < now.getTime()) return 'overdue';
  if (at - now.getTime() <= riskHours * 3_600_000) return 'atRisk';
  return 'onTime';
}

/** A filter value as it sits in the URL query: empty values are left out. */
export type QueryState = Record<string, string | string[] | undefined>;

/** Reads string filters from a route query (first value of repeated keys), ignoring unknown keys. */
export function readQuery<K extends string>(query: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = query[k];
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && s !== '') out[k] = s;
  }
  return out;
}

/** Writes filters into a route query: empty, null and default values are dropped so links stay short. */
export function writeQuery(
  values: Record<string, string | number | boolean | null | undefined | string[]>,
  defaults: Record<string, unknown> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '' || v === false) continue;
    const s = Array.isArray(v) ? v.join(',') : String(v);
    if (s === '' || defaults[k] === v || String(defaults[k] ?? '') === s) continue;
    out[k] = s;
  }
  return out;
}
