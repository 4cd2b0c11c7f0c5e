/** The contract of /api/interagency: the inter-agency journal (межведомственные запросы) and replies. */
import { z } from 'zod';
import { booleanParam, endpoint, instantSchema, itemsSchema, listQuerySchema, pageSchema } from './common.js';
import { INTERAGENCY_RESULTS, INTERAGENCY_STATUSES } from './enums.js';

export { INTERAGENCY_RESULTS, INTERAGENCY_STATUSES, type InteragencyStatus } from './enums.js';

export const INTERAGENCY_SORT_FIELDS = ['sentAt', 'dueAt', 'caseNumber', 'agency', 'status', 'answeredAt'] as const;

/** GET /api/interagency/requests: filters, sort and paging of the journal. */
export const interagencyListSchema = listQuerySchema(INTERAGENCY_SORT_FIELDS, 'dueAt').extend({
  status: z.enum(INTERAGENCY_STATUSES).optional(),
  /** Only requests past their due time without an answer. */
  overdue: booleanParam.optional(),
  caseNumber: z.string().trim().min(1).max(32).optional(),
  caseId: z.coerce.number<number>().int().positive().max(2_147_483_647).optional(),
  agency: z.string().trim().min(1).max(64).optional(),
});
export type InteragencyListQuery = z.infer<typeof interagencyListSchema>;
export type InteragencyListRequest = z.input<typeof interagencyListSchema>;

/** POST /api/interagency/requests/:id/reply: the answering agency's reply. */
export const interagencyReplySchema = z.object({
  result: z.enum(INTERAGENCY_RESULTS),
  text: z.string().trim().min(1, 'Enter the reply').max(4000),
  documentNumber: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => v || undefined),
});
export type InteragencyReplyInput = z.infer<typeof interagencyReplySchema>;
export type InteragencyReplyRequest = z.input<typeof interagencyReplySchema>;

/** One request of the journal. */
export const interagencyRequestSchema = z.strictObject({
  id: z.number().int(),
  caseId: z.number().int(),
  caseNumber: z.string().nullable(),
  serviceCode: z.string(),
  serviceTitle: z.string().nullable(),
  documentCode: z.string(),
  documentTitle: z.string(),
  agencyCode: z.string(),
  agencyName: z.string(),
  /** pending (not yet sent), sent, answered, or overdue (sent, no answer, past due). */
  status: z.enum(INTERAGENCY_STATUSES),
  overdue: z.boolean(),
  adapter: z.string(),
  sentAt: instantSchema.nullable(),
  dueAt: instantSchema,
  result: z.enum(INTERAGENCY_RESULTS).nullable(),
  replyText: z.string().nullable(),
  documentNumber: z.string().nullable(),
  answeredBy: z.number().int().nullable(),
  answeredByName: z.string().nullable(),
  answeredAt: instantSchema.nullable(),
  /** True when the case's process was told (message interagency-reply) after every request of its job was answered. */
  replyPublished: z.boolean(),
});
/** A journal row as the client receives it. */
export type InteragencyRequest = z.input<typeof interagencyRequestSchema>;
/** A journal row as the service returns it. */
export type InteragencyRequestRecord = z.output<typeof interagencyRequestSchema>;

export const interagencyPageSchema = pageSchema(interagencyRequestSchema);
export type InteragencyPage = z.input<typeof interagencyPageSchema>;
export type InteragencyPageRecord = z.output<typeof interagencyPageSchema>;

/** An agency requests go to (for the journal's filter). */
export const agencySchema = z.strictObject({ code: z.string(), name: z.string() });
export type Agency = z.infer<typeof agencySchema>;

/** The endpoints of /api/interagency. */
export const interagencyEndpoints = [
  endpoint('GET', '/api/interagency/requests', interagencyPageSchema),
  endpoint('GET', '/api/interagency/requests/:id', interagencyRequestSchema),
  endpoint('POST', '/api/interagency/requests/:id/reply', interagencyRequestSchema),
  endpoint('GET', '/api/interagency/agencies', itemsSchema(agencySchema)),
];
