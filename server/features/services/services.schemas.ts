/** Request schemas of /api/services and /api/catalogue live in the API contract (server/contract/services.ts); re-exported for the feature's code. */
export * from '../../contract/services.js';
