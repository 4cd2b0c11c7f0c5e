import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

/** Screenshots of the screen at both sizes, for a person to look at (written to the temp dir). */
const SHOTS = path.join(os.tmpdir(), 'okno-calendar-screens');

describe('given an admin on the production calendar screen', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno({ ENGINE: 'none' }), launchBrowser()]);
    page = await freshPage(browser);
    await signInThroughUi(page, okno.url, 'admin@okno.local');
    await fs.mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await okno?.stop();
  });

  const juneCount = () => page.locator('[data-test="month-2026-06-working"]').innerText();

  it('when the admin opens it from the navigation, then the year shows twelve months with the published counts and sourced tooltips', async () => {
    await page.goto(`${okno.url}/admin/org`);
    await page.getByRole('menuitem', { name: 'Календарь' }).click();
    await page.waitForURL(/\/admin\/calendar\?year=2026$/);
    await expect(juneCount()).resolves.toBe('21 раб. дн. · 167 ч');
    await expect(page.locator('[data-test="year-working-days"]').innerText()).resolves.toBe('247');
    expect(await page.locator('section.month').count()).toBe(12);
    const transfer = page.locator('[data-day="2026-01-09"]');
    await expect(transfer.getAttribute('title')).resolves.toContain(
      'Постановление Правительства РФ от 24.09.2025 № 1466',
    );
    await expect(page.locator('[data-day="2026-06-11"]').getAttribute('title')).resolves.toContain('на час короче');
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
    ]) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(200);
      await page.screenshot({ path: path.join(SHOTS, `calendar-${width}x${height}.png`) });
    }
  });

  it('when the admin makes a working day a day off, then the month loses a working day and the override is listed', async () => {
    await page.locator('[data-day="2026-06-16"]').click();
    const modal = page.locator('.n-modal');
    await modal.waitFor();
    await expect(modal.innerText()).resolves.toContain('По общим правилам: рабочий день');
    await modal.locator('[data-test="override-save"]').click();
    await expect(modal.innerText()).resolves.toContain('Укажите основание');
    await modal.locator('textarea[name="note"]').fill('Распоряжение главы города № 12');
    await page.screenshot({ path: path.join(SHOTS, 'calendar-dialog-1440x900.png') });
    await modal.locator('[data-test="override-save"]').click();
    await modal.waitFor({ state: 'hidden' });
    await page.waitForFunction(() =>
      document.querySelector('[data-test="month-2026-06-working"]')?.textContent?.startsWith('20 '),
    );
    await expect(juneCount()).resolves.toBe('20 раб. дн. · 159 ч');
    await expect(page.locator('[data-day="2026-06-16"]').getAttribute('title')).resolves.toContain(
      'Распоряжение главы города № 12',
    );
    await expect(page.locator('.overrides').innerText()).resolves.toContain('Распоряжение главы города № 12');
    expect(okno.deps.calendar.isWorkingDay('2026-06-16')).toBe(false);
  });

  it('when the admin removes the override from the list, then the month has its working day back', async () => {
    await page.locator('.overrides tbody tr', { hasText: 'Распоряжение главы города № 12' }).click();
    await page.locator('.n-modal').getByRole('button', { name: 'Удалить исключение' }).click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Удалить' }).click();
    await page.waitForFunction(() =>
      document.querySelector('[data-test="month-2026-06-working"]')?.textContent?.startsWith('21 '),
    );
    await expect(page.locator('.overrides').innerText()).resolves.toContain('Исключений на этот год нет');
    expect(okno.deps.calendar.isWorkingDay('2026-06-16')).toBe(true);
  });

  it('when the admin switches to 2020, then the presidential non-working days are shown with their decree', async () => {
    await page.getByRole('button', { name: 'Предыдущий год' }).first().click();
    await page.locator('[data-test="month-2025-06-working"]').waitFor();
    await page.locator('.year-switch input').fill('2020');
    await page.locator('.year-switch input').press('Enter');
    await page.locator('[data-test="month-2020-04-working"]').waitFor();
    await expect(page.locator('[data-test="month-2020-04-working"]').innerText()).resolves.toMatch(/^0 раб/);
    await expect(page.locator('[data-day="2020-04-15"]').getAttribute('title')).resolves.toContain(
      'Указ Президента РФ от 02.04.2020 № 239',
    );
    await page.screenshot({ path: path.join(SHOTS, 'calendar-2020-1440x900.png') });
  });

  it('when the language is English or Ukrainian, then the screen is translated', async () => {
    for (const [lang, heading, count] of [
      ['en', 'Production calendar', '21 working days · 167 h'],
      ['uk', 'Виробничий календар', '21 роб. дн. · 167 год'],
    ]) {
      await page.evaluate((l) => localStorage.setItem('okno.locale', l), lang);
      await page.goto(`${okno.url}/admin/calendar?year=2026`);
      await expect(page.locator('h1').innerText()).resolves.toBe(heading);
      await expect(juneCount()).resolves.toBe(count);
      await page.screenshot({ path: path.join(SHOTS, `calendar-${lang}-top.png`) });
      await page.locator('.overrides').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `calendar-${lang}-bottom.png`) });
    }
  });
});
