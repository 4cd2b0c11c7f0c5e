import { http } from '../../api/http';
import type { ProfileAnswer, RegisterRequest, SessionAnswer, SessionUser, UpdateMeRequest } from '@contract/auth';

// The answers are the API contract's (server/contract/auth.ts).
export type { SessionAnswer } from '@contract/auth';
/** The signed-in user as the server describes them. */
export type CurrentUser = SessionUser;
export type RegisterInput = RegisterRequest;

/** Calls of /api/auth. */
export const authApi = {
  /** Signs in with e-mail or phone and password. */
  login: (login: string, password: string) =>
    http.post<SessionAnswer>('/api/auth/login', { login, password }, { allowUnauthorized: true }),
  /** Registers a citizen and signs them in. */
  register: (input: RegisterInput) =>
    http.post<SessionAnswer>('/api/auth/register', input, { allowUnauthorized: true }),
  /** Ends the session. */
  logout: () => http.post<void>('/api/auth/logout', undefined, { allowUnauthorized: true }),
  /** Who is signed in (401 when nobody). */
  me: () => http.get<SessionAnswer>('/api/auth/me', undefined, { allowUnauthorized: true }),
  /** Updates the own profile (language, name). */
  updateMe: (patch: UpdateMeRequest) => http.patch<ProfileAnswer>('/api/auth/me', patch),
  /** Changes the own password. */
  changePassword: (currentPassword: string, newPassword: string) =>
    http.post<void>('/api/auth/password', { currentPassword, newPassword }),
};
