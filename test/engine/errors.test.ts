import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: errors, escalations and call activities', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of [
      'error-boundary.bpmn',
      'error-nested.bpmn',
      'error-event-subprocess.bpmn',
      'call-child.bpmn',
      'call-parent.bpmn',
      'call-parent-isolated.bpmn',
      'call-parent-interrupted.bpmn',
      'call-child-error.bpmn',
      'escalation.bpmn',
      'escalation-event-subprocess.bpmn',
      'one-task.bpmn',
    ])
      await t.deploy(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run = (bpmnProcessId: string, variables: Record<string, any> = {}) =>
    t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: t.id(bpmnProcessId), variables, requestTimeout: 10_000 });
  const job = (type: string) => t.job(t.id(type));

  it('given an error boundary with that code, when the job throws it, then the specific boundary wins and gets the error variables', async () => {
    const result = run('error-boundary');
    const charge = await job('charge');
    await t.zeebe.throwError({
      jobKey: charge.key,
      errorCode: 'PAYMENT_FAILED',
      errorMessage: 'declined',
      variables: { reason: 'card declined' },
    });
    expect((await result).variables).toEqual({ reason: 'card declined', caughtBy: 'specific' });
  });

  it('given a catch-all error boundary, when another code is thrown, then the catch-all catches it', async () => {
    const result = run('error-boundary');
    await t.zeebe.throwError({ jobKey: (await job('charge')).key, errorCode: 'SOMETHING_ELSE' });
    expect((await result).variables).toEqual({ caughtBy: 'catch-all' });
  });

  it('given a job inside a subprocess without a boundary of its own, when it throws, then the nearest catch up the scope tree (the subprocess boundary, not the process event subprocess) catches it', async () => {
    const result = run('error-nested');
    await t.zeebe.throwError({ jobKey: (await job('registry-lookup')).key, errorCode: 'REGISTRY_DOWN' });
    expect((await result).variables).toEqual({ caughtBy: 'subprocess boundary' });
  });

  it('given no catch, when a job throws an error, then an incident "unhandled error event"', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const work = await job('do-work');
    await t.zeebe.throwError({ jobKey: work.key, errorCode: 'NOBODY_CATCHES' });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.errorType).toBe('UNHANDLED_ERROR_EVENT');
    expect(incident.errorMessage).toContain('NOBODY_CATCHES');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given an error event subprocess, when an error end event inside a subprocess throws, then the event subprocess runs and the process completes', async () => {
    const result = run('error-event-subprocess');
    await t.zeebe.completeJob({ jobKey: (await job('check')).key, variables: { ok: false } });
    const notify = await job('notify-rejected');
    expect(notify.elementId).toBe('Task_Notify');
    await t.zeebe.completeJob({ jobKey: notify.key, variables: { notified: true } });
    expect((await result).variables).toEqual({ ok: false, notified: true });
  });

  it('given a call activity, then the child sees input-mapped and parent variables, and its variables propagate back', async () => {
    const result = run('call-parent', { childId: 'call-child', amount: 21 });
    const work = await job('child-work');
    expect(work.bpmnProcessId).toBe(t.id('call-child'));
    expect(work.variables).toEqual({ childId: 'call-child', amount: 21, childAmount: 42 });
    await t.zeebe.completeJob({ jobKey: work.key, variables: { childResult: 'done' } });
    const done = await result;
    expect(done.variables).toMatchObject({ amount: 21, childResult: 'done' });
    expect(done.variables).not.toHaveProperty('childAmount');
  });

  it('given a call activity with an error boundary, when the child job throws, then the parent boundary catches it and the child is terminated', async () => {
    const result = run('call-parent', { childId: 'call-child', amount: 1 });
    const work = await job('child-work');
    await t.zeebe.throwError({ jobKey: work.key, errorCode: 'CHILD_ERROR' });
    await result;
    await t.waitState(work.processInstanceKey, 'TERMINATED');
  });

  it('given an interrupting boundary event on a call activity, when it triggers, then the child is terminated and its variables are not propagated', async () => {
    const result = run('call-parent-interrupted', { caseId: 'case-1' });
    const work = await job('child-work');
    await t.zeebe.setVariables({
      elementInstanceKey: work.processInstanceKey,
      variables: { childOnly: 'set in the child' },
      local: false,
    });
    await t.zeebe.publishMessage({
      name: t.id('case-withdrawn'),
      correlationKey: 'case-1',
      variables: {},
      timeToLive: 0,
    });
    expect((await result).variables).toEqual({ caseId: 'case-1' });
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: work.key, variables: {} }))).toBe(5);
    await t.waitState(work.processInstanceKey, 'TERMINATED');
  });

  it('given a child whose error end event is not caught there, then the boundary on the calling activity catches it (an uncaught escalation on the way raises nothing)', async () => {
    const result = await run('call-parent', { childId: 'call-child-error', amount: 1 });
    expect(result.variables).toMatchObject({ childId: 'call-child-error' });
    expect(await t.incidents(result.processInstanceKey)).toEqual([]);
  });

  it('given propagation switched off and an output mapping, then only mapped variables go in and out', async () => {
    const result = run('call-parent-isolated', { amount: 5, secret: 'parent only' });
    const work = await job('child-work');
    expect(work.variables).toEqual({ childAmount: 5 });
    await t.zeebe.completeJob({ jobKey: work.key, variables: { childResult: 'r', noise: 1 } });
    expect((await result).variables).toEqual({ amount: 5, secret: 'parent only', mapped: 'r' });
  });

  it('given a call activity, when the parent is cancelled, then the child is terminated too', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('call-parent'),
      variables: { childId: 'call-child', amount: 1 },
    });
    const work = await job('child-work');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: work.key, variables: {} }))).toBe(5);
    await t.waitState(work.processInstanceKey, 'TERMINATED');
  });

  it('given a call activity to an undeployed process, then an incident on the call activity', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('call-parent'),
      variables: { childId: 'not-deployed', amount: 1 },
    });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'CALLED_ELEMENT_ERROR', elementId: 'Call_Child' });
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given a non-interrupting escalation boundary, then it runs alongside; an uncaught escalation raises no incident', async () => {
    const result = run('escalation');
    const escalated = await job('handle-escalation');
    const work = await job('escalation-work');
    expect(await t.incidents(work.processInstanceKey)).toEqual([]);
    await t.zeebe.completeJob({ jobKey: escalated.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: work.key, variables: {} });
    await result;
  });

  it('given binding types, then "deployment" calls the version deployed with the caller, "versionTag" the tagged one and the default the latest', async () => {
    await t.deploy('call-binding.bpmn');
    const second = fixture('call-binding.bpmn')
      .toString()
      .split('<bpmn:process id="binding-child"')[1]
      .replace('value="first"', 'value="second"')
      .replace('<zeebe:versionTag value="stable" />', '<zeebe:versionTag value="next" />');
    const childOnly = `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D2" targetNamespace="x"><bpmn:process id="binding-child"${second}`;
    await t.deploy('binding-child.bpmn', childOnly);
    const result = run('binding-parent');
    const editions: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const work = await job('binding-work');
      editions.push((work.customHeaders as { edition?: string }).edition);
      await t.zeebe.completeJob({ jobKey: work.key, variables: {} });
    }
    expect(editions).toEqual(['first', 'first', 'second']);
    await result;
  });

  it('given a non-interrupting escalation event subprocess, when an escalation is thrown, then it runs alongside the main flow', async () => {
    const result = run('escalation-event-subprocess');
    const warn = await job('warn-manager');
    const main = await job('main-work');
    await t.zeebe.completeJob({ jobKey: main.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: warn.key, variables: { warned: true } });
    expect((await result).variables).toEqual({ warned: true });
  });
});
