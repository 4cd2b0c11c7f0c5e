/** Request schemas of /api/scorecard live in the API contract (server/contract/scorecard.ts); re-exported for the feature's code. */
export * from '../../contract/scorecard.js';
