import { describe, expect, it } from 'vitest';
import { managedUnits, UnitTree } from '../../../../server/features/org/index.js';
import type { SessionUser } from '../../../../server/platform/http/context.js';

// The org structure rules that every feature shares (one implementation: the scorecard and the employee lists use it).
const tree = () =>
  new UnitTree([
    { id: 1, code: 'dep-housing', kind: 'department', parentId: null },
    { id: 2, code: 'div-accounting', kind: 'division', parentId: 1 },
    { id: 3, code: 'div-subsidies', kind: 'division', parentId: 1 },
    { id: 4, code: 'div-accounting-team', kind: 'division', parentId: 2 },
    { id: 5, code: 'dep-it', kind: 'department', parentId: null },
  ]);
const user = (roles: SessionUser['roles'], unitId: number | null): SessionUser => ({
  id: 1,
  fullName: 'X',
  email: null,
  phone: null,
  roles,
  locale: 'ru',
  employeeId: 9,
  unitId,
});

describe('the org structure', () => {
  it('given a nested division, then its ancestry runs up to the department, which is its top', () => {
    const t = tree();
    expect(t.ancestry(4)).toEqual([4, 2, 1]);
    expect(t.topOf(4)).toBe(1);
    expect(t.topOf(5)).toBe(5);
    expect(t.isWithin(4, 1)).toBe(true);
    expect(t.isWithin(3, 2)).toBe(false);
  });

  it('given a unit moved under another parent, then children, subtree and ancestry follow the move', () => {
    const t = tree();
    t.put({ id: 4, code: 'div-accounting-team', kind: 'division', parentId: 3 });
    expect(t.children(2).map((u) => u.id)).toEqual([]);
    expect(t.subtree(3).sort()).toEqual([3, 4]);
    expect(t.ancestry(4)).toEqual([4, 3, 1]);
  });

  it("given who is asking, then an admin manages all units, a manager their unit's subtree, anyone else none", () => {
    const t = tree();
    expect(managedUnits(user(['admin'], null), t)).toBe('all');
    expect((managedUnits(user(['manager', 'specialist'], 2), t) as number[]).sort()).toEqual([2, 4]);
    expect(managedUnits(user(['manager'], null), t)).toEqual([]);
    expect(managedUnits(user(['specialist'], 1), t)).toEqual([]);
  });
});
