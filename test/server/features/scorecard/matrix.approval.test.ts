import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import type { Camunda8 } from '@camunda8/sdk';
import { APPROVAL_PROCESS_ID } from '../../../../server/features/scorecard/matrix.approval.js';
import type { ApiClient } from '../../../helpers/api.js';
import { eventually } from '../../../helpers/engine.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

const now = { consistency: { waitUpToMs: 0 } };

describe('matrix approval as a BPMN process on the embedded engine', () => {
  let okno: TestOkno;
  let sdk: Camunda8;
  let specialist: ApiClient;
  let manager: ApiClient;
  let admin: ApiClient;
  let matrixId: number;
  let managerUserId: number;
  let specialistUserId: number;

  /** The user tasks of an instance, as the engine reports them. */
  const tasks = async (processInstanceKey: string) =>
    (
      await sdk
        .getOrchestrationClusterApiClient()
        .searchUserTasks({ filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } }, now)
    ).items;
  /** The one task the instance waits at. */
  const waiting = async (processInstanceKey: string) => {
    const open = (await tasks(processInstanceKey)).filter((t) => t.state === 'CREATED');
    expect(open).toHaveLength(1);
    return open[0];
  };
  const instanceState = async (processInstanceKey: string) =>
    (
      await sdk
        .getOrchestrationClusterApiClient()
        .getProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) }, now)
    ).state;
  const stored = async (id: number) => (await okno.deps.db.knex('sc_matrices').where({ id }).first())!;

  beforeAll(async () => {
    okno = await startTestOkno();
    sdk = okno.deps.engine.sdk()!;
    specialist = await okno.signIn('specialist@okno.local');
    manager = await okno.signIn('manager@okno.local');
    admin = await okno.signIn('admin@okno.local');
    matrixId = (await specialist.get('/api/scorecard/matrices/mine')).body.items[0].id;
    managerUserId = (await okno.deps.db.knex('users').where({ email: 'manager@okno.local' }).first('id'))!.id;
    specialistUserId = (await okno.deps.db.knex('users').where({ email: 'specialist@okno.local' }).first('id'))!.id;
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given a draft, when the employee confirms, then one approval instance starts and waits for the manager, and Okno records who and when', async () => {
    expect((await stored(matrixId)).processInstanceKey).toBeNull();
    const res = await specialist.post(`/api/scorecard/matrices/${matrixId}/confirm`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'confirmed', processInstanceKey: expect.any(String) });
    expect(res.body.workflow.confirmed.by.id).toBe(specialistUserId);
    const key = res.body.processInstanceKey as string;
    const task = await waiting(key);
    expect(task).toMatchObject({
      elementId: 'Task_Agree',
      processDefinitionId: APPROVAL_PROCESS_ID,
      candidateGroups: ['admin'],
    });
    expect(task.candidateUsers).toContain(String(managerUserId));
    expect(task.candidateUsers).not.toContain(String(specialistUserId));
    expect((await stored(matrixId)).processInstanceKey).toBe(key);
  });

  it('given a confirmed matrix, when the manager returns it, then the gateway sends the instance back to the employee task and the matrix is a draft again', async () => {
    const key = (await stored(matrixId)).processInstanceKey as string;
    const res = await manager.post(`/api/scorecard/matrices/${matrixId}/return`, { comment: 'Уточните факт' });
    expect(res.body).toMatchObject({ status: 'draft', processInstanceKey: key, workflow: { confirmed: null } });
    const task = await waiting(key);
    expect(task).toMatchObject({ elementId: 'Task_Correct', assignee: String(specialistUserId) });
    expect((await tasks(key)).find((t) => t.elementId === 'Task_Agree')?.state).toBe('COMPLETED');

    // When the employee confirms again, the same instance goes on to the manager.
    const again = await specialist.post(`/api/scorecard/matrices/${matrixId}/confirm`, {});
    expect(again.body).toMatchObject({ status: 'confirmed', processInstanceKey: key });
    expect((await waiting(key)).elementId).toBe('Task_Agree');
  });

  it('given a confirmed matrix, when the manager agrees, the head approves and locks, then each step completes its user task, the instance ends, and the matrix is locked', async () => {
    const key = (await stored(matrixId)).processInstanceKey as string;
    expect((await specialist.post(`/api/scorecard/matrices/${matrixId}/agree`, {})).status).toBe(403);
    expect((await waiting(key)).elementId).toBe('Task_Agree');

    expect((await manager.post(`/api/scorecard/matrices/${matrixId}/agree`, {})).body.status).toBe('agreed');
    expect((await waiting(key)).elementId).toBe('Task_Approve');
    expect(
      (await manager.post(`/api/scorecard/matrices/${matrixId}/approve`, { comment: 'Утверждаю' })).body.status,
    ).toBe('approved');
    expect((await waiting(key)).elementId).toBe('Task_Lock');
    const locked = await manager.post(`/api/scorecard/matrices/${matrixId}/lock`, {});
    expect(locked.body).toMatchObject({ status: 'locked', allowedActions: [], editable: 'none' });
    expect(locked.body.workflow.locked.by.id).toBe(managerUserId);
    expect(locked.body.history.map((h: { action: string }) => h.action)).toEqual([
      'confirm',
      'return',
      'confirm',
      'agree',
      'approve',
      'lock',
    ]);
    expect(await instanceState(key)).toBe('COMPLETED');
    expect((await tasks(key)).filter((t) => t.state === 'CREATED')).toEqual([]);

    // Then the lock holds: no action, no edit.
    expect((await admin.post(`/api/scorecard/matrices/${matrixId}/return`, { comment: 'reopen' })).status).toBe(409);
    expect((await admin.patch(`/api/scorecard/matrices/${matrixId}`, { workedDays: 1 })).status).toBe(409);
    const row = locked.body.rows.find((r: { kind: string }) => r.kind === 'evaluation');
    expect(
      (await admin.put(`/api/scorecard/matrices/${matrixId}/facts`, { facts: [{ rowId: row.id, factValue: 50 }] }))
        .status,
    ).toBe(409);
  });

  it('given an instance cancelled on the engine by hand, when the manager acts, then a fresh instance is started at the matching step and the action goes through', async () => {
    const own = (await manager.get('/api/scorecard/matrices/mine')).body.items[0].id as number;
    const m = (await manager.get(`/api/scorecard/matrices/${own}`)).body;
    for (const r of m.rows.filter(
      (x: { planValue: number | null; unit: string }) => x.planValue === null && x.unit !== 'date',
    ))
      await manager.patch(`/api/scorecard/matrices/${own}/rows/${r.id}`, { planValue: 1 });
    const confirmed = await manager.post(`/api/scorecard/matrices/${own}/confirm`, {});
    expect(confirmed.body.status).toBe('confirmed');
    const first = confirmed.body.processInstanceKey as string;
    await sdk.getZeebeGrpcApiClient().cancelProcessInstance(first);

    // The manager's own matrix goes to an admin (nobody above them in the demo).
    const agreed = await admin.post(`/api/scorecard/matrices/${own}/agree`, {});
    expect(agreed.status).toBe(200);
    expect(agreed.body.status).toBe('agreed');
    expect(agreed.body.processInstanceKey).not.toBe(first);
    expect((await waiting(agreed.body.processInstanceKey)).elementId).toBe('Task_Approve');
  });

  it('given two people take the same step at once, then one wins, the other gets 409, and the matrix moved once', async () => {
    const own = (await manager.get('/api/scorecard/matrices/mine')).body.items[0].id as number;
    const [a, b] = await Promise.all([
      admin.post(`/api/scorecard/matrices/${own}/approve`, {}),
      admin.post(`/api/scorecard/matrices/${own}/return`, { comment: 'Нет' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const after = (await admin.get(`/api/scorecard/matrices/${own}`)).body;
    const winner = a.status === 200 ? 'approve' : 'return';
    expect(after.history.at(-1).action).toBe(winner);
    expect(
      after.history.filter((h: { action: string }) => h.action === 'approve' || h.action === 'return'),
    ).toHaveLength(1);
    expect((await waiting(after.processInstanceKey)).elementId).toBe(
      winner === 'approve' ? 'Task_Lock' : 'Task_Correct',
    );
  });

  it('given an approved matrix nobody locks, when the lock timer runs out, then the okno-scorecard-lock-matrix worker locks it in Okno', async () => {
    const own = (await manager.get('/api/scorecard/matrices/mine')).body.items[0].id as number;
    let m = (await admin.get(`/api/scorecard/matrices/${own}`)).body;
    if (m.status === 'draft') m = (await manager.post(`/api/scorecard/matrices/${own}/confirm`, {})).body;
    if (m.status === 'confirmed') m = (await admin.post(`/api/scorecard/matrices/${own}/agree`, {})).body;
    if (m.status === 'agreed') m = (await admin.post(`/api/scorecard/matrices/${own}/approve`, {})).body;
    expect(m.status).toBe('approved');
    // When ten days and a minute pass on the engine's clock (Camunda's clock API, as against a cluster)
    const approvedAt = okno.clock.ms();
    await sdk.getOrchestrationClusterApiClient().pinClock({ timestamp: approvedAt + 10 * 86_400_000 + 60_000 });
    try {
      const locked = await eventually(async () => {
        const s = await stored(own);
        return s.status === 'locked' ? s : undefined;
      }, 15_000);
      // Then the worker locked it in Okno, as the system, at the moved time, and the approval instance ended
      expect(locked.lockedBy).toBeNull();
      expect(locked.lockedAt!.getTime()).toBeGreaterThanOrEqual(approvedAt + 10 * 86_400_000);
      await eventually(async () => (await instanceState(String(m.processInstanceKey))) === 'COMPLETED', 5_000);
    } finally {
      okno.clock.set(approvedAt);
    }
    const view = (await admin.get(`/api/scorecard/matrices/${own}`)).body;
    expect(view.history.at(-1)).toMatchObject({
      action: 'lock',
      by: null,
      comment: expect.stringContaining('автоматически'),
    });
    expect(view.allowedActions).toEqual([]);
  });
});

describe('matrix approval without a usable engine', () => {
  it('given ENGINE=none, when the employee confirms, then 503 engine_unavailable and the matrix stays a draft', async () => {
    const okno = await startTestOkno({ ENGINE: 'none' });
    try {
      const specialist = await okno.signIn('specialist@okno.local');
      const id = (await specialist.get('/api/scorecard/matrices/mine')).body.items[0].id as number;
      const res = await specialist.post(`/api/scorecard/matrices/${id}/confirm`, {});
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('engine_unavailable');
      const m = (await specialist.get(`/api/scorecard/matrices/${id}`)).body;
      expect(m).toMatchObject({
        status: 'draft',
        workflow: { confirmed: null },
        history: [],
        processInstanceKey: null,
      });
      // The matrix itself still works: facts and rows are edited without the engine.
      const task = m.rows.find(
        (r: { kind: string; unit: string; source: string | null }) =>
          r.kind === 'kpi' && r.unit !== 'date' && r.source !== 'import',
      );
      expect(
        (await specialist.put(`/api/scorecard/matrices/${id}/facts`, { facts: [{ rowId: task.id, factValue: 1 }] }))
          .status,
      ).toBe(200);
    } finally {
      await okno.stop();
    }
  }, 60_000);

  it('given an engine that does not answer, when the employee confirms, then 503 and nothing is written', async () => {
    const okno = await startTestOkno({
      ENGINE: 'external',
      ZEEBE_GRPC_ADDRESS: 'grpc://127.0.0.1:9',
      ZEEBE_REST_ADDRESS: 'http://127.0.0.1:9',
      CAMUNDA_AUTH_STRATEGY: 'NONE',
    });
    try {
      const specialist = await okno.signIn('specialist@okno.local');
      const id = (await specialist.get('/api/scorecard/matrices/mine')).body.items[0].id as number;
      const res = await specialist.post(`/api/scorecard/matrices/${id}/confirm`, {});
      expect(res.status).toBe(503);
      expect(res.body.error.message).toContain('nothing was changed');
      const stored = await okno.deps.db.knex('sc_matrices').where({ id }).first();
      expect(stored).toMatchObject({
        status: 'draft',
        confirmedBy: null,
        confirmedAt: null,
        processInstanceKey: null,
        workflowLeaseUntil: null,
      });
      expect(
        Number((await okno.deps.db.knex('sc_matrix_events').where({ matrixId: id }).count({ n: '*' }).first())?.n),
      ).toBe(0);
    } finally {
      await okno.stop();
    }
  }, 90_000);
});
