import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import { codeSentTo } from '../helpers/messages.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

const ALL_NAV = ['portal', 'tasks', 'cases', 'constructor', 'monitoring', 'scorecard', 'admin'] as const;

/** Each demo account, the page it lands on and the sections its navigation shows. */
const ROLE_CASES: { login: string; home: string; nav: (typeof ALL_NAV)[number][] }[] = [
  { login: 'admin@okno.local', home: '/admin/org', nav: ['tasks', 'cases', 'constructor', 'scorecard', 'admin'] },
  { login: 'analyst@okno.local', home: '/constructor', nav: ['constructor'] },
  { login: 'operator@okno.local', home: '/tasks', nav: ['tasks', 'cases', 'scorecard'] },
  { login: 'specialist@okno.local', home: '/tasks', nav: ['tasks', 'scorecard'] },
  // manager + specialist: the first role in the home order (specialist) decides the home; both sections show.
  { login: 'manager@okno.local', home: '/monitoring', nav: ['tasks', 'cases', 'monitoring', 'scorecard'] },
  { login: 'citizen@okno.local', home: '/portal', nav: ['portal'] },
];

describe('signing in through the browser', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await okno?.stop();
  });

  for (const c of ROLE_CASES) {
    it(`${c.login} lands on ${c.home} and sees only their sections`, async () => {
      page = await freshPage(browser);
      try {
        await signInThroughUi(page, okno.url, c.login);
        await page.waitForURL(`${okno.url}${c.home}`);
        const nav = page.locator('[data-test="main-nav"]');
        for (const key of c.nav) await expect(nav.locator(`[data-nav="${key}"]`).isVisible()).resolves.toBe(true);
        for (const key of ALL_NAV.filter((k) => !c.nav.includes(k)))
          await expect(nav.locator(`[data-nav="${key}"]`).count()).resolves.toBe(0);
        await expect(page.locator('[data-test="user-menu"]').innerText()).resolves.not.toBe('');
      } finally {
        await page.close();
      }
    });
  }

  it('a wrong password shows the error message and stays on the login page', async () => {
    page = await freshPage(browser);
    try {
      await page.goto(`${okno.url}/login`);
      await page.locator('input[name="login"]').fill('operator@okno.local');
      await page.locator('input[name="password"]').fill('not-the-password');
      await page.locator('[data-test="login-submit"]').click();
      const error = page.locator('[data-test="login-error"]');
      await error.waitFor();
      await expect(error.innerText()).resolves.toContain('Неверный логин или пароль');
      expect(new URL(page.url()).pathname).toBe('/login');
    } finally {
      await page.close();
    }
  });

  it('an unauthenticated visitor is sent to sign in and comes back to the requested page afterwards', async () => {
    page = await freshPage(browser);
    try {
      await page.goto(`${okno.url}/admin/employees`);
      await page.waitForURL(
        (url) => url.pathname === '/login' && url.searchParams.get('redirect') === '/admin/employees',
      );
      await page.locator('input[name="login"]').fill('admin@okno.local');
      await page.locator('input[name="password"]').fill('okno-demo-2026');
      await page.locator('input[name="password"]').press('Enter');
      await page.waitForURL(`${okno.url}/admin/employees`);
      await page.locator('[data-test="employees-table"]').waitFor();
    } finally {
      await page.close();
    }
  });

  it('a signed-in user without the role sees the 403 page', async () => {
    page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'citizen@okno.local');
      await page.goto(`${okno.url}/admin/org`);
      await page.waitForURL((url) => url.pathname === '/403');
      await expect(page.locator('[data-test="forbidden"]').innerText()).resolves.toContain('Нет доступа');
      await expect(page.locator('[data-test="main-nav"] [data-nav="admin"]').count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });

  it('signing out returns to the login page and the session is gone', async () => {
    page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'analyst@okno.local');
      await page.locator('[data-test="user-menu"]').click();
      await page.locator('#sign-out').click();
      await page.waitForURL(`${okno.url}/login`);
      await page.goto(`${okno.url}/constructor`);
      await page.waitForURL((url) => url.pathname === '/login');
    } finally {
      await page.close();
    }
  });

  it('a citizen registers and lands on the portal', async () => {
    page = await freshPage(browser);
    try {
      await page.goto(`${okno.url}/login`);
      await page.locator('[data-test="to-register"]').click();
      await page.waitForURL(`${okno.url}/register`);
      await page.locator('input[name="fullName"]').fill('Петров Пётр Петрович');
      await page.locator('input[name="email"]').fill('petrov@example.ru');
      await page.locator('input[name="password"]').fill('secret-pass-1');
      await page.locator('input[name="passwordRepeat"]').fill('secret-pass-1');
      await page.locator('[data-test="register-submit"]').click();
      // A code goes to the e-mail; a wrong one is refused on the field, the right one signs the citizen in.
      await page.locator('[data-test="code-sent"]').waitFor();
      await expect(page.locator('[data-test="code-sent"]').innerText()).resolves.toContain('pe***@example.ru');
      for (const [width, height] of [
        [1280, 720],
        [1440, 900],
      ]) {
        await page.setViewportSize({ width, height });
        await page.screenshot({ path: `/tmp/okno-shots/register-code-${width}.png` });
      }
      const code = await codeSentTo(okno.deps.db.knex, 'petrov@example.ru');
      await page.locator('[data-test="confirm-code"] input').fill(code === '000000' ? '111111' : '000000');
      await page.locator('[data-test="confirm-submit"]').click();
      await page.getByText('Код неверный или устарел').waitFor();
      await page.locator('[data-test="confirm-code"] input').fill(code);
      await page.locator('[data-test="confirm-submit"]').click();
      await page.waitForURL(`${okno.url}/portal`);
      await page.locator('[data-test="section-portal"]').waitFor();
      await expect(page.locator('[data-test="user-menu"]').innerText()).resolves.toContain('Петров Пётр Петрович');

      const me = await okno.signIn('petrov@example.ru', 'secret-pass-1');
      const answer = await me.get('/api/auth/me');
      expect(answer.body.user.roles).toEqual(['citizen']);
    } finally {
      await page.close();
    }
  });

  it('switching the language translates the login page and is remembered', async () => {
    page = await freshPage(browser);
    try {
      await page.goto(`${okno.url}/login`);
      await page.locator('[data-test="language-switcher"]').click();
      await page.getByText('English', { exact: true }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
      await page.evaluate(() => localStorage.removeItem('okno.locale'));
    } finally {
      await page.close();
    }
  });
});
