import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: messages, signals, event-based gateway, links', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of [
      'message-catch.bpmn',
      'message-catch-twin.bpmn',
      'message-boundary.bpmn',
      'message-start.bpmn',
      'event-gateway.bpmn',
      'signal.bpmn',
      'signal-start.bpmn',
      'link.bpmn',
      'job-elements.bpmn',
      'signal-throw.bpmn',
      'receive-task.bpmn',
    ])
      await t.deploy(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const publish = (
    name: string,
    correlationKey: string,
    variables: Record<string, any> = {},
    timeToLive = 0,
    messageId?: string,
  ) => t.zeebe.publishMessage({ name: t.id(name), correlationKey, variables, timeToLive, messageId });
  const start = (bpmnProcessId: string, variables: Record<string, any> = {}) =>
    t.zeebe.createProcessInstance({ bpmnProcessId: t.id(bpmnProcessId), variables });
  const run = (bpmnProcessId: string, variables: Record<string, any> = {}) =>
    t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: t.id(bpmnProcessId), variables, requestTimeout: 10_000 });
  const job = (type: string) => t.job(t.id(type));
  const noJobs = async (type: string) =>
    expect(
      await t.zeebe.activateJobs({
        type: t.id(type),
        worker: 'w',
        maxJobsToActivate: 10,
        timeout: 1000,
        requestTimeout: -1,
      }),
    ).toEqual([]);
  /** Cancels an instance that must still be waiting: the cancel succeeds only while it is active (a consistent check, unlike a search). */
  const cancelWaiting = async (processInstanceKey: string) =>
    expect(await grpcCode(t.zeebe.cancelProcessInstance(processInstanceKey))).toBe('ok');
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('given a waiting catch event, when the message is published, then it correlates with its variables', async () => {
    const result = run('message-catch', { orderId: 'o-1' });
    await settle();
    await publish('payment-received', 'o-1', { paid: 100 });
    expect((await result).variables).toEqual({ orderId: 'o-1', paid: 100 });
  });

  it('given a message published with a TTL before the instance, when the instance opens its subscription, then the buffered message correlates', async () => {
    await publish('payment-received', 'o-2', { early: true }, 10_000);
    const result = await run('message-catch', { orderId: 'o-2' });
    expect(result.variables).toEqual({ orderId: 'o-2', early: true });
  });

  it('given two buffered messages with one name and key, when instances open subscriptions one after another, then they get the messages in publishing order (FIFO)', async () => {
    await publish('payment-received', 'o-fifo', { n: 1 }, 10_000);
    await publish('payment-received', 'o-fifo', { n: 2 }, 10_000);
    expect((await run('message-catch', { orderId: 'o-fifo' })).variables).toEqual({ orderId: 'o-fifo', n: 1 });
    // The first message has correlated to this process id already; the twin process still gets the first one.
    expect((await run('message-catch-twin', { orderId: 'o-fifo' })).variables).toEqual({ orderId: 'o-fifo', n: 1 });
    expect((await run('message-catch', { orderId: 'o-fifo' })).variables).toEqual({ orderId: 'o-fifo', n: 2 });
  });

  it('given a buffered message whose TTL has passed, then a new subscription does not get it', async () => {
    await publish('payment-received', 'o-ttl', { late: true }, 200);
    await new Promise((r) => setTimeout(r, 400));
    const pi = await start('message-catch', { orderId: 'o-ttl' });
    await settle();
    await cancelWaiting(pi.processInstanceKey);
  });

  it('given a message without TTL published before the instance, then it is not buffered', async () => {
    await publish('payment-received', 'o-3', {}, 0);
    const pi = await start('message-catch', { orderId: 'o-3' });
    await settle();
    await cancelWaiting(pi.processInstanceKey);
  });

  it('given a waiting subscription, when the correlation key variable changes, then the subscription keeps the key it opened with', async () => {
    const pi = await start('message-boundary', { orderId: 'o-old' });
    const work = await job('long-work');
    await t.zeebe.setVariables({
      elementInstanceKey: pi.processInstanceKey,
      variables: { orderId: 'o-new' },
      local: false,
    });
    await publish('add-note', 'o-new', { via: 'new key' });
    await settle();
    await noJobs('record-note');
    await publish('add-note', 'o-old', { via: 'old key' });
    const note = await job('record-note');
    expect(note.processInstanceKey).toBe(pi.processInstanceKey);
    expect(note.variables).toMatchObject({ orderId: 'o-new', via: 'old key' });
    await t.zeebe.completeJob({ jobKey: note.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: work.key, variables: {} });
    await t.waitState(pi.processInstanceKey, 'COMPLETED');
  });

  it('given two instances of one process waiting on one key, then a message correlates to only one of them (once per process id), and to every other process id', async () => {
    const a = await start('message-catch', { orderId: 'o-4' });
    const b = await start('message-catch', { orderId: 'o-4' });
    const twin = await start('message-catch-twin', { orderId: 'o-4' });
    await settle();
    await publish('payment-received', 'o-4');
    await t.waitState(a.processInstanceKey, 'COMPLETED');
    await t.waitState(twin.processInstanceKey, 'COMPLETED');
    await cancelWaiting(b.processInstanceKey);
  });

  it('given a buffered message with a messageId, when the same id is published again, then ALREADY_EXISTS', async () => {
    await publish('payment-received', 'o-5', {}, 10_000, 'msg-1');
    expect(await grpcCode(publish('payment-received', 'o-5', {}, 10_000, 'msg-1'))).toBe(6);
  });

  it('given an interrupting message boundary, when correlated, then the task is terminated and the boundary path is taken', async () => {
    const result = run('message-boundary', { orderId: 'o-6' });
    const work = await job('long-work');
    await publish('cancel-request', 'o-6', { cancelledBy: 'citizen' });
    expect((await result).variables).toEqual({ orderId: 'o-6', cancelledBy: 'citizen' });
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: work.key, variables: {} }))).toBe(5);
  });

  it('given a non-interrupting message boundary, when correlated twice, then the task keeps running and the boundary path runs twice', async () => {
    const pi = await start('message-boundary', { orderId: 'o-7' });
    const work = await job('long-work');
    await publish('add-note', 'o-7', { note: 1 });
    await publish('add-note', 'o-7', { note: 2 });
    const notes = await t.zeebe.activateJobs({
      type: t.id('record-note'),
      worker: 'w',
      maxJobsToActivate: 10,
      timeout: 10_000,
      requestTimeout: 2_000,
    });
    const more =
      notes.length < 2
        ? await t.zeebe.activateJobs({
            type: t.id('record-note'),
            worker: 'w',
            maxJobsToActivate: 10,
            timeout: 10_000,
            requestTimeout: 2_000,
          })
        : [];
    expect(notes.length + more.length).toBe(2);
    for (const n of [...notes, ...more]) await t.zeebe.completeJob({ jobKey: n.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: work.key, variables: {} });
    await t.waitState(pi.processInstanceKey, 'COMPLETED');
  });

  it('given a message start event, when the message is published, then an instance starts with its variables; not a second one for the same key while it runs', async () => {
    await publish('application-submitted', 'app-1', { applicant: 'Petrov' });
    const first = await job('register-application');
    expect(first.variables).toEqual({ applicant: 'Petrov' });
    await publish('application-submitted', 'app-1', { applicant: 'again' });
    await noJobs('register-application');
    await t.zeebe.completeJob({ jobKey: first.key, variables: {} });
    await t.waitState(first.processInstanceKey, 'COMPLETED');
    await publish('application-submitted', 'app-1', { applicant: 'after' });
    const next = await job('register-application');
    expect(next.variables).toEqual({ applicant: 'after' });
    await t.zeebe.completeJob({ jobKey: next.key, variables: {} });
  });

  it('given an event-based gateway, when the message arrives first, then its path is taken and the timer is cancelled', async () => {
    const result = run('event-gateway', { requestId: 'r-1', wait: 'PT5S' });
    await settle();
    await publish('approve', 'r-1');
    expect((await result).variables).toMatchObject({ outcome: 'approved' });
  });

  it('given an event-based gateway, when the timer fires first, then the timer path is taken', async () => {
    const result = await run('event-gateway', { requestId: 'r-2', wait: 'PT0.3S' });
    expect(result.variables).toMatchObject({ outcome: 'timeout' });
  });

  it('given a signal catch event, when the signal is broadcast, then the instance continues', async () => {
    const result = run('signal');
    await settle();
    await t.zeebe.broadcastSignal({ signalName: t.id('registry-closed'), variables: { closed: true } });
    expect((await result).variables).toEqual({ closed: true });
  });

  it('given instances waiting on signals, when a process throws them (intermediate signal throw event and signal end event), then the waiting instances continue', async () => {
    const closed = run('signal');
    const relayed = run('signal-relay-watch');
    await settle();
    await run('signal-throw');
    await closed;
    await relayed;
  });

  it('given a receive task, when its message is published, then the task completes with the message variables', async () => {
    const result = run('receive-task', { caseId: 'rt-1' });
    await settle();
    await publish('document-received', 'rt-1', { pages: 3 });
    expect((await result).variables).toEqual({ caseId: 'rt-1', pages: 3 });
  });

  it('given a link throw event, then the flow continues at the matching link catch event', async () => {
    await start('link');
    const after = await job('after-link');
    expect(after.elementId).toBe('Task_After_Link');
    await t.zeebe.completeJob({ jobKey: after.key, variables: {} });
  });

  it('given a signal start event and a signal boundary, then a broadcast starts an instance and another one interrupts its task', async () => {
    await t.zeebe.broadcastSignal({ signalName: t.id('holiday-declared'), variables: { date: '2026-12-31' } });
    const reschedule = await job('reschedule');
    expect(reschedule.variables).toEqual({ date: '2026-12-31' });
    await t.zeebe.broadcastSignal({ signalName: t.id('holiday-cancelled'), variables: {} });
    await t.waitState(reschedule.processInstanceKey, 'COMPLETED');
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: reschedule.key, variables: {} }))).toBe(5);
  });

  it('given send, business-rule, message throw and message end elements, then each is a job of its type, in order', async () => {
    const result = run('job-elements');
    for (const type of ['send-letter', 'compute-fee', 'publish-notify', 'final-message']) {
      const next = await job(type);
      await t.zeebe.completeJob({ jobKey: next.key, variables: { [type]: true } });
    }
    expect((await result).variables).toEqual({
      'send-letter': true,
      'compute-fee': true,
      'publish-notify': true,
      'final-message': true,
    });
  });
});
