// The interagency feature's public surface: the journal service, the adapter port and the row type of its table.
export {
  InteragencyService,
  REPLY_MESSAGE,
  type InteragencyJob,
  type ServiceCardLookup,
} from './interagency.service.js';
export {
  BuiltInInteragencyAdapter,
  type InteragencyAdapter,
  type OutgoingRequest,
  type SentReceipt,
} from './interagency.adapter.js';
export type { InteragencyRequestRow } from './interagency.tables.js';
