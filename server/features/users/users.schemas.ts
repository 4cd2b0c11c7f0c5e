/** Request schemas of /api/users live in the API contract (server/contract/users.ts); re-exported for the feature's code. */
export * from '../../contract/users.js';
