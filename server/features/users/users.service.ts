import type { Knex } from 'knex';
import { audit } from '../../platform/audit.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/context.js';
import { AuthService, hashPassword, normalisePhone } from '../auth/index.js';
import { applySort, containsPattern, paginate, type Page } from '../../platform/http/paging.js';
import type { UserCreate, UserListQuery, UserPatch } from './users.schemas.js';

import type { UserItem } from '../../contract/users.js';
import type { CountryCode } from 'libphonenumber-js';

/** What the user endpoints answer is the API contract's (server/contract/users.ts). */
export type { UserItem };

const SORT_COLUMNS = {
  fullName: 'u.fullName',
  email: 'u.email',
  createdAt: 'u.createdAt',
  lastLoginAt: 'u.lastLoginAt',
  id: 'u.id',
};

/** Staff accounts managed by administrators: create, edit, (de)activate, reset passwords. */
export class UsersService {
  constructor(
    private readonly knex: Knex,
    /** The country national phone formats are read in: phones are stored in E.164. */
    private readonly country: CountryCode = 'RU',
  ) {}

  private baseQuery(db: Knex | Knex.Transaction) {
    return db('users as u')
      .leftJoin('employees as e', 'e.id', 'u.employeeId')
      .select<UserItem[]>(
        'u.id',
        'u.email',
        'u.phone',
        'u.fullName',
        'u.roles',
        'u.locale',
        'u.employeeId',
        'u.isActive',
        'u.lastLoginAt',
        'u.createdAt',
        'e.fullName as employeeName',
        'e.unitId',
      );
  }

  /** One page of users, filtered by text (name, e-mail, phone), role and activity. */
  async list(query: UserListQuery): Promise<Page<UserItem>> {
    const qb = this.baseQuery(this.knex);
    if (query.role) qb.whereRaw('? = any(u.roles)', [query.role]);
    if (query.active !== undefined) qb.where('u.isActive', query.active);
    if (query.q) {
      const p = containsPattern(query.q);
      qb.where((w) => w.where('u.fullName', 'ilike', p).orWhere('u.email', 'ilike', p).orWhere('u.phone', 'ilike', p));
    }
    applySort(qb, query.sort, SORT_COLUMNS, 'u.id');
    return paginate<UserItem>(qb, query);
  }

  /** One user or 404. */
  async get(id: number, db: Knex | Knex.Transaction = this.knex): Promise<UserItem> {
    const row = await this.baseQuery(db).where('u.id', id).first();
    if (!row) throw new NotFoundError('User');
    return row;
  }

  /** Creates a staff account with the given roles and initial password. */
  async create(input: UserCreate, actor: Actor): Promise<UserItem> {
    const passwordHash = await hashPassword(input.password);
    if (input.phone) input = { ...input, phone: normalisePhone(input.phone, this.country) };
    return this.knex.transaction(async (trx) => {
      await AuthService.assertLoginFree(trx, input);
      if (input.employeeId) await this.assertEmployeeFree(trx, input.employeeId);
      const [row] = await trx('users')
        .insert({
          fullName: input.fullName,
          email: input.email ?? null,
          phone: input.phone ?? null,
          roles: input.roles,
          employeeId: input.employeeId ?? null,
          locale: input.locale,
          passwordHash,
        })
        .returning('id');
      const created = await this.get(row.id, trx);
      await audit(trx, actor, { action: 'create', entity: 'user', entityId: created.id, after: created });
      return created;
    });
  }

  /** Edits a user; an admin cannot drop their own admin role or deactivate themselves; deactivation ends sessions. */
  async update(id: number, patch: UserPatch, actor: Actor): Promise<UserItem> {
    if (patch.phone) patch = { ...patch, phone: normalisePhone(patch.phone, this.country) };
    return this.knex.transaction(async (trx) => {
      const before = await this.get(id, trx);
      if (id === actor.userId) {
        if (patch.isActive === false)
          throw new ValidationError('You cannot deactivate yourself', [
            { path: 'isActive', message: 'You cannot deactivate your own account' },
          ]);
        if (patch.roles && before.roles.includes('admin') && !patch.roles.includes('admin')) {
          throw new ValidationError('You cannot remove your own admin role', [
            { path: 'roles', message: 'You cannot remove your own admin role' },
          ]);
        }
      }
      const email = patch.email === undefined ? before.email : patch.email;
      const phone = patch.phone === undefined ? before.phone : patch.phone;
      if (!email && !phone)
        throw new ValidationError('A user needs an e-mail or a phone number', [
          { path: 'email', message: 'Enter an e-mail or a phone number' },
        ]);
      await AuthService.assertLoginFree(trx, { email: patch.email, phone: patch.phone }, id);
      if (patch.employeeId && patch.employeeId !== before.employeeId)
        await this.assertEmployeeFree(trx, patch.employeeId, id);
      if (Object.keys(patch).length)
        await trx('users')
          .where({ id })
          .update({ ...patch, updatedAt: trx.fn.now() });
      if (patch.isActive === false && before.isActive) await trx('sessions').where({ userId: id }).delete();
      const after = await this.get(id, trx);
      await audit(trx, actor, { action: 'update', entity: 'user', entityId: id, before, after });
      return after;
    });
  }

  /** Sets a new password for a user and ends their sessions (except the admin's own current one). */
  async resetPassword(id: number, password: string, actor: Actor, keepSessionHash?: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.knex.transaction(async (trx) => {
      await this.get(id, trx);
      await trx('users').where({ id }).update({ passwordHash, updatedAt: trx.fn.now() });
      await trx('sessions')
        .where({ userId: id })
        .whereNot('idHash', keepSessionHash ?? '')
        .delete();
      await audit(trx, actor, { action: 'reset_password', entity: 'user', entityId: id });
    });
  }

  private async assertEmployeeFree(trx: Knex.Transaction, employeeId: number, exceptUserId?: number): Promise<void> {
    if (!(await trx('employees').where({ id: employeeId }).first('id'))) {
      throw new ValidationError('The employee does not exist', [
        { path: 'employeeId', message: 'Employee does not exist' },
      ]);
    }
    const q = trx('users').where({ employeeId });
    if (exceptUserId) q.whereNot('id', exceptUserId);
    if (await q.first('id'))
      throw new ConflictError('The employee already has an account', {
        fields: [{ path: 'employeeId', message: 'This employee is linked to another user' }],
      });
  }
}
