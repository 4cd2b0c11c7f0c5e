import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import type { UnitCreate, UnitPatch } from './org.schemas.js';
import { UnitTree } from './org.tree.js';

/** An org unit as the API presents it. */
import type { OrgUnit as UnitItem } from '../../contract/org.js';

/** What the unit endpoints answer is the API contract's (server/contract/org.ts). */
export type { UnitItem };

const UNIT_COLUMNS = ['id', 'code', 'name', 'shortName', 'kind', 'parentId', 'address', 'phone', 'isActive'] as const;

/** Departments, divisions and offices: the org structure and its rules. */
export class UnitService {
  constructor(private readonly knex: Knex) {}

  private itemsQuery(db: Knex | Knex.Transaction) {
    return db('org_units as u').select<UnitItem[]>(
      ...UNIT_COLUMNS.map((c) => `u.${c}`),
      db.raw('(select count(*) from employees e where e.unit_id = u.id and e.is_active)::int as employee_count'),
    );
  }

  /** Every unit (not paginated: the client builds the tree), with its count of active employees. */
  async list(): Promise<UnitItem[]> {
    return this.itemsQuery(this.knex).orderBy('u.name').orderBy('u.id');
  }

  /** One unit or 404. */
  async get(id: number, db: Knex | Knex.Transaction = this.knex): Promise<UnitItem> {
    const row = await this.itemsQuery(db).where('u.id', id).first();
    if (!row) throw new NotFoundError('Unit');
    return row;
  }

  /** Creates a unit after checking its code and place in the structure. */
  async create(input: UnitCreate, actor: Actor): Promise<UnitItem> {
    return this.knex.transaction(async (trx) => {
      await this.assertCodeFree(trx, input.code);
      const tree = await UnitTree.load(trx);
      const issues = tree.placementIssues(undefined, input.kind, input.parentId ?? null);
      if (issues.length) throw new ValidationError('The unit cannot be placed there', issues);
      const [row] = await trx('org_units')
        .insert({ ...input, parentId: input.parentId ?? null })
        .returning('id');
      const created = await this.get(row.id, trx);
      await audit(trx, actor, { action: 'create', entity: 'org_unit', entityId: created.id, after: created });
      return created;
    });
  }

  /** Updates a unit; moving it or changing its kind re-checks the structure rules. */
  async update(id: number, patch: UnitPatch, actor: Actor): Promise<UnitItem> {
    return this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      if (patch.code !== undefined && patch.code !== before.code) await this.assertCodeFree(trx, patch.code, id);
      const kind = patch.kind ?? before.kind;
      const parentId = patch.parentId === undefined ? before.parentId : patch.parentId;
      if (kind !== before.kind || parentId !== before.parentId) {
        const tree = await UnitTree.load(trx);
        const issues = tree.placementIssues(id, kind, parentId);
        if (issues.length) throw new ValidationError('The unit cannot be placed there', issues);
      }
      if (Object.keys(patch).length) {
        await trx('org_units')
          .where({ id })
          .update({ ...patch, updatedAt: trx.fn.now() });
      }
      const after = await this.get(id, trx);
      await audit(trx, actor, { action: 'update', entity: 'org_unit', entityId: id, before, after });
      return after;
    });
  }

  /** Deletes a unit that nothing depends on; 409 with counts while it has sub-units, employees, windows or groups. */
  async remove(id: number, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      const count = async (table: 'org_units' | 'employees' | 'windows' | 'staff_groups', column: string) =>
        Number((await trx(table).where(column, id).count({ n: '*' }).first<{ n: number }>()).n);
      const usage = {
        children: await count('org_units', 'parentId'),
        employees: await count('employees', 'unitId'),
        windows: await count('windows', 'officeId'),
        groups: await count('staff_groups', 'unitId'),
      };
      if (Object.values(usage).some((n) => n > 0)) {
        const parts = Object.entries(usage)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${k}`);
        throw new ConflictError(`The unit still has ${parts.join(', ')}; move or delete them first`, usage);
      }
      await trx('org_units').where({ id }).delete();
      await audit(trx, actor, { action: 'delete', entity: 'org_unit', entityId: id, before });
    });
  }

  private async assertCodeFree(trx: Knex.Transaction, code: string, exceptId?: number): Promise<void> {
    const q = trx('org_units').where({ code });
    if (exceptId) q.whereNot('id', exceptId);
    if (await q.first('id')) {
      throw new ConflictError('A unit with this code already exists', {
        fields: [{ path: 'code', message: 'This code is already used by another unit' }],
      });
    }
  }
}
