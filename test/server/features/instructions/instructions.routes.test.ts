import { ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instruction, InstructionPage } from '../../../../server/contract/instructions.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import type { ApiClient } from '../../../helpers/api.js';

const NOW = { consistency: { waitUpToMs: 0 } };

async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const started = performance.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('given the housing manager and employees inside and outside their department', () => {
  let okno: TestOkno;
  let manager: ApiClient;
  let ids: { specialist: number; specialistUser: number; specialist2: number };

  const employeeOf = async (email: string) => {
    const u = (await okno.deps.db.knex('users').where({ email }).first('id', 'employeeId'))!;
    return { employeeId: u.employeeId!, userId: u.id };
  };

  beforeAll(async () => {
    okno = await startTestOkno();
    manager = await okno.signIn('manager@okno.local');
    const s = await employeeOf('specialist@okno.local');
    const s2 = await employeeOf('specialist2@okno.local');
    ids = { specialist: s.employeeId, specialistUser: s.userId, specialist2: s2.employeeId };
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it("when the manager instructs an employee of their subtree, then the instruction is recorded and its user task waits in the engine for that user, due at the end of the chosen working day, with Okno's creating listener", async () => {
    const res = await manager.post<Instruction>('/api/instructions', {
      employeeId: ids.specialist,
      title: 'Подготовить справку по очереди',
      text: 'Сводка по заявлениям за май',
      due: '2026-06-19',
      priority: 70,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Подготовить справку по очереди',
      employeeId: ids.specialist,
      employeeName: 'Лебедева Ольга Николаевна',
      assigneeUserId: ids.specialistUser,
      givenByName: 'Орлов Игорь Владимирович',
      due: '2026-06-19',
      // Friday 19 June 2026, 18:00 in Moscow.
      dueAt: '2026-06-19T15:00:00.000Z',
      priority: 70,
      status: 'open',
      overdue: false,
      // The product's clock (it runs on from TEST_NOW), not the wall clock.
      createdAt: expect.stringMatching(/^2026-06-15T07:0/),
    });

    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClient();
    const task = await eventually(async () => {
      const r = await rest.searchUserTasks(
        { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(res.body.processInstanceKey!) } },
        NOW,
      );
      return r.items[0];
    }, 'the instruction task');
    expect(task).toMatchObject({
      elementId: 'Task_Instruction',
      processDefinitionId: 'okno-instruction',
      assignee: String(ids.specialistUser),
      priority: 70,
    });
    expect(new Date(String(task.dueDate)).toISOString()).toBe('2026-06-19T15:00:00.000Z');
    // Deployed with Okno's task listeners: the tasks projection lists it in the employee's task list under its title.
    const specialistTasks = await okno.signIn('specialist@okno.local');
    const listed = await eventually(async () => {
      const r = await specialistTasks.get('/api/tasks?view=mine');
      return (r.body.items as { name: string; due: string | null; caseId: number | null }[]).find(
        (t) => t.name === 'Подготовить справку по очереди',
      );
    }, 'the instruction in the task list');
    expect(listed).toMatchObject({ due: '2026-06-19T15:00:00.000Z', caseId: null });

    const given = await manager.get<InstructionPage>('/api/instructions?scope=givenByMe');
    expect(given.body.items.map((i) => i.id)).toContain(res.body.id);
    const specialist = await okno.signIn('specialist@okno.local');
    const mine = await specialist.get<InstructionPage>('/api/instructions?scope=toMe');
    expect(mine.body.items).toEqual([expect.objectContaining({ id: res.body.id, status: 'open' })]);
    const scope = await manager.get<InstructionPage>('/api/instructions?scope=inScope&q=справку');
    expect(scope.body.total).toBe(1);
  });

  it('when the manager instructs an employee outside their subtree, then 404 and nothing starts', async () => {
    const before = await okno.deps.db.knex('instructions').count({ n: '*' });
    const res = await manager.post('/api/instructions', {
      employeeId: ids.specialist2,
      title: 'Чужой сотрудник',
      text: 'Нельзя',
      due: '2026-06-19',
    });
    expect(res.status).toBe(404);
    expect(await okno.deps.db.knex('instructions').count({ n: '*' })).toEqual(before);
    const employees = await manager.get<{ items: { id: number }[] }>('/api/instructions/employees');
    expect(employees.body.items.map((e) => e.id)).toContain(ids.specialist);
    expect(employees.body.items.map((e) => e.id)).not.toContain(ids.specialist2);
  });

  it('when an administrator instructs anyone, then it is accepted; a due day in the past or no title is 400', async () => {
    const admin = await okno.signIn('admin@okno.local');
    const ok = await admin.post('/api/instructions', {
      employeeId: ids.specialist2,
      title: 'Проверить реестр',
      text: 'До пятницы',
      due: '2026-06-20',
    });
    expect(ok.status).toBe(201);
    // Saturday 20 June moves to Monday 22 June, end of the working day.
    expect(ok.body.dueAt).toBe('2026-06-22T15:00:00.000Z');
    const bad = await admin.post('/api/instructions', {
      employeeId: ids.specialist2,
      title: ' ',
      text: 'x',
      due: '2026-06-01',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['title']);
    const past = await admin.post('/api/instructions', {
      employeeId: ids.specialist2,
      title: 'Вчера',
      text: 'x',
      due: '2026-06-14',
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details.fields[0].path).toBe('due');
  });

  it('when an operator or specialist gives an instruction, or asks for the department list, then 403', async () => {
    const operator = await okno.signIn('operator@okno.local');
    const specialist = await okno.signIn('specialist2@okno.local');
    const body = { employeeId: ids.specialist, title: 't', text: 't', due: '2026-06-19' };
    expect((await operator.post('/api/instructions', body)).status).toBe(403);
    expect((await specialist.post('/api/instructions', body)).status).toBe(403);
    expect((await specialist.get('/api/instructions?scope=inScope')).status).toBe(403);
    expect((await (await okno.signIn('citizen@okno.local')).get('/api/instructions')).status).toBe(403);
  });
});
