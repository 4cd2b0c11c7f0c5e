// Okno's BPMN extension: the moddle descriptor (okno.json) and the plain shapes read from it.
// Plain data and JSON only, so the client (bpmn-js moddleExtensions) can import it as is.
import descriptor from './okno.json' with { type: 'json' };

/** The moddle descriptor: pass as `{ okno: oknoDescriptor }` to bpmn-moddle or bpmn-js `moddleExtensions`. */
export const oknoDescriptor = descriptor;

export const OKNO_NS = 'http://okno.city/schema/bpmn/1.0';
export const OKNO_PREFIX = 'okno';

export const DEADLINE_UNITS = ['workingDays', 'calendarDays'] as const;
export type DeadlineUnit = (typeof DEADLINE_UNITS)[number];
export const DOCUMENT_FORMS = ['original', 'copy', 'originalAndCopy'] as const;
export type DocumentForm = (typeof DOCUMENT_FORMS)[number];
export const DOCUMENT_SUPPLIERS = ['applicant', 'interagency'] as const;
export type DocumentSupplier = (typeof DOCUMENT_SUPPLIERS)[number];
export const QUESTION_MODES = ['single', 'multiple'] as const;
export type QuestionMode = (typeof QUESTION_MODES)[number];
export const SERVICE_KINDS = ['service', 'package'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export const CHANNEL_KINDS = ['mfc', 'portal', 'department', 'post'] as const;

/** The word that marks a document or member as required in every case. */
export const ALWAYS = 'always';

export interface Deadline {
  value: number;
  unit: DeadlineUnit;
}

/** okno:service — the service card. */
export interface ServiceMeta {
  code: string;
  title: string;
  department: string;
  kind: ServiceKind;
  fee: number | null;
  deadline: Deadline | null;
  results: { code: string; title: string; positive: boolean }[];
  channels: { kind: string; title: string }[];
}

export interface Situation {
  code: string;
  title: string;
}

export interface QuestionOption {
  id: string;
  text: string;
  /** Situation codes this option switches on. */
  situations: string[];
  /** Ids of follow-up questions (declared with followUp) asked when this option is picked. */
  next: string[];
  /** Follow-up questions nested under this option. */
  questions: Question[];
}

export interface Question {
  id: string;
  text: string;
  mode: QuestionMode;
  /** A follow-up question is asked only when an option names it in `next`. */
  followUp: boolean;
  options: QuestionOption[];
}

export interface ReferenceDocument {
  code: string;
  kind: string;
  title: string;
  form: DocumentForm;
  supplier: DocumentSupplier;
  /** 'always', or situation codes of which any one makes it required. */
  requiredFor: string[] | typeof ALWAYS;
  note: string | null;
}

/**
 * A route of the service: selected when all `requires` codes are active, at least one of
 * `requiresAny` is (if any are listed) and no `excludes` code is.
 */
export interface Variant {
  code: string;
  title: string;
  requires: string[];
  requiresAny: string[];
  excludes: string[];
  deadline: Deadline | null;
}

export interface PackageMember {
  service: string;
  title: string;
  requiredFor: string[] | typeof ALWAYS;
}

/** Answers to a questionnaire: question id → option id (single) or option ids (multiple). */
export type Answers = Record<string, string | string[]>;
