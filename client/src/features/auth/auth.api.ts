import { http } from '../../api/http';
import type { Locale } from '../../shared/i18n';
import type { Role } from '../../shared/roles';
import type { ServerClock } from '../../shared/clock';

/** The signed-in user as the server describes them. */
export interface CurrentUser {
  id: number;
  fullName: string;
  email: string | null;
  phone: string | null;
  roles: Role[];
  locale: string;
  employeeId: number | null;
  unitId: number | null;
}

export interface SessionAnswer {
  user: CurrentUser;
  csrfToken: string;
  /** The server's clock and the users' time zone. */
  clock: ServerClock;
}

export interface RegisterInput {
  fullName: string;
  email?: string;
  phone?: string;
  password: string;
  locale: Locale;
}

/** Calls of /api/auth. */
export const authApi = {
  /** Signs in with e-mail or phone and password. */
  login: (login: string, password: string) =>
    http.post<SessionAnswer>('/api/auth/login', { login, password }, { allowUnauthorized: true }),
  /** Registers a citizen and signs them in. */
  register: (input: RegisterInput) => http.post<SessionAnswer>('/api/auth/register', input, { allowUnauthorized: true }),
  /** Ends the session. */
  logout: () => http.post<void>('/api/auth/logout', undefined, { allowUnauthorized: true }),
  /** Who is signed in (401 when nobody). */
  me: () => http.get<SessionAnswer>('/api/auth/me', undefined, { allowUnauthorized: true }),
  /** Updates the own profile (language, name). */
  updateMe: (patch: { locale?: Locale; fullName?: string }) => http.patch<{ user: CurrentUser }>('/api/auth/me', patch),
  /** Changes the own password. */
  changePassword: (currentPassword: string, newPassword: string) =>
    http.post<void>('/api/auth/password', { currentPassword, newPassword }),
};
