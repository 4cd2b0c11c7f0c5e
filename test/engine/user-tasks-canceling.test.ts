import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobKey, ProcessDefinitionId, ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';

type Task = Awaited<ReturnType<TestEngine['rest']['getUserTask']>>;

describe('engine: canceling task listeners (a user task terminated by a timer, a cancel or a terminate end event)', () => {
  let t: TestEngine;
  const now = { consistency: { waitUpToMs: 0 } };
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of [
      'user-task-canceling.bpmn',
      'user-task-terminate.bpmn',
      'user-task-interrupted.bpmn',
      'user-task-caller.bpmn',
      'user-task-first-wins.bpmn',
    ])
      await t.deployFixture(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const tasksOf = async (processInstanceKey: string): Promise<Task[]> =>
    (
      await t.rest.searchUserTasks(
        { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } },
        now,
      )
    ).items;
  const taskIn = (processInstanceKey: string, state: string) =>
    eventually(async () => (await tasksOf(processInstanceKey)).find((x) => x.state === state));
  /** Jobs of a type that are activatable right now (no long polling). */
  const jobsNow = (type: string) =>
    t.zeebe.activateJobs({ type, worker: 'probe', maxJobsToActivate: 5, timeout: 30_000, requestTimeout: -1 });
  const elementIds = async (processInstanceKey: string) => {
    const r = await t.rest.searchElementInstances(
      { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } },
      now,
    );
    return (r.items ?? []).map((x) => x.elementId).sort();
  };

  it('given canceling listeners, when an interrupting timer fires, then the task is CANCELING while they run in order and the timer path starts only after the last one', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-canceling',
      variables: { deadline: 'PT0.3S' },
    });
    const created = await taskIn(pi.processInstanceKey, 'CREATED');
    const first = await t.job('ut-canceling');
    expect(first.customHeaders).toMatchObject({
      'io.camunda.zeebe:userTaskKey': created.userTaskKey,
      'io.camunda.zeebe:candidateGroups': '["clerks"]',
    });
    expect((await t.rest.getUserTask({ userTaskKey: created.userTaskKey }, now)).state).toBe('CANCELING');
    // The element waits in TERMINATING: the boundary event has not been taken yet.
    expect(await elementIds(pi.processInstanceKey)).toEqual(['Task_Deadline', 'user-task-canceling']);
    expect(await jobsNow('ut-overdue')).toEqual([]);
    // A canceling transition cannot be denied, and the task takes no commands meanwhile.
    const deny = await t.rest
      .completeJob({ jobKey: JobKey.assumeExists(first.key), result: { type: 'userTask', denied: true } })
      .then(
        () => undefined,
        (e: unknown) => e as { status?: number; title?: string },
      );
    expect(deny).toMatchObject({ status: 400, title: 'INVALID_ARGUMENT' });
    const busy = await t.rest.assignUserTask({ userTaskKey: created.userTaskKey, assignee: 'x' }).then(
      () => undefined,
      (e: unknown) => e as { status?: number },
    );
    expect(busy?.status).toBe(409);
    await t.rest.completeJob({
      jobKey: JobKey.assumeExists(first.key),
      result: { type: 'userTask', corrections: { priority: 10 } },
    });
    const second = await t.job('ut-canceling-2');
    expect(second.customHeaders).toMatchObject({ 'io.camunda.zeebe:priority': '10' });
    expect(await jobsNow('ut-overdue')).toEqual([]);
    await t.zeebe.completeJob({ jobKey: second.key, variables: {} });
    const overdue = await t.job('ut-overdue');
    expect(overdue.processInstanceKey).toBe(pi.processInstanceKey);
    expect(await t.rest.getUserTask({ userTaskKey: created.userTaskKey }, now)).toMatchObject({
      state: 'CANCELED',
      priority: 10,
      completionDate: expect.any(String),
    });
    await t.zeebe.completeJob({ jobKey: overdue.key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
  });

  it('given a canceling listener that fails without retries, then an incident holds the termination until it is resolved', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-canceling',
      variables: { deadline: 'PT0.1S' },
    });
    const failing = await t.job('ut-canceling');
    await t.zeebe.failJob({ jobKey: failing.key, retries: 0, errorMessage: 'audit log down', retryBackOff: 0 });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({
      errorType: 'TASK_LISTENER_NO_RETRIES',
      elementId: 'Task_Deadline',
      errorMessage: 'audit log down',
    });
    await t.zeebe.updateJobRetries({ jobKey: failing.key, retries: 1 });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-canceling')).key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-canceling-2')).key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-overdue')).key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
  });

  it('given canceling listeners, when the instance is canceled, then it stays ACTIVE until they complete and is TERMINATED after', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-canceling',
      variables: { deadline: 'PT1H' },
    });
    const { userTaskKey } = await taskIn(pi.processInstanceKey, 'CREATED');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    const first = await t.job('ut-canceling');
    expect(await t.instanceState(pi.processInstanceKey)).toBe('ACTIVE');
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('CANCELING');
    await t.zeebe.completeJob({ jobKey: first.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-canceling-2')).key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'TERMINATED');
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('CANCELED');
    expect(await jobsNow('ut-overdue')).toEqual([]);
  });

  it('given a task in a subprocess with a canceling listener, when a terminate end event ends the process, then the process completes after the listener', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'user-task-terminate', variables: {} });
    const { userTaskKey } = await taskIn(pi.processInstanceKey, 'CREATED');
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-stop')).key, variables: {} });
    const listener = await t.job('ut-canceling-t');
    expect(await t.instanceState(pi.processInstanceKey)).toBe('ACTIVE');
    expect(await elementIds(pi.processInstanceKey)).toEqual(['Sub', 'Task_Open', 'user-task-terminate']);
    await t.zeebe.completeJob({ jobKey: listener.key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('CANCELED');
  });

  it('given a canceling listener, when an interrupting event subprocess starts, then the event subprocess runs only after the listener', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-interrupted',
      variables: { caseId: 'C-1' },
    });
    const { userTaskKey } = await taskIn(pi.processInstanceKey, 'CREATED');
    await t.zeebe.publishMessage({ name: 'stop-work', correlationKey: 'C-1', variables: {}, timeToLive: 0 });
    const listener = await t.job('ut-canceling-e');
    expect(await jobsNow('ut-after-stop')).toEqual([]);
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('CANCELING');
    await t.zeebe.completeJob({ jobKey: listener.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-after-stop')).key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('CANCELED');
  });

  it('given a called process whose task has canceling listeners, when the caller is canceled, then both end TERMINATED after the listeners', async () => {
    const parent = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-caller',
      variables: { deadline: 'PT1H' },
    });
    const task = await eventually(async () =>
      (
        await t.rest.searchUserTasks(
          {
            filter: { processDefinitionId: ProcessDefinitionId.assumeExists('user-task-canceling'), state: 'CREATED' },
          },
          now,
        )
      ).items.find((x) => x.processInstanceKey !== parent.processInstanceKey),
    );
    await t.zeebe.cancelProcessInstance(parent.processInstanceKey);
    const first = await t.job('ut-canceling');
    expect(first.processInstanceKey).toBe(task.processInstanceKey);
    expect(await t.instanceState(parent.processInstanceKey)).toBe('ACTIVE');
    await t.zeebe.completeJob({ jobKey: first.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-canceling-2')).key, variables: {} });
    await eventually(async () => (await t.instanceState(parent.processInstanceKey)) === 'TERMINATED');
    expect(await t.instanceState(String(task.processInstanceKey))).toBe('TERMINATED');
    expect((await t.rest.getUserTask({ userTaskKey: task.userTaskKey }, now)).state).toBe('CANCELED');
  });

  it('given a multi-instance task whose completion condition is met, when the other inner task is canceled, then the body completes after its canceling listener', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-first-wins',
      variables: { voters: ['anna', 'boris'] },
    });
    const tasks = await eventually(async () => {
      const list = (await tasksOf(pi.processInstanceKey)).filter((x) => x.state === 'CREATED');
      return list.length === 2 ? list : undefined;
    });
    const anna = tasks.find((x) => x.assignee === 'anna')!;
    const boris = tasks.find((x) => x.assignee === 'boris')!;
    await t.rest.completeUserTask({ userTaskKey: anna.userTaskKey });
    const listener = await t.job('ut-canceling-mi');
    expect(listener.customHeaders).toMatchObject({
      'io.camunda.zeebe:userTaskKey': boris.userTaskKey,
      'io.camunda.zeebe:assignee': 'boris',
    });
    expect(await jobsNow('ut-count')).toEqual([]);
    await t.zeebe.completeJob({ jobKey: listener.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-count')).key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
    expect((await t.rest.getUserTask({ userTaskKey: boris.userTaskKey }, now)).state).toBe('CANCELED');
    expect((await t.rest.getUserTask({ userTaskKey: anna.userTaskKey }, now)).state).toBe('COMPLETED');
  });
});
