// The users feature's public surface for other features: the user model and the row type of its table.
export { User } from './user.model.js';
export type { UserRow } from './users.tables.js';
