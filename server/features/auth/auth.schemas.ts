/** Request schemas of /api/auth live in the API contract (server/contract/auth.ts); re-exported for the feature's code. */
export * from '../../contract/auth.js';
