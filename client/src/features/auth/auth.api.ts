import { http } from '../../api/http';
import type {
  ConfirmRegistrationRequest,
  ProfileAnswer,
  RegisterRequest,
  RegistrationAnswer,
  SessionAnswer,
  SessionUser,
  UpdateMeRequest,
} from '@contract/auth';

// The answers are the API contract's (server/contract/auth.ts).
export type { SessionAnswer } from '@contract/auth';
/** The signed-in user as the server describes them. */
export type CurrentUser = SessionUser;
export type RegisterInput = RegisterRequest;
export type { RegistrationAnswer } from '@contract/auth';

/** Calls of /api/auth. */
export const authApi = {
  /** Signs in with e-mail or phone and password. */
  login: (login: string, password: string) =>
    http.post<SessionAnswer>('/api/auth/login', { login, password }, { allowUnauthorized: true }),
  /** Registers a citizen: a code goes to their e-mail or phone. */
  register: (input: RegisterInput) =>
    http.post<RegistrationAnswer>('/api/auth/register', input, { allowUnauthorized: true }),
  /** Confirms the registration with the code and signs the citizen in. */
  confirmRegistration: (input: ConfirmRegistrationRequest) =>
    http.post<SessionAnswer>('/api/auth/register/confirm', input, { allowUnauthorized: true }),
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
