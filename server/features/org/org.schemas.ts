/** Request schemas of /api/org live in the API contract (server/contract/org.ts); re-exported for the feature's code. */
export * from '../../contract/org.js';
