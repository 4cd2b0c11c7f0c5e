import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import App from '../../../../client/src/App.vue';
import { createOknoRouter } from '../../../../client/src/router';
import { i18n } from '../../../../client/src/shared/i18n';
import { setCsrfToken } from '../../../../client/src/api/http';
import { mockFetch, userWith, type RecordedCall } from '../../helpers';

async function mountAt(path: string, answer: (c: RecordedCall) => { status: number; body?: unknown }) {
  const calls = mockFetch(answer);
  const pinia: Pinia = createPinia();
  setActivePinia(pinia);
  const router: Router = createOknoRouter(pinia, createMemoryHistory());
  await router.push(path);
  await router.isReady();
  const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router, calls };
}

const noSession = { status: 401, body: { error: { code: 'unauthorized', message: 'Sign in first' } } };

describe('LoginView', () => {
  beforeEach(() => {
    setCsrfToken(null);
    localStorage.clear();
    i18n.global.locale.value = 'ru';
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows a clear message on a wrong password and stays on the page', async () => {
    const { wrapper, router } = await mountAt('/login', (c) =>
      c.url === '/api/auth/login'
        ? { status: 401, body: { error: { code: 'invalid_credentials', message: 'Wrong login or password' } } }
        : noSession,
    );
    await wrapper.find('input[name="login"]').setValue('operator@okno.local');
    await wrapper.find('input[name="password"]').setValue('nope');
    await wrapper.find('input[name="password"]').trigger('keydown', { key: 'Enter' });
    await flushPromises();
    await vi.waitFor(() => expect(wrapper.find('[data-test="login-error"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="login-error"]').text()).toContain('Неверный логин или пароль');
    expect(router.currentRoute.value.path).toBe('/login');
    expect((wrapper.find('input[name="password"]').element as HTMLInputElement).value).toBe('');
  });

  it('tells the user to wait after too many attempts', async () => {
    const { wrapper } = await mountAt('/login', (c) =>
      c.url === '/api/auth/login'
        ? { status: 429, body: { error: { code: 'too_many_attempts', message: 'Too many' } } }
        : noSession,
    );
    await wrapper.find('input[name="login"]').setValue('x@okno.local');
    await wrapper.find('input[name="password"]').setValue('pw');
    await wrapper.find('form').trigger('submit');
    await vi.waitFor(() => expect(wrapper.find('[data-test="login-error"]').text()).toContain('Слишком много попыток'));
  });

  it('does not call the server when fields are empty', async () => {
    const { wrapper, calls } = await mountAt('/login', () => noSession);
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.url === '/api/auth/login')).toHaveLength(0);
  });

  it('signs in and goes back to the requested page', async () => {
    const { wrapper, router } = await mountAt('/admin/users', (c) =>
      c.url === '/api/auth/login'
        ? { status: 200, body: { user: userWith(['admin']), csrfToken: 't' } }
        : c.url.startsWith('/api/auth/me')
          ? noSession
          : { status: 200, body: { items: [], total: 0, page: 1, pageSize: 20 } },
    );
    expect(router.currentRoute.value.fullPath).toBe('/login?redirect=/admin/users');
    await wrapper.find('input[name="login"]').setValue('admin@okno.local');
    await wrapper.find('input[name="password"]').setValue('okno-demo-2026');
    await wrapper.find('input[name="password"]').trigger('keydown', { key: 'Enter' });
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/admin/users'), { timeout: 10_000 });
    await vi.waitFor(() => expect(wrapper.find('[data-test="users-table"]').exists()).toBe(true), { timeout: 5_000 });
  }, 20_000);
});

describe('route guards', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends a signed-in user without the role to the 403 page and "/" to their home', async () => {
    mockFetch(() => ({ status: 200, body: { user: userWith(['citizen']), csrfToken: 't' } }));
    const pinia = createPinia();
    const router = createOknoRouter(pinia, createMemoryHistory());
    await router.push('/admin/org');
    expect(router.currentRoute.value.name).toBe('forbidden');
    await router.push('/');
    expect(router.currentRoute.value.path).toBe('/portal');
    await router.push('/login');
    expect(router.currentRoute.value.path).toBe('/portal');
  });
});
