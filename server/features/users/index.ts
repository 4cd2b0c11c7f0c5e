// The users feature's public surface for other features: the user model.
export { User } from './user.model.js';
