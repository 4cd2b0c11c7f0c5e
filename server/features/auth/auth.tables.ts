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

/** A pending confirmation of a registered login (`login_confirmations`): the one-time code as a SHA-256. */
export interface LoginConfirmationRow {
  id: number;
  userId: number;
  channel: 'email' | 'phone';
  destination: string;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
  createdAt: Date;
}

/** A message to a person waiting for its channel to deliver it (`outbound_messages`). */
export interface OutboundMessageRow {
  id: number;
  channel: 'email' | 'phone';
  destination: string;
  subject: string;
  body: string;
  /** What it is for, e.g. `login-confirmation`. */
  purpose: string;
  createdAt: Date;
  sentAt: Date | null;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    sessions: Table<SessionRow, 'createdAt', { expiresAt: TimestampWrite }>;
    login_confirmations: Table<LoginConfirmationRow, 'id' | 'attempts' | 'createdAt', { expiresAt: TimestampWrite }>;
    outbound_messages: Table<OutboundMessageRow, 'id' | 'createdAt', { sentAt?: TimestampWrite | null }>;
  }
}
