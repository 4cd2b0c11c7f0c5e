import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { setCsrfToken } from '../../api/http';
import { useLocaleStore } from '../../shared/locale.store';
import type { Locale } from '../../shared/i18n';
import { hasAnyRole, homePathFor, sectionsFor, type Role } from '../../shared/roles';
import { syncClock } from '../../shared/clock';
import { authApi, type CurrentUser, type RegisterInput, type RegistrationAnswer, type SessionAnswer } from './auth.api';

/** The session: who is signed in, their roles, home page and sections. */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<CurrentUser | null>(null);
  /** Whether the session probe (/me) has answered once. */
  const ready = ref(false);
  let probe: Promise<void> | null = null;

  const isSignedIn = computed(() => user.value !== null);
  const roles = computed<Role[]>(() => user.value?.roles ?? []);
  const homePath = computed(() => homePathFor(roles.value));
  const sections = computed(() => sectionsFor(roles.value));

  function adopt(answer: SessionAnswer) {
    user.value = answer.user;
    setCsrfToken(answer.csrfToken);
    syncClock(answer.clock);
    const toSave = useLocaleStore().reconcile(answer.user.locale);
    if (toSave) void saveLocale(toSave);
  }

  /** Asks the server once whether a session exists (later calls reuse the answer). */
  function ensureLoaded(): Promise<void> {
    if (ready.value) return Promise.resolve();
    probe ??= authApi
      .me()
      .then(adopt)
      // No session, or the server cannot tell: continue as a visitor (the login page shows server errors).
      .catch(() => {
        user.value = null;
      })
      .finally(() => {
        ready.value = true;
        probe = null;
      });
    return probe;
  }

  /** Signs in; throws `ApiError` (401 invalid_credentials, 429, 400 with fields). */
  async function login(login: string, password: string): Promise<void> {
    adopt(await authApi.login(login, password));
    ready.value = true;
  }

  /** Registers a citizen; they are signed in once they confirm the code sent to them. */
  async function register(input: RegisterInput): Promise<RegistrationAnswer> {
    return authApi.register(input);
  }

  /** Confirms a registration with the code and signs the citizen in. */
  async function confirmRegistration(login: string, code: string): Promise<void> {
    adopt(await authApi.confirmRegistration({ login, code }));
    ready.value = true;
  }

  /** Signs out on the server (best effort) and forgets the session here. */
  async function logout(): Promise<void> {
    try {
      await authApi.logout();
    } finally {
      forget();
    }
  }

  /** Forgets the session locally (e.g. the server answered 401). */
  function forget() {
    user.value = null;
    setCsrfToken(null);
  }

  /** Stores the language on the profile when signed in. */
  async function saveLocale(locale: Locale): Promise<void> {
    if (!user.value) return;
    const answer = await authApi.updateMe({ locale }).catch(() => null);
    if (answer && user.value) user.value = { ...user.value, locale: answer.user.locale };
  }

  /** Whether the user holds one of the roles (no roles given: any signed-in user). */
  function can(required?: readonly Role[]): boolean {
    return isSignedIn.value && hasAnyRole(roles.value, required);
  }

  return {
    user,
    ready,
    isSignedIn,
    roles,
    homePath,
    sections,
    ensureLoaded,
    login,
    register,
    confirmRegistration,
    logout,
    forget,
    saveLocale,
    can,
  };
});
