import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: messages, signals, event-based gateway, links', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of ['message-catch.bpmn', 'message-catch-twin.bpmn', 'message-boundary.bpmn', 'message-start.bpmn', 'event-gateway.bpmn', 'signal.bpmn', 'signal-start.bpmn', 'link.bpmn', 'job-elements.bpmn']) await t.deployFixture(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const publish = (name: string, correlationKey: string, variables: Record<string, any> = {}, timeToLive = 0, messageId?: string) =>
    t.zeebe.publishMessage({ name, correlationKey, variables, timeToLive, messageId });
  const completed = (key: string) => eventually(async () => (await t.instanceState(key)) === 'COMPLETED');
  const noJobs = async (type: string) => expect(await t.zeebe.activateJobs({ type, worker: 'w', maxJobsToActivate: 10, timeout: 1000, requestTimeout: -1 })).toEqual([]);

  it('given a waiting catch event, when the message is published, then it correlates with its variables', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'message-catch', variables: { orderId: 'o-1' }, requestTimeout: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    await publish('payment-received', 'o-1', { paid: 100 });
    expect((await result).variables).toEqual({ orderId: 'o-1', paid: 100 });
  });

  it('given a message published with a TTL before the instance, when the instance opens its subscription, then the buffered message correlates', async () => {
    await publish('payment-received', 'o-2', { early: true }, 10_000);
    const result = await t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'message-catch', variables: { orderId: 'o-2' }, requestTimeout: 10_000 });
    expect(result.variables).toEqual({ orderId: 'o-2', early: true });
  });

  it('given a buffered message whose TTL has passed, then a new subscription does not get it', async () => {
    await publish('payment-received', 'o-ttl', { late: true }, 200);
    await new Promise((r) => setTimeout(r, 400));
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'message-catch', variables: { orderId: 'o-ttl' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.instanceState(pi.processInstanceKey)).toBe('ACTIVE');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given a message without TTL published before the instance, then it is not buffered', async () => {
    await publish('payment-received', 'o-3', {}, 0);
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'message-catch', variables: { orderId: 'o-3' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.instanceState(pi.processInstanceKey)).toBe('ACTIVE');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given two instances of one process waiting on one key, then a message correlates to only one of them (once per process id), and to every other process id', async () => {
    const a = await t.zeebe.createProcessInstance({ bpmnProcessId: 'message-catch', variables: { orderId: 'o-4' } });
    const b = await t.zeebe.createProcessInstance({ bpmnProcessId: 'message-catch', variables: { orderId: 'o-4' } });
    const twin = await t.zeebe.createProcessInstance({ bpmnProcessId: 'message-catch-twin', variables: { orderId: 'o-4' } });
    await publish('payment-received', 'o-4');
    await completed(a.processInstanceKey);
    await completed(twin.processInstanceKey);
    expect(await t.instanceState(b.processInstanceKey)).toBe('ACTIVE');
    await publish('payment-received', 'o-4');
    await completed(b.processInstanceKey);
  });

  it('given a buffered message with a messageId, when the same id is published again, then ALREADY_EXISTS', async () => {
    await publish('payment-received', 'o-5', {}, 10_000, 'msg-1');
    const code = await publish('payment-received', 'o-5', {}, 10_000, 'msg-1').then(() => 0, (e: { code?: number }) => e.code);
    expect(code).toBe(6);
  });

  it('given an interrupting message boundary, when correlated, then the task is terminated and the boundary path is taken', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'message-boundary', variables: { orderId: 'o-6' }, requestTimeout: 10_000 });
    const job = await t.job('long-work');
    await publish('cancel-request', 'o-6', { cancelledBy: 'citizen' });
    expect((await result).variables).toEqual({ orderId: 'o-6', cancelledBy: 'citizen' });
    const code = await t.zeebe.completeJob({ jobKey: job.key, variables: {} }).then(() => 0, (e: { code?: number }) => e.code);
    expect(code).toBe(5);
  });

  it('given a non-interrupting message boundary, when correlated twice, then the task keeps running and the boundary path runs twice', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'message-boundary', variables: { orderId: 'o-7' } });
    const job = await t.job('long-work');
    await publish('add-note', 'o-7', { note: 1 });
    await publish('add-note', 'o-7', { note: 2 });
    const notes = await t.zeebe.activateJobs({ type: 'record-note', worker: 'w', maxJobsToActivate: 10, timeout: 10_000, requestTimeout: 2_000 });
    const more = notes.length < 2 ? await t.zeebe.activateJobs({ type: 'record-note', worker: 'w', maxJobsToActivate: 10, timeout: 10_000, requestTimeout: 2_000 }) : [];
    expect(notes.length + more.length).toBe(2);
    for (const n of [...notes, ...more]) await t.zeebe.completeJob({ jobKey: n.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await completed(pi.processInstanceKey);
  });

  it('given a message start event, when the message is published, then an instance starts with its variables; not a second one for the same key while it runs', async () => {
    await publish('application-submitted', 'app-1', { applicant: 'Petrov' });
    const job = await t.job('register-application');
    expect(job.variables).toEqual({ applicant: 'Petrov' });
    await publish('application-submitted', 'app-1', { applicant: 'again' });
    await noJobs('register-application');
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await completed(job.processInstanceKey);
    await publish('application-submitted', 'app-1', { applicant: 'after' });
    const next = await t.job('register-application');
    expect(next.variables).toEqual({ applicant: 'after' });
    await t.zeebe.completeJob({ jobKey: next.key, variables: {} });
  });

  it('given an event-based gateway, when the message arrives first, then its path is taken and the timer is cancelled', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'event-gateway', variables: { requestId: 'r-1', wait: 'PT5S' }, requestTimeout: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    await publish('approve', 'r-1');
    expect((await result).variables).toMatchObject({ outcome: 'approved' });
  });

  it('given an event-based gateway, when the timer fires first, then the timer path is taken', async () => {
    const result = await t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'event-gateway', variables: { requestId: 'r-2', wait: 'PT0.3S' }, requestTimeout: 10_000 });
    expect(result.variables).toMatchObject({ outcome: 'timeout' });
  });

  it('given a signal catch event, when the signal is broadcast, then the instance continues', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'signal', variables: {}, requestTimeout: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    await t.zeebe.broadcastSignal({ signalName: 'registry-closed', variables: { closed: true } });
    expect((await result).variables).toEqual({ closed: true });
  });

  it('given a link throw event, then the flow continues at the matching link catch event', async () => {
    await t.zeebe.createProcessInstance({ bpmnProcessId: 'link', variables: {} });
    const job = await t.job('after-link');
    expect(job.elementId).toBe('Task_After_Link');
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
  });

  it('given a signal start event and a signal boundary, then a broadcast starts an instance and another one interrupts its task', async () => {
    await t.zeebe.broadcastSignal({ signalName: 'holiday-declared', variables: { date: '2026-12-31' } });
    const job = await t.job('reschedule');
    expect(job.variables).toEqual({ date: '2026-12-31' });
    await t.zeebe.broadcastSignal({ signalName: 'holiday-cancelled', variables: {} });
    await completed(job.processInstanceKey);
    const code = await t.zeebe.completeJob({ jobKey: job.key, variables: {} }).then(() => 0, (e: { code?: number }) => e.code);
    expect(code).toBe(5);
  });

  it('given send, business-rule, message throw and message end elements, then each is a job of its type, in order', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'job-elements', variables: {}, requestTimeout: 10_000 });
    for (const type of ['send-letter', 'compute-fee', 'publish-notify', 'final-message']) {
      const job = await t.job(type);
      await t.zeebe.completeJob({ jobKey: job.key, variables: { [type]: true } });
    }
    expect((await result).variables).toEqual({ 'send-letter': true, 'compute-fee': true, 'publish-notify': true, 'final-message': true });
  });
});
