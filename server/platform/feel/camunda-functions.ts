import crypto from 'node:crypto';
import { date } from 'feelin';

// Camunda's FEEL extension functions that feelin lacks. They are passed to feelin as context
// entries (context functions win over feelin's builtins, which lets `string join` take 4 arguments).
// Plain `function` declarations: feelin reads parameter names from the source.

function toPlain(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return withJson.toJSON();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

function lastDayOfMonth(value: unknown): unknown {
  const d = value as { year?: number; month?: number } | null;
  if (!d || typeof d.year !== 'number' || typeof d.month !== 'number') return null;
  const days = new Date(Date.UTC(d.year, d.month, 0)).getUTCDate();
  return date(
    `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(days).padStart(2, '0')}`,
  );
}

function getValue(context: unknown, keys: unknown): unknown {
  const path = Array.isArray(keys) ? keys : [keys];
  let current: unknown = context;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || typeof key !== 'string') return null;
    current = (current as Record<string, unknown>)[key];
    if (current === undefined) return null;
  }
  return current;
}

/** The Camunda extension functions, keyed by their FEEL names. */
export const camundaFunctions: Record<string, unknown> = {
  'is defined': function (value: unknown) {
    return value !== undefined && value !== null;
  },
  /** Fails the evaluation (an incident where the expression is used) unless `condition` is true; else returns `value`. */
  assert: function (value: unknown, condition: unknown, cause: unknown) {
    if (condition !== true) throw new Error(typeof cause === 'string' ? cause : 'The condition is not fulfilled');
    return value;
  },
  'get or else': function (value: unknown, defaultValue: unknown) {
    return value === undefined || value === null ? defaultValue : value;
  },
  'is empty': function (list: unknown) {
    return Array.isArray(list) ? list.length === 0 : null;
  },
  'string join': function (list: unknown, delimiter: unknown, prefix: unknown, suffix: unknown) {
    if (!Array.isArray(list)) return null;
    const items = list.filter((i) => i !== null && i !== undefined);
    if (items.some((i) => typeof i !== 'string')) return null;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return str(prefix) + items.join(str(delimiter)) + str(suffix);
  },
  trim: function (string: unknown) {
    return typeof string === 'string' ? string.trim() : null;
  },
  uuid: function () {
    return crypto.randomUUID();
  },
  'to json': function (value: unknown) {
    return JSON.stringify(toPlain(value));
  },
  'from json': function (json: unknown) {
    if (typeof json !== 'string') return null;
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return null;
    }
  },
  'last day of month': function (date: unknown) {
    return lastDayOfMonth(date);
  },
  'get value': function (context: unknown, key: unknown) {
    return getValue(context, key);
  },
  partition: function (list: unknown, size: unknown) {
    if (!Array.isArray(list) || typeof size !== 'number' || size < 1) return null;
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  },
  'duplicate values': function (list: unknown) {
    if (!Array.isArray(list)) return null;
    // Each duplicated value once, in the order of its first occurrence (Camunda: [1,2,3,2,1] → [1,2]).
    const count = new Map<string, { item: unknown; n: number }>();
    for (const item of list) {
      const k = JSON.stringify(toPlain(item));
      const seen = count.get(k);
      if (seen) seen.n++;
      else count.set(k, { item, n: 1 });
    }
    return [...count.values()].filter((v) => v.n > 1).map((v) => v.item);
  },
  extract: function (string: unknown, pattern: unknown) {
    if (typeof string !== 'string' || typeof pattern !== 'string') return null;
    return string.match(new RegExp(pattern, 'g')) ?? [];
  },
};
