import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: errors, escalations and call activities', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of ['error-boundary.bpmn', 'error-event-subprocess.bpmn', 'call-child.bpmn', 'call-parent.bpmn', 'call-parent-isolated.bpmn', 'call-child-error.bpmn', 'escalation.bpmn', 'escalation-event-subprocess.bpmn', 'one-task.bpmn']) await t.deployFixture(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run = (bpmnProcessId: string, variables: Record<string, any> = {}) => t.zeebe.createProcessInstanceWithResult({ bpmnProcessId, variables, requestTimeout: 10_000 });

  it('given an error boundary with that code, when the job throws it, then the specific boundary wins and gets the error variables', async () => {
    const result = run('error-boundary');
    const job = await t.job('charge');
    await t.zeebe.throwError({ jobKey: job.key, errorCode: 'PAYMENT_FAILED', errorMessage: 'declined', variables: { reason: 'card declined' } });
    expect((await result).variables).toEqual({ reason: 'card declined', caughtBy: 'specific' });
  });

  it('given a catch-all error boundary, when another code is thrown, then the catch-all catches it', async () => {
    const result = run('error-boundary');
    await t.zeebe.throwError({ jobKey: (await t.job('charge')).key, errorCode: 'SOMETHING_ELSE' });
    expect((await result).variables).toEqual({ caughtBy: 'catch-all' });
  });

  it('given no catch, when a job throws an error, then an incident "unhandled error event"', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'one-task', variables: {} });
    const job = await t.job('do-work');
    await t.zeebe.throwError({ jobKey: job.key, errorCode: 'NOBODY_CATCHES' });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.errorType).toBe('UNHANDLED_ERROR_EVENT');
    expect(incident.errorMessage).toContain('NOBODY_CATCHES');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given an error event subprocess, when an error end event inside a subprocess throws, then the event subprocess runs and the process completes', async () => {
    const result = run('error-event-subprocess');
    await t.zeebe.completeJob({ jobKey: (await t.job('check')).key, variables: { ok: false } });
    const notify = await t.job('notify-rejected');
    expect(notify.elementId).toBe('Task_Notify');
    await t.zeebe.completeJob({ jobKey: notify.key, variables: { notified: true } });
    expect((await result).variables).toEqual({ ok: false, notified: true });
  });

  it('given a call activity, then the child sees input-mapped and parent variables, and its variables propagate back', async () => {
    const result = run('call-parent', { childId: 'call-child', amount: 21 });
    const job = await t.job('child-work');
    expect(job.bpmnProcessId).toBe('call-child');
    expect(job.variables).toEqual({ childId: 'call-child', amount: 21, childAmount: 42 });
    await t.zeebe.completeJob({ jobKey: job.key, variables: { childResult: 'done' } });
    const done = await result;
    expect(done.variables).toMatchObject({ amount: 21, childResult: 'done' });
    expect(done.variables).not.toHaveProperty('childAmount');
  });

  it('given a call activity with an error boundary, when the child job throws, then the parent boundary catches it and the child is terminated', async () => {
    const result = run('call-parent', { childId: 'call-child', amount: 1 });
    const job = await t.job('child-work');
    await t.zeebe.throwError({ jobKey: job.key, errorCode: 'CHILD_ERROR' });
    await result;
    expect(await t.instanceState(job.processInstanceKey)).toBe('TERMINATED');
  });

  it('given a child whose error end event is not caught there, then the boundary on the calling activity catches it (an uncaught escalation on the way raises nothing)', async () => {
    const result = await run('call-parent', { childId: 'call-child-error', amount: 1 });
    expect(result.variables).toMatchObject({ childId: 'call-child-error' });
    expect(await t.incidents(result.processInstanceKey)).toEqual([]);
  });

  it('given propagation switched off and an output mapping, then only mapped variables go in and out', async () => {
    const result = run('call-parent-isolated', { amount: 5, secret: 'parent only' });
    const job = await t.job('child-work');
    expect(job.variables).toEqual({ childAmount: 5 });
    await t.zeebe.completeJob({ jobKey: job.key, variables: { childResult: 'r', noise: 1 } });
    expect((await result).variables).toEqual({ amount: 5, secret: 'parent only', mapped: 'r' });
  });

  it('given a call activity, when the parent is cancelled, then the child is terminated too', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'call-parent', variables: { childId: 'call-child', amount: 1 } });
    const job = await t.job('child-work');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    expect(await t.instanceState(job.processInstanceKey)).toBe('TERMINATED');
    const code = await t.zeebe.completeJob({ jobKey: job.key, variables: {} }).then(() => 0, (e: { code?: number }) => e.code);
    expect(code).toBe(5);
  });

  it('given a call activity to an undeployed process, then an incident on the call activity', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'call-parent', variables: { childId: 'not-deployed', amount: 1 } });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'CALLED_ELEMENT_ERROR', elementId: 'Call_Child' });
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given a non-interrupting escalation boundary, then it runs alongside; an uncaught escalation raises no incident', async () => {
    const result = run('escalation');
    const escalated = await t.job('handle-escalation');
    const work = await t.job('escalation-work');
    expect(await t.incidents(work.processInstanceKey)).toEqual([]);
    await t.zeebe.completeJob({ jobKey: escalated.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: work.key, variables: {} });
    await result;
  });

  it('given binding types, then "deployment" calls the version deployed with the caller, "versionTag" the tagged one and the default the latest', async () => {
    await t.deployFixture('call-binding.bpmn');
    const second = fixture('call-binding.bpmn').toString().split('<bpmn:process id="binding-child"')[1].replace('value="first"', 'value="second"').replace('<zeebe:versionTag value="stable" />', '<zeebe:versionTag value="next" />');
    const childOnly = `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D2" targetNamespace="x"><bpmn:process id="binding-child"${second}`;
    await t.zeebe.deployResource({ process: Buffer.from(childOnly), name: 'binding-child.bpmn' });
    const result = run('binding-parent');
    const editions: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await t.job('binding-work');
      editions.push((job.customHeaders as { edition?: string }).edition);
      await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    }
    expect(editions).toEqual(['first', 'first', 'second']);
    await result;
  });

  it('given a non-interrupting escalation event subprocess, when an escalation is thrown, then it runs alongside the main flow', async () => {
    const result = run('escalation-event-subprocess');
    const warn = await t.job('warn-manager');
    const main = await t.job('main-work');
    await t.zeebe.completeJob({ jobKey: main.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: warn.key, variables: { warned: true } });
    expect((await result).variables).toEqual({ warned: true });
  });
});
