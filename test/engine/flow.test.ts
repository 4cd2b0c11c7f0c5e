import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: flow elements', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of ['exclusive.bpmn', 'exclusive-no-default.bpmn', 'parallel.bpmn', 'script.bpmn', 'script-incident.bpmn', 'subprocess.bpmn', 'terminate.bpmn']) await t.deployFixture(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run = (bpmnProcessId: string, variables: Record<string, any> = {}) => t.zeebe.createProcessInstanceWithResult({ bpmnProcessId, variables, requestTimeout: 10_000 });

  it('given an exclusive gateway, when a condition is true, then its flow is taken', async () => {
    const result = run('exclusive', { amount: 500 });
    const job = await t.job('review-big');
    expect(job.elementId).toBe('Task_Big');
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    expect((await result).variables).toEqual({ amount: 500 });
  });

  it('given an exclusive gateway, when no condition is true, then the default flow is taken', async () => {
    const result = run('exclusive', { amount: 5 });
    const job = await t.job('review-small');
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await result;
  });

  it('given an exclusive gateway without default, when nothing matches, then an incident; after fixing the variable and resolving, it continues', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'exclusive-no-default', variables: { choice: 3 } });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.errorType).toBe('CONDITION_ERROR');
    expect(incident.elementId).toBe('Gateway_Choice');
    await t.zeebe.setVariables({ elementInstanceKey: pi.processInstanceKey, variables: { choice: 2 }, local: false });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    expect(await eventually(async () => (await t.instanceState(pi.processInstanceKey)) === 'COMPLETED')).toBe(true);
  });

  it('given a parallel gateway, when both branches complete, then the join continues once', async () => {
    const result = run('parallel');
    const a = await t.job('check-a');
    const b = await t.job('check-b');
    await t.zeebe.completeJob({ jobKey: a.key, variables: { a: true } });
    expect(await t.zeebe.activateJobs({ type: 'after-join', worker: 'w', maxJobsToActivate: 5, timeout: 1000, requestTimeout: -1 })).toEqual([]);
    await t.zeebe.completeJob({ jobKey: b.key, variables: { b: true } });
    const after = await t.job('after-join');
    expect(after.variables).toEqual({ a: true, b: true });
    await t.zeebe.completeJob({ jobKey: after.key, variables: {} });
    expect(await t.zeebe.activateJobs({ type: 'after-join', worker: 'w', maxJobsToActivate: 5, timeout: 1000, requestTimeout: 300 })).toEqual([]);
    await result;
  });

  it('given script, manual, undefined tasks and a none throw event, when run, then it completes straight through with the script results', async () => {
    const result = await run('script', { a: 2, b: 3.1 });
    expect(result.variables).toEqual({ a: 2, b: 3.1, sum: 5.1, text: '[a-b]?' });
  });

  it('given a script whose expression fails, then an incident on the script task; after fixing, resolve continues', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'script-incident', variables: { total: 'not a number' } });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.elementId).toBe('Script_Bad');
    expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
    await t.zeebe.setVariables({ elementInstanceKey: pi.processInstanceKey, variables: { total: 2 }, local: false });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    const job = await t.job('after-script');
    expect(job.variables).toMatchObject({ n: 3 });
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
  });

  it('given an embedded subprocess, when its task completes, then the process continues after it', async () => {
    const result = run('subprocess');
    const inner = await t.job('sub-work');
    expect(inner.variables).toEqual({ subLocal: 'sub' });
    await t.zeebe.completeJob({ jobKey: inner.key, variables: { fromSub: 1 } });
    const after = await t.job('after-sub');
    expect(after.variables).toEqual({ fromSub: 1 });
    await t.zeebe.completeJob({ jobKey: after.key, variables: {} });
    await result;
  });

  it('given a terminate end event, when reached, then the other branches are terminated and the instance completes', async () => {
    const result = await run('terminate');
    expect(result.processInstanceKey).toBeTruthy();
    expect(await t.zeebe.activateJobs({ type: 'slow-work', worker: 'w', maxJobsToActivate: 5, timeout: 1000, requestTimeout: -1 })).toEqual([]);
  });

  it('given a job that fails without retries, then an incident; after UpdateJobRetries and ResolveIncident it is activatable again', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: 'subprocess', variables: {} });
    const job = await t.job('sub-work');
    await t.zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'registry is down', retryBackOff: 0 });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'registry is down', jobKey: job.key });
    const code = await t.zeebe.completeJob({ jobKey: job.key, variables: {} }).then(() => 0, (e: { code?: number }) => e.code);
    expect(code).toBe(9);
    await t.zeebe.updateJobRetries({ jobKey: job.key, retries: 1 });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    const again = await t.job('sub-work');
    expect(again.key).toBe(job.key);
    expect(again.retries).toBe(1);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    expect(await t.instanceState(pi.processInstanceKey)).toBe('TERMINATED');
  });
});
