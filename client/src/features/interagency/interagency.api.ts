import { http, type Page, type QueryValue } from '../../api/http';
import type { Items } from '@contract/common';
import type { Agency, InteragencyReplyRequest, InteragencyRequest } from '@contract/interagency';

// Every request and answer type is the API contract's (server/contract/interagency.ts).
export { INTERAGENCY_RESULTS, INTERAGENCY_STATUSES } from '@contract/enums';
export type { InteragencyStatus } from '@contract/enums';
export type { Agency, InteragencyReplyRequest, InteragencyRequest } from '@contract/interagency';

/** Filters, sort and paging of the journal. */
export type JournalQuery = {
  page: number;
  pageSize: number;
  sort?: string;
  q?: string;
  status?: string | null;
  overdue?: boolean | null;
  caseNumber?: string | null;
  agency?: string | null;
};

/** Calls of /api/interagency. */
export const interagencyApi = {
  list: (query: JournalQuery) =>
    http.get<Page<InteragencyRequest>>('/api/interagency/requests', query as Record<string, QueryValue>),
  get: (id: number) => http.get<InteragencyRequest>(`/api/interagency/requests/${id}`),
  reply: (id: number, body: InteragencyReplyRequest) =>
    http.post<InteragencyRequest>(`/api/interagency/requests/${id}/reply`, body),
  agencies: () => http.get<Items<Agency>>('/api/interagency/agencies'),
};
