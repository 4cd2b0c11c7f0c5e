// The auth feature's public surface for other features: login field rules, password hashing, the login uniqueness check.
export { emailSchema, passwordSchema, phoneSchema } from './auth.schemas.js';
export { AuthService } from './auth.service.js';
export { hashPassword } from './password.js';
export { normaliseLogin, normalisePhone } from './login.js';
