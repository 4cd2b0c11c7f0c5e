/** Request schemas of /api/audit live in the API contract (server/contract/audit.ts); re-exported for the feature's code. */
export * from '../../contract/audit.js';
