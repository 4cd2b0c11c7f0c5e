import type { Role } from '../../platform/http/context.js';
import type { Table, Timestamps, TimestampWrite } from '../../platform/tables.js';

/** A person who signs in (staff linked to an employee, or a citizen): `users`. */
export interface UserRow extends Timestamps {
  id: number;
  email: string | null;
  phone: string | null;
  passwordHash: string;
  fullName: string;
  roles: Role[];
  locale: string;
  employeeId: number | null;
  isActive: boolean;
  lastLoginAt: Date | null;
  /** When the e-mail or phone was confirmed; null for a citizen who registered and has not yet (cannot sign in). */
  confirmedAt: Date | null;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    users: Table<
      UserRow,
      'id' | 'roles' | 'locale' | 'isActive' | 'createdAt' | 'updatedAt' | 'confirmedAt',
      { lastLoginAt?: TimestampWrite | null; confirmedAt?: TimestampWrite | null }
    >;
  }
}
