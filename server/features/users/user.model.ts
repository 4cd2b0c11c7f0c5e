import { Model } from 'objection';
import type { Role } from '../../platform/http/context.js';
import type { UserRow } from './users.tables.js';

/** A person who signs in: staff (linked to an employee record) or a citizen. Its fields are the `users` row (users.tables.ts). */
export class User extends Model implements UserRow {
  static override tableName = 'users';

  id!: number;
  email!: string | null;
  phone!: string | null;
  passwordHash!: string;
  fullName!: string;
  roles!: Role[];
  locale!: string;
  employeeId!: number | null;
  isActive!: boolean;
  lastLoginAt!: Date | null;
  confirmedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  /** The fields safe to send to a client. */
  toPublic(): PublicUser {
    return {
      id: this.id,
      email: this.email,
      phone: this.phone,
      fullName: this.fullName,
      roles: this.roles,
      locale: this.locale,
      employeeId: this.employeeId,
      isActive: this.isActive,
      lastLoginAt: this.lastLoginAt,
      createdAt: this.createdAt,
    };
  }
}

export interface PublicUser {
  id: number;
  email: string | null;
  phone: string | null;
  fullName: string;
  roles: Role[];
  locale: string;
  employeeId: number | null;
  isActive: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}
