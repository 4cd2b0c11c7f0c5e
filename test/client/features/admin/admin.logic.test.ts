import { describe, expect, it } from 'vitest';
import { buildUnitTree, descendantIds } from '../../../../client/src/features/admin/admin.store';
import { diffSnapshots } from '../../../../client/src/features/admin/auditDiff';
import type { OrgUnit } from '../../../../client/src/features/admin/admin.api';

const unit = (id: number, name: string, parentId: number | null, kind: OrgUnit['kind'] = 'division'): OrgUnit => ({
  id,
  code: `u${id}`,
  name,
  shortName: null,
  kind,
  parentId,
  address: null,
  phone: null,
  isActive: true,
  employeeCount: 0,
});

describe('org tree', () => {
  const units = [
    unit(1, 'Жилищное управление', null, 'department'),
    unit(3, 'Отдел учета', 1),
    unit(2, 'Отдел субсидий', 1),
    unit(4, 'Сектор', 3),
    unit(5, 'МФЦ', null, 'office'),
  ];

  it('nests units under their parents, sorted by name', () => {
    const tree = buildUnitTree(units);
    expect(tree.map((n) => n.name)).toEqual(['Жилищное управление', 'МФЦ']);
    expect(tree[0].children.map((n) => n.name)).toEqual(['Отдел субсидий', 'Отдел учета']);
    expect(tree[0].children[1].children.map((n) => n.id)).toEqual([4]);
  });

  it('finds a unit and everything below it (for the parent picker)', () => {
    expect([...descendantIds(units, 1)].sort()).toEqual([1, 2, 3, 4]);
    expect([...descendantIds(units, 3)].sort()).toEqual([3, 4]);
  });
});

describe('audit diff', () => {
  it('lists the fields of both snapshots and flags the changed ones', () => {
    const rows = diffSnapshots({ name: 'A', isActive: true, phone: null }, { name: 'B', isActive: true, address: 'x' });
    expect(rows).toEqual([
      { field: 'name', before: 'A', after: 'B', changed: true },
      { field: 'isActive', before: 'true', after: 'true', changed: false },
      { field: 'phone', before: 'null', after: '', changed: true },
      { field: 'address', before: '', after: 'x', changed: true },
    ]);
  });

  it('shows a creation (no before) and plain values', () => {
    expect(diffSnapshots(null, { code: 'x' })).toEqual([{ field: 'code', before: '', after: 'x', changed: true }]);
    expect(diffSnapshots([1], [1, 2])).toEqual([{ field: 'value', before: '[1]', after: '[1,2]', changed: true }]);
    expect(diffSnapshots(null, null)).toEqual([]);
  });
});
