import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import { applySort, containsPattern, paginate, type Page } from '../../platform/http/paging.js';
import type { WindowCreate, WindowListQuery, WindowPatch } from './org.schemas.js';

/** A front-office window (workstation) as the API presents it. */
import type { ServiceWindow as WindowItem } from '../../contract/org.js';

/** What the window endpoints answer is the API contract's (server/contract/org.ts). */
export type { WindowItem };

const SORT_COLUMNS = {
  // Window numbers are text ("2" before "10"): order by length first.
  number: { raw: ['length(w.number)', 'w.number'] },
  officeName: 'o.name',
  employeeName: 'e.fullName',
  id: 'w.id',
};

/** Windows of front offices and who sits at them. */
export class WindowService {
  constructor(private readonly knex: Knex) {}

  private baseQuery(db: Knex | Knex.Transaction) {
    return db('windows as w')
      .join('org_units as o', 'o.id', 'w.officeId')
      .leftJoin('employees as e', 'e.id', 'w.employeeId')
      .select<WindowItem[]>(
        'w.id',
        'w.officeId',
        'o.name as officeName',
        'w.number',
        'w.name',
        'w.employeeId',
        'e.fullName as employeeName',
        'w.isActive',
      );
  }

  /** One page of windows, filtered by office, activity and text (number, name, employee). */
  async list(query: WindowListQuery): Promise<Page<WindowItem>> {
    const qb = this.baseQuery(this.knex);
    if (query.officeId !== undefined) qb.where('w.officeId', query.officeId);
    if (query.active !== undefined) qb.where('w.isActive', query.active);
    if (query.q) {
      const p = containsPattern(query.q);
      qb.where((w) => w.where('w.number', 'ilike', p).orWhere('w.name', 'ilike', p).orWhere('e.fullName', 'ilike', p));
    }
    if (query.sort.replace(/^-/, '') === 'number') qb.orderBy('o.name');
    applySort(qb, query.sort, SORT_COLUMNS, 'w.id');
    return paginate<WindowItem>(qb, query);
  }

  /** One window or 404. */
  async get(id: number, db: Knex | Knex.Transaction = this.knex): Promise<WindowItem> {
    const row = await this.baseQuery(db).where('w.id', id).first();
    if (!row) throw new NotFoundError('Window');
    return row;
  }

  /** Creates a window in an office. */
  async create(input: WindowCreate, actor: Actor): Promise<WindowItem> {
    return this.knex.transaction(async (trx) => {
      await this.assertValid(trx, input.officeId, input.number, input.employeeId);
      const [row] = await trx('windows').insert(input).returning('id');
      const created = await this.get(row.id, trx);
      await audit(trx, actor, { action: 'create', entity: 'window', entityId: created.id, after: created });
      return created;
    });
  }

  /** Updates a window (moving it, renumbering it, seating another employee). */
  async update(id: number, patch: WindowPatch, actor: Actor): Promise<WindowItem> {
    return this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      await this.assertValid(
        trx,
        patch.officeId ?? before.officeId,
        patch.number ?? before.number,
        patch.employeeId,
        id,
      );
      if (Object.keys(patch).length)
        await trx('windows')
          .where({ id })
          .update({ ...patch, updatedAt: trx.fn.now() });
      const after = await this.get(id, trx);
      await audit(trx, actor, { action: 'update', entity: 'window', entityId: id, before, after });
      return after;
    });
  }

  /** Deletes a window. */
  async remove(id: number, actor: Actor): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      await trx('windows').where({ id }).delete();
      await audit(trx, actor, { action: 'delete', entity: 'window', entityId: id, before });
    });
  }

  private async assertValid(
    trx: Knex.Transaction,
    officeId: number,
    number: string,
    employeeId: number | null | undefined,
    exceptId?: number,
  ): Promise<void> {
    const office = await trx('org_units').where({ id: officeId }).first('kind');
    if (!office)
      throw new ValidationError('The office does not exist', [{ path: 'officeId', message: 'Office does not exist' }]);
    if (office.kind !== 'office')
      throw new ValidationError('Windows belong to offices', [
        { path: 'officeId', message: 'This unit is not an office' },
      ]);
    if (employeeId && !(await trx('employees').where({ id: employeeId }).first('id'))) {
      throw new ValidationError('The employee does not exist', [
        { path: 'employeeId', message: 'Employee does not exist' },
      ]);
    }
    const q = trx('windows').where({ officeId, number });
    if (exceptId) q.whereNot('id', exceptId);
    if (await q.first('id')) {
      throw new ConflictError('This office already has a window with this number', {
        fields: [{ path: 'number', message: 'Window number already exists in this office' }],
      });
    }
  }
}
