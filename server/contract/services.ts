/**
 * The contract of /api/services (the service constructor) and /api/catalogue (portal and front office).
 * The card's shapes (meta, questions, documents, variants, members) are Okno's BPMN extension
 * (server/okno-moddle, `@okno-moddle/*` in the client); here they get schemas so answers are checked too.
 */
import { z } from 'zod';
import type {
  Answers,
  Deadline,
  PackageMember,
  Question,
  ReferenceDocument,
  ServiceMeta,
  Situation,
  Variant,
} from '../okno-moddle/index.js';
import { endpoint, instantSchema, itemsSchema } from './common.js';
import { SERVICE_KIND_NAMES, SERVICE_STATUSES } from './enums.js';

/** A service code: the BPMN process id. */
export const SERVICE_CODE_RE = /^[a-z][a-z0-9-]{1,62}$/;

const code = z
  .string()
  .trim()
  .regex(SERVICE_CODE_RE, 'Use lower-case latin letters, digits and hyphens (2–63 characters), starting with a letter');
const form = z.looseObject({ id: z.string().min(1).max(100), type: z.string(), components: z.array(z.unknown()) });
const xml = z.string().min(1, 'BPMN XML is required').max(5_000_000);

export const listQuerySchema = z.object({
  search: z.string().trim().max(200).optional(),
  department: z.string().trim().max(64).optional(),
  status: z.enum(['draft', 'published']).optional(),
  kind: z.enum(['service', 'package']).optional(),
  page: z.coerce.number<number>().int().min(1).default(1),
  pageSize: z.coerce.number<number>().int().min(1).max(100).default(20),
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
  answers: z
    .record(z.string().max(200), z.union([z.string().max(200), z.array(z.string().max(200)).max(50)]))
    .default({}),
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

export { SERVICE_KIND_NAMES, SERVICE_STATUSES, type ServiceKindName, type ServiceStatus } from './enums.js';

/** The version of a service: a path segment or `?version=`. */
export const versionParam = z.coerce.number<number>().int().positive();
export const versionQuery = z.object({ version: versionParam.optional() });

// ---------- responses ----------
/** A form-js schema stored with a service (intake form, task forms). */
export const formSchema = z.looseObject({ id: z.string(), type: z.string(), components: z.array(z.unknown()) });
export type FormSchema = z.infer<typeof formSchema>;

const deadlineSchema = z.strictObject({
  value: z.number(),
  unit: z.enum(['workingDays', 'calendarDays']),
}) satisfies z.ZodType<Deadline>;
const requiredFor = z.union([z.array(z.string()), z.literal('always')]);
export const serviceMetaSchema = z.strictObject({
  code: z.string(),
  title: z.string(),
  department: z.string(),
  kind: z.enum(SERVICE_KIND_NAMES),
  fee: z.number().nullable(),
  deadline: deadlineSchema.nullable(),
  results: z.array(z.strictObject({ code: z.string(), title: z.string(), positive: z.boolean() })),
  channels: z.array(z.strictObject({ kind: z.string(), title: z.string() })),
}) satisfies z.ZodType<ServiceMeta>;
const situationSchema = z.strictObject({ code: z.string(), title: z.string() }) satisfies z.ZodType<Situation>;
export const questionSchema: z.ZodType<Question> = z.lazy(() =>
  z.strictObject({
    id: z.string(),
    text: z.string(),
    mode: z.enum(['single', 'multiple']),
    followUp: z.boolean(),
    options: z.array(
      z.strictObject({
        id: z.string(),
        text: z.string(),
        situations: z.array(z.string()),
        next: z.array(z.string()),
        questions: z.array(questionSchema),
      }),
    ),
  }),
);
export const referenceDocumentSchema = z.strictObject({
  code: z.string(),
  kind: z.string(),
  title: z.string(),
  form: z.enum(['original', 'copy', 'originalAndCopy']),
  supplier: z.enum(['applicant', 'interagency']),
  requiredFor,
  note: z.string().nullable(),
}) satisfies z.ZodType<ReferenceDocument>;
const variantSchema = z.strictObject({
  code: z.string(),
  title: z.string(),
  requires: z.array(z.string()),
  requiresAny: z.array(z.string()),
  excludes: z.array(z.string()),
  deadline: deadlineSchema.nullable(),
}) satisfies z.ZodType<Variant>;
const packageMemberSchema = z.strictObject({
  service: z.string(),
  title: z.string(),
  requiredFor,
}) satisfies z.ZodType<PackageMember>;
const answersValueSchema = z.record(
  z.string(),
  z.union([z.string(), z.array(z.string())]),
) satisfies z.ZodType<Answers>;

/** What the catalogue keeps of a published version: the parts of the model citizens and operators see. */
export const serviceCardSchema = z.strictObject({
  meta: serviceMetaSchema.nullable(),
  situations: z.array(situationSchema),
  questions: z.array(questionSchema),
  documents: z.array(referenceDocumentSchema),
  variants: z.array(variantSchema),
  members: z.array(packageMemberSchema),
});
export type ServiceCard = z.infer<typeof serviceCardSchema>;

/** A row of the service list. */
export const serviceSummarySchema = z.strictObject({
  code: z.string(),
  title: z.string(),
  department: z.string(),
  kind: z.enum(SERVICE_KIND_NAMES),
  status: z.enum(SERVICE_STATUSES),
  latestVersion: z.number().int().nullable(),
  draftRevision: z.number().int(),
  publishedAt: instantSchema.nullable(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});
/** A row of the service list as the client receives it. */
export type ServiceSummary = z.input<typeof serviceSummarySchema>;
export const servicePageSchema = z.strictObject({
  items: z.array(serviceSummarySchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type ServicePage = z.input<typeof servicePageSchema>;
export type ServicePageRecord = z.output<typeof servicePageSchema>;

/** A service with its draft. */
export const serviceDetailSchema = serviceSummarySchema.extend({
  draft: z.strictObject({ xml: z.string(), forms: z.array(formSchema), revision: z.number().int() }),
  hasUnpublishedChanges: z.boolean(),
});
export type ServiceDetail = z.input<typeof serviceDetailSchema>;
export type ServiceDetailRecord = z.output<typeof serviceDetailSchema>;

/** One problem of a model: where, which field, a stable code and a message in the user's language. */
export const problemSchema = z.strictObject({
  elementId: z.string(),
  field: z.string(),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;

const coverageCaseSchema = z.strictObject({
  answers: answersValueSchema,
  situations: z.array(z.string()),
  variants: z.array(z.string()),
});
/** Result of the variant-coverage check: answer combinations leading to no or several variants. */
export const coverageSchema = z.strictObject({
  checked: z.number().int(),
  total: z.number(),
  tooLarge: z.boolean(),
  limit: z.number(),
  gaps: z.array(coverageCaseSchema),
  conflicts: z.array(coverageCaseSchema),
  gapCount: z.number().int(),
  conflictCount: z.number().int(),
});
export type Coverage = z.infer<typeof coverageSchema>;
export const validationReportSchema = z.strictObject({
  valid: z.boolean(),
  problems: z.array(problemSchema),
  coverage: coverageSchema.nullable(),
});
export type ValidationReport = z.infer<typeof validationReportSchema>;

export const publishResultSchema = z.strictObject({
  code: z.string(),
  version: z.number().int(),
  processDefinitionKey: z.string(),
  processVersion: z.number().int(),
  warnings: z.array(problemSchema),
});
export type PublishResult = z.infer<typeof publishResultSchema>;

/** A published version in the history list. */
export const versionSummarySchema = z.strictObject({
  version: z.number().int(),
  comment: z.string().nullable(),
  publishedAt: instantSchema,
  publishedBy: z.number().int().nullable(),
  publishedByName: z.string().nullable(),
  processDefinitionKey: z.string(),
  processVersion: z.number().int(),
  deploymentKey: z.string(),
});
export type VersionSummary = z.input<typeof versionSummarySchema>;
export type VersionSummaryRecord = z.output<typeof versionSummarySchema>;

/** A published version with its XML, forms and card. */
export const versionDetailSchema = z.strictObject({
  code: z.string(),
  version: z.number().int(),
  comment: z.string().nullable(),
  publishedAt: instantSchema,
  publishedBy: z.number().int().nullable(),
  processDefinitionKey: z.string(),
  processVersion: z.number().int(),
  xml: z.string(),
  forms: z.array(formSchema),
  card: serviceCardSchema,
});
export type VersionDetail = z.input<typeof versionDetailSchema>;
export type VersionDetailRecord = z.output<typeof versionDetailSchema>;

/** The downloadable service file. */
export const serviceBundleSchema = z.strictObject({
  format: z.literal('okno-service'),
  formatVersion: z.literal(1),
  code: z.string(),
  title: z.string().optional(),
  version: z.number().int().nullable().optional(),
  exportedAt: z.string().optional(),
  xml: z.string(),
  forms: z.array(formSchema),
});
export type ServiceBundle = z.infer<typeof serviceBundleSchema>;

/** A package member to run for this case. */
const checklistMemberSchema = z.strictObject({
  service: z.string(),
  title: z.string(),
  processId: z.string(),
  version: z.number().int().nullable(),
  published: z.boolean(),
  variant: z.string().nullable(),
  deadline: deadlineSchema.nullable(),
});
/** Answers → active situations, the document checklist, the variant, the members to run and the variables to start the process with. */
export const checklistSchema = z.strictObject({
  situations: z.array(z.string()),
  documents: z.array(referenceDocumentSchema),
  variant: z.strictObject({ code: z.string(), title: z.string() }).nullable(),
  matchingVariants: z.array(z.string()),
  deadline: deadlineSchema.nullable(),
  members: z.array(checklistMemberSchema),
  asked: z.array(z.string()),
  problems: z.array(
    z.strictObject({
      questionId: z.string(),
      code: z.enum(['answer_missing', 'answer_unknown_option', 'answer_not_single']),
      optionId: z.string().optional(),
    }),
  ),
  variables: z.strictObject({
    answers: answersValueSchema,
    situations: z.array(z.string()),
    variant: z.string().nullable(),
    members: z.array(z.strictObject({ service: z.string(), processId: z.string(), variant: z.string().nullable() })),
  }),
});
export type Checklist = z.infer<typeof checklistSchema>;

/** "Try it": the checklist and the route to highlight. */
export const tryResultSchema = checklistSchema.extend({
  route: z.strictObject({ elements: z.array(z.string()), undetermined: z.array(z.string()) }),
});
export type TryResult = z.infer<typeof tryResultSchema>;

/** A published service in the public catalogue. */
export const catalogueItemSchema = z.strictObject({
  code: z.string(),
  title: z.string(),
  department: z.string(),
  departmentName: z.string().nullable(),
  kind: z.enum(SERVICE_KIND_NAMES),
  version: z.number().int(),
  deadline: deadlineSchema.nullable(),
  fee: z.number().nullable(),
  results: serviceMetaSchema.shape.results,
  channels: serviceMetaSchema.shape.channels,
  publishedAt: instantSchema,
});
export type CatalogueItem = z.input<typeof catalogueItemSchema>;
export type CatalogueItemRecord = z.output<typeof catalogueItemSchema>;

/** The published card of one service. */
export const catalogueCardSchema = serviceCardSchema.extend({
  code: z.string(),
  version: z.number().int(),
  title: z.string(),
});
export type CatalogueCard = z.infer<typeof catalogueCardSchema>;

export type CreateServiceRequest = z.input<typeof createSchema>;
export type PackageRequest = z.input<typeof packageSchema>;

/** The endpoints of /api/services and /api/catalogue and what each answers on success. */
export const servicesEndpoints = [
  endpoint('GET', '/api/services', servicePageSchema),
  endpoint('POST', '/api/services', serviceDetailSchema),
  endpoint('POST', '/api/services/import', serviceDetailSchema),
  endpoint('POST', '/api/services/packages', serviceDetailSchema),
  endpoint('GET', '/api/services/:code', serviceDetailSchema),
  endpoint('PUT', '/api/services/:code/draft', serviceDetailSchema),
  endpoint('POST', '/api/services/:code/validate', validationReportSchema),
  endpoint('POST', '/api/services/:code/try', tryResultSchema),
  endpoint('POST', '/api/services/:code/publish', publishResultSchema),
  endpoint('GET', '/api/services/:code/versions', itemsSchema(versionSummarySchema)),
  endpoint('GET', '/api/services/:code/versions/:version', versionDetailSchema),
  endpoint('POST', '/api/services/:code/clone', serviceDetailSchema),
  endpoint('GET', '/api/services/:code/export', serviceBundleSchema),
  endpoint('GET', '/api/catalogue/services', itemsSchema(catalogueItemSchema)),
  endpoint('GET', '/api/catalogue/services/:code', catalogueCardSchema),
  endpoint('POST', '/api/catalogue/services/:code/checklist', checklistSchema),
];
