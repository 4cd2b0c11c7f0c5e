import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import type { ApiClient } from '../helpers/api.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

/** Screenshots of every front-office screen at both sizes (looked at by the author; kept out of the repo). */
const SHOTS = process.env.OKNO_SHOTS_DIR ?? path.join(os.tmpdir(), 'okno-front-office-shots');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/** A real legal entity's INN and OGRN (valid checksums): Sberbank. */
const INN = '7707083893';
const OGRN = '1027700132195';

async function shoot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SHOTS, { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('front office in the browser: intake at the window, the receipt, the task list and the case view', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let caseId: number;
  let caseNumber: string;
  let operator: ApiClient;

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
    // Given the advertising permit published (tests start with nothing published)
    const analyst = await okno.signIn('analyst@okno.local');
    const published = await analyst.post('/api/services/advert-permit/publish', { comment: 'front office e2e' });
    expect(published.status).toBe(201);
    operator = await okno.signIn('operator@okno.local');
  });
  afterAll(async () => {
    await browser?.close();
    await okno?.stop();
  });

  it('an operator registers an advertising-permit case for a legal entity through a representative with a structure over 15 m², sees the right checklist and prints the receipt', async () => {
    const page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'operator@okno.local');
      // When the operator opens the cases section and starts an intake
      await page.locator('[data-test="main-nav"] [data-nav="cases"]').click();
      await page.waitForURL(`${okno.url}/cases`);
      await page.locator('[data-test="cases-table"]').waitFor();
      await page.locator('[data-test="empty-state"]').waitFor();
      await shoot(page, 'cases-list-empty');
      await page.locator('[data-test="new-case"]').click();
      await page.waitForURL(`${okno.url}/cases/new`);
      await page.locator('[data-test="service-search"] input').fill('реклам');
      await page.locator('[data-service="advert-permit"]').waitFor();
      await shoot(page, 'intake-1-service');
      await page.locator('[data-service="advert-permit"]').click();

      // And answers the questionnaire: a legal entity, through a representative, the owner, a structure over 15 m²
      const questionnaire = page.locator('[data-test="questionnaire"]');
      await questionnaire.waitFor();
      for (const option of ['O_LegalEntity', 'O_Representative', 'O_Owner', 'O_Large'])
        await questionnaire.locator(`[data-option="${option}"]`).click();

      // Then the live checklist holds the documents of EZayavYr, EPredstav and EReklBol and the large variant
      const checklist = page.locator('[data-test="intake-checklist"]');
      await checklist.locator('[data-doc="D_StrengthReport"]').waitFor();
      const docs = await checklist
        .locator('[data-doc]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-doc')));
      expect(docs).toEqual(
        expect.arrayContaining([
          'D_Application',
          'D_RepresentativeId', // EPredstav
          'D_PowerOfAttorney', // EPredstav
          'D_Egrul', // EZayavYr
          'D_StrengthReport', // EReklBol
          'D_Sketch',
          'D_Egrn',
          'D_FeePaid',
        ]),
      );
      expect(docs).not.toContain('D_ApplicantId'); // only for individuals and sole traders
      expect(docs).not.toContain('D_OwnerConsent'); // the applicant owns the property
      await expect(checklist.locator('[data-test="variant"]').innerText()).resolves.toContain('Крупная конструкция');

      // When the operator ticks the documents handed in (the power of attorney as a copy)
      for (const code of ['D_Application', 'D_RepresentativeId', 'D_PowerOfAttorney', 'D_Sketch', 'D_StrengthReport'])
        await checklist.locator(`[data-test="tick-${code}"]`).click();
      await checklist.locator('[data-doc="D_PowerOfAttorney"] input[value="copy"]').check({ force: true });
      await shoot(page, 'intake-2-questionnaire');
      await page.locator('[data-test="intake-next"]').click();

      // Then the applicant form is preset from the questionnaire: a legal entity with a representative
      const form = page.locator('[data-test="applicant-form"]');
      await form.waitFor();
      await expect(page.locator('[data-test="has-representative"]').getAttribute('aria-checked')).resolves.toBe('true');
      await form.locator('[data-test="applicant-name"] input').fill('ООО «Наружная реклама»');
      await form.locator('[data-test="applicant-inn"] input').fill('77070838');
      // A format hint before anything is sent
      await form.getByText('Нужно 10 цифр').waitFor();
      await form.locator('[data-test="applicant-inn"] input').fill(INN);
      // A wrong OGRN checksum comes back from the server and stands next to the field
      await form.locator('[data-test="applicant-ogrn"] input').fill('1027700132196');
      await form.locator('[data-test="rep-name"] input').fill('Петров Пётр Петрович');
      await form.locator('[data-test="rep-document"] input').fill('Доверенность № 12 от 01.06.2026');
      await shoot(page, 'intake-3-applicant');
      await form.locator('[data-test="intake-register"]').click();
      await form
        .locator('.n-form-item-feedback--error, .n-form-item-feedback-wrapper .n-form-item-feedback')
        .first()
        .waitFor();
      await expect(page.locator('[data-test="intake-error"]').isVisible()).resolves.toBe(true);
      await shoot(page, 'intake-3-applicant-error');
      await form.locator('[data-test="applicant-ogrn"] input').fill(OGRN);
      await form.locator('[data-test="intake-register"]').click();

      // Then the case page opens with the number, the checklist and the receipt
      await page.waitForURL(/\/cases\/\d+$/);
      caseId = Number(new URL(page.url()).pathname.split('/').pop());
      await page.locator('[data-test="case-status"]').waitFor();
      const detail = await operator.get(`/api/cases/${caseId}`);
      expect(detail.status).toBe(200);
      caseNumber = detail.body.number as string;
      expect(detail.body).toMatchObject({
        serviceCode: 'advert-permit',
        variant: 'large',
        applicant: { kind: 'legalEntity', inn: INN, ogrn: OGRN, representative: { name: 'Петров Пётр Петрович' } },
      });
      expect(detail.body.situations).toEqual(expect.arrayContaining(['EZayavYr', 'EPredstav', 'EReklBol']));
      const states = Object.fromEntries(
        (detail.body.checklist as { code: string; state: string }[]).map((d) => [d.code, d.state]),
      );
      expect(states).toMatchObject({
        D_Application: 'original',
        D_PowerOfAttorney: 'copy',
        D_StrengthReport: 'original',
      });
      await expect(page.locator('h1').innerText()).resolves.toContain(caseNumber);

      // When the operator opens the receipt's print view
      await page.locator('[data-test="receipt-link"]').click();
      await page.waitForURL(`${okno.url}/cases/${caseId}/receipt`);
      const receipt = page.locator('[data-test="receipt"]');
      await receipt.waitFor();
      // Then it shows the number and the documents accepted
      await expect(page.locator('[data-test="receipt-number"]').innerText()).resolves.toContain(caseNumber);
      const accepted = await page.locator('[data-test="receipt-documents"]').innerText();
      expect(accepted).toContain('Доверенность, подтверждающая полномочия представителя');
      expect(accepted).toContain('Заключение о прочности и устойчивости конструкции');
      await shoot(page, 'receipt');
      // And printing uses the A4 print CSS (the bar with the buttons is hidden)
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('.receipt-page__bar').isVisible()).resolves.toBe(false);
      await page.emulateMedia({ media: 'screen' });
      // And the PDF downloads
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-test="receipt-pdf"]').click(),
      ]);
      const file = await download.path();
      const head = (await fs.readFile(file)).subarray(0, 5).toString('latin1');
      expect(head).toBe('%PDF-');
    } finally {
      await page.close();
    }
  });

  /** The open tasks of the case for a client, by step (element id). */
  const tasksOf = async (client: ApiClient, view: string) => {
    const r = await client.get(`/api/tasks?view=${view}&caseNumber=${caseNumber}`);
    expect(r.status).toBe(200);
    return r.body.items as { id: number; elementId: string; status: string; overdue: boolean }[];
  };
  const waitForTask = async (client: ApiClient, view: string, elementId: string) => {
    let found: { id: number } | undefined;
    await expect
      .poll(
        async () => {
          found = (await tasksOf(client, view)).find((t) => t.elementId === elementId && t.status !== 'completed');
          return Boolean(found);
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBe(true);
    return found!.id;
  };

  it('the operator claims and completes the intake step through its form; the inter-agency replies arrive', async () => {
    const taskId = await waitForTask(operator, 'group', 'Task_Intake');
    const page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'operator@okno.local');
      // When the operator opens the group's unassigned tasks, filtered by the case number (a deep link)
      await page.goto(`${okno.url}/tasks?view=group&caseNumber=${caseNumber}`);
      await page.locator(`[data-test="claim-${taskId}"]`).waitFor();
      await shoot(page, 'tasks-group');
      await page.locator(`[data-test="claim-${taskId}"]`).click();
      await page.locator(`[data-test="claim-${taskId}"]`).waitFor({ state: 'detached' });
      // The filter stays in the URL
      expect(new URL(page.url()).searchParams.get('caseNumber')).toBe(caseNumber);
      await page.goto(`${okno.url}/tasks/${taskId}`);
      const form = page.locator('[data-test="task-form"]');
      await form.locator('.fjs-form').waitFor();
      // The form-js viewer refuses an incomplete form before anything is sent
      await page.locator('[data-test="task-complete"]').click();
      await page.locator('[data-test="form-error"]').waitFor();
      await expect(form.getByLabel('Заявитель (наименование или ФИО)').inputValue()).resolves.toBe(
        'ООО «Наружная реклама»',
      );
      await form.getByLabel('Адрес места установки').fill('г. Москва, ул. Тверская, д. 1');
      await form.getByLabel('Площадь информационного поля, м²').fill('18');
      // form-js debounces a number field's update; a change within that pause would be overwritten by it
      await page.waitForTimeout(600);
      await form.getByLabel('Документы проверены по перечню').check();
      await shoot(page, 'task-page');
      await page.locator('[data-test="task-complete"]').click();
      await page.waitForURL(`${okno.url}/tasks`);
    } finally {
      await page.close();
    }

    // Then the process sent its inter-agency requests; the answering agency replies through the journal
    const admin = await okno.signIn('admin@okno.local');
    let requests: { id: number; status: string }[] = [];
    await expect
      .poll(
        async () => {
          requests = (await admin.get(`/api/interagency/requests?caseId=${caseId}`)).body.items;
          return requests.length;
        },
        { timeout: 20_000, interval: 300 },
      )
      .toBeGreaterThan(0);
    for (const r of requests) {
      const answer = await admin.post(`/api/interagency/requests/${r.id}/reply`, {
        result: 'found',
        text: 'Сведения представлены',
      });
      expect(answer.status).toBe(200);
    }
  });

  it('a specialist of arch-permits claims the review and returns the case for corrections: the clock stops; the operator accepts the corrections: it runs again', async () => {
    const specialist = await okno.signIn('specialist2@okno.local');
    const taskId = await waitForTask(specialist, 'group', 'Task_Review');
    const page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'specialist2@okno.local');
      await page.goto(`${okno.url}/tasks?view=group`);
      await page.locator(`[data-test="claim-${taskId}"]`).click();
      await page.locator(`[data-test="claim-${taskId}"]`).waitFor({ state: 'detached' });
      await page.locator('[data-test="tab-mine"]').click();
      await page.locator(`[data-test="open-${taskId}"]`).click();
      await page.waitForURL(`${okno.url}/tasks/${taskId}`);
      await page.locator('[data-test="task-form"] .fjs-form').waitFor();
      // When the specialist returns it: the strength report must be redone
      await page.locator('[data-test="task-return"]').click();
      const modal = page.locator('[data-test="return-modal"]');
      await modal.locator('[data-test="return-reason"] textarea').fill('Заключение о прочности не подписано');
      await modal.locator('[data-test="return-documents"]').click();
      await page.locator('.n-base-select-option', { hasText: 'Заключение о прочности' }).click();
      await page.keyboard.press('Escape');
      await shoot(page, 'task-return-dialog');
      await modal.locator('[data-test="return-submit"]').click();
      await page.locator('[data-test="task-waiting"]').waitFor();
    } finally {
      await page.close();
    }
    // Then the case waits for corrections with its clock suspended
    const returned = (await operator.get(`/api/cases/${caseId}`)).body;
    expect(returned.status).toBe('waitingForCorrections');
    expect(returned.deadline.suspended).toBe(true);
    expect(returned.corrections.documents).toEqual(['D_StrengthReport']);

    const op = await freshPage(browser);
    try {
      await signInThroughUi(op, okno.url, 'operator@okno.local');
      await op.goto(`${okno.url}/cases/${caseId}`);
      await op.locator('[data-test="clock-suspended"]').waitFor();
      await op.locator('[data-test="case-corrections"]').waitFor();
      await shoot(op, 'case-suspended');
      // When the applicant brings the signed report and the operator accepts the corrections
      await op.locator('[data-test="case-resubmit"]').click();
      await op.locator('[data-test="resubmit-modal"]').getByText('Заключение о прочности').waitFor();
      await op.locator('[data-test="resubmit-submit"]').click();
      // Then the clock runs again
      await op.locator('[data-test="clock-running"]').waitFor();
      await expect(op.locator('[data-test="case-timeline"]').innerText()).resolves.toContain('Исправления приняты');
    } finally {
      await op.close();
    }
    const resumed = (await operator.get(`/api/cases/${caseId}`)).body;
    expect(resumed.deadline.suspended).toBe(false);
    expect(resumed.status).not.toBe('waitingForCorrections');
  });

  it('the specialist completes the review and the case reaches the commission approval; past its due time the step shows as overdue', async () => {
    const specialist = await okno.signIn('specialist2@okno.local');
    const review = await waitForTask(specialist, 'mine', 'Task_Review');
    const page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'specialist2@okno.local');
      await page.goto(`${okno.url}/tasks/${review}`);
      const form = page.locator('[data-test="task-form"]');
      await form.locator('.fjs-form').waitFor();
      await form.getByLabel('Предоставить услугу').check();
      await page.locator('[data-test="task-complete"]').click();
      await page.waitForURL(`${okno.url}/tasks`);

      // Then the case reaches the commission's approval step (variant "large")
      const approval = await waitForTask(specialist, 'group', 'Task_CommissionApproval');
      await expect
        .poll(async () => (await specialist.get(`/api/cases/${caseId}/diagram`)).body.current, { timeout: 10_000 })
        .toContain('Task_CommissionApproval');
      await page.goto(`${okno.url}/cases/${caseId}`);
      await page.locator('[data-test="case-diagram"] .okno-step-current').first().waitFor();
      await expect(page.locator('[data-test="case-diagram"] .okno-step-done').count()).resolves.toBeGreaterThan(0);
      await shoot(page, 'case-view');

      // When the step's due time passes (the clock moves 20 days on)
      okno.clock.advance(20 * 24 * 3_600_000);
      // (sessions expired with the time that passed: sign in again)
      await signInThroughUi(page, okno.url, 'specialist2@okno.local');
      await page.goto(`${okno.url}/tasks?view=group`);
      // Then its row is marked overdue in colour and in words, and the overdue filter finds it
      const row = page.locator('tr', { has: page.locator(`[data-test="open-${approval}"]`) });
      await row.locator('[data-test="due-overdue"]').waitFor();
      await expect(row.locator('[data-test="due-overdue"]').innerText()).resolves.toContain('Просрочена');
      await shoot(page, 'tasks-overdue');
      await page.locator('[data-test="filter-due"]').click();
      await page.locator('.n-base-select-option', { hasText: 'Просроченные' }).click();
      await page.waitForURL(/due=overdue/);
      await row.waitFor();
      // And the current filters can be saved as a view shared with the group
      await page.locator('[data-test="save-view"]').click();
      await page.locator('[data-test="view-name"] input').fill('Просроченные согласования');
      await page.locator('[data-test="view-submit"]').click();
      await page.locator('[data-test="save-view-modal"]').waitFor({ state: 'detached' });
      const views = await (await okno.signIn('specialist2@okno.local')).get('/api/tasks/views');
      expect(views.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'Просроченные согласования',
            filters: expect.objectContaining({ due: 'overdue', view: 'group' }),
          }),
        ]),
      );
      // And the case view marks the late step on the diagram
      await page.goto(`${okno.url}/cases/${caseId}`);
      await page.locator('[data-test="case-diagram"] .okno-step-late').first().waitFor();
    } finally {
      await page.close();
    }
  });
});
