/** The contract of /api/audit: the audit log. */
import { z } from 'zod';
import { endpoint, idParam, instantSchema, pageSchema } from './common.js';

const instant = z
  .string()
  .trim()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)),
    'Use an ISO date or date-time, e.g. 2026-11-22 or 2026-11-22T10:00:00Z',
  )
  .transform((v) => new Date(v));

export const auditListSchema = z
  .object({
    page: z.coerce.number<number>().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number<number>().int().min(1).max(200).default(50),
    entity: z.string().trim().min(1).max(64).optional(),
    entityId: z.string().trim().min(1).max(64).optional(),
    actorUserId: idParam.optional(),
    action: z.string().trim().min(1).max(64).optional(),
    from: instant.optional(),
    to: instant.optional(),
    q: z
      .string()
      .trim()
      .max(200)
      .optional()
      .transform((v) => v || undefined),
    sort: z.enum(['-at', 'at']).default('-at'),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: '"from" must not be after "to"', path: ['to'] });

export type AuditListQuery = z.infer<typeof auditListSchema>;

/** One audit log entry. */
export const auditItemSchema = z.strictObject({
  id: z.number().int(),
  at: instantSchema,
  actorUserId: z.number().int().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});
/** An audit entry as the client receives it. */
export type AuditEntry = z.input<typeof auditItemSchema>;
/** An audit entry as the service returns it. */
export type AuditItem = z.output<typeof auditItemSchema>;

/** The endpoints of /api/audit. */
export const auditEndpoints = [endpoint('GET', '/api/audit', pageSchema(auditItemSchema))];
