import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobKey, ProcessInstanceKey, UserTaskKey } from '@camunda8/orchestration-cluster-api';
import { eventually, fixture, startTestEngine, type TestEngine } from '../helpers/engine.js';

type Task = Awaited<ReturnType<TestEngine['rest']['getUserTask']>>;

describe('engine: Camunda user tasks, task listeners and /v2/user-tasks', () => {
  let t: TestEngine;
  const now = { consistency: { waitUpToMs: 0 } };
  beforeAll(async () => {
    t = await startTestEngine();
    await t.zeebe.deployResource({ form: fixture('approval.form'), name: 'approval.form' });
    for (const f of ['user-task.bpmn', 'user-task-listeners.bpmn', 'user-task-timer.bpmn', 'user-task-updating.bpmn'])
      await t.deployFixture(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** The user tasks of an instance, through the REST search. */
  const tasksOf = async (processInstanceKey: string): Promise<Task[]> =>
    (
      await t.rest.searchUserTasks(
        { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } },
        now,
      )
    ).items;
  /** Waits for the instance's task to reach a state. */
  const taskIn = (processInstanceKey: string, state: string) =>
    eventually(async () => (await tasksOf(processInstanceKey)).find((x) => x.state === state));
  /** The problem body and status of a rejected REST call. */
  const problem = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as { status?: number; title?: string; detail?: string; type?: string },
    );
  /** A job's custom headers. */
  const headers = (job: { customHeaders: unknown }) => job.customHeaders as Record<string, string>;
  /** Completes a listener job over REST with a user task result. */
  const completeListener = (
    jobKey: string,
    result: { denied?: boolean; deniedReason?: string; corrections?: Record<string, unknown> } = {},
  ) => t.rest.completeJob({ jobKey: JobKey.assumeExists(jobKey), result: { type: 'userTask', ...result } });

  it('given a task with FEEL assignment, due date and a form, when the instance starts, then it is created and found by candidate group', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task',
      variables: { office: 'mfc-central', days: 2, priority: 80, applicant: 'Ivanova' },
    });
    const task = await taskIn(pi.processInstanceKey, 'CREATED');
    expect(task).toMatchObject({
      name: 'Review the application',
      elementId: 'Task_Review',
      processDefinitionId: 'user-task',
      candidateGroups: ['mfc-central', 'mfc-operators'],
      candidateUsers: ['alice', 'bob'],
      dueDate: '2030-01-04T10:00:00.000Z',
      followUpDate: '2030-01-01T09:00:00.000Z',
      priority: 80,
      customHeaders: { step: 'review' },
      processInstanceKey: pi.processInstanceKey,
    });
    expect(task.assignee).toBeUndefined();
    const byGroup = await t.rest.searchUserTasks(
      {
        filter: {
          candidateGroup: 'mfc-central',
          state: 'CREATED',
          dueDate: { $gte: '2030-01-03T00:00:00Z', $lt: '2030-01-05T00:00:00Z' },
        },
        sort: [{ field: 'priority', order: 'DESC' }],
        page: { from: 0, limit: 10 },
      },
      now,
    );
    expect(byGroup.items.map((x) => x.userTaskKey)).toContain(task.userTaskKey);
    expect(byGroup.page.totalItems).toBeGreaterThanOrEqual(1);
    const other = await t.rest.searchUserTasks({ filter: { candidateGroup: 'nobody' } }, now);
    expect(other.items).toEqual([]);
    const form = await t.rest.getUserTaskForm({ userTaskKey: task.userTaskKey }, now);
    expect(form).toMatchObject({ formId: 'approval-form', version: 1, formKey: task.formKey });
    expect((form as { schema?: { components?: unknown[] } }).schema?.components).toHaveLength(1);
    expect(await t.rest.getUserTask({ userTaskKey: task.userTaskKey }, now)).toEqual(task);
  });

  it('given a created task, when assigned, reassigned and unassigned, then the assignee follows; allowOverride false refuses an assigned task', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task',
      variables: { office: 'mfc-north', days: 1, priority: 10, applicant: 'Petrov' },
    });
    const { userTaskKey } = await taskIn(pi.processInstanceKey, 'CREATED');
    await t.rest.assignUserTask({ userTaskKey, assignee: 'alice' });
    expect((await t.rest.getUserTask({ userTaskKey }, now)).assignee).toBe('alice');
    await t.rest.assignUserTask({ userTaskKey, assignee: 'bob' });
    expect((await t.rest.getUserTask({ userTaskKey }, now)).assignee).toBe('bob');
    const refused = await problem(t.rest.assignUserTask({ userTaskKey, assignee: 'carol', allowOverride: false }));
    expect(refused).toMatchObject({ status: 409, title: 'INVALID_STATE' });
    expect(
      (
        await t.rest.searchUserTasks(
          { filter: { assignee: 'bob', processInstanceKey: ProcessInstanceKey.assumeExists(pi.processInstanceKey) } },
          now,
        )
      ).items,
    ).toHaveLength(1);
    await t.rest.unassignUserTask({ userTaskKey });
    expect((await t.rest.getUserTask({ userTaskKey }, now)).assignee).toBeUndefined();
    await t.rest.updateUserTask({
      userTaskKey,
      changeset: { priority: 99, candidateGroups: ['archive'], dueDate: '' },
    });
    expect(await t.rest.getUserTask({ userTaskKey }, now)).toMatchObject({
      priority: 99,
      candidateGroups: ['archive'],
    });
    expect((await t.rest.getUserTask({ userTaskKey }, now)).dueDate).toBeUndefined();
  });

  it('given a created task, when completed with variables, then the process continues with them and the task is COMPLETED', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task',
      variables: { office: 'mfc-south', days: 3, priority: 50, applicant: 'Sidorova' },
    });
    const { userTaskKey } = await taskIn(pi.processInstanceKey, 'CREATED');
    await t.rest.completeUserTask({ userTaskKey, variables: { decision: 'approved', comment: 'ok' } });
    const job = await t.job('ut-after');
    expect(job.processInstanceKey).toBe(pi.processInstanceKey);
    expect(job.variables).toMatchObject({ decision: 'approved', comment: 'ok', applicant: 'Sidorova' });
    expect(job.variables.who).toBeUndefined();
    const done = await t.rest.getUserTask({ userTaskKey }, now);
    expect(done.state).toBe('COMPLETED');
    expect(done.completionDate).toEqual(expect.any(String));
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
    const again = await problem(t.rest.completeUserTask({ userTaskKey }));
    expect(again?.status).toBe(404);
  });

  it('given creating listeners, when the first corrects due date and candidate groups, then the task is CREATED with the corrections after the second', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-listeners',
      variables: { applicant: 'Orlova' },
    });
    const first = await t.job('ut-creating');
    expect(first.customHeaders).toMatchObject({
      'io.camunda.zeebe:candidateGroups': '["clerks"]',
      'io.camunda.zeebe:dueDate': '2030-03-01T12:00:00.000Z',
      'io.camunda.zeebe:priority': '50',
    });
    const userTaskKey = UserTaskKey.assumeExists(headers(first)['io.camunda.zeebe:userTaskKey']);
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('CREATING');
    await completeListener(first.key, {
      corrections: { dueDate: '2030-03-10T09:00:00Z', candidateGroups: ['clerks', 'seniors'], priority: 70 },
    });
    const second = await t.job('ut-creating-2');
    expect(second.customHeaders).toMatchObject({
      'io.camunda.zeebe:candidateGroups': '["clerks","seniors"]',
      'io.camunda.zeebe:dueDate': '2030-03-10T09:00:00.000Z',
      'io.camunda.zeebe:priority': '70',
    });
    await t.zeebe.completeJob({ jobKey: second.key, variables: {} });
    const task = await taskIn(pi.processInstanceKey, 'CREATED');
    expect(task).toMatchObject({
      dueDate: '2030-03-10T09:00:00.000Z',
      candidateGroups: ['clerks', 'seniors'],
      priority: 70,
    });
    expect(
      (
        await t.rest.searchUserTasks(
          {
            filter: {
              candidateGroup: 'seniors',
              processInstanceKey: ProcessInstanceKey.assumeExists(pi.processInstanceKey),
            },
          },
          now,
        )
      ).items,
    ).toHaveLength(1);
  });

  it('given an assigning listener, when it denies, then the task stays unassigned; when it corrects, the correction wins; a completing listener runs before completion', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'user-task-listeners', variables: {} });
    await completeListener((await t.job('ut-creating')).key);
    await completeListener((await t.job('ut-creating-2')).key);
    const { userTaskKey } = await taskIn(pi.processInstanceKey, 'CREATED');
    await t.rest.assignUserTask({ userTaskKey, assignee: 'mallory' });
    const deny = await t.job('ut-assigning');
    expect(deny.customHeaders).toMatchObject({
      'io.camunda.zeebe:assignee': 'mallory',
      'io.camunda.zeebe:action': 'assign',
    });
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('ASSIGNING');
    const busy = await problem(t.rest.completeUserTask({ userTaskKey }));
    expect(busy?.status).toBe(409);
    await completeListener(deny.key, { denied: true, deniedReason: 'not a clerk' });
    const denied = await t.rest.getUserTask({ userTaskKey }, now);
    expect(denied.state).toBe('CREATED');
    expect(denied.assignee).toBeUndefined();
    await t.rest.assignUserTask({ userTaskKey, assignee: 'alice' });
    await completeListener((await t.job('ut-assigning')).key, { corrections: { assignee: 'alice.smith' } });
    expect(await t.rest.getUserTask({ userTaskKey }, now)).toMatchObject({ state: 'CREATED', assignee: 'alice.smith' });
    await t.rest.completeUserTask({ userTaskKey, variables: { ok: true } });
    const completing = await t.job('ut-completing');
    expect(headers(completing)['io.camunda.zeebe:action']).toBe('complete');
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('COMPLETING');
    await t.zeebe.completeJob({ jobKey: completing.key, variables: {} });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
    expect((await t.rest.getUserTask({ userTaskKey }, now)).state).toBe('COMPLETED');
  });

  it('given a creating listener that fails without retries, then an incident is raised; resolving it lets the listener run again', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'user-task-listeners', variables: {} });
    await completeListener((await t.job('ut-creating')).key);
    const failing = await t.job('ut-creating-2');
    await t.zeebe.failJob({ jobKey: failing.key, retries: 0, errorMessage: 'listener down', retryBackOff: 0 });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({
      errorType: 'TASK_LISTENER_NO_RETRIES',
      errorMessage: 'listener down',
      elementId: 'Task_Listened',
      jobKey: failing.key,
    });
    await t.zeebe.updateJobRetries({ jobKey: failing.key, retries: 1 });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    await t.zeebe.completeJob({ jobKey: (await t.job('ut-creating-2')).key, variables: {} });
    await taskIn(pi.processInstanceKey, 'CREATED');
  });

  it('given an interrupting timer on the task, when it fires, then the task is CANCELED and the process ends on the timer path', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-timer',
      variables: { applicant: 'kuznetsov' },
    });
    const task = await taskIn(pi.processInstanceKey, 'CREATED');
    expect(task.assignee).toBe('kuznetsov');
    // No form: 204 No Content.
    expect(await t.rest.getUserTaskForm({ userTaskKey: task.userTaskKey }, now)).toBeFalsy();
    const canceled = await eventually(
      async () => (await tasksOf(pi.processInstanceKey)).find((x) => x.state === 'CANCELED'),
      5_000,
    );
    expect(canceled.userTaskKey).toBe(task.userTaskKey);
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
    const late = await problem(t.rest.assignUserTask({ userTaskKey: task.userTaskKey, assignee: 'x' }));
    expect(late?.status).toBe(404);
  });

  it('given a canceled instance, then its task is CANCELED', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task',
      variables: { office: 'x', days: 1, priority: 1 },
    });
    await taskIn(pi.processInstanceKey, 'CREATED');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    await taskIn(pi.processInstanceKey, 'CANCELED');
  });

  it('given an unknown key, a malformed key or a bad body, then 404 / 400 with a problem body', async () => {
    const base = t.engine.restAddress!;
    const missing = await fetch(`${base}/v2/user-tasks/2251799813685999`, { headers: t.authHeaders });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({
      type: 'about:blank',
      title: 'NOT_FOUND',
      status: 404,
      detail: expect.stringContaining('2251799813685999'),
      instance: '/v2/user-tasks/2251799813685999',
    });
    const viaClient = await problem(
      t.rest.getUserTask({ userTaskKey: UserTaskKey.assumeExists('2251799813685999') }, now),
    );
    expect(viaClient).toMatchObject({ status: 404, title: 'NOT_FOUND' });
    const complete = await fetch(`${base}/v2/user-tasks/2251799813685999/completion`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.authHeaders },
      body: '{}',
    });
    expect(complete.status).toBe(404);
    expect(((await complete.json()) as { title: string }).title).toBe('NOT_FOUND');
    const malformed = await fetch(`${base}/v2/user-tasks/abc`, { headers: t.authHeaders });
    expect(malformed.status).toBe(400);
    const noAssignee = await fetch(`${base}/v2/user-tasks/1/assignment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.authHeaders },
      body: '{"assignee":""}',
    });
    expect(noAssignee.status).toBe(400);
    expect(((await noAssignee.json()) as { title: string }).title).toBe('INVALID_ARGUMENT');
    const badPriority = await fetch(`${base}/v2/user-tasks/1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...t.authHeaders },
      body: '{"changeset":{"priority":101}}',
    });
    expect(badPriority.status).toBe(400);
    const unknown = await fetch(`${base}/v2/decision-definitions/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.authHeaders },
      body: '{}',
    });
    expect(unknown.status).toBe(501);
  });

  it('given a job-based user task (no zeebe:userTask), when deploying, then it is rejected naming the element', async () => {
    const err = await t.deployFixture('user-task-job-based.bpmn').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain('Task_Legacy');
    expect(err?.message).toContain('Job-based user tasks are deprecated');
  });

  const inline = (id: string, extensions: string) =>
    Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="x"><bpmn:process id="${id}" isExecutable="true"><bpmn:startEvent id="s"/><bpmn:userTask id="u"><bpmn:extensionElements><zeebe:userTask/>${extensions}</bpmn:extensionElements></bpmn:userTask><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u"/><bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="e"/></bpmn:process></bpmn:definitions>`,
    );

  it('given an unknown task listener event type or a priority out of range, when deploying, then it is rejected with the reason', async () => {
    const unknown = await t.zeebe
      .deployResource({
        name: 'c.bpmn',
        process: inline(
          'ut-unknown-listener',
          '<zeebe:taskListeners><zeebe:taskListener eventType="claiming" type="x"/></zeebe:taskListeners>',
        ),
      })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(unknown?.message).toContain("Task listener event type 'claiming' is not supported");
    const priority = await t.zeebe
      .deployResource({ name: 'p.bpmn', process: inline('ut-priority', '<zeebe:priorityDefinition priority="101"/>') })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(priority?.message).toContain("Invalid priority '101'");
  });

  it('given a task whose form is not deployed, then a FORM_NOT_FOUND incident; after deploying the form and resolving, the task is created with it', async () => {
    await t.zeebe.deployResource({
      name: 'f.bpmn',
      process: inline('ut-form-later', '<zeebe:formDefinition formId="later-form"/>'),
    });
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'ut-form-later', variables: {} });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'FORM_NOT_FOUND', elementId: 'u' });
    expect(await tasksOf(pi.processInstanceKey)).toEqual([]);
    await t.zeebe.deployResource({
      name: 'later.form',
      form: Buffer.from('{"id":"later-form","type":"default","components":[]}'),
    });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    const task = await taskIn(pi.processInstanceKey, 'CREATED');
    expect(await t.rest.getUserTaskForm({ userTaskKey: task.userTaskKey }, now)).toMatchObject({
      formId: 'later-form',
      version: 1,
    });
  });

  it('given a multi-instance task with updating and assigning listeners, when updated, denied, corrected, unassigned and completed, then each inner task follows and the instance completes', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: 'user-task-updating',
      variables: { clerks: ['anna', 'boris'] },
    });
    const tasks = await eventually(async () => {
      const list = (await tasksOf(pi.processInstanceKey)).filter((x) => x.state === 'CREATED');
      return list.length === 2 ? list : undefined;
    });
    expect(tasks.map((x) => x.assignee).sort()).toEqual(['anna', 'boris']);
    const [first, second] = tasks;
    await t.rest.updateUserTask({
      userTaskKey: first.userTaskKey,
      changeset: { priority: 90, followUpDate: '2030-05-01T08:00:00Z' },
    });
    const denied = await t.job('ut-updating');
    expect(headers(denied)).toMatchObject({
      'io.camunda.zeebe:priority': '90',
      'io.camunda.zeebe:action': 'update',
      'io.camunda.zeebe:followUpDate': '2030-05-01T08:00:00.000Z',
    });
    expect((await t.rest.getUserTask({ userTaskKey: first.userTaskKey }, now)).state).toBe('UPDATING');
    await completeListener(denied.key, { denied: true });
    const reverted = await t.rest.getUserTask({ userTaskKey: first.userTaskKey }, now);
    expect(reverted).toMatchObject({ state: 'CREATED', priority: 50 });
    expect(reverted.followUpDate).toBeUndefined();
    await t.rest.updateUserTask({ userTaskKey: first.userTaskKey, changeset: { priority: 60 }, action: 'escalate' });
    const corrected = await t.job('ut-updating');
    expect(headers(corrected)['io.camunda.zeebe:action']).toBe('escalate');
    await completeListener(corrected.key, { corrections: { priority: 65, candidateUsers: ['anna', 'vera'] } });
    expect(await t.rest.getUserTask({ userTaskKey: first.userTaskKey }, now)).toMatchObject({
      state: 'CREATED',
      priority: 65,
      candidateUsers: ['anna', 'vera'],
    });
    await t.rest.unassignUserTask({ userTaskKey: second.userTaskKey });
    const unassigning = await t.job('ut-unassigning');
    expect(headers(unassigning)['io.camunda.zeebe:action']).toBe('unassign');
    expect(headers(unassigning)['io.camunda.zeebe:assignee']).toBeUndefined();
    await t.zeebe.completeJob({ jobKey: unassigning.key, variables: {} });
    expect((await t.rest.getUserTask({ userTaskKey: second.userTaskKey }, now)).assignee).toBeUndefined();
    await t.rest.assignUserTask({ userTaskKey: second.userTaskKey, assignee: 'gleb' });
    const assigning = await t.job('ut-unassigning');
    const withVariables = await problem(
      t.rest.completeJob({
        jobKey: JobKey.assumeExists(assigning.key),
        variables: { x: 1 },
        result: { type: 'userTask' },
      }),
    );
    expect(withVariables).toMatchObject({ status: 400, title: 'INVALID_ARGUMENT' });
    await completeListener(assigning.key);
    await t.rest.completeUserTask({ userTaskKey: first.userTaskKey, variables: { result: 'first' } });
    await t.rest.completeUserTask({ userTaskKey: second.userTaskKey, variables: { result: 'second' } });
    await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED');
    expect((await t.rest.getUserTask({ userTaskKey: second.userTaskKey }, now)).assignee).toBe('gleb');
  });
});
