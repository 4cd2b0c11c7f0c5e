import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { getCsrfToken, setCsrfToken } from '../../../../client/src/api/http';
import { useAuthStore } from '../../../../client/src/features/auth/auth.store';
import { homePathFor, sectionsFor, type Role } from '../../../../client/src/shared/roles';
import { i18n } from '../../../../client/src/shared/i18n';
import { mockFetch, userWith } from '../../helpers';

describe('home page and sections per role', () => {
  it.each<[Role[], string]>([
    [['admin'], '/admin'],
    [['analyst'], '/constructor'],
    [['operator'], '/tasks'],
    [['specialist'], '/tasks'],
    [['manager'], '/monitoring'],
    [['citizen'], '/portal'],
    [['manager', 'specialist'], '/monitoring'],
    [['citizen', 'analyst'], '/constructor'],
    [[], '/403'],
  ])('%j → %s', (roles, home) => {
    expect(homePathFor(roles)).toBe(home);
  });

  it('shows every section any of the roles opens', () => {
    expect(sectionsFor(['manager', 'specialist'])).toEqual([
      'tasks',
      'cases',
      'interagency',
      'instructions',
      'monitoring',
      'scorecard',
    ]);
    expect(sectionsFor(['admin'])).toEqual([
      'tasks',
      'cases',
      'interagency',
      'instructions',
      'constructor',
      'scorecard',
      'admin',
    ]);
    expect(sectionsFor(['operator'])).toEqual(['tasks', 'cases', 'interagency', 'instructions', 'scorecard']);
    expect(sectionsFor(['specialist'])).toEqual(['tasks', 'interagency', 'instructions', 'scorecard']);
    expect(sectionsFor(['citizen'])).toEqual(['portal']);
  });
});

describe('auth store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setCsrfToken(null);
    localStorage.clear();
    i18n.global.locale.value = 'ru';
  });
  afterEach(() => vi.unstubAllGlobals());

  it('signs in, remembers the CSRF token and knows the home page', async () => {
    const calls = mockFetch(() => ({
      status: 200,
      body: { user: userWith(['manager', 'specialist']), csrfToken: 'csrf-1' },
    }));
    const auth = useAuthStore();
    await auth.login('manager@okno.local', 'pw');

    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/auth/login',
      body: { login: 'manager@okno.local', password: 'pw' },
    });
    expect(auth.isSignedIn).toBe(true);
    expect(getCsrfToken()).toBe('csrf-1');
    expect(auth.homePath).toBe('/monitoring');
    expect(auth.sections).toEqual(['tasks', 'cases', 'interagency', 'instructions', 'monitoring', 'scorecard']);
    expect(auth.can(['manager'])).toBe(true);
    expect(auth.can(['admin'])).toBe(false);
  });

  it('asks /me once and treats 401 as "not signed in"', async () => {
    const calls = mockFetch(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'no' } } }));
    const auth = useAuthStore();
    await Promise.all([auth.ensureLoaded(), auth.ensureLoaded()]);
    await auth.ensureLoaded();
    expect(calls).toHaveLength(1);
    expect(auth.ready).toBe(true);
    expect(auth.isSignedIn).toBe(false);
  });

  it('adopts the profile language unless one was chosen in this browser, then saves the choice to the profile', async () => {
    let calls = mockFetch(() => ({
      status: 200,
      body: { user: userWith(['citizen'], { locale: 'uk' }), csrfToken: 'c' },
    }));
    await useAuthStore().ensureLoaded();
    expect(i18n.global.locale.value).toBe('uk');
    expect(calls).toHaveLength(1);

    setActivePinia(createPinia());
    localStorage.setItem('okno.locale', 'en');
    calls = mockFetch((c) =>
      c.url === '/api/auth/me' && c.method === 'GET'
        ? { status: 200, body: { user: userWith(['citizen'], { locale: 'ru' }), csrfToken: 'c' } }
        : { status: 200, body: { user: userWith(['citizen'], { locale: 'en' }) } },
    );
    await useAuthStore().ensureLoaded();
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(i18n.global.locale.value).toBe('en');
    expect(calls[1]).toMatchObject({ method: 'PATCH', url: '/api/auth/me', body: { locale: 'en' } });
  });

  it('forgets the session on sign-out even if the server fails', async () => {
    mockFetch((c) =>
      c.url.endsWith('/login')
        ? { status: 200, body: { user: userWith(['admin']), csrfToken: 'x' } }
        : { status: 500, body: {} },
    );
    const auth = useAuthStore();
    await auth.login('admin@okno.local', 'pw');
    await auth.logout().catch(() => undefined);
    expect(auth.isSignedIn).toBe(false);
    expect(getCsrfToken()).toBeNull();
  });
});
