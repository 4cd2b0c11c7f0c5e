import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

/** README's screenshot: refreshed when missing or when OKNO_SCREENSHOT=1, else written to the temp dir so runs leave the repo untouched. */
const README_SCREENSHOT = path.resolve('docs/screenshot.png');
const SCREENSHOT =
  process.env.OKNO_SCREENSHOT === '1' || !existsSync(README_SCREENSHOT)
    ? README_SCREENSHOT
    : path.join(os.tmpdir(), 'okno-admin-org.png');

describe('administration in the browser', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
    page = await freshPage(browser);
    await signInThroughUi(page, okno.url, 'admin@okno.local');
    await page.waitForURL(`${okno.url}/admin/org`);
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await okno?.stop();
  });

  /** The tree node of a unit, by its exact name. */
  const treeNode = (name: string) =>
    page.locator('[data-test="org-tree"] .n-tree-node-content', { hasText: name }).first();

  it('shows the org structure tree and a selected unit’s details (screenshot for the README)', async () => {
    await treeNode('Жилищное управление').waitFor();
    await treeNode('Жилищное управление').click();
    const form = page.locator('[data-test="unit-form"]');
    await expect(form.locator('input[name="code"]').inputValue()).resolves.toBe('dep-housing');
    await expect(form.locator('input[name="name"]').inputValue()).resolves.toBe('Жилищное управление');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await fs.mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('creates an org unit under a department and shows it in the tree', async () => {
    await treeNode('Жилищное управление').click();
    await page.locator('[data-test="unit-add-child"]').click();
    const form = page.locator('[data-test="unit-form"]');
    await expect(form.innerText()).resolves.toContain('Новое подразделение в «ЖУ»');
    await form.locator('input[name="code"]').fill('dep-housing-archive');
    await form.locator('input[name="name"]').fill('Архивный отдел');
    await form.locator('input[name="shortName"]').fill('Архив');
    await page.locator('[data-test="unit-save"]').click();

    await treeNode('Архивный отдел').waitFor();
    await expect(form.locator('input[name="code"]').inputValue()).resolves.toBe('dep-housing-archive');
    const units = await (await okno.signIn('admin@okno.local')).get('/api/org/units');
    const created = units.body.items.find((u: { code: string }) => u.code === 'dep-housing-archive');
    const parent = units.body.items.find((u: { code: string }) => u.code === 'dep-housing');
    expect(created).toMatchObject({ name: 'Архивный отдел', kind: 'division', parentId: parent.id });
  });

  it('refuses to delete a unit that still has employees and says why', async () => {
    await treeNode('Отдел учета').click();
    await page.locator('[data-test="unit-delete"]').click();
    await page.locator('.n-dialog .n-button--warning-type, .n-dialog .n-button--primary-type').last().click();
    const alert = page.locator('[data-test="unit-delete-error"]');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toContain('Нельзя удалить');
    await treeNode('Отдел учета').waitFor();
  });

  it('creates an employee in the new unit and sees them in the employees table', async () => {
    await treeNode('Архивный отдел').click();
    await page.getByRole('button', { name: /Сотрудники подразделения/ }).click();
    await page.waitForURL((url) => url.pathname === '/admin/employees' && url.searchParams.has('unitId'));
    const table = page.locator('[data-test="employees-table"]');
    await table.locator('[data-test="empty-state"]').waitFor();

    await page.locator('[data-test="employee-add"]').click();
    const drawer = page.locator('[data-test="employee-drawer"]');
    await drawer.waitFor();
    await expect(drawer.locator('[data-test="employee-unit"]').innerText()).resolves.toContain('Архив');
    await drawer.locator('input[name="fullName"]').fill('Зайцева Мария Олеговна');
    await drawer.locator('input[name="position"]').fill('Архивариус');
    await drawer.locator('input[name="personnelNumber"]').fill('A-100');
    await drawer.locator('input[name="salary"]').fill('42000');
    await drawer.locator('input[name="email"]').fill('zaitseva@okno.local');
    await page.locator('[data-test="employee-save"]').click();
    await drawer.waitFor({ state: 'hidden' });

    const row = table.locator('tbody tr', { hasText: 'Зайцева Мария Олеговна' });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('Архивариус');

    // The search finds her from the whole list too.
    await page.goto(`${okno.url}/admin/employees`);
    await page.locator('[data-test="employee-search"] input').fill('Зайцева');
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    await expect(table.locator('tbody tr').innerText()).resolves.toContain('A-100');
  });

  it('a field error from the server shows next to the field', async () => {
    await page.goto(`${okno.url}/admin/org`);
    await page.locator('[data-test="unit-add-root"]').click();
    const form = page.locator('[data-test="unit-form"]');
    await form.locator('input[name="code"]').fill('dep-housing');
    await form.locator('input[name="name"]').fill('Дубликат');
    await page.locator('[data-test="unit-save"]').click();
    await form.locator('.n-form-item-feedback--error').first().waitFor();
    await expect(form.locator('.n-form-item-feedback--error').first().innerText()).resolves.not.toBe('');
  });

  it('imports units from CSV: a dry run lists row errors first, a clean file is checked and then imported', async () => {
    await page.goto(`${okno.url}/admin/org`);
    const dialog = page.locator('[data-test="import-dialog"]');
    const open = async () => {
      await page.getByRole('button', { name: 'Импорт' }).click();
      await dialog.waitFor();
    };
    const attach = (csv: string) =>
      dialog
        .locator('input[type="file"]')
        .setInputFiles({ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf-8') });

    await open();
    await dialog.getByText('Код родителя').waitFor();
    await attach('Код;Наименование;Тип;Код родителя\nmfc-north;МФЦ «Северный»;офис;\nBad Code!;;нечто;\n');
    await dialog.getByRole('button', { name: 'Проверить' }).click();
    await dialog.locator('[data-test="import-error"]').waitFor();
    const errorRows = dialog.locator('.n-data-table tbody tr');
    await expect.poll(() => errorRows.count()).toBeGreaterThan(0);
    await expect(errorRows.first().innerText()).resolves.toMatch(/^3\b/);
    await expect(dialog.getByRole('button', { name: 'Импортировать' }).isDisabled()).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Закрыть' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await open();
    await attach('Код;Наименование;Тип;Код родителя\nmfc-north;МФЦ «Северный»;офис;\n');
    await dialog.getByRole('button', { name: 'Проверить' }).click();
    await expect(dialog.locator('[data-test="import-check-ok"]').innerText()).resolves.toContain('будет создано 1');
    await dialog.getByRole('button', { name: 'Импортировать' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await treeNode('МФЦ «Северный»').waitFor();
  });

  it('creates a staff user with roles who can then sign in', async () => {
    await page.locator('[data-nav="admin-users"]').click();
    await page.waitForURL(`${okno.url}/admin/users`);
    await page.getByRole('button', { name: 'Добавить сотрудника-пользователя' }).click();
    const drawer = page.locator('[data-test="user-drawer"]');
    await drawer.waitFor();
    await drawer.locator('input[name="fullName"]').fill('Зайцева Мария Олеговна');
    await drawer.locator('input[name="email"]').fill('zaitseva@okno.local');
    await drawer.getByText('Оператор', { exact: true }).click();
    await drawer.getByText('Специалист', { exact: true }).click();
    await drawer.locator('input[name="password"]').fill('first-pass-1');
    await drawer.getByRole('button', { name: 'Создать' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('[data-test="users-table"] tbody tr', { hasText: 'zaitseva@okno.local' }).waitFor();

    const user = await okno.signIn('zaitseva@okno.local', 'first-pass-1');
    const me = await user.get('/api/auth/me');
    expect(me.body.user.roles.sort()).toEqual(['operator', 'specialist']);
  });

  it('adds an employee to a staff group with the member picker', async () => {
    await page.locator('[data-nav="admin-groups"]').click();
    await page.waitForURL(`${okno.url}/admin/groups`);
    const row = page.locator('tbody tr', { hasText: 'housing-accounting' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Состав' }).click();
    const modal = page.locator('[data-test="group-members"]');
    await modal.waitFor();
    const source = modal.locator('.n-transfer-list').first();
    await source.locator('.n-transfer-list-item', { hasText: 'Зайцева Мария Олеговна' }).click();
    await modal
      .locator('.n-transfer-list')
      .nth(1)
      .locator('.n-transfer-list-item', { hasText: 'Зайцева Мария Олеговна' })
      .waitFor();
    await modal.getByRole('button', { name: 'Сохранить' }).click();
    await modal.waitFor({ state: 'hidden' });
    await expect.poll(() => row.locator('td').nth(3).innerText()).toContain('2');

    const admin = await okno.signIn('admin@okno.local');
    const groups = await admin.get('/api/org/groups?q=housing-accounting');
    const members = await admin.get(`/api/org/groups/${groups.body.items[0].id}/members`);
    expect(members.body.items.map((m: { fullName: string }) => m.fullName)).toContain('Зайцева Мария Олеговна');
  });
});
