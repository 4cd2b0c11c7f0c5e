import { z } from 'zod';
import { SERVICE_CODE_RE } from './services.validation.js';

const code = z.string().trim().regex(SERVICE_CODE_RE, 'Use lower-case latin letters, digits and hyphens (2–63 characters), starting with a letter');
const form = z.looseObject({ id: z.string().min(1).max(100), type: z.string(), components: z.array(z.unknown()) });
const xml = z.string().min(1, 'BPMN XML is required').max(5_000_000);

export const listQuerySchema = z.object({
  search: z.string().trim().max(200).optional(),
  department: z.string().trim().max(64).optional(),
  status: z.enum(['draft', 'published']).optional(),
  kind: z.enum(['service', 'package']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const createSchema = z.object({
  code,
  title: z.string().trim().min(2).max(500),
  department: z.string().trim().min(1).max(64),
  xml: xml.optional(),
  forms: z.array(form).max(100).default([]),
});

export const draftSchema = z.object({
  xml,
  forms: z.array(form).max(100).default([]),
  /** The revision the editor loaded; a stale one gives 409. */
  revision: z.number().int().positive().optional(),
});

export const validateSchema = z.object({ xml: xml.optional(), forms: z.array(form).max(100).optional() });

export const publishSchema = z.object({ comment: z.string().trim().max(2000).default('') });

export const cloneSchema = z.object({ code, title: z.string().trim().min(2).max(500) });

export const bundleSchema = z.object({
  format: z.literal('okno-service'),
  formatVersion: z.literal(1),
  code,
  xml,
  forms: z.array(form).max(100).default([]),
});

export const importQuerySchema = z.object({ replace: z.enum(['true', 'false']).default('false') });

export const packageSchema = z.object({
  code,
  title: z.string().trim().min(2).max(500),
  department: z.string().trim().min(1).max(64),
  members: z.array(code).min(2, 'A package needs at least two member services').max(20),
});

export const answersSchema = z.object({
  answers: z.record(z.string().max(200), z.union([z.string().max(200), z.array(z.string().max(200)).max(50)])).default({}),
});

/** "Try it": the answers, and optionally the editor's unsaved BPMN (else the stored draft is evaluated). */
export const tryItSchema = answersSchema.extend({ xml: xml.optional() });

export const catalogueQuerySchema = z.object({
  search: z.string().trim().max(200).optional(),
  department: z.string().trim().max(64).optional(),
});

export type ListQuery = z.infer<typeof listQuerySchema>;
export type CreateInput = z.infer<typeof createSchema>;
export type DraftInput = z.infer<typeof draftSchema>;
export type Bundle = z.infer<typeof bundleSchema>;
export type PackageInput = z.infer<typeof packageSchema>;
