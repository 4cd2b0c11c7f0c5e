import type { Table, TimestampWrite } from '../../platform/tables.js';

/** A signed-in session, stored by the SHA-256 of its cookie token: `sessions`. */
export interface SessionRow {
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    sessions: Table<SessionRow, 'createdAt', { expiresAt: TimestampWrite }>;
  }
}
