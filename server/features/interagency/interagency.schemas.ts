/** Request schemas of /api/interagency live in the API contract (server/contract/interagency.ts); re-exported for the feature's code. */
export * from '../../contract/interagency.js';
export { idParams } from '../../contract/common.js';
