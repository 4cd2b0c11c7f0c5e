/**
 * The contract of /api/cases (issue 13): intake at the window, the case view, the list, comments, the
 * statutory clock (suspend, resume, extend), resubmission after corrections and the receipt.
 *
 * Identifier checksums (INN, OGRN/OGRNIP, SNILS, РНОКПП, ЄДРПОУ) are checked by the server after the
 * shape below (a bad one → 400 with `details.fields[].path` like `applicant.inn`).
 */
import { z } from 'zod';
import { booleanParam, endpoint, idParam, instantSchema, isoDate, pageSchema, pagingFields } from './common.js';
import {
  APPLICANT_KINDS,
  CASE_CHANNELS,
  CASE_DOCUMENT_STATES,
  CASE_EVENT_KINDS,
  CASE_STATUSES,
  DEADLINE_UNIT_NAMES,
} from './enums.js';

export {
  APPLICANT_KINDS,
  CASE_CHANNELS,
  CASE_DOCUMENT_STATES,
  CASE_EVENT_KINDS,
  CASE_STATUSES,
  type ApplicantKind,
  type CaseChannel,
  type CaseDocumentState,
  type CaseEventKind,
  type CaseStatus,
} from './enums.js';
export { idParams } from './common.js';

export const caseStatusSchema = z.enum(CASE_STATUSES);
export const caseChannelSchema = z.enum(CASE_CHANNELS);
export const documentStateSchema = z.enum(CASE_DOCUMENT_STATES);
export const applicantKindSchema = z.enum(APPLICANT_KINDS);
export const deadlineUnitSchema = z.enum(DEADLINE_UNIT_NAMES);

// ---------- requests ----------
const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);
/** Digits only (spaces and dashes, as people type SNILS `112-233-445 95`, are dropped). */
const identifier = (max: number) =>
  z
    .string()
    .trim()
    .max(max + 6)
    .optional()
    .transform((v) => (v ? v.replace(/[\s-]/g, '') : undefined))
    .refine((v) => v === undefined || /^\d+$/.test(v), { message: 'Digits only' });

/** The applicant. Which identifiers are required depends on the kind (checked by the server, with checksums). */
export const applicantSchema = z.object({
  kind: applicantKindSchema,
  name: text(500).min(1, 'Enter the applicant’s name'),
  /** RU ИНН (10 digits for a legal entity, 12 for a person) or UA РНОКПП (10 digits). */
  inn: identifier(12),
  /** RU ОГРН (13) / ОГРНИП (15), or UA ЄДРПОУ (8). */
  ogrn: identifier(15),
  /** RU СНИЛС (11 digits). */
  snils: identifier(11),
  phone: optionalText(40),
  email: z
    .string()
    .trim()
    .max(254)
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.email().optional()),
  /** A representative acting for the applicant (situation EPredstav): their name and the power of attorney. */
  representative: z
    .object({
      name: text(500).min(1, 'Enter the representative’s name'),
      document: text(500).min(1, 'Name the document that gives the authority'),
    })
    .optional(),
});
export type ApplicantRequest = z.input<typeof applicantSchema>;
export type ApplicantInput = z.output<typeof applicantSchema>;

const answersValue = z.record(
  z.string().max(200),
  z.union([z.string().max(200), z.array(z.string().max(200)).max(50)]),
);

/** A document received at the window: its checklist code, the form handed in and optionally the number of sheets. */
export const receivedDocumentSchema = z.object({
  code: z.string().trim().min(1).max(100),
  form: z.enum(['original', 'copy', 'uploaded']),
  sheets: z.number().int().min(1).max(10_000).optional(),
});
export type ReceivedDocument = z.output<typeof receivedDocumentSchema>;

export const createCaseSchema = z.object({
  /** The service (or package) code; its latest published version is used. */
  service: z.string().trim().min(1).max(64),
  answers: answersValue.default({}),
  applicant: applicantSchema,
  documents: z.array(receivedDocumentSchema).max(200).default([]),
  channel: caseChannelSchema.default('window'),
  /** The registering office; default: the operator's office. */
  officeId: idParam.optional(),
});
export type CreateCaseRequest = z.input<typeof createCaseSchema>;
export type CreateCaseInput = z.output<typeof createCaseSchema>;

export const CASE_SORT_FIELDS = ['registeredAt', 'number', 'due', 'status', 'applicantName'] as const;
const sortValues = CASE_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);
export const caseListQuerySchema = z.object({
  ...pagingFields,
  sort: z
    .string()
    .refine((v) => sortValues.includes(v), {
      message: `Sort by one of: ${CASE_SORT_FIELDS.join(', ')} (prefix with - for descending)`,
    })
    .default('-registeredAt'),
  /** Part of the case number. */
  number: optionalText(20),
  /** Part of the applicant's name, or an identifier (INN, OGRN, SNILS). */
  applicant: optionalText(200),
  service: optionalText(64),
  status: caseStatusSchema.optional(),
  registeredFrom: isoDate.optional(),
  registeredTo: isoDate.optional(),
  overdue: booleanParam.optional(),
});
export type CaseListQuery = z.output<typeof caseListQuerySchema>;

export const commentSchema = z.object({ text: text(4000).min(1, 'Write a comment') });
export const suspendSchema = z.object({ reason: text(2000).min(1, 'Give the reason') });
export const extendSchema = z.object({
  days: z.number().int().min(1).max(365),
  unit: deadlineUnitSchema.default('workingDays'),
  reason: text(2000).min(1, 'Give the reason'),
});
export type ExtendRequest = z.input<typeof extendSchema>;

/** What the applicant brings back after a return for corrections: only the fields and documents asked for may change. */
export const resubmitSchema = z.object({
  answers: answersValue.optional(),
  documents: z.array(receivedDocumentSchema).max(200).optional(),
  applicant: applicantSchema.partial().optional(),
});
export type ResubmitRequest = z.input<typeof resubmitSchema>;
export type ResubmitInput = z.output<typeof resubmitSchema>;

// ---------- responses ----------
export const applicantViewSchema = z.strictObject({
  kind: applicantKindSchema,
  name: z.string(),
  inn: z.string().nullable(),
  ogrn: z.string().nullable(),
  snils: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  representative: z.strictObject({ name: z.string(), document: z.string() }).nullable(),
});
export type Applicant = z.infer<typeof applicantViewSchema>;

/** One document of the case's checklist. */
export const checklistItemSchema = z.strictObject({
  code: z.string(),
  title: z.string(),
  kind: z.string(),
  /** What the regulation asks for. */
  form: z.enum(['original', 'copy', 'originalAndCopy']),
  supplier: z.enum(['applicant', 'interagency']),
  /** Required by the active situations (documents handed in beyond the checklist are listed with false). */
  required: z.boolean(),
  state: documentStateSchema,
  sheets: z.number().int().nullable(),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

/** The statutory deadline: the due date (last day of the term) and the term it came from, with the clock's state. */
export const caseDeadlineSchema = z.strictObject({
  due: isoDate,
  unit: deadlineUnitSchema,
  days: z.number().int(),
  /** Working days (or calendar days, per unit) from today to the due date; negative when overdue; null once closed. */
  daysLeft: z.number().int().nullable(),
  overdue: z.boolean(),
  suspended: z.boolean(),
  suspendedSince: instantSchema.nullable(),
  /** Working minutes the clock stood still in total (closed suspensions). */
  suspendedMinutes: z.number().int(),
});
export type CaseDeadline = z.input<typeof caseDeadlineSchema>;

const personSchema = z.strictObject({ id: z.number().int(), name: z.string() });

export const caseEventSchema = z.strictObject({
  id: z.number().int(),
  kind: z.enum(CASE_EVENT_KINDS),
  at: instantSchema,
  actor: personSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type CaseEvent = z.input<typeof caseEventSchema>;

export const caseCommentSchema = z.strictObject({
  id: z.number().int(),
  author: personSchema.nullable(),
  text: z.string(),
  createdAt: instantSchema,
});
export type CaseComment = z.input<typeof caseCommentSchema>;
export type CaseCommentRecord = z.output<typeof caseCommentSchema>;

/** A case in a list (and a package's member in the case view). */
export const caseSummarySchema = z.strictObject({
  id: z.number().int(),
  number: z.string(),
  parentId: z.number().int().nullable(),
  serviceCode: z.string(),
  serviceVersion: z.number().int(),
  serviceTitle: z.string(),
  status: caseStatusSchema,
  channel: caseChannelSchema,
  applicantName: z.string(),
  applicantKind: applicantKindSchema,
  departmentUnitId: z.number().int().nullable(),
  officeId: z.number().int().nullable(),
  registeredAt: instantSchema,
  due: isoDate.nullable(),
  overdue: z.boolean(),
});
export type CaseSummary = z.input<typeof caseSummarySchema>;
export type CaseSummaryRecord = z.output<typeof caseSummarySchema>;

/** What a step asked to correct (while the case waits for corrections). */
export const correctionsSchema = z.strictObject({
  taskId: z.number().int().nullable(),
  reason: z.string(),
  fields: z.array(z.string()),
  documents: z.array(z.string()),
  requestedAt: instantSchema,
});

/** The case view (also the answer of registration, 201). */
export const caseDetailSchema = caseSummarySchema.extend({
  applicant: applicantViewSchema,
  answers: answersValue,
  situations: z.array(z.string()),
  variant: z.string().nullable(),
  checklist: z.array(checklistItemSchema),
  deadline: caseDeadlineSchema.nullable(),
  processInstanceKey: z.string().nullable(),
  registeredBy: personSchema.nullable(),
  closedAt: instantSchema.nullable(),
  result: z.string().nullable(),
  corrections: correctionsSchema.nullable(),
  members: z.array(caseSummarySchema),
  timeline: z.array(caseEventSchema),
  comments: z.array(caseCommentSchema),
  /** The office's name and address (where to collect the result). */
  office: z.strictObject({ id: z.number().int(), name: z.string(), address: z.string().nullable() }).nullable(),
});
export type CaseDetail = z.input<typeof caseDetailSchema>;
export type CaseDetailRecord = z.output<typeof caseDetailSchema>;

export const casePageSchema = pageSchema(caseSummarySchema);
export type CasePage = z.input<typeof casePageSchema>;
export type CasePageRecord = z.output<typeof casePageSchema>;

/** The deployed BPMN of the case's service version with the steps marked (bpmn-js viewer). */
export const caseDiagramSchema = z.strictObject({
  processId: z.string(),
  version: z.number().int(),
  xml: z.string(),
  done: z.array(z.string()),
  current: z.array(z.string()),
  late: z.array(z.string()),
});
export type CaseDiagram = z.infer<typeof caseDiagramSchema>;

/** The receipt (расписка) for the print view. */
export const receiptSchema = z.strictObject({
  number: z.string(),
  registeredAt: instantSchema,
  /** The registration date in the office's time zone. */
  date: isoDate,
  service: z.strictObject({ code: z.string(), title: z.string() }),
  applicant: z.strictObject({
    kind: applicantKindSchema,
    name: z.string(),
    representative: z.strictObject({ name: z.string(), document: z.string() }).nullable(),
  }),
  /** Documents accepted from the applicant. */
  documents: z.array(
    z.strictObject({
      code: z.string(),
      title: z.string(),
      form: z.enum(['original', 'copy', 'uploaded']),
      sheets: z.number().int().nullable(),
    }),
  ),
  /** Documents Okno requests from other agencies itself. */
  requested: z.array(z.strictObject({ code: z.string(), title: z.string() })),
  /** Required documents not handed in. */
  missing: z.array(z.strictObject({ code: z.string(), title: z.string() })),
  deadline: z.strictObject({ due: isoDate, unit: deadlineUnitSchema, days: z.number().int() }).nullable(),
  office: z.strictObject({ name: z.string(), address: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  operator: z.string().nullable(),
});
export type Receipt = z.input<typeof receiptSchema>;
export type ReceiptRecord = z.output<typeof receiptSchema>;

export const commentAnswerSchema = caseCommentSchema;

/** The endpoints of /api/cases and what each answers on success. */
export const casesEndpoints = [
  endpoint('POST', '/api/cases', caseDetailSchema),
  endpoint('GET', '/api/cases', casePageSchema),
  endpoint('GET', '/api/cases/:id', caseDetailSchema),
  endpoint('GET', '/api/cases/:id/diagram', caseDiagramSchema),
  endpoint('POST', '/api/cases/:id/comments', commentAnswerSchema),
  endpoint('POST', '/api/cases/:id/suspend', caseDetailSchema),
  endpoint('POST', '/api/cases/:id/resume', caseDetailSchema),
  endpoint('POST', '/api/cases/:id/extend', caseDetailSchema),
  endpoint('POST', '/api/cases/:id/resubmit', caseDetailSchema),
  endpoint('GET', '/api/cases/:id/receipt', receiptSchema),
  endpoint('GET', '/api/cases/:id/receipt.pdf', null),
];
