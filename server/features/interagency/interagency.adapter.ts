import type { InteragencyRequestRow } from './interagency.tables.js';

/** What an adapter is told to send: one journal row (one document from one agency for one case). */
export type OutgoingRequest = Pick<
  InteragencyRequestRow,
  | 'id'
  | 'caseId'
  | 'caseNumber'
  | 'serviceCode'
  | 'serviceTitle'
  | 'documentCode'
  | 'documentKind'
  | 'documentTitle'
  | 'agencyCode'
  | 'agencyName'
  | 'dueAt'
>;

/** What the adapter reports back. */
export interface SentReceipt {
  /** The id the other system gave the request (SMEV message id), if any. */
  externalId?: string | null;
}

/**
 * How requests leave Okno. The journal row is written first; then `send` is called once for each row
 * not yet sent (again after a failure, so `send` must tolerate being called twice for one row id).
 * Replies come back through `InteragencyService.reply` (the built-in adapter: entered by staff in Okno;
 * an SMEV adapter would call it from its own receiver).
 */
export interface InteragencyAdapter {
  /** A short name stored with each request (`builtin`, `smev3`, ...). */
  readonly name: string;
  send(request: OutgoingRequest): Promise<SentReceipt>;
}

/**
 * The built-in adapter: nothing leaves Okno; the request is marked sent and staff of the answering agency
 * enter the reply on the "Inter-agency requests" screen. A real SMEV 3 adapter is out of scope.
 */
export class BuiltInInteragencyAdapter implements InteragencyAdapter {
  readonly name = 'builtin';
  send(): Promise<SentReceipt> {
    return Promise.resolve({ externalId: null });
  }
}
