import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedServicesDemo } from '../../server/features/services/services.seed.js';
import type { ApiClient } from '../helpers/api.js';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

/** The scenario: a new life situation with a new document, seen in "Try it" before saving, published as v2 while a v1 case runs on. */
describe('constructor: a new life situation becomes v2 of a published service', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let page: Page;
  let analyst: ApiClient;
  /** The case an applicant started on v1, before the analyst's change. */
  let caseOnV1: { processInstanceKey: string; processDefinitionKey: string; version: number };
  let v1: { version: number; processDefinitionKey: string; processVersion: number };

  const largeStructure = {
    Q_ApplicantType: 'O_Individual',
    Q_Representative: 'O_Self',
    Q_Owner: 'O_Owner',
    Q_Size: 'O_Large',
  };

  /** A process instance as the engine's REST API (Orchestration Cluster API, through the SDK) reports it. */
  async function instance(
    processInstanceKey: string,
  ): Promise<{ processDefinitionKey: string; processDefinitionVersion: number; state: string }> {
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClientLoose();
    const found = (await rest.searchProcessInstances(
      { filter: { processInstanceKey } } as never,
      { consistency: { waitUpToMs: 0 } } as never,
    )) as unknown as {
      items: { processDefinitionKey: string; processDefinitionVersion: number; state: string }[];
    };
    expect(found.items).toHaveLength(1);
    return found.items[0];
  }

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
    await seedServicesDemo(okno.deps.db.knex);
    analyst = await okno.signIn('analyst@okno.local');
    // Given the advertising permit published as v1 (tests start with nothing published)
    const published = await analyst.post('/api/services/advert-permit/publish', {
      comment: 'Первая редакция регламента',
    });
    expect(published.status).toBe(201);
    v1 = (await analyst.get('/api/services/advert-permit/versions')).body.items[0];
    expect(v1.version).toBe(1);
    // And a case started on v1 through the SDK, with the variables the catalogue's checklist gives for the applicant's answers
    const checklist = await okno
      .anonymous()
      .post('/api/catalogue/services/advert-permit/checklist', { answers: largeStructure });
    expect(checklist.status).toBe(200);
    const zeebe = okno.deps.engine.sdk()!.getZeebeGrpcApiClient();
    const started = await zeebe.createProcessInstance({
      bpmnProcessId: 'advert-permit',
      version: v1.processVersion,
      variables: { caseId: 'C-2026-0001', ...checklist.body.variables },
    });
    caseOnV1 = {
      processInstanceKey: String(started.processInstanceKey),
      processDefinitionKey: String(started.processDefinitionKey),
      version: started.version,
    };
    expect(caseOnV1.processDefinitionKey).toBe(v1.processDefinitionKey);

    page = await freshPage(browser);
    await signInThroughUi(page, okno.url, 'analyst@okno.local');
    await page.waitForURL(`${okno.url}/constructor`);
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await okno?.stop();
  });

  const tab = (name: string) => page.locator('[data-test="editor-tabs"] .n-tabs-tab', { hasText: name }).click();
  const checklist = () => page.locator('[data-test="try-checklist"]');

  it('an analyst adds a situation that requires a new document, sees the "Try it" checklist change before saving, and publishes v2; the v1 case stays on v1', async () => {
    // Given the advertising permit open in the constructor
    await page.locator('[data-test="service-advert-permit"]').click();
    await page.waitForURL(`${okno.url}/constructor/services/advert-permit`);
    await page.locator('[data-test="bpmn-canvas"] .djs-element[data-element-id="Task_Intake"]').first().waitFor();
    await expect(page.locator('.editor__meta').innerText()).resolves.toContain('v1');

    // And "Try it" for a structure over 15 m²: no lighting project in the checklist
    await page.locator('[data-test="side-try"]').click();
    const panel = page.locator('[data-test="try-panel"]');
    for (const [question, option] of Object.entries(largeStructure))
      await panel.locator(`[data-question="${question}"] [data-option="${option}"]`).click();
    await page.locator('[data-test="try-run"]').click();
    await expect
      .poll(async () => checklist().innerText())
      .toContain('Заключение о прочности и устойчивости конструкции');
    await expect(checklist().innerText()).resolves.not.toContain('Проект подсветки');

    // When the analyst adds the document to the reference list
    await tab('Документы');
    await page.locator('[data-test="document-add"]').click();
    const docForm = page.locator('[data-test="document-form"]');
    await docForm.locator('input[name="docCode"]').fill('D_LightProject');
    await docForm.locator('textarea[name="docTitle"]').fill('Проект подсветки рекламной конструкции');
    await docForm.locator('[data-test="document-save"]').click();
    await page.locator('[data-test="document-list-editor"]', { hasText: 'Проект подсветки' }).waitFor();
    // And a life situation "with lighting" on the "more than 15 m²" answer, requiring that document
    await tab('Жизненные ситуации');
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

    // Then "Try it" with the same answers lists the new document, on the unsaved draft (nothing saved yet)
    await tab('Схема процесса');
    await page.locator('[data-test="side-try"]').click();
    await page.locator('[data-test="try-run"]').click();
    await expect.poll(async () => checklist().innerText()).toContain('Проект подсветки рекламной конструкции');
    await expect(page.locator('[data-test="editor-dirty"]').count()).resolves.toBe(1);
    expect((await analyst.get('/api/services/advert-permit')).body.draft.xml).not.toContain('D_LightProject');

    // When the analyst publishes after the validation summary
    await page.locator('[data-test="editor-publish"]').click();
    const modal = page.locator('[data-test="publish-modal"]');
    await expect
      .poll(async () => modal.locator('[data-test="publish-summary"]').innerText())
      .toContain('Проверка пройдена');
    await modal.locator('textarea[name="comment"]').fill('Подсветка: проект для конструкций более 15 м²');
    await modal.locator('[data-test="publish-confirm"]').click();
    await modal.waitFor({ state: 'hidden', timeout: 30_000 });
    await expect.poll(async () => page.locator('.editor__meta').innerText()).toContain('v2');
    await expect(page.locator('[data-test="editor-dirty"]').count()).resolves.toBe(0);

    // Then the versions are v2 and v1 with their comments and different engine definitions
    const versions = (await analyst.get('/api/services/advert-permit/versions')).body.items as {
      version: number;
      comment: string;
      processDefinitionKey: string;
      processVersion: number;
    }[];
    expect(versions.map((v) => [v.version, v.comment])).toEqual([
      [2, 'Подсветка: проект для конструкций более 15 м²'],
      [1, 'Первая редакция регламента'],
    ]);
    const v2 = versions[0];
    expect(v2.processDefinitionKey).not.toBe(v1.processDefinitionKey);
    expect(v2.processVersion).toBeGreaterThan(v1.processVersion);

    // And the public catalogue serves v2: the card lists the new situation's document, the checklist requires it
    const catalogue = await okno.anonymous().get('/api/catalogue/services');
    expect(catalogue.body.items).toContainEqual(expect.objectContaining({ code: 'advert-permit', version: 2 }));
    const card = await okno.anonymous().get('/api/catalogue/services/advert-permit');
    expect(card.body.documents.map((d: { code: string }) => d.code)).toContain('D_LightProject');
    const newChecklist = await okno
      .anonymous()
      .post('/api/catalogue/services/advert-permit/checklist', { answers: largeStructure });
    expect(newChecklist.body.documents.map((d: { code: string }) => d.code)).toContain('D_LightProject');
    expect(newChecklist.body.situations).toContain('ELight');

    // And the case started before still runs on v1's process definition
    const before = await instance(caseOnV1.processInstanceKey);
    expect(before).toMatchObject({
      processDefinitionKey: v1.processDefinitionKey,
      processDefinitionVersion: v1.processVersion,
      state: 'ACTIVE',
    });
    // While a case started now runs on v2
    const zeebe = okno.deps.engine.sdk()!.getZeebeGrpcApiClient();
    const caseOnV2 = await zeebe.createProcessInstance({
      bpmnProcessId: 'advert-permit',
      variables: { caseId: 'C-2026-0002', ...newChecklist.body.variables },
    });
    expect(await instance(String(caseOnV2.processInstanceKey))).toMatchObject({
      processDefinitionKey: v2.processDefinitionKey,
      processDefinitionVersion: v2.processVersion,
    });
  });
});
