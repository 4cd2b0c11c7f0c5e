import type { Table, Timestamps, TimestampWrite } from '../../platform/tables.js';

export type InteragencyStoredStatus = 'pending' | 'sent' | 'answered';
export type InteragencyResult = 'found' | 'notFound';

/** `interagency_requests`: the inter-agency journal, one row per job of `send-interagency-request` and document. */
export interface InteragencyRequestRow extends Timestamps {
  id: number;
  jobKey: string;
  processInstanceKey: string;
  caseId: number;
  caseNumber: string | null;
  officeId: number | null;
  serviceCode: string;
  serviceTitle: string | null;
  documentCode: string;
  documentKind: string;
  documentTitle: string;
  agencyCode: string;
  agencyName: string;
  status: InteragencyStoredStatus;
  adapter: string;
  externalId: string | null;
  sentAt: Date | null;
  dueAt: Date;
  result: InteragencyResult | null;
  replyText: string | null;
  documentNumber: string | null;
  answeredBy: number | null;
  answeredAt: Date | null;
  replyPublishedAt: Date | null;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    interagency_requests: Table<
      InteragencyRequestRow,
      'id' | 'status' | 'createdAt' | 'updatedAt',
      {
        sentAt?: TimestampWrite | null;
        dueAt: TimestampWrite;
        answeredAt?: TimestampWrite | null;
        replyPublishedAt?: TimestampWrite | null;
      }
    >;
  }
}
