import { z } from 'zod';
import { idParam } from '../../platform/http/paging.js';

const instant = z
  .string()
  .trim()
  .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), 'Use an ISO date or date-time, e.g. 2026-11-22 or 2026-11-22T10:00:00Z')
  .transform((v) => new Date(v));

export const auditListSchema = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
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
