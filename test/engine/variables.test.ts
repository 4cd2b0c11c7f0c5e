import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

// One test per variable rule of Camunda's "Variables" documentation (docs.camunda.io, components/concepts/variables), driven through the SDK.
describe('engine: variable scoping and mappings', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await t.deploy('mappings.bpmn');
    await t.deploy('catch-variables.bpmn');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const start = (variables: Record<string, any> = { orderId: 'A-1' }) =>
    t.zeebe.createProcessInstance({ bpmnProcessId: t.id('mappings'), variables });
  const complete = (jobKey: string, variables: Record<string, any> = {}) => t.zeebe.completeJob({ jobKey, variables });

  it('given input mappings, when the element activates, then they create local variables in order, see earlier targets, and a missing source yields null', async () => {
    const pi = await start();
    const job = await t.job(t.id('map-inputs'));
    expect(job.variables).toEqual({
      orderId: 'A-1',
      localId: 'A-1',
      nothing: null,
      first: 1,
      second: 2,
      label: 'static text',
    });
    expect((await t.waitVariable(pi.processInstanceKey, 'localId')).scopeKey).toBe(job.elementInstanceKey);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given no output mappings, when a job completes, then its variables propagate from the element scope (an input-mapped name is updated locally and vanishes)', async () => {
    await start();
    const job = await t.job(t.id('map-inputs'));
    await complete(job.key, { localId: 'changed', result: 5 });
    const next = await t.job(t.id('map-outputs'));
    expect(next.variables).toEqual({ orderId: 'A-1', result: 5 });
    await t.zeebe.cancelProcessInstance(next.processInstanceKey);
  });

  it('given a name that exists at the root, when a job completes with it, then propagation updates that first scope having the name', async () => {
    await start();
    await complete((await t.job(t.id('map-inputs'))).key, { orderId: 'A-2' });
    const next = await t.job(t.id('map-outputs'));
    expect(next.variables.orderId).toBe('A-2');
    await t.zeebe.cancelProcessInstance(next.processInstanceKey);
  });

  it('given output mappings, when a job completes, then only the mapped targets propagate and the job variables stay local and vanish', async () => {
    await start();
    await complete((await t.job(t.id('map-inputs'))).key, { result: 5 });
    await complete((await t.job(t.id('map-outputs'))).key, { result: 7, extra: 'x' });
    const sub = await t.job(t.id('map-sub'));
    expect(sub.variables).toEqual({ orderId: 'A-1', result: 5, doubled: 14, counter: 0 });
    await t.zeebe.cancelProcessInstance(sub.processInstanceKey);
  });

  it('given a subprocess with an input-mapped name, when a job inside completes, then that name is updated in the subprocess and vanishes with it while new names go to the root', async () => {
    await start();
    await complete((await t.job(t.id('map-inputs'))).key, { result: 1 });
    await complete((await t.job(t.id('map-outputs'))).key, { result: 1 });
    await complete((await t.job(t.id('map-sub'))).key, { counter: 1, created: 'root' });
    const last = await t.job(t.id('map-last'));
    expect(last.variables).toEqual({ orderId: 'A-1', result: 1, doubled: 2, created: 'root' });
    await t.zeebe.cancelProcessInstance(last.processInstanceKey);
  });

  it('given SetVariables, when local is true, then only the given scope is written; when false, the names propagate up to the root', async () => {
    const pi = await start();
    const job = await t.job(t.id('map-inputs'));
    await t.zeebe.setVariables({ elementInstanceKey: job.elementInstanceKey, variables: { onlyHere: 1 }, local: true });
    await t.zeebe.setVariables({
      elementInstanceKey: job.elementInstanceKey,
      variables: { everywhere: 2, localId: 'set' },
      local: false,
    });
    expect((await t.waitVariable(pi.processInstanceKey, 'onlyHere')).scopeKey).toBe(job.elementInstanceKey);
    expect((await t.waitVariable(pi.processInstanceKey, 'everywhere')).scopeKey).toBe(pi.processInstanceKey);
    const localId = await t.waitVariable(pi.processInstanceKey, 'localId', (v) => v.value === 'set');
    expect(localId.scopeKey).toBe(job.elementInstanceKey);
    expect((await t.variables(pi.processInstanceKey)).filter((v) => v.name === 'localId')).toHaveLength(1);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given FailJob with variables, then they are set local to the job element', async () => {
    const pi = await start();
    const job = await t.job(t.id('map-inputs'));
    await t.zeebe.failJob({
      jobKey: job.key,
      retries: 2,
      errorMessage: 'again',
      retryBackOff: 0,
      variables: { attempt: 1 },
    });
    expect((await t.waitVariable(pi.processInstanceKey, 'attempt')).scopeKey).toBe(job.elementInstanceKey);
    const again = await t.job(t.id('map-inputs'));
    expect(again.variables.attempt).toBe(1);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given an unknown element instance key, when SetVariables is called, then NOT_FOUND', async () => {
    expect(
      await grpcCode(
        t.zeebe.setVariables({ elementInstanceKey: '2251799813685247', variables: { a: 1 }, local: false }),
      ),
    ).toBe(5);
  });

  it('given message variables and an output mapping on the catch event, when the message correlates, then the variables are local to the event and only the mapped target reaches the process', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({
      bpmnProcessId: t.id('catch-variables'),
      variables: { caseId: 'cv-1' },
      requestTimeout: 10_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    await t.zeebe.publishMessage({
      name: t.id('document-arrived'),
      correlationKey: 'cv-1',
      variables: { doc: { title: 'Deed' } },
      timeToLive: 0,
    });
    const risky = await t.job(t.id('risky-check'));
    expect(risky.variables).toEqual({ caseId: 'cv-1', documentTitle: 'Deed' });
    await t.zeebe.completeJob({ jobKey: risky.key, variables: {} });
    expect((await result).variables).toEqual({ caseId: 'cv-1', documentTitle: 'Deed' });
  });

  it('given ThrowError variables and an output mapping on the catching boundary event, then the variables are set on that event and only the mapped target reaches the process', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({
      bpmnProcessId: t.id('catch-variables'),
      variables: { caseId: 'cv-2' },
      requestTimeout: 10_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    await t.zeebe.publishMessage({
      name: t.id('document-arrived'),
      correlationKey: 'cv-2',
      variables: { doc: { title: 'Plan' } },
      timeToLive: 0,
    });
    const risky = await t.job(t.id('risky-check'));
    await t.zeebe.throwError({
      jobKey: risky.key,
      errorCode: 'RISK',
      errorMessage: 'too risky',
      variables: { reason: 'no permit' },
    });
    expect((await result).variables).toEqual({ caseId: 'cv-2', documentTitle: 'Plan', why: 'no permit' });
  });
});
