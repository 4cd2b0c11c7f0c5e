import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, grpcCode, startTestEngine, type Job, type TestEngine } from '../helpers/engine.js';

describe('engine: more documented rules (multi-instance counters, IO mapping incidents, blank worker, FEEL error and escalation codes, boundary variants)', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of [
      'mi-counters.bpmn',
      'io-mapping-error.bpmn',
      'error-end-feel-code.bpmn',
      'escalation-feel-code.bpmn',
      'boundary-date-signal.bpmn',
    ])
      await t.deploy(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run = (bpmnProcessId: string, variables: Record<string, any> = {}) =>
    t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: t.id(bpmnProcessId), variables, requestTimeout: 10_000 });

  /** Activates jobs of a type until `count` of them are held. */
  const jobs = async (type: string, count: number): Promise<Job[]> => {
    const held: Job[] = [];
    await eventually(async () => {
      const got = await t.zeebe.activateJobs({
        type: t.id(type),
        worker: 'test',
        maxJobsToActivate: count - held.length,
        timeout: 30_000,
        requestTimeout: 1_000,
      });
      held.push(...(got as Job[]));
      return held.length >= count;
    });
    return held;
  };

  it('given a parallel multi-instance whose completion condition reads numberOfInstances, numberOfCompletedInstances, numberOfActiveInstances and numberOfTerminatedInstances, when the second of three inner instances completes, then the body completes and the third is terminated', async () => {
    const result = run('mi-counters', { reviewers: ['ann', 'bob', 'eve'] });
    const [first, second, third] = await jobs('review', 3);
    await t.zeebe.completeJob({ jobKey: first.key, variables: {} });
    // After one completion (1 completed, 2 active) the condition is false: the second job is still there.
    await t.zeebe.completeJob({ jobKey: second.key, variables: {} });
    expect((await result).variables).toEqual({ reviewers: ['ann', 'bob', 'eve'] });
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: third.key, variables: {} }))).toBe(5);
  });

  it('given an input mapping whose expression fails (FEEL assert), when the task activates, then an IO_MAPPING_ERROR incident on it, and after fixing the variable and resolving, the task runs with the mapped value', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('io-mapping-error'), variables: {} });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.errorType).toBe('IO_MAPPING_ERROR');
    expect(incident.elementId).toBe('Task_Charge');
    expect(incident.errorMessage).toContain('amount is missing');
    await t.zeebe.setVariables({ elementInstanceKey: pi.processInstanceKey, variables: { amount: 7 }, local: false });
    await t.zeebe.resolveIncident({ incidentKey: incident.incidentKey });
    const charge = await t.job(t.id('charge-amount'));
    expect(charge.variables).toMatchObject({ amount: 7, charged: 7 });
    await t.zeebe.completeJob({ jobKey: charge.key, variables: {} });
    await t.waitState(pi.processInstanceKey, 'COMPLETED');
  });

  it('given a blank worker name, when activating jobs, then INVALID_ARGUMENT', async () => {
    expect(
      await grpcCode(
        t.zeebe.activateJobs({
          type: t.id('review'),
          worker: ' ',
          maxJobsToActivate: 1,
          timeout: 1000,
          requestTimeout: -1,
        }),
      ),
    ).toBe(3);
  });

  it('given an error end event whose error code is a FEEL expression, when it is reached, then the code is evaluated and the boundary with that code catches it (else the catch-all)', async () => {
    expect((await run('error-end-feel-code', { reason: 'LIMIT' })).variables).toEqual({
      reason: 'LIMIT',
      caughtBy: 'limit',
    });
    expect((await run('error-end-feel-code', { reason: 'FRAUD' })).variables).toEqual({
      reason: 'FRAUD',
      caughtBy: 'catch-all',
    });
  });

  it('given an escalation end event whose escalation code is a FEEL expression, when it is reached, then the code is evaluated and the boundary with that code catches it (else the catch-all)', async () => {
    expect((await run('escalation-feel-code', { level: 'HIGH' })).variables).toEqual({
      level: 'HIGH',
      caughtBy: 'high',
    });
    expect((await run('escalation-feel-code', { level: 'LOW' })).variables).toEqual({
      level: 'LOW',
      caughtBy: 'catch-all',
    });
  });

  it('given an interrupting timer boundary with a date (FEEL), when the date passes, then the task is interrupted (never before the date) and the boundary path runs', async () => {
    const due = new Date(Date.now() + 1500).toISOString();
    const result = run('boundary-date-signal', { due });
    const review = await t.job(t.id('dated-review'));
    expect((await result).variables).toEqual({ due, overdue: true });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(due));
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: review.key, variables: {} }))).toBe(5);
  });

  it('given a non-interrupting signal boundary, when the signal is broadcast, then the boundary path runs and the task stays active', async () => {
    const due = new Date(Date.now() + 3_600_000).toISOString();
    const result = run('boundary-date-signal', { due });
    const review = await t.job(t.id('dated-review'));
    await t.zeebe.broadcastSignal({ signalName: t.id('nudge'), variables: { nudgedBy: 'lead' } });
    const nudged = await t.job(t.id('nudged'));
    expect(nudged.processInstanceKey).toBe(review.processInstanceKey);
    await t.zeebe.completeJob({ jobKey: nudged.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: review.key, variables: { reviewed: true } });
    expect((await result).variables).toEqual({ due, nudgedBy: 'lead', reviewed: true });
  });
});
