import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedServicesDemo } from '../../server/features/services/services.seed.js';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

/** The constructor's screenshot for the docs: refreshed when missing or when OKNO_SCREENSHOT=1, else written to the temp dir. */
const DOCS_SCREENSHOT = path.resolve('docs/constructor.png');
const SCREENSHOT =
  process.env.OKNO_SCREENSHOT === '1' || !existsSync(DOCS_SCREENSHOT)
    ? DOCS_SCREENSHOT
    : path.join(os.tmpdir(), 'okno-constructor.png');

describe('service constructor in the browser', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
    // The sample regulations (idempotent: a start that already seeded them adds nothing).
    await seedServicesDemo(okno.deps.db.knex);
    page = await freshPage(browser);
    await signInThroughUi(page, okno.url, 'analyst@okno.local');
    await page.waitForURL(`${okno.url}/constructor`);
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await okno?.stop();
  });

  const canvas = () => page.locator('[data-test="bpmn-canvas"]');
  const shape = (id: string) => canvas().locator(`.djs-element[data-element-id="${id}"]`).first();
  /** Clicks an element on the diagram and waits until it is the selection. */
  const selectShape = async (id: string) => {
    await canvas()
      .locator('svg')
      .first()
      .click({ position: { x: 600, y: 20 } });
    await shape(id).click();
    await canvas().locator(`.djs-element.selected[data-element-id="${id}"]`).waitFor();
  };

  it('lists the sample services with their status and finds one by search', async () => {
    const table = page.locator('[data-test="services-table"]');
    await table.locator('[data-test="service-advert-permit"]').waitFor();
    await expect(table.innerText()).resolves.toContain(
      'Выдача разрешения на установку и эксплуатацию рекламной конструкции',
    );
    await expect(table.innerText()).resolves.toContain('Черновик');
    await page.locator('[data-test="service-search"] input').fill('реклам');
    await expect.poll(async () => table.locator('tbody tr').count()).toBe(1);
    await page.locator('[data-test="service-search"] input').fill('');
    await expect.poll(async () => table.locator('tbody tr').count()).toBeGreaterThan(3);
    // The department filter offers the org structure's units and narrows the list to the housing department's two services
    await page.locator('[data-test="service-department-filter"]').click();
    await page.locator('.n-base-select-option', { hasText: 'Жилищное управление' }).click();
    await expect.poll(async () => table.locator('tbody tr').count()).toBe(2);
    await expect(table.locator('[data-test="service-housing-need"]').count()).resolves.toBe(1);
    await page.locator('[data-test="service-department-filter"] .n-base-clear').click({ force: true });
    await expect.poll(async () => table.locator('tbody tr').count()).toBeGreaterThan(3);
  });

  it('opens a service: the diagram renders with the process elements and the properties panel', async () => {
    await page.locator('[data-test="service-advert-permit"]').click();
    await page.waitForURL(`${okno.url}/constructor/services/advert-permit`);
    await shape('Task_Intake').waitFor();
    for (const id of ['StartEvent_Application', 'Task_SendInteragency', 'Task_AwaitReply', 'Boundary_ReplyTimeout'])
      await expect(shape(id).count()).resolves.toBe(1);
    await expect(canvas().locator('svg').count()).resolves.toBeGreaterThan(0);
    await page.locator('[data-test="properties-panel"] .bio-properties-panel').waitFor();
    // The modeler speaks Russian: the properties panel's group titles are translated.
    await selectShape('Task_Intake');
    await page.locator('[data-test="properties-panel"]', { hasText: 'Назначение' }).waitFor();
  });

  it('validation fills the problems panel; clicking a problem selects its element', async () => {
    // Given a user task without a deadline (cleared on the Okno tab)
    await selectShape('Task_Intake');
    await page.locator('[data-test="side-step"]').click();
    const deadline = page.locator('[data-test="step-panel"] input[name="stepDeadline"]');
    await deadline.fill('');
    await page.locator('[data-test="step-apply"]').click();
    await page.locator('[data-test="editor-dirty"]').waitFor();
    // When the analyst validates
    await page.locator('[data-test="editor-validate"]').click();
    const problem = page.locator('[data-test="problem"]', { hasText: 'Task_Intake' }).first();
    await problem.waitFor();
    // Then clicking the problem selects the task on the diagram
    await canvas()
      .locator('svg')
      .first()
      .click({ position: { x: 600, y: 20 } });
    await problem.click();
    await canvas().locator('.djs-element.selected[data-element-id="Task_Intake"]').waitFor();
    // And restoring the deadline clears it
    await page.locator('[data-test="side-step"]').click();
    await deadline.fill('1');
    await deadline.press('Tab');
    await page.locator('[data-test="step-apply"]').click();
    await page.locator('[data-test="editor-validate"]').click();
    await expect.poll(async () => page.locator('[data-test="problem"]', { hasText: 'Task_Intake' }).count()).toBe(0);
  });

  it('"Try it": the answers give a document checklist, a variant and a highlighted route (screenshot)', async () => {
    await page.locator('[data-test="side-try"]').click();
    const panel = page.locator('[data-test="try-panel"]');
    const answer = async (question: string, option: string) =>
      panel.locator(`[data-question="${question}"] [data-option="${option}"]`).click();
    await answer('Q_ApplicantType', 'O_Individual');
    await answer('Q_Representative', 'O_Representative');
    await answer('Q_Owner', 'O_NotOwner');
    // A nested question appears under the picked option.
    await answer('Q_ApartmentBuilding', 'O_OtherProperty');
    await answer('Q_Size', 'O_Large');
    await page.locator('[data-test="try-run"]').click();
    const checklist = page.locator('[data-test="try-checklist"]');
    await checklist.waitFor();
    const text = await checklist.innerText();
    expect(text).toContain('Доверенность, подтверждающая полномочия представителя');
    expect(text).toContain('Согласие собственника недвижимого имущества');
    expect(text).toContain('Заключение о прочности и устойчивости конструкции');
    expect(text).not.toContain('Выписка из Единого государственного реестра юридических лиц');
    await expect(page.locator('[data-test="try-variant"]').innerText()).resolves.toContain('large');
    await expect.poll(async () => canvas().locator('.okno-route').count()).toBeGreaterThan(3);
    // The screenshot: nothing selected, the checklist in view, no toasts.
    await canvas()
      .locator('svg')
      .first()
      .click({ position: { x: 600, y: 20 } });
    await page.locator('[data-test="try-result"]').scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await expect.poll(async () => page.locator('.n-message').count(), { timeout: 10_000 }).toBe(0);
    await fs.mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('publishes v1 after the validation summary, and the version history compares it with the changed draft', async () => {
    // Given the advertising permit published as v1 with a comment, after the dialog's validation summary
    await page.locator('[data-test="editor-publish"]').click();
    const modal = page.locator('[data-test="publish-modal"]');
    await expect
      .poll(async () => modal.locator('[data-test="publish-summary"]').innerText())
      .toContain('Проверка пройдена');
    await modal.locator('textarea[name="comment"]').fill('Первая редакция регламента');
    await modal.locator('[data-test="publish-confirm"]').click();
    await modal.waitFor({ state: 'hidden', timeout: 30_000 });
    await expect(page.locator('.editor__meta').innerText()).resolves.toContain('v1');

    // When the analyst adds a document to the reference list and gives the intake step 2 days
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Документы' }).click();
    await page.locator('[data-test="document-add"]').click();
    const docForm = page.locator('[data-test="document-form"]');
    await docForm.locator('input[name="docCode"]').fill('D_LightProject');
    await docForm.locator('textarea[name="docTitle"]').fill('Проект подсветки рекламной конструкции');
    await docForm.locator('[data-test="document-save"]').click();
    await page.locator('[data-test="document-list-editor"]', { hasText: 'Проект подсветки' }).waitFor();
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Схема процесса' }).click();
    await selectShape('Task_Intake');
    await page.locator('[data-test="side-step"]').click();
    await page.locator('[data-test="step-panel"] input[name="stepDeadline"]').fill('2');
    await page.locator('[data-test="step-apply"]').click();
    await page.locator('[data-test="editor-save"]').click();
    await expect.poll(async () => page.locator('[data-test="editor-dirty"]').count()).toBe(0);

    // Then the version history compares v1 with the draft on two diagrams
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Версии' }).click();
    const versions = page.locator('[data-test="versions-panel"]');
    await versions.locator('tbody tr', { hasText: 'Первая редакция регламента' }).waitFor();
    await versions.locator('tbody tr .n-checkbox').nth(0).click();
    await versions.locator('tbody tr .n-checkbox').nth(1).click();
    await page.locator('[data-test="versions-compare"]').click();
    const diff = page.locator('[data-test="version-diff"]');
    await diff.locator('.djs-element[data-element-id="Task_Intake"]').first().waitFor();
    await expect.poll(async () => diff.locator('.okno-diff-changed').count()).toBeGreaterThan(0);
  });

  it('a new life situation on an answer requires a new document, and "Try it" shows it in the checklist', async () => {
    // Given the "more than 15 m²" answer switches on a new situation that requires the lighting project
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Жизненные ситуации' }).click();
    const tree = page.locator('[data-test="situation-tree"]');
    await tree.locator('[data-node="o:O_Large"]').click();
    await page.locator('[data-test="tree-situation-code"]').click();
    await page.keyboard.type('ELight');
    await page.keyboard.press('Enter');
    const situation = tree.locator('[data-node="s:O_Large:ELight"]');
    await situation.click();
    await page.locator('[data-test="tree-documents"]').click();
    await page.keyboard.type('подсветки');
    await page.locator('.n-base-select-option', { hasText: 'Проект подсветки' }).click();
    await page.keyboard.press('Escape');
    await situation.locator('.n-tag', { hasText: 'D_LightProject' }).waitFor();

    // When the applicant answers "more than 15 m²" in "Try it"
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Схема процесса' }).click();
    await page.locator('[data-test="side-try"]').click();
    await page.locator('[data-test="try-run"]').click();
    // Then the checklist (evaluated on the editor's unsaved draft) lists the new document, and nothing is saved
    await expect
      .poll(async () => page.locator('[data-test="try-checklist"]').innerText())
      .toContain('Проект подсветки рекламной конструкции');
    await expect(page.locator('[data-test="editor-dirty"]').count()).resolves.toBe(1);

    // And a variant that also answers to the new situation makes the coverage check report a conflict
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Жизненные ситуации' }).click();
    await page.locator('[data-test="variant-add"]').click();
    const variantForm = page.locator('[data-test="variant-form"]');
    await variantForm.locator('input[name="variantCode"]').fill('lit');
    await variantForm.locator('input[name="variantTitle"]').fill('Конструкция с подсветкой');
    await variantForm.locator('.n-select').first().click();
    await page.locator('.n-base-select-option', { hasText: 'ELight —' }).click();
    await variantForm.locator('[data-test="variant-save"]').click();
    await page.locator('[data-test="variant-list-editor"]', { hasText: 'Конструкция с подсветкой' }).waitFor();
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Схема процесса' }).click();
    await expect
      .poll(async () => page.locator('[data-test="problems-panel"]').innerText())
      .toContain('Комбинаций ответов с несколькими вариантами');

    await page.locator('[data-test="editor-save"]').click();
    await expect.poll(async () => page.locator('[data-test="editor-dirty"]').count()).toBe(0);

    // The forms open in the form-js editor; looking at one does not change the draft
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Формы' }).click();
    await page.locator('[data-test="form-editor"] .fjs-editor-container').waitFor();
    await page.locator('[data-test="form-editor"] .fjs-editor-container', { hasText: 'Приём заявления' }).waitFor();
    await page.waitForTimeout(500);
    await expect(page.locator('[data-test="editor-dirty"]').count()).resolves.toBe(0);
  });

  it('downloads a service file, uploads it under a new code and clones a service', async () => {
    await page.goto(`${okno.url}/constructor`);
    const table = page.locator('[data-test="services-table"]');
    const row = table.locator('tbody tr', { has: page.locator('[data-test="service-housing-need"]') });
    await row.waitFor();
    // Download: the draft as one JSON file
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.locator('[data-test="service-download"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('housing-need.okno.json');
    const bundle = JSON.parse(await fs.readFile((await download.path())!, 'utf8')) as {
      format: string;
      code: string;
      xml: string;
    };
    expect(bundle).toMatchObject({ format: 'okno-service', code: 'housing-need' });
    // Upload: the same file under another code becomes a new draft
    const renamed = {
      ...bundle,
      code: 'housing-need-copy',
      xml: bundle.xml.replaceAll('housing-need', 'housing-need-copy'),
    };
    const file = path.join(os.tmpdir(), `okno-upload-${Date.now()}.okno.json`);
    await fs.writeFile(file, JSON.stringify(renamed));
    await page.locator('[data-test="service-upload-input"]').setInputFiles(file);
    await table.locator('[data-test="service-housing-need-copy"]').waitFor();
    await fs.rm(file, { force: true });
    // Clone: a copy under a new code opens in the editor
    await row.locator('[data-test="service-clone"]').click();
    const form = page.locator('[data-test="service-form"]');
    await form.locator('input[name="code"]').fill('housing-need-2027');
    await form.locator('input[name="title"]').fill('Признание нуждающимися в жилых помещениях (редакция 2027)');
    await form.locator('[data-test="service-form-submit"]').click();
    await page.waitForURL(`${okno.url}/constructor/services/housing-need-2027`);
    await expect(page.locator('[data-test="editor-title"]').innerText()).resolves.toContain('редакция 2027');
    await canvas().locator('.djs-element').first().waitFor();
  });

  it('composes a package from published services and opens it in the editor', async () => {
    // Given two published services (advert-permit has v1 already)
    const published = await (
      await okno.signIn('analyst@okno.local')
    ).post('/api/services/housing-need/publish', { comment: 'Первая редакция' });
    expect(published.status).toBe(201);
    await page.goto(`${okno.url}/constructor`);
    await page.locator('[data-test="package-add"]').click();
    const form = page.locator('[data-test="service-form"]', { hasText: 'Новый пакет услуг' });
    await form.locator('input[name="code"]').fill('new-resident');
    await form.locator('input[name="title"]').fill('Новый житель: жильё и реклама');
    await form.locator('[data-test="service-form-department"]').click();
    await page.locator('.n-base-select-option', { hasText: 'Департамент архитектуры' }).first().click();
    await form.locator('[data-test="service-form-members"]').click();
    await page.locator('.n-base-select-option', { hasText: 'advert-permit' }).click();
    await page.locator('.n-base-select-option', { hasText: 'housing-need)' }).click();
    await form.locator('input[name="title"]').click();
    await form.locator('[data-test="service-form-submit"]').click();
    // Then the package draft opens: a process with a call activity over its members
    await page.waitForURL(`${okno.url}/constructor/services/new-resident`);
    await canvas().locator('.djs-element[data-element-id]').first().waitFor();
    await expect.poll(async () => canvas().locator('.djs-shape').count()).toBeGreaterThan(3);
    const saved = await (await okno.signIn('analyst@okno.local')).get('/api/services/new-resident');
    expect(saved.body).toMatchObject({ kind: 'package', status: 'draft' });
    expect(saved.body.draft.xml).toContain('okno:member');
  });

  it('creates a new service, adds a question to its life-situation tree, sets its deadline and saves the draft', async () => {
    await page.goto(`${okno.url}/constructor`);
    await page.locator('[data-test="service-add"]').click();
    const form = page.locator('[data-test="service-form"]');
    await form.locator('input[name="code"]').fill('street-trade-permit');
    await form.locator('input[name="title"]').fill('Разрешение на нестационарную торговлю');
    await form.locator('[data-test="service-form-department"]').click();
    await page.locator('.n-base-select-option', { hasText: 'Департамент архитектуры' }).first().click();
    await form.locator('[data-test="service-form-submit"]').click();
    await page.waitForURL(`${okno.url}/constructor/services/street-trade-permit`);
    await shape('Task_Intake').waitFor();

    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Жизненные ситуации' }).click();
    await page.locator('[data-test="tree-add-question"]').click();
    await page.locator('[data-test="situation-tree"] .n-tree-node', { hasText: 'Новый вопрос' }).waitFor();
    await page.locator('[data-test="tree-add-option"]').click();
    await page.locator('[data-test="situation-tree"] .n-tree-node', { hasText: 'Новый вариант' }).waitFor();
    // The service card: a statutory deadline of 15 working days
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Карточка' }).click();
    const card = page.locator('[data-test="service-card-editor"]');
    await card.locator('input[name="cardDeadline"]').fill('15');
    await card.locator('[data-test="card-apply"]').click();
    await page.locator('[data-test="editor-save"]').click();
    await expect.poll(async () => page.locator('[data-test="editor-dirty"]').count()).toBe(0);

    const api = await okno.signIn('analyst@okno.local');
    const saved = await api.get('/api/services/street-trade-permit');
    expect(saved.status).toBe(200);
    expect(saved.body.draft.revision).toBeGreaterThan(1);
    expect(saved.body.draft.xml).toContain('okno:questionnaire');
    expect(saved.body.draft.xml).toContain('Новый вариант');
    expect(saved.body.draft.xml).toMatch(/<okno:service [^>]*>\s*<okno:deadline value="15"/);
  });
  it('the modeler follows the UI language, keeping the diagram', async () => {
    await page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: 'Схема процесса' }).click();
    const createTask = canvas().locator('.djs-palette [data-action="create.task"]');
    await expect(createTask.getAttribute('aria-label')).resolves.toBe('Создать задачу');
    const pick = async (label: string) => {
      await page.locator('[data-test="language-switcher"]').click();
      await page.locator('.n-dropdown-option', { hasText: label }).click();
    };
    await pick('English');
    await expect.poll(async () => createTask.getAttribute('aria-label')).toBe('Create task');
    await shape('Task_Intake').waitFor();
    await expect(page.locator('[data-test="editor-tabs"]').innerText()).resolves.toContain('Process diagram');
    // Ukrainian: the palette and the properties panel
    await pick('Українська');
    await expect.poll(async () => createTask.getAttribute('aria-label')).toBe('Створити задачу');
    await selectShape('Task_Intake');
    await page.locator('[data-test="side-properties"]').click();
    await page.locator('[data-test="properties-panel"]', { hasText: 'Призначення' }).waitFor();
    await pick('Русский');
    await expect.poll(async () => createTask.getAttribute('aria-label')).toBe('Создать задачу');
  });
});
