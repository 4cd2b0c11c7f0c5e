import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Actor, SessionUser } from '../../platform/http/context.js';
import { applySort, containsPattern, paginate, type Page } from '../../platform/http/paging.js';
import type { EmployeeCreate, EmployeeListQuery, EmployeePatch } from './org.schemas.js';
import { managedUnits, UnitTree } from './org.tree.js';
import type { StaffGroupMemberRow, StaffGroupRow } from './org.tables.js';

import type { Employee as EmployeeItem, EmployeeRemoval } from '../../contract/org.js';

/** What the employee endpoints answer is the API contract's (server/contract/org.ts). */
export type { EmployeeItem, EmployeeRemoval };

/** Which units a viewer may see employees of: all of them, or a list of unit ids. */
export type EmployeeScope = 'all' | number[];

const SORT_COLUMNS = {
  fullName: 'e.fullName',
  personnelNumber: 'e.personnelNumber',
  position: 'e.position',
  unitName: 'u.name',
  salary: 'e.salary',
  hiredOn: 'e.hiredOn',
  id: 'e.id',
};

/** Employees: positions, salaries and bonus caps, with managers limited to their own unit's subtree. */
export class EmployeeService {
  constructor(private readonly knex: Knex) {}

  /** Admins see everyone; a manager sees the employees of their unit and its sub-units; anyone else nobody. */
  async scopeOf(viewer: SessionUser, db: Knex | Knex.Transaction = this.knex): Promise<EmployeeScope> {
    return managedUnits(viewer, await UnitTree.load(db));
  }

  private baseQuery(db: Knex | Knex.Transaction) {
    return db('employees as e')
      .join('org_units as u', 'u.id', 'e.unitId')
      .leftJoin('users as usr', 'usr.employeeId', 'e.id')
      .select<Omit<EmployeeItem, 'groups'>[]>(
        'e.id',
        'e.personnelNumber',
        'e.fullName',
        'e.position',
        'e.unitId',
        'u.name as unitName',
        'e.salary',
        'e.maxBonusSalaries',
        'e.email',
        'e.phone',
        'e.hiredOn',
        'e.isActive',
        'usr.id as userId',
      );
  }

  private async withGroups(db: Knex | Knex.Transaction, rows: Omit<EmployeeItem, 'groups'>[]): Promise<EmployeeItem[]> {
    if (!rows.length) return [];
    const links = await db('staff_group_members as m')
      .join('staff_groups as g', 'g.id', 'm.groupId')
      .whereIn(
        'm.employeeId',
        rows.map((r) => r.id),
      )
      .orderBy('g.code')
      .select<(Pick<StaffGroupMemberRow, 'employeeId'> & Pick<StaffGroupRow, 'id' | 'code'>)[]>(
        'm.employeeId',
        'g.id',
        'g.code',
      );
    return rows.map((r) => ({
      ...r,
      groups: links.filter((l) => l.employeeId === r.id).map(({ id, code }) => ({ id, code })),
    }));
  }

  /** One page of the employees the viewer may see, filtered by unit (optionally with sub-units), activity and text. */
  async list(viewer: SessionUser, query: EmployeeListQuery): Promise<Page<EmployeeItem>> {
    const scope = await this.scopeOf(viewer);
    const qb = this.baseQuery(this.knex);
    if (scope !== 'all') qb.whereIn('e.unitId', scope);
    if (query.unitId !== undefined) {
      const units = query.includeSubunits ? (await UnitTree.load(this.knex)).subtree(query.unitId) : [query.unitId];
      qb.whereIn('e.unitId', units);
    }
    if (query.active !== undefined) qb.where('e.isActive', query.active);
    if (query.q) {
      const p = containsPattern(query.q);
      qb.where((w) =>
        w
          .where('e.fullName', 'ilike', p)
          .orWhere('e.personnelNumber', 'ilike', p)
          .orWhere('e.position', 'ilike', p)
          .orWhere('e.email', 'ilike', p),
      );
    }
    applySort(qb, query.sort, SORT_COLUMNS, 'e.id');
    return paginate(qb, query, (rows: Omit<EmployeeItem, 'groups'>[]) => this.withGroups(this.knex, rows));
  }

  /** One employee the viewer may see, or 404 (also when outside a manager's scope). */
  async get(viewer: SessionUser | null, id: number, db: Knex | Knex.Transaction = this.knex): Promise<EmployeeItem> {
    const row = await this.baseQuery(db).where('e.id', id).first();
    if (!row) throw new NotFoundError('Employee');
    if (viewer) {
      const scope = await this.scopeOf(viewer, db);
      if (scope !== 'all' && !scope.includes(row.unitId)) throw new NotFoundError('Employee');
    }
    return (await this.withGroups(db, [row]))[0];
  }

  /** Creates an employee. */
  async create(input: EmployeeCreate, actor: Actor): Promise<EmployeeItem> {
    return this.knex.transaction(async (trx) => {
      await this.assertRefs(trx, input);
      const [row] = await trx('employees').insert(input).returning('id');
      const created = await this.get(null, row.id, trx);
      await audit(trx, actor, { action: 'create', entity: 'employee', entityId: created.id, after: created });
      return created;
    });
  }

  /** Updates an employee's fields. */
  async update(id: number, patch: EmployeePatch, actor: Actor): Promise<EmployeeItem> {
    return this.knex.transaction(async (trx) => {
      const before = await this.get(null, id, trx);
      await this.assertRefs(trx, patch, id);
      if (Object.keys(patch).length)
        await trx('employees')
          .where({ id })
          .update({ ...patch, updatedAt: trx.fn.now() });
      const after = await this.get(null, id, trx);
      await audit(trx, actor, { action: 'update', entity: 'employee', entityId: id, before, after });
      return after;
    });
  }

  /**
   * Deletes an employee, or only deactivates them when a user account, a window or any other record
   * refers to them (history must keep its people).
   */
  async remove(id: number, actor: Actor): Promise<EmployeeRemoval> {
    return this.knex.transaction(async (trx) => {
      const before = await this.get(null, id, trx);
      const referenced =
        before.userId !== null || (await trx('windows').where({ employeeId: id }).first('id')) !== undefined;
      let deleted = false;
      if (!referenced) {
        // Other features may refer to employees too: try inside a savepoint and fall back to deactivation.
        deleted = await trx
          .transaction(async (sp) => {
            await sp('employees').where({ id }).delete();
            return true;
          })
          .catch((err: unknown) => {
            if ((err as { code?: string }).code === '23503') return false;
            throw err;
          });
      }
      if (deleted) {
        await audit(trx, actor, { action: 'delete', entity: 'employee', entityId: id, before });
        return { outcome: 'deleted', employee: before };
      }
      await trx('employees').where({ id }).update({ isActive: false, updatedAt: trx.fn.now() });
      const after = await this.get(null, id, trx);
      await audit(trx, actor, { action: 'deactivate', entity: 'employee', entityId: id, before, after });
      return { outcome: 'deactivated', employee: after };
    });
  }

  private async assertRefs(trx: Knex.Transaction, input: EmployeePatch, exceptId?: number): Promise<void> {
    if (input.unitId !== undefined && !(await trx('org_units').where({ id: input.unitId }).first('id'))) {
      throw new ValidationError('The unit does not exist', [{ path: 'unitId', message: 'Unit does not exist' }]);
    }
    if (input.personnelNumber) {
      const q = trx('employees').where({ personnelNumber: input.personnelNumber });
      if (exceptId) q.whereNot('id', exceptId);
      if (await q.first('id')) {
        throw new ConflictError('An employee with this personnel number already exists', {
          fields: [{ path: 'personnelNumber', message: 'This personnel number is already used' }],
        });
      }
    }
  }
}
