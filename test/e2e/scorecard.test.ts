import path from 'node:path';
import ExcelJS from 'exceljs';
import { ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestOkno, TEST_NOW, type TestOkno } from '../helpers/okno.js';
import { freshPage, launchBrowser, signInThroughUi, type TestBrowser } from './browser.js';

const SCREENSHOT = path.resolve('docs/scorecard.png');

describe('scorecard in the browser: an employee fills and confirms a matrix, the manager approves it', () => {
  let okno: TestOkno;
  let browser: TestBrowser;
  let page: Page;
  let matrixId: number;
  let employeeName: string;

  beforeAll(async () => {
    [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
    // Given the seeded matrix of the specialist for the current month
    const specialist = await okno.signIn('specialist@okno.local');
    const mine = await specialist.get('/api/scorecard/matrices/mine');
    expect(mine.status).toBe(200);
    const month = TEST_NOW.slice(0, 7);
    const item = (mine.body.items as { id: number; month: string; fullName: string; status: string }[]).find(
      (i) => i.month === month,
    );
    expect(item?.status).toBe('draft');
    matrixId = item!.id;
    employeeName = item!.fullName;
  });
  afterAll(async () => {
    await browser?.close();
    await okno?.stop();
  });

  /** The user tasks of the matrix's approval instance, as the engine reports them. */
  const approvalTasks = async (processInstanceKey: string) =>
    (
      await okno.deps.engine
        .sdk()!
        .getOrchestrationClusterApiClient()
        .searchUserTasks(
          { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } },
          { consistency: { waitUpToMs: 0 } },
        )
    ).items;

  it('the employee opens My matrix, enters a fact and confirms', async () => {
    page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'specialist@okno.local');
      await page.locator('[data-test="main-nav"] [data-nav="scorecard"]').click();
      await page.waitForURL(`${okno.url}/scorecard/my`);
      await page.locator('[data-test="matrix-table"]').waitFor();
      await expect(page.locator('[data-test="matrix-status"]').innerText()).resolves.toBe('Черновик');

      // The discipline and evaluation rows are the manager's: no inputs for the employee.
      await expect(page.locator('tr[data-kind="discipline"] input').count()).resolves.toBe(0);
      await expect(page.locator('tr[data-kind="evaluation"] input').count()).resolves.toBe(0);

      // A negative fact is refused inline before anything is sent.
      const cascaded = page.locator('tr', { hasText: 'вклад отдела учета' }).locator('input');
      await cascaded.fill('-3');
      await page.locator('[data-test^="fact-error-"]').first().waitFor();
      await expect(page.locator('[data-test^="fact-error-"]').first().innerText()).resolves.toContain(
        'не может быть отрицательным',
      );

      // When the employee types the fact of the cascaded task, adds a task of this month with its fact, and confirms
      await cascaded.fill('9');
      await page.locator('[data-test="add-task"]').click();
      await page.locator('[data-test="task-submit"]').click();
      await page.locator('[data-test="add-task-modal"]').getByText('Обязательное поле').first().waitFor();
      await page.locator('[data-test="task-title"] textarea').fill('Провести сверку списков очередников');
      await page.locator('[data-test="task-plan"] input').fill('1');
      await page.locator('[data-test="task-submit"]').click();
      const task = page.locator('tr[data-kind="smart_variable"]');
      await task.waitFor();
      await task.locator('input').fill('1');
      await expect(page.locator('[data-test^="fact-error-"]').count()).resolves.toBe(0);
      await page.locator('[data-test="action-confirm"]').click();

      // Then the matrix is confirmed and the fact is stored
      await page.locator('[data-test="matrix-status"]', { hasText: 'Подтверждена' }).waitFor();
      await expect(page.locator('[data-test="action-confirm"]').count()).resolves.toBe(0);
      await expect(page.locator('[data-test="matrix-timeline"]').innerText()).resolves.toContain(employeeName);
      const specialist = await okno.signIn('specialist@okno.local');
      const m = await specialist.get(`/api/scorecard/matrices/${matrixId}`);
      expect(m.body.status).toBe('confirmed');
      // The confirmation started the BPMN approval: the engine now waits for the manager's step.
      const waiting = (await approvalTasks(m.body.processInstanceKey)).filter((x) => x.state === 'CREATED');
      expect(waiting.map((x) => x.elementId)).toEqual(['Task_Agree']);
      const rows = m.body.rows as { title: string; kind: string; factValue: number | null; effectiveWeight: number }[];
      expect(rows.find((r) => r.title.includes('вклад отдела учета'))?.factValue).toBe(9);
      expect(rows.find((r) => r.kind === 'smart_variable')).toMatchObject({
        title: 'Провести сверку списков очередников',
        factValue: 1,
        effectiveWeight: 15,
      });
    } finally {
      await page.close();
    }
  });

  it('the manager opens the team list, enters the evaluation, agrees, approves and locks the matrix', async () => {
    page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'manager@okno.local');
      await page.goto(`${okno.url}/scorecard/team`);
      await page.locator('[data-test="team-table"]').waitFor();
      await expect(page.locator(`[data-test="team-status-${matrixId}"]`).innerText()).resolves.toBe('Подтверждена');
      await page.locator(`[data-test="team-open-${matrixId}"]`).click();
      await page.waitForURL(`${okno.url}/scorecard/matrices/${matrixId}`);
      await page.locator('[data-test="matrix-table"]').waitFor();

      // Only the manager's rows are open after the employee confirmed.
      await expect(page.locator('tr[data-kind="kpi"] input').count()).resolves.toBe(0);
      await page.locator('tr[data-kind="evaluation"] input').fill('90');
      await page.locator('[data-test="action-agree"]').click();
      await page.locator('[data-test="matrix-status"]', { hasText: 'Согласована' }).waitFor();

      // The manager heads the department, so they also approve (head step) and lock.
      await page.locator('[data-test="action-approve"]').click();
      await page.locator('[data-test="matrix-status"]', { hasText: 'Утверждена' }).waitFor();
      await page.locator('[data-test="action-lock"]').click();
      await page.locator('[data-test="matrix-status"]', { hasText: 'Закрыта' }).waitFor();
      await expect(page.locator('[data-test="matrix"] input').count()).resolves.toBe(0);
      const timeline = await page.locator('[data-test="matrix-timeline"]').innerText();
      expect(timeline).not.toContain('ожидает');

      // The screenshot: the locked matrix as it opens (no toasts), tall enough for the whole form.
      await page.setViewportSize({ width: 1440, height: 1320 });
      await page.reload();
      await page.locator('[data-test="matrix-table"]').waitFor();
      await page.locator('.n-spin-body').waitFor({ state: 'detached' });
      await page.mouse.move(0, 0);
      await page.waitForTimeout(400); // the spinner's fade-out
      await page.screenshot({ path: SCREENSHOT });
      await page.setViewportSize({ width: 1440, height: 900 });

      // The print view is the paper form: no navigation or buttons, signature lines with who signed.
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('[data-test="main-nav"]').isVisible()).resolves.toBe(false);
      await expect(
        page.locator('[data-test="action-lock"], [data-test="matrix-print"]').first().isVisible(),
      ).resolves.toBe(false);
      const signatures = page.locator('.matrix__signatures');
      await expect(signatures.isVisible()).resolves.toBe(true);
      await expect(signatures.innerText()).resolves.toContain(employeeName);
      if (process.env.SCORECARD_PRINT_SHOT)
        await page.screenshot({ path: process.env.SCORECARD_PRINT_SHOT, fullPage: true });
      await page.emulateMedia({ media: 'screen' });

      // The XLSX of the paper form downloads.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-test="matrix-xlsx"]').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/);

      // Back in the list the matrix shows as locked.
      await page.locator('[data-test="back-to-team"]').click();
      await page.locator(`[data-test="team-status-${matrixId}"]`, { hasText: 'Закрыта' }).waitFor();

      const manager = await okno.signIn('manager@okno.local');
      const m = await manager.get(`/api/scorecard/matrices/${matrixId}`);
      expect(m.body.status).toBe('locked');
      expect(m.body.workflow.approved.by.fullName).toBeTruthy();
      expect(
        (m.body.rows as { kind: string; factValue: number | null }[]).find((r) => r.kind === 'evaluation')?.factValue,
      ).toBe(90);
      expect(m.body.allowedActions).toEqual([]);
      // Each button completed its user task on the engine; the approval instance has ended.
      const tasks = await approvalTasks(m.body.processInstanceKey);
      expect(tasks.filter((x) => x.state === 'COMPLETED').map((x) => x.elementId)).toEqual([
        'Task_Agree',
        'Task_Approve',
        'Task_Lock',
      ]);
      expect(tasks.filter((x) => x.state === 'CREATED')).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the employee plans a constant SMART task for the year: a bad month is flagged inline, a good plan shows up in the table', async () => {
    page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'specialist@okno.local');
      // The table shows while the plan is still loading: count its rows only once the list has arrived and the spinner is gone.
      const listed = page.waitForResponse(
        (r) => r.url().includes('/api/scorecard/plans') && r.request().method() === 'GET',
      );
      await page.goto(`${okno.url}/scorecard/plans`);
      await listed;
      await page.locator('[data-test="plans-table"]').waitFor();
      await page.locator('.n-spin-body').waitFor({ state: 'detached' });
      const before = await page.locator('[data-test="plans-table"] tbody tr').count();
      await page.locator('[data-test="plans-add"]').click();
      await page.locator('[data-test="plan-save"]').click();
      await page.locator('[data-test="plan-modal"]').getByText('Обязательное поле').first().waitFor();
      await page.locator('[data-test="plan-kind"]').click();
      await page.locator('.n-base-select-option', { hasText: 'SMART постоянная' }).click();
      await page.locator('[data-test="plan-title"] textarea').fill('Ежемесячный отчёт о работе с обращениями');
      await page.locator('[data-month="1"] input').fill('-2');
      await page.locator('[data-month="1"] input').blur();
      await page.locator('[data-test="plan-save"]').click();
      await page.locator('[data-test="month-error-1"]').waitFor();
      await page.locator('[data-month="1"] input').fill('4');
      await page.locator('[data-month="1"] input').blur();
      await page.locator('[data-test="plan-fill"]').click();
      await page.locator('[data-test="plan-save"]').click();
      await page.locator('[data-test="plan-modal"]').waitFor({ state: 'detached' });
      await page
        .locator('[data-test="plans-table"] tbody tr', { hasText: 'Ежемесячный отчёт о работе с обращениями' })
        .waitFor();
      await expect(page.locator('[data-test="plans-table"] tbody tr').count()).resolves.toBe(before + 1);
      const specialist = await okno.signIn('specialist@okno.local');
      const employeeId = (await okno.deps.db
        .knex('users')
        .where({ email: 'specialist@okno.local' })
        .first('employeeId'))!.employeeId as number;
      const plan = await specialist.get(`/api/scorecard/plans?employeeId=${employeeId}&year=${TEST_NOW.slice(0, 4)}`);
      const item = (plan.body.items as { title: string; kind: string; monthly: unknown[] }[]).find(
        (i) => i.title === 'Ежемесячный отчёт о работе с обращениями',
      );
      expect(item).toMatchObject({ kind: 'smart_constant', monthly: Array(12).fill(4) });
    } finally {
      await page.close();
    }
  });

  it('the manager checks a facts file: errors are listed by file row and nothing is written until a good file is uploaded', async () => {
    page = await freshPage(browser);
    try {
      const specialistEmployee = (await okno.deps.db
        .knex('users')
        .where({ email: 'specialist@okno.local' })
        .first('employeeId'))!.employeeId as number;
      // The month after TEST_NOW's June.
      const nextMonth = '2026-07';
      const manager = await okno.signIn('manager@okno.local');
      expect(
        (await manager.post('/api/scorecard/matrices', { employeeId: specialistEmployee, month: nextMonth })).status,
      ).toBe(201);
      const xlsx = async (rows: unknown[][]) => {
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('facts');
        ws.addRow(['employeeId', 'indicator', 'month', 'value']);
        for (const r of rows) ws.addRow(r);
        return Buffer.from(await wb.xlsx.writeBuffer());
      };
      await signInThroughUi(page, okno.url, 'manager@okno.local');
      await page.goto(`${okno.url}/scorecard/facts`);
      await page.locator('[data-test="facts-import"]').waitFor();
      await page.locator('[data-test="facts-file"]').setInputFiles({
        name: 'bad.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await xlsx([
          [specialistEmployee, 'applications-processed', nextMonth, 31],
          [specialistEmployee, 'no-such-indicator', nextMonth, 1],
        ]),
      });
      await page.locator('[data-test="facts-row-errors"] tr[data-row="3"]').waitFor();
      await expect(page.locator('[data-test="facts-apply"]').isDisabled()).resolves.toBe(true);
      const stored = () =>
        okno.deps.db
          .knex('sc_facts as f')
          .join('sc_indicators as i', 'i.id', 'f.indicatorId')
          .where({
            'f.employeeId': specialistEmployee,
            'i.code': 'applications-processed',
            'f.month': `${nextMonth}-01`,
          })
          .first('f.value');
      expect((await stored())?.value).not.toBe(31);

      await page.locator('[data-test="facts-file"]').setInputFiles({
        name: 'good.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await xlsx([[specialistEmployee, 'applications-processed', nextMonth, 31]]),
      });
      await page.locator('[data-test="facts-checked"]').waitFor();
      expect((await stored())?.value).not.toBe(31);
      await page.locator('[data-test="facts-apply"]').click();
      await page.locator('[data-test="facts-file-name"]').waitFor({ state: 'detached' });
      expect((await stored())?.value).toBe(31);

      // The manager opens an employee's annual plan: the task the employee planned above is there.
      await page.locator('[data-test="scorecard-tab-scorecard-plans"]').click();
      await page.locator('[data-test="plans-employee"]').click();
      await page.locator('.n-base-select-option', { hasText: 'Лебедева' }).click();
      await page
        .locator('[data-test="plans-table"] tbody tr', { hasText: 'Ежемесячный отчёт о работе с обращениями' })
        .waitFor();

      // Managers read the department ratings but do not evaluate.
      await page.locator('[data-test="scorecard-tab-scorecard-ratings"]').click();
      await page.locator('[data-test="ratings-table"] tbody tr').nth(2).waitFor();
      await expect(page.locator('[data-test="evaluate-open"]').count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });

  it('an admin sees the methodology, the department ratings chart and the roadmap', async () => {
    page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'admin@okno.local');
      await page.goto(`${okno.url}/scorecard`);
      await page.waitForURL(`${okno.url}/scorecard/team`);
      await page.locator('[data-test="scorecard-tab-scorecard-methodology"]').click();
      await page.locator('[data-test="group-weight-sum"]').waitFor();
      await expect(page.locator('[data-test="methodology-save"]').count()).resolves.toBe(0); // it has ratings: read-only

      // A new methodology: weights that do not add up are flagged inline and cannot be saved.
      await page.getByRole('button', { name: 'Новая методика' }).click();
      await page.locator('[data-test="methodology-name"] input').fill('Проверка весов');
      await page.locator('[data-test="group-weight-0"] input').fill('0.6');
      await page.locator('[data-test="group-weight-0"] input').blur();
      await page.getByText('Веса групп дают 0,6, а должны давать 1').waitFor();
      await expect(page.locator('[data-test="methodology-save"]').isDisabled()).resolves.toBe(true);
      await page.locator('[data-test="group-weight-0"] input').fill('1');
      await page.locator('[data-test="group-weight-0"] input').blur();
      await expect(page.locator('[data-test="methodology-save"]').isDisabled()).resolves.toBe(false);

      // Importing a methodology whose weights do not add up is refused with the reason.
      const bad = {
        code: 'bad-weights',
        name: 'Плохие веса',
        groups: [
          {
            code: 'g1',
            name: 'Группа',
            weight: 0.7,
            indicators: [
              {
                code: 'i1',
                name: 'Показатель',
                weight: 1,
                mode: 'expert',
                levels: [{ code: 'L1', description: 'уровень', points: 100 }],
              },
            ],
          },
        ],
      };
      await page
        .locator('[data-test="methodology-file"]')
        .setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
      await page
        .locator('[data-test="methodology-error"]', { hasText: 'Group weights add up to 0.7, not 1' })
        .waitFor();

      await page.locator('[data-test="scorecard-tab-scorecard-ratings"]').click();
      await page.locator('[data-test="ratings-table"] tbody tr').nth(2).waitFor();
      await expect(page.locator('[data-test="ratings-table"] tbody tr').count()).resolves.toBe(3);
      await page.locator('[data-test="ratings"] canvas').first().waitFor();

      await page.locator('[data-test="scorecard-tab-scorecard-roadmap"]').click();
      await page.locator('[data-test="roadmap-table"]').waitFor();
      await page.locator('[data-test="roadmap-card-satisfaction"] canvas').waitFor();

      // Indicators and rules: a rule whose section weights do not add up to 100 is flagged and cannot be saved.
      await page.locator('[data-test="scorecard-tab-scorecard-indicators"]').click();
      await page.locator('[data-test="indicators-table"] tr[data-indicator="executive-discipline"]').waitFor();
      await page.locator('[data-test="rule-add"]').click();
      await page.locator('[data-test="rule-kpiWeight"] input').fill('40');
      await page.locator('[data-test="rule-kpiWeight"] input').blur();
      await page.locator('[data-test="rule-weight-sum"]', { hasText: '110' }).waitFor();
      await expect(page.locator('[data-test="rule-save"]').isDisabled()).resolves.toBe(true);
      await page.locator('[data-test="rule-kpiWeight"] input').fill('30');
      await page.locator('[data-test="rule-kpiWeight"] input').blur();
      await expect(page.locator('[data-test="rule-save"]').isDisabled()).resolves.toBe(false);
    } finally {
      await page.close();
    }
  });

  it('an employee cannot open the admin pages of the scorecard', async () => {
    page = await freshPage(browser);
    try {
      await signInThroughUi(page, okno.url, 'specialist@okno.local');
      await page.goto(`${okno.url}/scorecard/methodology`);
      await page.waitForURL((url) => url.pathname === '/403');
    } finally {
      await page.close();
    }
  });
});
