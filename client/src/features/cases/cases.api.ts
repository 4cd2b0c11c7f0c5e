import { http, type QueryValue } from '../../api/http';
import type { Items } from '@contract/common';
import type { CatalogueCard, CatalogueItem, Checklist } from '@contract/services';
import type {
  Applicant,
  ApplicantRequest,
  CaseComment,
  CaseDeadline,
  CaseDetail,
  CaseDiagram,
  CaseEvent,
  CasePage,
  CaseSummary,
  ChecklistItem,
  CreateCaseRequest,
  ExtendRequest,
  Receipt,
  ResubmitRequest,
} from '@contract/cases';
import type { Answers, Question, ReferenceDocument } from '@okno-moddle/index';

// Every request and answer type is the API contract's (server/contract/cases.ts, services.ts).
export { APPLICANT_KINDS, CASE_CHANNELS, CASE_DOCUMENT_STATES, CASE_EVENT_KINDS, CASE_STATUSES } from '@contract/enums';
export type { ApplicantKind, CaseDocumentState, CaseEventKind, CaseStatus } from '@contract/enums';
export type {
  Answers,
  Applicant,
  ApplicantRequest,
  CaseComment,
  CaseDeadline,
  CaseDetail,
  CaseDiagram,
  CaseEvent,
  CaseSummary,
  CatalogueCard,
  CatalogueItem,
  Checklist,
  ChecklistItem,
  CreateCaseRequest,
  ExtendRequest,
  Question,
  Receipt,
  ReferenceDocument,
  ResubmitRequest,
};

export interface CaseListParams {
  page: number;
  pageSize: number;
  sort?: string;
  number?: string;
  applicant?: string;
  service?: string;
  status?: string | null;
  overdue?: boolean | null;
}

const enc = encodeURIComponent;

/** Calls of /api/cases and the catalogue the intake reads. */
export const casesApi = {
  list: (query: CaseListParams) => http.get<CasePage>('/api/cases', query as unknown as Record<string, QueryValue>),
  get: (id: number) => http.get<CaseDetail>(`/api/cases/${id}`),
  create: (body: CreateCaseRequest) => http.post<CaseDetail>('/api/cases', body),
  diagram: (id: number) => http.get<CaseDiagram>(`/api/cases/${id}/diagram`),
  comment: (id: number, text: string) => http.post<CaseComment>(`/api/cases/${id}/comments`, { text }),
  suspend: (id: number, reason: string) => http.post<CaseDetail>(`/api/cases/${id}/suspend`, { reason }),
  resume: (id: number) => http.post<CaseDetail>(`/api/cases/${id}/resume`, {}),
  extend: (id: number, body: ExtendRequest) => http.post<CaseDetail>(`/api/cases/${id}/extend`, body),
  resubmit: (id: number, body: ResubmitRequest) => http.post<CaseDetail>(`/api/cases/${id}/resubmit`, body),
  receipt: (id: number) => http.get<Receipt>(`/api/cases/${id}/receipt`),
  receiptPdfUrl: (id: number) => `/api/cases/${id}/receipt.pdf`,
  catalogue: (search?: string) => http.get<Items<CatalogueItem>>('/api/catalogue/services', { search }),
  card: (code: string) => http.get<CatalogueCard>(`/api/catalogue/services/${enc(code)}`),
  checklist: (code: string, answers: Answers) =>
    http.post<Checklist>(`/api/catalogue/services/${enc(code)}/checklist`, { answers }),
};
