import os from 'node:os';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkAuthSettings } from '../../../../server/engine/credentials.js';
import { startEmbeddedEngine } from '../../../../server/engine/index.js';
import { openDatabase } from '../../../../server/platform/db.js';
import { createLogger } from '../../../../server/platform/logger.js';
import { AdjustableClock } from '../../../../server/platform/clock.js';
import type { TaskItemDto } from '../../../../server/contract/tasks.js';
import type { ApiClient } from '../../../helpers/api.js';
import { testCredentials } from '../../../helpers/engine.js';
import { startTestOkno, TEST_NOW, type TestOkno } from '../../../helpers/okno.js';

// The task list end to end: the sample service advert-permit published through the API, cases
// started through the SDK with the front office's variables, the listeners' worker projecting the
// engine's user tasks, and every action through real HTTP and the embedded engine.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` returns a value (or fails after `ms`). */
async function eventually<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** The front office's process variables for a case (front-office.md). */
function caseVariables(caseId: number, applicantName: string): Record<string, string> {
  // (The SDK's JSON type has no null; the engine takes it.)
  const vars = {
    caseId,
    caseNumber: `2026-${String(caseId).padStart(6, '0')}`,
    serviceCode: 'advert-permit',
    serviceVersion: 1,
    serviceTitle: 'Выдача разрешения на установку и эксплуатацию рекламной конструкции',
    applicantName,
    applicantKind: 'person',
    officeId: null,
    answers: {},
    situations: [],
    variant: 'standard',
    documents: [],
  };
  return vars as unknown as Record<string, string>;
}

/** Valid answers of the advert-intake form. */
const INTAKE = {
  applicantName: 'Иванов Иван',
  installationAddress: 'ул. Ленина, 1',
  infoFieldArea: 12,
  documentsChecked: true,
};

describe('given the published advert-permit service and cases registered at the window', () => {
  let okno: TestOkno;
  let operator: ApiClient;
  let operator2: ApiClient;
  let specialist: ApiClient;
  let specialist2: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let analyst: ApiClient;
  let citizen: ApiClient;
  const ids: Record<string, number> = {};

  /** Case numbers by case id: cases are registered at the window like real ones. */
  const numbers = new Map<number, string>();
  /** Registers an advertising-permit case for a legal entity named `applicant`; returns its case id. */
  const startCase = async (applicant: string) => {
    const res = await operator.post('/api/cases', {
      service: 'advert-permit',
      answers: { Q_ApplicantType: 'O_LegalEntity', Q_Representative: 'O_Self', Q_Owner: 'O_Owner', Q_Size: 'O_Small' },
      applicant: { kind: 'legalEntity', name: applicant, inn: '7707083893', ogrn: '1027700132195' },
      documents: [{ code: 'D_Application', form: 'original' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    numbers.set(res.body.id, res.body.number);
    return res.body.id as number;
  };
  /** The task of a case at a step, as the given client lists it in a view. */
  const taskOf = (client: ApiClient, caseId: number, step = 'Task_Intake', view = 'group') =>
    eventually(async () => {
      const res = await client.get(`/api/tasks?view=${view}&caseNumber=${numbers.get(caseId)}&step=${step}`);
      expect(res.status).toBe(200);
      return (res.body.items as TaskItemDto[])[0];
    });

  beforeAll(async () => {
    okno = await startTestOkno();
    analyst = await okno.signIn('analyst@okno.local');
    expect((await analyst.post('/api/services/advert-permit/publish', { comment: 'v1' })).status).toBe(201);
    [operator, operator2, specialist, specialist2, manager, admin, citizen] = await Promise.all(
      [
        'operator@okno.local',
        'operator2@okno.local',
        'specialist@okno.local',
        'specialist2@okno.local',
        'manager@okno.local',
        'admin@okno.local',
        'citizen@okno.local',
      ].map((l) => okno.signIn(l)),
    );
    for (const u of await okno.deps.db.knex('users').select('id', 'email')) if (u.email) ids[u.email] = u.id;
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('when a case starts, then its first task appears with the step term on the production calendar, candidate groups and the case fields, and the engine has the due date', async () => {
    const started = performance.now();
    const caseId = await startCase('Сидорова Анна');
    const task = await taskOf(operator, caseId);
    const visibleAfter = performance.now() - started;
    const dep = await okno.deps.db.knex('org_units').where({ code: 'dep-arch' }).first('id');
    // Monday 2026-06-15 10:00 Moscow + 1 working day → Tuesday 18:00 Moscow.
    expect(TEST_NOW).toBe('2026-06-15T07:00:00Z');
    expect(task).toMatchObject({
      name: 'Приём заявления и проверка документов',
      elementId: 'Task_Intake',
      status: 'created',
      candidateGroups: ['mfc-operators'],
      assigneeId: null,
      due: '2026-06-16T15:00:00.000Z',
      caseId,
      caseNumber: `2026-${String(caseId).padStart(6, '0')}`,
      applicantName: 'Сидорова Анна',
      serviceCode: 'advert-permit',
      departmentId: dep!.id,
      formId: 'advert-intake',
      overdue: false,
      atRisk: false,
    });
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClientLoose();
    const inEngine = await eventually(async () => {
      const t = await rest.getUserTask({ userTaskKey: task.userTaskKey }, { consistency: { waitUpToMs: 0 } });
      return t.state === 'CREATED' ? t : undefined;
    });
    expect(inEngine.dueDate).toBe('2026-06-16T15:00:00.000Z');
    expect(visibleAfter).toBeLessThan(5_000);
  });

  it('when the creating listener job is delivered again, then nothing is duplicated or changed', async () => {
    const caseId = await startCase('Повторов Пётр');
    const task = await taskOf(operator, caseId);
    const knex = okno.deps.db.knex;
    const before = await knex('tasks').where({ userTaskKey: task.userTaskKey }).first();
    const again = await okno.deps.features.tasks.service.record({
      event: 'creating',
      jobKey: '1',
      userTaskKey: task.userTaskKey,
      processInstanceKey: task.processInstanceKey,
      processDefinitionKey: before!.processDefinitionKey,
      bpmnProcessId: 'advert-permit',
      elementId: 'Task_Intake',
      name: 'другое имя',
      formId: 'advert-intake',
      assignee: null,
      candidateGroups: ['someone-else'],
      candidateUsers: [],
      priority: 99,
      dueDate: null,
      term: { value: 5, unit: 'workingDays' },
      createdAt: new Date('2026-07-01T00:00:00Z'),
      variables: {},
    });
    expect(again).toEqual({ dueDate: '2026-06-16T15:00:00.000Z' });
    expect(await knex('tasks').where({ userTaskKey: task.userTaskKey }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await knex('tasks').where({ userTaskKey: task.userTaskKey }).first()).toEqual(before);
  });

  it('when other roles and another group’s specialist reach a task, then 403 for non-staff and 404 for the other group', async () => {
    const caseId = await startCase('Чужой Группы');
    const task = await taskOf(operator, caseId);
    for (const c of [specialist, specialist2, manager]) {
      expect((await c.get(`/api/tasks/${task.id}`)).status).toBe(404);
      expect((await c.post(`/api/tasks/${task.id}/claim`)).status).toBe(404);
      expect((await c.post(`/api/tasks/${task.id}/complete`, { variables: INTAKE })).status).toBe(404);
      expect((await c.put(`/api/tasks/${task.id}/draft`, { variables: {} })).status).toBe(404);
    }
    expect((await manager.post(`/api/tasks/${task.id}/assign`, { userId: ids['operator@okno.local'] })).status).toBe(
      404,
    );
    for (const c of [citizen, analyst]) {
      expect((await c.get('/api/tasks')).status).toBe(403);
      expect((await c.get(`/api/tasks/${task.id}`)).status).toBe(403);
      expect((await c.post(`/api/tasks/${task.id}/claim`)).status).toBe(403);
    }
    expect((await operator.post(`/api/tasks/${task.id}/assign`, { userId: ids['operator@okno.local'] })).status).toBe(
      403,
    );
    expect((await operator.post('/api/tasks/assign', { taskIds: [task.id], userId: 1 })).status).toBe(403);
    expect((await operator.get('/api/tasks?view=scope')).status).toBe(403);
    expect((await specialist2.get('/api/tasks?view=group')).body.items).toEqual([]);
    expect((await operator.get('/api/tasks/abc')).status).toBe(400);
    expect((await operator.get('/api/tasks/999999')).status).toBe(404);
    const detail = await operator.get(`/api/tasks/${task.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.form.id).toBe('advert-intake');
    expect(detail.body.variables).toMatchObject({ caseId, applicantName: 'Чужой Группы' });
    expect(detail.body.can).toEqual({ claim: true, unclaim: false, assign: false, complete: false, return: false });
  });

  it('when an operator claims, saves a draft and completes the intake, then the step fact is written on time, the audit has it and the process moves on to the review', async () => {
    const caseId = await startCase('Кузнецов Олег');
    const task = await taskOf(operator, caseId);
    const claimed = await operator.post(`/api/tasks/${task.id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'assigned', assigneeId: ids['operator@okno.local'] });
    expect((await operator2.post(`/api/tasks/${task.id}/claim`)).status).toBe(409);
    expect((await operator2.post(`/api/tasks/${task.id}/complete`, { variables: INTAKE })).status).toBe(403);
    expect((await operator.get('/api/tasks?view=mine')).body.items.map((t: TaskItemDto) => t.id)).toContain(task.id);

    const draft = await operator.put(`/api/tasks/${task.id}/draft`, { variables: { applicantName: 'Кузн' } });
    expect(draft.status).toBe(200);
    expect((await operator.get(`/api/tasks/${task.id}`)).body.draft).toEqual({ applicantName: 'Кузн' });
    expect((await operator.put(`/api/tasks/${task.id}/draft`, { variables: 'x' })).status).toBe(400);

    const missing = await operator.post(`/api/tasks/${task.id}/complete`, { variables: { infoFieldArea: 'big' } });
    expect(missing.status).toBe(400);
    const paths = (missing.body.error.details.fields as { path: string }[]).map((f) => f.path).sort();
    expect(paths).toEqual(['applicantName', 'documentsChecked', 'infoFieldArea', 'installationAddress']);

    const done = await operator.post(`/api/tasks/${task.id}/complete`, { variables: INTAKE });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', completed: expect.any(String) });
    expect((await operator.post(`/api/tasks/${task.id}/complete`, { variables: INTAKE })).status).toBe(409);

    const knex = okno.deps.db.knex;
    const fact = await knex('step_facts').where({ taskId: task.id }).first();
    expect(fact).toMatchObject({
      caseId,
      serviceCode: 'advert-permit',
      elementId: 'Task_Intake',
      completedBy: ids['operator@okno.local'],
      onTime: true,
      suspendedMinutes: 0,
    });
    expect(fact!.workingMinutes).toBeGreaterThanOrEqual(0);
    expect(fact!.workingMinutes).toBeLessThan(5);
    const actions = await knex('audit_log')
      .where({ entity: 'task', entityId: String(task.id) })
      .pluck('action');
    expect(actions).toEqual(expect.arrayContaining(['claim', 'draft', 'complete']));
    // The case's timeline keeps what the step produced (the case view shows it).
    const timeline = (await operator.get(`/api/cases/${caseId}`)).body.timeline as {
      kind: string;
      data: Record<string, unknown>;
    }[];
    expect(timeline.find((e) => e.kind === 'stepCompleted')?.data).toMatchObject({
      elementId: 'Task_Intake',
      variables: { installationAddress: 'ул. Ленина, 1', infoFieldArea: 12 },
    });

    // The process goes on: the inter-agency requests, answered in Okno's journal, send the reply.
    const requests = await eventually(async () => {
      const res = await specialist2.get(`/api/interagency/requests?caseId=${caseId}`);
      return res.body.items?.length ? (res.body.items as { id: number }[]) : undefined;
    });
    for (const r of requests) {
      const answered = await specialist2.post(`/api/interagency/requests/${r.id}/reply`, {
        result: 'found',
        text: 'Сведения представлены',
      });
      expect(answered.status).toBe(200);
    }
    const review = await taskOf(specialist2, caseId, 'Task_Review');
    expect(review).toMatchObject({ candidateGroups: ['arch-permits'], status: 'created', formId: 'case-review' });
    // Ten working days from Monday 10:00 → Monday 2026-06-29 18:00 Moscow.
    expect(review.due).toBe('2026-06-29T15:00:00.000Z');
    expect((await operator.get(`/api/tasks/${review.id}`)).status).toBe(404);
    expect(await okno.deps.features.tasks.service.stepsOf(caseId)).toEqual({
      done: ['Task_Intake'],
      current: ['Task_Review'],
      late: [],
    });
  });

  it('when a manager or admin assigns, then only a candidate may be the assignee, the assignee may give it back, and bulk assignment reports each task', async () => {
    const a = await taskOf(operator, await startCase('Назначаемый Один'));
    const b = await taskOf(operator, await startCase('Назначаемый Два'));
    const notCandidate = await admin.post(`/api/tasks/${a.id}/assign`, { userId: ids['specialist2@okno.local'] });
    expect(notCandidate.status).toBe(400);
    expect(notCandidate.body.error.details.fields[0].path).toBe('userId');
    expect((await admin.post(`/api/tasks/${a.id}/assign`, { userId: 'x' })).status).toBe(400);
    const assigned = await admin.post(`/api/tasks/${a.id}/assign`, { userId: ids['operator2@okno.local'] });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assigneeId: ids['operator2@okno.local'], status: 'assigned' });
    expect((await operator.post(`/api/tasks/${a.id}/unclaim`)).status).toBe(403);
    const back = await operator2.post(`/api/tasks/${a.id}/unclaim`);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ assigneeId: null, status: 'created' });

    const bulk = await admin.post('/api/tasks/assign', {
      taskIds: [a.id, b.id, 999999],
      userId: ids['operator@okno.local'],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.assigned.sort()).toEqual([a.id, b.id].sort());
    expect(bulk.body.failed).toEqual([{ taskId: 999999, message: 'Task not found' }]);
    expect((await admin.post('/api/tasks/assign', { taskIds: [], userId: 1 })).status).toBe(400);
    // The engine agrees (the assigning listener kept the row true as well).
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClientLoose();
    const inEngine = await rest.getUserTask({ userTaskKey: b.userTaskKey }, { consistency: { waitUpToMs: 0 } });
    expect(inEngine.assignee).toBe(String(ids['operator@okno.local']));
    expect((await admin.get(`/api/tasks?view=scope&caseNumber=${b.caseNumber}`)).body.total).toBe(1);
    expect((await manager.get(`/api/tasks?view=scope&caseNumber=${b.caseNumber}`)).body.total).toBe(0);
  });

  it('when the task is changed outside Okno (the REST API), then the listeners keep the row true', async () => {
    const t = await taskOf(operator, await startCase('Внешний Тасклист'));
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClientLoose();
    await rest.assignUserTask({ userTaskKey: t.userTaskKey, assignee: String(ids['operator2@okno.local']) });
    await eventually(async () => {
      const row = await okno.deps.db.knex('tasks').where({ id: t.id }).first();
      return row?.assigneeId === ids['operator2@okno.local'] ? row : undefined;
    });
    await eventually(async () => {
      try {
        await rest.updateUserTask({ userTaskKey: t.userTaskKey, changeset: { priority: 90 } });
        return true;
      } catch {
        return undefined;
      }
    });
    await eventually(async () => {
      const row = await okno.deps.db.knex('tasks').where({ id: t.id }).first();
      return row?.priority === 90 ? row : undefined;
    });
  });

  it('when the assignee returns the case for corrections, then the task waits and cannot be completed until the case is resumed, and its due date moves by the suspended working time', async () => {
    const caseId = await startCase('Возвратов Сергей');
    const t = await taskOf(operator, caseId);
    expect((await operator.post(`/api/tasks/${t.id}/return`, { reason: 'x' })).status).toBe(403);
    await operator.post(`/api/tasks/${t.id}/claim`);
    expect((await operator.post(`/api/tasks/${t.id}/return`, { reason: '' })).status).toBe(400);
    const returned = await operator.post(`/api/tasks/${t.id}/return`, {
      reason: 'Нет эскиза',
      fields: ['installationAddress'],
      documents: ['D_Sketch'],
    });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ waitingForCorrections: true, status: 'assigned' });
    expect((await operator.get(`/api/tasks/${t.id}`)).body.correction).toEqual({
      reason: 'Нет эскиза',
      fields: ['installationAddress'],
      documents: ['D_Sketch'],
    });
    const refused = await operator.post(`/api/tasks/${t.id}/complete`, { variables: INTAKE });
    expect(refused.status).toBe(409);

    // The case is resubmitted a working day later (what CasesService.resubmit() calls).
    const knex = okno.deps.db.knex;
    await knex.transaction((trx) =>
      okno.deps.features.tasks.service.caseResumed(
        caseId,
        { suspendedFrom: new Date('2026-06-15T07:00:00Z'), resumedAt: new Date('2026-06-16T07:00:00Z') },
        trx,
      ),
    );
    const row = await knex('tasks').where({ id: t.id }).first();
    expect(row).toMatchObject({ waitingForCorrections: false, suspendedMinutes: 480 });
    expect(row!.dueAt!.toISOString()).toBe('2026-06-17T15:00:00.000Z');
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClientLoose();
    await eventually(async () => {
      const e = await rest.getUserTask({ userTaskKey: t.userTaskKey }, { consistency: { waitUpToMs: 0 } });
      return e.dueDate === '2026-06-17T15:00:00.000Z' && e.state === 'CREATED' ? e : undefined;
    });
    const done = await operator.post(`/api/tasks/${t.id}/complete`, { variables: INTAKE });
    expect(done.status).toBe(200);
    const fact = await knex('step_facts').where({ taskId: t.id }).first();
    expect(fact).toMatchObject({ suspendedMinutes: 480, onTime: true, workingMinutes: 0 });
  });

  it('when staff save views, then private ones stay private, shared ones reach the group and only the owner edits', async () => {
    const view = {
      name: 'Мои просроченные',
      filters: { view: 'mine', due: 'overdue' },
      columns: ['caseNumber', 'due'],
      sort: 'due',
    };
    const mine = await operator.post('/api/tasks/views', view);
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ ...view, sharedWithGroup: null, mine: true });
    expect((await operator2.get('/api/tasks/views')).body.items).toEqual([]);
    const shared = await operator.post('/api/tasks/views', {
      ...view,
      name: 'Общий',
      sharedWithGroup: 'mfc-operators',
    });
    expect(shared.status).toBe(201);
    const seen = (await operator2.get('/api/tasks/views')).body.items;
    expect(seen).toEqual([expect.objectContaining({ id: shared.body.id, mine: false })]);
    expect((await operator2.put(`/api/tasks/views/${shared.body.id}`, { ...view, name: 'Чужой' })).status).toBe(403);
    expect((await operator2.delete(`/api/tasks/views/${shared.body.id}`)).status).toBe(403);
    expect((await operator2.put(`/api/tasks/views/${mine.body.id}`, view)).status).toBe(404);
    expect((await specialist2.get('/api/tasks/views')).body.items).toEqual([]);
    expect(
      (await operator.post('/api/tasks/views', { ...view, sharedWithGroup: 'arch-permits' })).body.error.details
        .fields[0].path,
    ).toBe('sharedWithGroup');
    expect((await operator.post('/api/tasks/views', { ...view, name: '' })).status).toBe(400);
    expect((await operator.post('/api/tasks/views', { ...view, columns: ['nope'] })).status).toBe(400);
    const renamed = await operator.put(`/api/tasks/views/${shared.body.id}`, { ...view, name: 'Переименован' });
    expect(renamed.body).toMatchObject({ name: 'Переименован', sharedWithGroup: null });
    expect((await operator.delete(`/api/tasks/views/${mine.body.id}`)).status).toBe(204);
    expect((await operator.get('/api/tasks/views')).body.items.map((v: { id: number }) => v.id)).toEqual([
      shared.body.id,
    ]);
  });
  it('when the case feature is wired through CaseHooks, then a return calls correctionsRequested in the same transaction and a completion calls stepCompleted once', async () => {
    const calls: { hook: string; caseId: number; detail: unknown; inTransaction?: boolean }[] = [];
    const service = okno.deps.features.tasks.service;
    service.useCaseHooks({
      async correctionsRequested(caseId, request, _actor, trx) {
        const row = await trx('tasks').where({ id: request.taskId }).first('waitingForCorrections');
        calls.push({
          hook: 'correctionsRequested',
          caseId,
          detail: request,
          inTransaction: row?.waitingForCorrections,
        });
      },
      async stepCompleted(caseId, step) {
        calls.push({ hook: 'stepCompleted', caseId, detail: step });
      },
    });
    try {
      const caseId = await startCase('Хуков Павел');
      const t = await taskOf(operator, caseId);
      await operator.post(`/api/tasks/${t.id}/claim`);
      await operator.post(`/api/tasks/${t.id}/return`, { reason: 'Нет эскиза', documents: ['D_Sketch'] });
      await okno.deps.db.knex.transaction((trx) =>
        service.caseResumed(caseId, { suspendedFrom: new Date(TEST_NOW), resumedAt: new Date(TEST_NOW) }, trx),
      );
      expect((await operator.post(`/api/tasks/${t.id}/complete`, { variables: INTAKE })).status).toBe(200);
      await sleep(500);
      expect(calls).toEqual([
        {
          hook: 'correctionsRequested',
          caseId,
          detail: { taskId: t.id, reason: 'Нет эскиза', fields: [], documents: ['D_Sketch'] },
          inTransaction: true,
        },
        { hook: 'stepCompleted', caseId, detail: { taskId: t.id, elementId: 'Task_Intake', variables: INTAKE } },
      ]);
    } finally {
      service.useCaseHooks(undefined);
    }
  });

  it('when listing with filters, sort and paging, then the page, the total and the order follow', async () => {
    const names = ['Фильтров Алексей', 'Фильтрова Мария', 'Сортов Борис'];
    const cases = [];
    for (const n of names) {
      cases.push(await startCase(n));
      okno.clock.advance(60_000);
    }
    for (const c of cases) await taskOf(operator, c);
    const byPrefix = await operator.get('/api/tasks?view=group&applicant=фильтров');
    expect(byPrefix.body.items.map((t: TaskItemDto) => t.applicantName).sort()).toEqual([
      'Фильтров Алексей',
      'Фильтрова Мария',
    ]);
    const page = await operator.get('/api/tasks?view=group&service=advert-permit&sort=-created&pageSize=2&page=1');
    expect(page.body.pageSize).toBe(2);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    expect(page.body.items[0].applicantName).toBe('Сортов Борис');
    const created = page.body.items.map((t: TaskItemDto) => Date.parse(t.created));
    expect(created[0]).toBeGreaterThanOrEqual(created[1]);
    const page2 = await operator.get('/api/tasks?view=group&service=advert-permit&sort=-created&pageSize=2&page=2');
    expect(page2.body.items[0].id).not.toBe(page.body.items[0].id);
    expect((await operator.get('/api/tasks?view=group&service=nothing')).body).toMatchObject({ total: 0, items: [] });
    expect((await operator.get('/api/tasks?sort=name')).status).toBe(400);
    expect((await operator.get('/api/tasks?pageSize=1000')).status).toBe(400);
    expect((await operator.get('/api/tasks?view=group&due=today')).body.total).toBe(0);
    const completed = await operator.get('/api/tasks?view=completed');
    expect(completed.body.items.every((t: TaskItemDto) => t.status === 'completed')).toBe(true);
    expect(completed.body.total).toBeGreaterThanOrEqual(1);

    // Tuesday 12:00 Moscow: due today and at risk (within 8 working hours); Wednesday: overdue.
    // (A session idles out when the clock jumps: sign in again at the new time.)
    okno.clock.set(new Date('2026-06-16T09:00:00Z'));
    const tuesday = await okno.signIn('operator@okno.local');
    const today = await tuesday.get('/api/tasks?view=group&due=today');
    expect(today.body.total).toBeGreaterThanOrEqual(3);
    const atRisk = await tuesday.get('/api/tasks?view=group&due=atRisk');
    expect(atRisk.body.total).toBe(today.body.total);
    expect(atRisk.body.items.every((t: TaskItemDto) => t.atRisk && !t.overdue)).toBe(true);
    okno.clock.set(new Date('2026-06-17T09:00:00Z'));
    const wednesday = await okno.signIn('operator@okno.local');
    const overdue = await wednesday.get('/api/tasks?view=group&due=overdue');
    expect(overdue.body.total).toBe(today.body.total);
    expect(overdue.body.items.every((t: TaskItemDto) => t.overdue)).toBe(true);
    okno.clock.set(new Date(TEST_NOW));
  });
});

describe('given Okno stopped while the engine creates a task', () => {
  it('when Okno starts again on the same data, then the task created while it was down is recorded', async () => {
    const first = await startTestOkno();
    const analyst = await first.signIn('analyst@okno.local');
    expect((await analyst.post('/api/services/advert-permit/publish', {})).status).toBe(201);
    const schema = first.schema;
    await first.halt();

    // The engine alone on Okno's data (as a cluster would run on while Okno is down).
    const db = await openDatabase({
      url: process.env.DATABASE_URL,
      dataDir: path.join(os.tmpdir(), `okno-test-${schema}`),
      schema,
      poolMax: 5,
    });
    const clock = new AdjustableClock();
    clock.set(new Date(TEST_NOW));
    const engine = await startEmbeddedEngine({
      knex: db.knex,
      host: '127.0.0.1',
      grpcPort: 0,
      restPort: 0,
      logger: createLogger('silent'),
      clock,
      credentials: testCredentials(),
    });
    const c8 = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://${engine.grpcAddress}`,
      ZEEBE_REST_ADDRESS: engine.restAddress,
      ...sdkAuthSettings(engine.credentials),
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    } as unknown as ConstructorParameters<typeof Camunda8>[0]);
    const pi = await c8
      .getZeebeGrpcApiClient()
      .createProcessInstance({ bpmnProcessId: 'advert-permit', variables: caseVariables(7, 'Пока Никого') });
    await c8.getZeebeGrpcApiClient().close();
    await engine.stop();
    await db.close();

    const second = await startTestOkno({}, { schema });
    try {
      const row = await eventually(() =>
        second.deps.db.knex('tasks').where({ processInstanceKey: pi.processInstanceKey }).first(),
      );
      expect(row).toMatchObject({ elementId: 'Task_Intake', caseId: 7, applicantName: 'Пока Никого' });
      expect(row.dueAt?.toISOString()).toBe('2026-06-16T15:00:00.000Z');
    } finally {
      await second.stop();
    }
  }, 120_000);
});
