import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCamundaClient,
  JobKey,
  ProcessDefinitionId,
  ProcessInstanceKey,
} from '@camunda8/orchestration-cluster-api';
import { eventually, fixture, startTestEngine, type TestEngine } from '../helpers/engine.js';

/** The problem body and status of a rejected REST call (undefined when it succeeded). */
const problem = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as { status?: number; title?: string; detail?: string; type?: string },
  );

describe('engine REST /v2: deployments, process instances, jobs and messages through the official REST client', () => {
  let t: TestEngine;
  const file = (name: string) => new File([fixture(name)], name);
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('given BPMN and form files, when deployed over REST (multipart), then the processes and forms come back with keys and versions', async () => {
    const first = await t.rest.createDeployment({ resources: [file('one-task.bpmn'), file('approval.form')] });
    expect(first.deploymentKey).toMatch(/^\d+$/);
    expect(first.processes).toEqual([
      expect.objectContaining({
        processDefinitionId: 'one-task',
        processDefinitionVersion: 1,
        resourceName: 'one-task.bpmn',
        processDefinitionKey: expect.stringMatching(/^\d+$/),
      }),
    ]);
    expect(first.forms).toEqual([expect.objectContaining({ formId: 'approval-form', version: 1 })]);
    const again = await t.rest.createDeployment({ resources: [file('one-task.bpmn')] });
    expect(again.processes[0].processDefinitionKey).toBe(first.processes[0].processDefinitionKey);
    const broken = await problem(
      t.rest.createDeployment({ resources: [new File([Buffer.from('<nope')], 'broken.bpmn')] }),
    );
    expect(broken).toMatchObject({ status: 400, title: 'INVALID_ARGUMENT' });
  });

  it('given a deployed process, when an instance is created over REST and its job is activated, failed and completed over REST, then the instance completes', async () => {
    await t.rest.createDeployment({ resources: [file('one-task.bpmn')] });
    const created = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('one-task'),
      variables: { orderId: 'A-1' },
    });
    expect(created).toMatchObject({
      processDefinitionId: 'one-task',
      processDefinitionVersion: 1,
      tenantId: '<default>',
      processInstanceKey: expect.stringMatching(/^\d+$/),
    });
    const { jobs } = await t.rest.activateJobs({
      type: 'do-work',
      worker: 'rest-test',
      timeout: 30_000,
      maxJobsToActivate: 5,
      requestTimeout: 5_000,
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      type: 'do-work',
      processInstanceKey: created.processInstanceKey,
      variables: { orderId: 'A-1' },
      kind: 'BPMN_ELEMENT',
      retries: 3,
      worker: 'rest-test',
    });
    await t.rest.failJob({ jobKey: jobs[0].jobKey, retries: 2, errorMessage: 'try again', retryBackOff: 0 });
    const retried = await t.rest.activateJobs({
      type: 'do-work',
      worker: 'rest-test',
      timeout: 30_000,
      maxJobsToActivate: 5,
      requestTimeout: 5_000,
    });
    expect(retried.jobs[0]).toMatchObject({ jobKey: jobs[0].jobKey, retries: 2 });
    await t.rest.updateJob({ jobKey: jobs[0].jobKey, changeset: { retries: 5, timeout: 60_000 } });
    await t.rest.completeJob({ jobKey: jobs[0].jobKey, variables: { done: true } });
    await eventually(async () => (await t.instanceState(created.processInstanceKey)) === 'COMPLETED');
    const gone = await problem(t.rest.completeJob({ jobKey: jobs[0].jobKey }));
    expect(gone).toMatchObject({ status: 404, title: 'NOT_FOUND' });
  });

  it('given a process that completes at once, when created with awaitCompletion, then the answer carries the fetched variables', async () => {
    await t.rest.createDeployment({ resources: [new File([Buffer.from(SCRIPT_ONLY)], 'script-only.bpmn')] });
    const result = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('script-only'),
      variables: { a: 2 },
      awaitCompletion: true,
      fetchVariables: ['b'],
      requestTimeout: 5_000,
    });
    expect(result.variables).toEqual({ b: 4 });
  });

  it('given a job worker of the REST client, when jobs come, then it completes them and the instances finish', async () => {
    await t.rest.createDeployment({ resources: [file('one-task.bpmn')] });
    const seen: string[] = [];
    const worker = t.rest.createJobWorker({
      jobType: 'do-work',
      jobTimeoutMs: 30_000,
      maxParallelJobs: 4,
      pollTimeoutMs: 2_000,
      workerName: 'sdk-rest-worker',
      jobHandler: (job) => {
        seen.push(String(job.variables.n));
        return job.complete({ handled: true });
      },
    });
    try {
      const keys: string[] = [];
      for (let n = 0; n < 3; n++)
        keys.push(
          (
            await t.rest.createProcessInstance({
              processDefinitionId: ProcessDefinitionId.assumeExists('one-task'),
              variables: { n },
            })
          ).processInstanceKey,
        );
      for (const k of keys) await eventually(async () => (await t.instanceState(k)) === 'COMPLETED');
      expect(seen.sort()).toEqual(['0', '1', '2']);
    } finally {
      worker.stop();
    }
  });

  it('given a job with an error boundary, when a BPMN error is thrown over REST, then the boundary path runs', async () => {
    await t.rest.createDeployment({ resources: [file('error-boundary.bpmn')] });
    const created = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('error-boundary'),
    });
    const { jobs } = await t.rest.activateJobs({
      type: 'charge',
      timeout: 30_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    });
    await t.rest.throwJobError({ jobKey: jobs[0].jobKey, errorCode: 'PAYMENT_FAILED', errorMessage: 'card declined' });
    await eventually(async () => (await t.instanceState(created.processInstanceKey)) === 'COMPLETED');
  });

  it('given an instance waiting for a message, when correlated over REST, then it continues; an unmatched correlation is 404 and a publication is buffered', async () => {
    await t.rest.createDeployment({ resources: [file('message-catch.bpmn')] });
    const created = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('message-catch'),
      variables: { orderId: 'M-1' },
    });
    const correlated = await eventually(async () => {
      const r = await problem(
        t.rest.correlateMessage({ name: 'payment-received', correlationKey: 'M-1', variables: { paid: true } }),
      );
      return r === undefined ? true : undefined;
    });
    expect(correlated).toBe(true);
    await eventually(async () => (await t.instanceState(created.processInstanceKey)) === 'COMPLETED');
    const none = await problem(t.rest.correlateMessage({ name: 'payment-received', correlationKey: 'nobody' }));
    expect(none).toMatchObject({ status: 404, title: 'NOT_FOUND' });
    const published = await t.rest.publishMessage({
      name: 'payment-received',
      correlationKey: 'M-2',
      timeToLive: 60_000,
    });
    expect(published.messageKey).toMatch(/^\d+$/);
    const later = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('message-catch'),
      variables: { orderId: 'M-2' },
    });
    await eventually(async () => (await t.instanceState(later.processInstanceKey)) === 'COMPLETED');
  });

  it('given a correlation to a waiting instance, then the answer names that instance', async () => {
    const created = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('message-catch'),
      variables: { orderId: 'M-3' },
    });
    const r = await t.rest.correlateMessage({ name: 'payment-received', correlationKey: 'M-3' });
    expect(r).toMatchObject({
      processInstanceKey: created.processInstanceKey,
      messageKey: expect.stringMatching(/^\d+$/),
    });
  });

  it('given a running instance, when canceled over REST, then it is TERMINATED; canceling it again is 404', async () => {
    await t.rest.createDeployment({ resources: [file('one-task.bpmn')] });
    const created = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('one-task'),
    });
    await t.rest.cancelProcessInstance({ processInstanceKey: created.processInstanceKey });
    await eventually(async () => (await t.instanceState(created.processInstanceKey)) === 'TERMINATED');
    const again = await problem(t.rest.cancelProcessInstance({ processInstanceKey: created.processInstanceKey }));
    expect(again).toMatchObject({ status: 404, title: 'NOT_FOUND' });
  });

  it('given invalid requests, then the documented status and an RFC 9457 problem body', async () => {
    const base = t.engine.restAddress!;
    const post = (path: string, body: string, method = 'POST') =>
      fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...t.authHeaders }, body });
    const cases: [Response, number, string][] = [
      [await post('/v2/jobs/activation', '{"type":"x","timeout":0,"maxJobsToActivate":1}'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/jobs/activation', '{"timeout":1000,"maxJobsToActivate":1}'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/jobs/abc/failure', '{}'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/jobs/2251799813685999/failure', '{"retries":1}'), 404, 'NOT_FOUND'],
      [await post('/v2/jobs/2251799813685999', '{"changeset":{}}', 'PATCH'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/process-instances', '{"variables":{}}'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/process-instances', '{"processDefinitionId":"no-such-process"}'), 404, 'NOT_FOUND'],
      [
        await post('/v2/process-instances', '{"processDefinitionId":"one-task","variables":[1]}'),
        400,
        'INVALID_ARGUMENT',
      ],
      [await post('/v2/process-instances', '{not json'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/deployments', '{}'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/messages/publication', '{"correlationKey":"x"}'), 400, 'INVALID_ARGUMENT'],
      [await post('/v2/signals/broadcast', '{"signalName":"x"}'), 501, 'NOT_IMPLEMENTED'],
    ];
    for (const [res, status, title] of cases) {
      expect({ url: res.url, status: res.status }).toEqual({ url: res.url, status });
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        type: 'about:blank',
        title,
        status,
        detail: expect.any(String),
        instance: new URL(res.url).pathname,
      });
    }
    const viaClient = await problem(
      t.rest.cancelProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists('2251799813685999') }),
    );
    expect(viaClient).toMatchObject({ status: 404, title: 'NOT_FOUND' });
    const badJob = await problem(t.rest.failJob({ jobKey: JobKey.assumeExists('2251799813685999'), retries: 0 }));
    expect(badJob).toMatchObject({ status: 404 });
  });

  it('given the REST client validating every answer against the 8.8 schemas (strict), then topology, deployment, instance, job, listener job and search answers pass', async () => {
    const strict = createCamundaClient({
      config: {
        CAMUNDA_REST_ADDRESS: t.engine.restAddress!,
        ...t.sdkAuth,
        CAMUNDA_SDK_VALIDATION: 'strict',
        CAMUNDA_SDK_LOG_LEVEL: 'silent',
      } as never,
    });
    const now = { consistency: { waitUpToMs: 0 } };
    await strict.getTopology();
    await strict.createDeployment({ resources: [file('one-task.bpmn'), file('user-task-listeners.bpmn')] });
    const created = await strict.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('one-task'),
      variables: { x: 1 },
    });
    const { jobs } = await strict.activateJobs({
      type: 'do-work',
      timeout: 30_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    });
    expect(jobs.map((j) => j.processInstanceKey)).toEqual([created.processInstanceKey]);
    await strict.searchProcessInstances({ filter: { processInstanceKey: created.processInstanceKey } }, now);
    await strict.getProcessInstance({ processInstanceKey: created.processInstanceKey }, now);
    await strict.searchElementInstances({ filter: { processInstanceKey: created.processInstanceKey } }, now);
    await strict.searchVariables({ filter: { processInstanceKey: created.processInstanceKey } }, now);
    await strict.searchIncidents({ filter: { processInstanceKey: created.processInstanceKey } }, now);
    await strict.completeJob({ jobKey: jobs[0].jobKey });
    const listened = await strict.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('user-task-listeners'),
    });
    const listener = await strict.activateJobs({
      type: 'ut-creating',
      timeout: 30_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    });
    expect(listener.jobs[0]).toMatchObject({
      kind: 'TASK_LISTENER',
      listenerEventType: 'CREATING',
      userTask: { candidateGroups: ['clerks'] },
    });
    const tasks = await strict.searchUserTasks(
      { filter: { processInstanceKey: listened.processInstanceKey }, page: { limit: 5 } },
      now,
    );
    await strict.getUserTask({ userTaskKey: tasks.items[0].userTaskKey }, now);
    await strict.completeJob({
      jobKey: listener.jobs[0].jobKey,
      result: { type: 'userTask', corrections: { priority: 10 } },
    });
    await strict.publishMessage({ name: 'nobody-listens', correlationKey: 'k', timeToLive: 1_000 });
  });

  it('given no jobs, when activating with a short request timeout, then the long poll answers empty after about that time', async () => {
    const started = Date.now();
    const { jobs } = await t.rest.activateJobs({
      type: 'nothing-here',
      timeout: 1_000,
      maxJobsToActivate: 1,
      requestTimeout: 300,
    });
    expect(jobs).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const created = t.rest.activateJobs({
      type: 'do-work',
      timeout: 30_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    });
    await new Promise((r) => setTimeout(r, 100));
    const pi = await t.rest.createProcessInstance({
      processDefinitionId: ProcessDefinitionId.assumeExists('one-task'),
    });
    const woken = await created;
    expect(woken.jobs.map((j) => j.processInstanceKey)).toEqual([pi.processInstanceKey]);
    await t.rest.completeJob({ jobKey: woken.jobs[0].jobKey });
  });
});

const SCRIPT_ONLY = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="x">
  <bpmn:process id="script-only" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:scriptTask id="double"><bpmn:extensionElements><zeebe:script expression="=a * 2" resultVariable="b" /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="double" />
    <bpmn:sequenceFlow id="f2" sourceRef="double" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;
