import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

// One test per variable rule of ZEEBE-SEMANTICS.md "Variables", driven through the SDK.
describe('engine: variable scoping and mappings', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await t.deployFixture('mappings.bpmn');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const start = (variables: Record<string, any> = { orderId: 'A-1' }) => t.zeebe.createProcessInstance({ bpmnProcessId: 'mappings', variables });
  const complete = (jobKey: string, variables: Record<string, any> = {}) => t.zeebe.completeJob({ jobKey, variables });

  it('input mappings create local variables, run in order, see earlier targets, and a missing source yields null', async () => {
    const pi = await start();
    const job = await t.job('map-inputs');
    expect(job.variables).toEqual({ orderId: 'A-1', localId: 'A-1', nothing: null, first: 1, second: 2, label: 'static text' });
    const vars = await t.variables(pi.processInstanceKey);
    expect(vars.find((v) => v.name === 'localId')?.scopeKey).toBe(job.elementInstanceKey);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('completion without output mappings: variables propagate from the element scope; an input-mapped name is updated locally and vanishes', async () => {
    await start();
    const job = await t.job('map-inputs');
    await complete(job.key, { localId: 'changed', result: 5 });
    const next = await t.job('map-outputs');
    expect(next.variables).toEqual({ orderId: 'A-1', result: 5 });
    await t.zeebe.cancelProcessInstance(next.processInstanceKey);
  });

  it('propagation updates the first scope that has the name (an existing root variable)', async () => {
    await start();
    await complete((await t.job('map-inputs')).key, { orderId: 'A-2' });
    const next = await t.job('map-outputs');
    expect(next.variables.orderId).toBe('A-2');
    await t.zeebe.cancelProcessInstance(next.processInstanceKey);
  });

  it('completion with output mappings: only the mapped targets propagate; the job variables stay local and vanish', async () => {
    await start();
    await complete((await t.job('map-inputs')).key, { result: 5 });
    await complete((await t.job('map-outputs')).key, { result: 7, extra: 'x' });
    const sub = await t.job('map-sub');
    expect(sub.variables).toEqual({ orderId: 'A-1', result: 5, doubled: 14, counter: 0 });
    await t.zeebe.cancelProcessInstance(sub.processInstanceKey);
  });

  it('inside a subprocess: a name the subprocess has (input-mapped) is updated there and vanishes with it; new names go to the root', async () => {
    await start();
    await complete((await t.job('map-inputs')).key, { result: 1 });
    await complete((await t.job('map-outputs')).key, { result: 1 });
    await complete((await t.job('map-sub')).key, { counter: 1, created: 'root' });
    const last = await t.job('map-last');
    expect(last.variables).toEqual({ orderId: 'A-1', result: 1, doubled: 2, created: 'root' });
    await t.zeebe.cancelProcessInstance(last.processInstanceKey);
  });

  it('SetVariables local=true writes only the given scope; local=false propagates up to the root', async () => {
    const pi = await start();
    const job = await t.job('map-inputs');
    await t.zeebe.setVariables({ elementInstanceKey: job.elementInstanceKey, variables: { onlyHere: 1 }, local: true });
    await t.zeebe.setVariables({ elementInstanceKey: job.elementInstanceKey, variables: { everywhere: 2, localId: 'set' }, local: false });
    const vars = await t.variables(pi.processInstanceKey);
    const scopeOf = (name: string) => vars.find((v) => v.name === name)?.scopeKey;
    expect(scopeOf('onlyHere')).toBe(job.elementInstanceKey);
    expect(scopeOf('everywhere')).toBe(pi.processInstanceKey);
    expect(scopeOf('localId')).toBe(job.elementInstanceKey);
    expect(vars.find((v) => v.name === 'localId')?.value).toBe('set');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('FailJob variables are set local to the job element', async () => {
    const pi = await start();
    const job = await t.job('map-inputs');
    await t.zeebe.failJob({ jobKey: job.key, retries: 2, errorMessage: 'again', retryBackOff: 0, variables: { attempt: 1 } });
    const vars = await t.variables(pi.processInstanceKey);
    expect(vars.find((v) => v.name === 'attempt')?.scopeKey).toBe(job.elementInstanceKey);
    const again = await t.job('map-inputs');
    expect(again.variables.attempt).toBe(1);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('an unknown element instance key for SetVariables answers NOT_FOUND', async () => {
    const code = await t.zeebe.setVariables({ elementInstanceKey: '2251799813685247', variables: { a: 1 }, local: false }).then(() => 0, (e: { code?: number }) => e.code);
    expect(code).toBe(5);
  });
});
