import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: flow elements', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of [
      'exclusive.bpmn',
      'exclusive-first.bpmn',
      'exclusive-no-default.bpmn',
      'inclusive-no-default.bpmn',
      'parallel.bpmn',
      'script.bpmn',
      'script-incident.bpmn',
      'subprocess.bpmn',
      'terminate.bpmn',
    ])
      await t.deploy(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run = (bpmnProcessId: string, variables: Record<string, any> = {}) =>
    t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: t.id(bpmnProcessId), variables, requestTimeout: 10_000 });
  const start = (bpmnProcessId: string, variables: Record<string, any> = {}) =>
    t.zeebe.createProcessInstance({ bpmnProcessId: t.id(bpmnProcessId), variables });
  const job = (type: string) => t.job(t.id(type));
  const noJobs = async (type: string, requestTimeout = -1) =>
    expect(
      await t.zeebe.activateJobs({
        type: t.id(type),
        worker: 'w',
        maxJobsToActivate: 5,
        timeout: 1000,
        requestTimeout,
      }),
    ).toEqual([]);

  it('given an exclusive gateway, when a condition is true, then its flow is taken', async () => {
    const result = run('exclusive', { amount: 500 });
    const big = await job('review-big');
    expect(big.elementId).toBe('Task_Big');
    await t.zeebe.completeJob({ jobKey: big.key, variables: {} });
    expect((await result).variables).toEqual({ amount: 500 });
  });

  it('given an exclusive gateway, when no condition is true, then the default flow is taken', async () => {
    const result = run('exclusive', { amount: 5 });
    await t.zeebe.completeJob({ jobKey: (await job('review-small')).key, variables: {} });
    await result;
  });

  it('given an exclusive gateway whose conditions are true on several flows, then only the first of them (in model order) is taken', async () => {
    const result = run('exclusive-first', { amount: 50 });
    const first = await job('route-first');
    expect(first.elementId).toBe('Task_First');
    await noJobs('route-second');
    await t.zeebe.completeJob({ jobKey: first.key, variables: {} });
    await result;
    await noJobs('route-second');
  });

  it('given an exclusive gateway without default, when nothing matches, then an incident; after fixing the variable and resolving, it continues', async () => {
    const pi = await start('exclusive-no-default', { choice: 3 });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.errorType).toBe('CONDITION_ERROR');
    expect(incident.elementId).toBe('Gateway_Choice');
    await t.zeebe.setVariables({ elementInstanceKey: pi.processInstanceKey, variables: { choice: 2 }, local: false });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    await t.waitState(pi.processInstanceKey, 'COMPLETED');
  });

  it('given an inclusive gateway without default, when no condition is true, then an incident; after fixing the variables and resolving, the true branches run', async () => {
    const pi = await start('inclusive-no-default', { police: false, tax: false });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'CONDITION_ERROR', elementId: 'Gateway_Checks' });
    await t.zeebe.setVariables({ elementInstanceKey: pi.processInstanceKey, variables: { tax: true }, local: false });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    const tax = await job('check-tax');
    expect(tax.processInstanceKey).toBe(pi.processInstanceKey);
    await noJobs('check-police');
    await t.zeebe.completeJob({ jobKey: tax.key, variables: {} });
    await t.waitState(pi.processInstanceKey, 'COMPLETED');
  });

  it('given a parallel gateway, when both branches complete, then the join continues once', async () => {
    const result = run('parallel');
    const a = await job('check-a');
    const b = await job('check-b');
    await t.zeebe.completeJob({ jobKey: a.key, variables: { a: true } });
    await noJobs('after-join');
    await t.zeebe.completeJob({ jobKey: b.key, variables: { b: true } });
    const after = await job('after-join');
    expect(after.variables).toEqual({ a: true, b: true });
    await t.zeebe.completeJob({ jobKey: after.key, variables: {} });
    await noJobs('after-join', 300);
    await result;
  });

  it('given script, manual, undefined tasks and a none throw event, when run, then it completes straight through with the script results', async () => {
    const result = await run('script', { a: 2, b: 3.1 });
    expect(result.variables).toEqual({ a: 2, b: 3.1, sum: 5.1, text: '[a-b]?' });
  });

  it('given a script whose expression fails, then an incident on the script task; after fixing, resolve continues', async () => {
    const pi = await start('script-incident', { total: 'not a number' });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.elementId).toBe('Script_Bad');
    expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
    await t.zeebe.setVariables({ elementInstanceKey: pi.processInstanceKey, variables: { total: 2 }, local: false });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    const after = await job('after-script');
    expect(after.variables).toMatchObject({ n: 3 });
    await t.zeebe.completeJob({ jobKey: after.key, variables: {} });
  });

  it('given an embedded subprocess, when its task completes, then the process continues after it', async () => {
    const result = run('subprocess');
    const inner = await job('sub-work');
    expect(inner.variables).toEqual({ subLocal: 'sub' });
    await t.zeebe.completeJob({ jobKey: inner.key, variables: { fromSub: 1 } });
    const after = await job('after-sub');
    expect(after.variables).toEqual({ fromSub: 1 });
    await t.zeebe.completeJob({ jobKey: after.key, variables: {} });
    await result;
  });

  it('given a terminate end event, when reached, then the other branches are terminated and the instance completes', async () => {
    const result = await run('terminate');
    expect(result.processInstanceKey).toBeTruthy();
    await noJobs('slow-work');
  });

  it('given a job that fails without retries, then an incident and completing it answers FAILED_PRECONDITION; after UpdateJobRetries and ResolveIncident it is activatable again', async () => {
    const pi = await start('subprocess');
    const work = await job('sub-work');
    await t.zeebe.failJob({ jobKey: work.key, retries: 0, errorMessage: 'registry is down', retryBackOff: 0 });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'registry is down', jobKey: work.key });
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: work.key, variables: {} }))).toBe(9);
    await t.zeebe.updateJobRetries({ jobKey: work.key, retries: 1 });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    const again = await job('sub-work');
    expect(again.key).toBe(work.key);
    expect(again.retries).toBe(1);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    await t.waitState(pi.processInstanceKey, 'TERMINATED');
  });
});
