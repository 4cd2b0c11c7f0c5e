import type { Knex } from 'knex';
import { containsPattern, paginate, type Page } from '../../platform/http/paging.js';
import type { AuditListQuery } from './audit.schemas.js';

import type { AuditItem } from '../../contract/audit.js';

/** What the audit endpoint answers is the API contract's (server/contract/audit.ts). */
export type { AuditItem };

/** Reads the audit log (writes go through platform/audit.ts inside each change's transaction). */
export class AuditService {
  constructor(private readonly knex: Knex) {}

  /** One page of entries, newest first (or oldest with sort=at), filtered by entity, id, actor, action, time range and text. */
  async list(query: AuditListQuery): Promise<Page<AuditItem>> {
    const qb = this.knex('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actorUserId')
      .select(
        'a.id',
        'a.at',
        'a.actorUserId',
        'u.fullName as actorName',
        'a.action',
        'a.entity',
        'a.entityId',
        'a.before',
        'a.after',
        'a.requestId',
      );
    if (query.entity) qb.where('a.entity', query.entity);
    if (query.entityId) qb.where('a.entityId', query.entityId);
    if (query.actorUserId) qb.where('a.actorUserId', query.actorUserId);
    if (query.action) qb.where('a.action', query.action);
    if (query.from) qb.where('a.at', '>=', query.from);
    if (query.to) qb.where('a.at', '<=', query.to);
    if (query.q) {
      const p = containsPattern(query.q);
      qb.where((w) =>
        w
          .where('a.action', 'ilike', p)
          .orWhere('a.entity', 'ilike', p)
          .orWhere('a.entityId', 'ilike', p)
          .orWhere('u.fullName', 'ilike', p),
      );
    }
    const dir = query.sort === 'at' ? 'asc' : 'desc';
    qb.orderBy('a.at', dir).orderBy('a.id', dir);
    return paginate<AuditItem>(qb, query);
  }
}
