import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import { applySort, containsPattern, paginate, type Page } from '../../platform/http/paging.js';
import type { GroupCreate, GroupListQuery, GroupPatch } from './org.schemas.js';

/** A staff group (a BPMN candidate group) as the API presents it. */
import type { GroupMember, StaffGroup as GroupItem } from '../../contract/org.js';

/** What the group endpoints answer is the API contract's (server/contract/org.ts). */
export type { GroupItem, GroupMember };

const SORT_COLUMNS = { code: 'g.code', name: 'g.name', memberCount: { raw: ['member_count'] }, id: 'g.id' };

/** Staff groups and their membership. */
export class GroupService {
  constructor(private readonly knex: Knex) {}

  private baseQuery(db: Knex | Knex.Transaction) {
    return db('staff_groups as g').select<GroupItem[]>(
      'g.id',
      'g.code',
      'g.name',
      'g.description',
      'g.unitId',
      db.raw('(select count(*) from staff_group_members m where m.group_id = g.id)::int as member_count'),
    );
  }

  /** One page of groups, filtered by unit and text (code, name). */
  async list(query: GroupListQuery): Promise<Page<GroupItem>> {
    const qb = this.baseQuery(this.knex);
    if (query.unitId !== undefined) qb.where('g.unitId', query.unitId);
    if (query.q) {
      const p = containsPattern(query.q);
      qb.where((w) => w.where('g.code', 'ilike', p).orWhere('g.name', 'ilike', p));
    }
    applySort(qb, query.sort, SORT_COLUMNS, 'g.id');
    return paginate<GroupItem>(qb, query);
  }

  /** One group or 404. */
  async get(id: number, db: Knex | Knex.Transaction = this.knex): Promise<GroupItem> {
    const row = await this.baseQuery(db).where('g.id', id).first();
    if (!row) throw new NotFoundError('Group');
    return row;
  }

  /** Creates a group. */
  async create(input: GroupCreate, actor: Actor): Promise<GroupItem> {
    return this.knex.transaction(async (trx) => {
      await this.assertRefs(trx, input);
      const [row] = await trx('staff_groups').insert(input).returning('id');
      const created = await this.get(row.id, trx);
      await audit(trx, actor, { action: 'create', entity: 'staff_group', entityId: created.id, after: created });
      return created;
    });
  }

  /** Updates a group. */
  async update(id: number, patch: GroupPatch, actor: Actor): Promise<GroupItem> {
    return this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      await this.assertRefs(trx, patch, id);
      if (Object.keys(patch).length)
        await trx('staff_groups')
          .where({ id })
          .update({ ...patch, updatedAt: trx.fn.now() });
      const after = await this.get(id, trx);
      await audit(trx, actor, { action: 'update', entity: 'staff_group', entityId: id, before, after });
      return after;
    });
  }

  /** Deletes a group and its memberships. */
  async remove(id: number, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      const members = await this.memberIds(trx, id);
      await trx('staff_groups').where({ id }).delete();
      await audit(trx, actor, {
        action: 'delete',
        entity: 'staff_group',
        entityId: id,
        before: { ...before, employeeIds: members },
      });
    });
  }

  /** The group's members, by name. */
  async members(id: number, db: Knex | Knex.Transaction = this.knex): Promise<GroupMember[]> {
    await this.get(id, db);
    return db('staff_group_members as m')
      .join('employees as e', 'e.id', 'm.employeeId')
      .join('org_units as u', 'u.id', 'e.unitId')
      .where('m.groupId', id)
      .orderBy('e.fullName')
      .orderBy('e.id')
      .select<GroupMember[]>(
        'e.id',
        'e.personnelNumber',
        'e.fullName',
        'e.position',
        'e.unitId',
        'u.name as unitName',
        'e.isActive',
      );
  }

  /** Replaces the group's membership with exactly these employees. */
  async setMembers(id: number, employeeIds: number[], actor: Actor): Promise<GroupMember[]> {
    return this.knex.transaction(async (trx) => {
      await this.get(id, trx);
      const wanted = [...new Set(employeeIds)];
      const found = new Set((await trx('employees').whereIn('id', wanted).select('id')).map((r) => r.id));
      const issues: FieldIssue[] = employeeIds.flatMap((eid, i) =>
        found.has(eid) ? [] : [{ path: `employeeIds.${i}`, message: `Employee ${eid} does not exist` }],
      );
      if (issues.length) throw new ValidationError('Some employees do not exist', issues);
      const before = await this.memberIds(trx, id);
      await trx('staff_group_members').where({ groupId: id }).delete();
      if (wanted.length)
        await trx('staff_group_members').insert(wanted.map((employeeId) => ({ groupId: id, employeeId })));
      await audit(trx, actor, {
        action: 'set_members',
        entity: 'staff_group',
        entityId: id,
        before: { employeeIds: before },
        after: { employeeIds: wanted.sort((a, b) => a - b) },
      });
      return this.members(id, trx);
    });
  }

  private async memberIds(db: Knex | Knex.Transaction, id: number): Promise<number[]> {
    return (await db('staff_group_members').where({ groupId: id }).orderBy('employeeId').select('employeeId')).map(
      (r) => r.employeeId,
    );
  }

  private async assertRefs(trx: Knex.Transaction, input: GroupPatch, exceptId?: number): Promise<void> {
    if (input.unitId && !(await trx('org_units').where({ id: input.unitId }).first('id'))) {
      throw new ValidationError('The unit does not exist', [{ path: 'unitId', message: 'Unit does not exist' }]);
    }
    if (input.code) {
      const q = trx('staff_groups').where({ code: input.code });
      if (exceptId) q.whereNot('id', exceptId);
      if (await q.first('id')) {
        throw new ConflictError('A group with this code already exists', {
          fields: [{ path: 'code', message: 'This code is already used by another group' }],
        });
      }
    }
  }
}
