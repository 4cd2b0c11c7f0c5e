/** Request schemas of /api/instructions live in the API contract (server/contract/instructions.ts); re-exported for the feature's code. */
export * from '../../contract/instructions.js';
