/** One changed (or shown) field of an audit entry. */
export interface DiffRow {
  field: string;
  before: string;
  after: string;
  changed: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Renders a value compactly for the diff table. */
export function show(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * Compares the before/after snapshots of an audit entry field by field.
 * Objects: every field present on either side, changed ones first flagged; otherwise one row `value`.
 */
export function diffSnapshots(before: unknown, after: unknown): DiffRow[] {
  if ((isRecord(before) || before == null) && (isRecord(after) || after == null) && (before != null || after != null)) {
    const b = (before ?? {}) as Record<string, unknown>;
    const a = (after ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.map((field) => {
      const bv = show(b[field]);
      const av = show(a[field]);
      return {
        field,
        before: field in b ? bv : '',
        after: field in a ? av : '',
        changed: JSON.stringify(b[field]) !== JSON.stringify(a[field]),
      };
    });
  }
  if (before == null && after == null) return [];
  return [
    {
      field: 'value',
      before: show(before),
      after: show(after),
      changed: JSON.stringify(before) !== JSON.stringify(after),
    },
  ];
}
