import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

/** Screenshots go to the temp dir (OKNO_SHOTS overrides), at both window sizes the house rules ask for. */
const SHOTS = process.env.OKNO_SHOTS ?? path.join(os.tmpdir(), 'okno-interagency-shots');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

async function shoot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SHOTS, { recursive: true });
  await page.mouse.move(0, 0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}x${size.height}.png`) });
  }
}

describe('inter-agency requests and instructions in the browser', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
    const analyst = await okno.signIn('analyst@okno.local');
    expect((await analyst.post('/api/services/advert-permit/publish', { comment: 'v1' })).status).toBe(201);
    const officeId = (await okno.deps.db.knex('org_units').where({ code: 'mfc-central' }).first('id'))!.id;
    const zeebe = okno.deps.engine.sdk()!.getZeebeGrpcApiClient();
    for (const [caseId, situations] of [
      [501, ['EZayavYr', 'EPredstav', 'EReklBol']],
      [502, ['EZayavIndPred']],
    ] as const) {
      await zeebe.createProcessInstance({
        bpmnProcessId: 'advert-permit',
        variables: {
          caseId,
          caseNumber: `2026-000${caseId}`,
          serviceCode: 'advert-permit',
          serviceVersion: 1,
          serviceTitle: 'Выдача разрешения на установку и эксплуатацию рекламной конструкции',
          officeId,
          situations: [...situations],
          documents: [],
        },
        startInstructions: [{ elementId: 'Task_SendInteragency' }],
      });
    }
    const deadline = performance.now() + 15_000;
    while ((await okno.deps.db.knex('interagency_requests').count({ n: '*' }))[0].n !== 6) {
      if (performance.now() > deadline) throw new Error('the journal was not filled');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Case 502's requests were sent a week earlier: they are overdue now.
    await okno.deps.db
      .knex('interagency_requests')
      .where({ caseId: 502 })
      .update({ sentAt: new Date('2026-06-05T07:00:00Z'), dueAt: new Date('2026-06-11T15:00:00Z') });
    page = await freshPage(browser);
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await okno?.stop();
  });

  it('a specialist sees the journal with overdue marks, filters it and answers a request through the dialog', async () => {
    await signInThroughUi(page, okno.url, 'specialist2@okno.local');
    await page.goto(`${okno.url}/interagency`);
    const table = page.locator('[data-test="interagency-table"]');
    await table.locator('tbody tr').nth(5).waitFor();
    await expect(table.locator('[data-test="status-overdue"]').count()).resolves.toBe(3);
    await shoot(page, 'interagency-journal');

    await page.locator('[data-test="overdue-only"]').click();
    await expect.poll(async () => table.locator('tbody tr').count(), { timeout: 5000 }).toBe(3);
    await page.locator('[data-test="overdue-only"]').click();
    await expect.poll(async () => table.locator('tbody tr').count(), { timeout: 5000 }).toBe(6);

    const row = table.locator('tbody tr', { hasText: 'Единого государственного реестра юридических лиц' });
    await row.locator('[data-test="reply"]').click();
    const dialog = page.locator('[data-test="interagency-reply"]');
    await dialog.waitFor();
    // Sending without the text: the form says what is missing and nothing is sent.
    await dialog.locator('[data-test="interagency-reply-send"]').click();
    await dialog.getByText('Обязательное поле').waitFor();
    await dialog.locator('textarea[name="text"]').fill('ООО «Ромашка», ОГРН 1027700132195, действующее');
    await dialog.locator('input[name="documentNumber"]').fill('ЮЭ9965-26-1');
    await shoot(page, 'interagency-reply');
    await dialog.locator('[data-test="interagency-reply-send"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('Сведения найдены').waitFor();
    const stored = await okno.deps.db
      .knex('interagency_requests')
      .where({ caseId: 501, documentCode: 'D_Egrul' })
      .first();
    expect(stored).toMatchObject({ status: 'answered', result: 'found', documentNumber: 'ЮЭ9965-26-1' });
  });

  it('a manager gives an instruction from the dialog and sees it in the list', async () => {
    await page.setViewportSize(SIZES[1]);
    await browser.context.clearCookies();
    await signInThroughUi(page, okno.url, 'manager@okno.local');
    await page.goto(`${okno.url}/instructions`);
    await page.locator('[data-test="instructions-table"]').waitFor();
    await page.getByText('Вы ещё не давали поручений').waitFor();
    await shoot(page, 'instructions-empty');

    await page.locator('[data-test="give-instruction"]').click();
    const dialog = page.locator('[data-test="give-instruction-dialog"]');
    await dialog.waitFor();
    await dialog.locator('[data-test="instruction-employee"]').click();
    await page.locator('.n-base-select-option', { hasText: 'Лебедева Ольга Николаевна' }).click();
    await dialog.locator('input[name="title"]').fill('Подготовить сводку по очереди на жильё');
    await dialog.locator('textarea[name="text"]').fill('Сводка за май по отделу учёта');
    await dialog.locator('[data-test="instruction-due"] input').fill('2026-06-19');
    await dialog.locator('[data-test="instruction-due"] input').press('Enter');
    await shoot(page, 'instructions-dialog');
    await dialog.locator('[data-test="instruction-save"]').click();
    await dialog.waitFor({ state: 'hidden' });
    const table = page.locator('[data-test="instructions-table"]');
    await table.getByText('Подготовить сводку по очереди на жильё').waitFor();
    await table.getByText('На исполнении').waitFor();
    await shoot(page, 'instructions-list');
    const row = await okno.deps.db.knex('instructions').first();
    expect(row).toMatchObject({ title: 'Подготовить сводку по очереди на жильё', due: '2026-06-19' });
  });
});
