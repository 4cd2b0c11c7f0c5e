import type { Knex } from 'knex';
import type { Actor } from './http/context.js';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

const SECRET_KEYS = new Set(['passwordHash', 'password', 'password_hash']);

function scrub(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(scrub);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !SECRET_KEYS.has(k))
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : scrub(v)]),
  );
}

/** Records one write in the audit log, inside the caller's transaction so both commit or neither does. */
export async function audit(trx: Knex | Knex.Transaction, actor: Actor, entry: AuditEntry): Promise<void> {
  await trx('audit_log').insert({
    actorUserId: actor.userId,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    before: entry.before === undefined ? null : JSON.stringify(scrub(entry.before)),
    after: entry.after === undefined ? null : JSON.stringify(scrub(entry.after)),
    requestId: actor.requestId,
    ip: actor.ip,
  });
}
