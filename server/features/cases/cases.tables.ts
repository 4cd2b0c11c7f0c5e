import type { JsonWrite, Table, Timestamps, TimestampWrite } from '../../platform/tables.js';
import type {
  ApplicantKind,
  CaseChannel,
  CaseDocumentState,
  CaseEventKind,
  CaseStatus,
  DeadlineUnitName,
} from '../../contract/enums.js';
import type { Answers } from '../../okno-moddle/index.js';

/** The applicant as stored (identifiers as digits, absent ones null). */
export interface StoredApplicant {
  kind: ApplicantKind;
  name: string;
  inn: string | null;
  ogrn: string | null;
  snils: string | null;
  phone: string | null;
  email: string | null;
  representative: { name: string; document: string } | null;
}

/** One document of a case's checklist, with its state. */
export interface StoredChecklistItem {
  code: string;
  title: string;
  kind: string;
  form: 'original' | 'copy' | 'originalAndCopy';
  supplier: 'applicant' | 'interagency';
  required: boolean;
  state: CaseDocumentState;
  sheets: number | null;
}

/** What a step asked to correct. */
export interface StoredCorrections {
  taskId: number | null;
  reason: string;
  fields: string[];
  documents: string[];
  requestedAt: string;
}

/** `case_counters`: the last number given in a year. */
export interface CaseCounterRow {
  year: number;
  last: number;
}

/** `cases`. */
export interface CaseRow extends Timestamps {
  id: number;
  number: string;
  parentId: number | null;
  serviceCode: string;
  serviceVersion: number;
  serviceTitle: string;
  serviceVersionId: number | null;
  departmentUnitId: number | null;
  officeUnitId: number | null;
  channel: CaseChannel;
  applicant: StoredApplicant;
  applicantName: string;
  applicantKind: ApplicantKind;
  answers: Answers;
  situations: string[];
  variant: string | null;
  checklist: StoredChecklistItem[];
  status: CaseStatus;
  processInstanceKey: string | null;
  /** 'YYYY-MM-DD'. */
  dueDate: string | null;
  deadlineUnit: DeadlineUnitName | null;
  deadlineDays: number | null;
  suspendedSince: Date | null;
  suspendedMinutes: number;
  corrections: StoredCorrections | null;
  registeredBy: number | null;
  registeredAt: Date;
  closedAt: Date | null;
  result: string | null;
}

/** `case_events`: the timeline. */
export interface CaseEventRow {
  id: number;
  caseId: number;
  kind: CaseEventKind;
  at: Date;
  actorId: number | null;
  data: Record<string, unknown>;
}

/** `case_comments`: staff comments on a case. */
export interface CaseCommentRow {
  id: number;
  caseId: number;
  authorId: number | null;
  text: string;
  createdAt: Date;
}

/** `case_suspensions`: periods the statutory clock stood still. */
export interface CaseSuspensionRow {
  id: number;
  caseId: number;
  from: Date;
  to: Date | null;
  reason: string;
  workingMinutes: number | null;
  createdBy: number | null;
}

/** `case_extensions`: deadline extensions with their reason. */
export interface CaseExtensionRow {
  id: number;
  caseId: number;
  reason: string;
  days: number;
  unit: DeadlineUnitName;
  /** 'YYYY-MM-DD'. */
  oldDue: string;
  newDue: string;
  createdBy: number | null;
  createdAt: Date;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    case_counters: Table<CaseCounterRow>;
    cases: Table<
      CaseRow,
      'id' | 'createdAt' | 'updatedAt' | 'suspendedMinutes' | 'answers' | 'situations' | 'checklist',
      {
        applicant: JsonWrite<StoredApplicant>;
        answers?: JsonWrite<Answers>;
        situations?: JsonWrite<string[]>;
        checklist?: JsonWrite<StoredChecklistItem[]>;
        corrections?: JsonWrite<StoredCorrections> | null;
        registeredAt: TimestampWrite;
        closedAt?: TimestampWrite | null;
        suspendedSince?: TimestampWrite | null;
        updatedAt?: TimestampWrite;
      }
    >;
    case_events: Table<CaseEventRow, 'id' | 'data', { data?: JsonWrite<Record<string, unknown>>; at: TimestampWrite }>;
    case_comments: Table<CaseCommentRow, 'id', { createdAt: TimestampWrite }>;
    case_suspensions: Table<CaseSuspensionRow, 'id', { from: TimestampWrite; to?: TimestampWrite | null }>;
    case_extensions: Table<CaseExtensionRow, 'id', { createdAt: TimestampWrite }>;
  }
}
