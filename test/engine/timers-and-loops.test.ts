import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: timers, event subprocesses, multi-instance, inclusive gateway', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of [
      'timer-catch.bpmn',
      'timer-boundary.bpmn',
      'event-subprocess.bpmn',
      'subprocess-event.bpmn',
      'multi-instance.bpmn',
      'multi-instance-sequential.bpmn',
      'inclusive.bpmn',
    ])
      await t.deploy(f);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run = (bpmnProcessId: string, variables: Record<string, any> = {}) =>
    t.zeebe.createProcessInstanceWithResult({ bpmnProcessId: t.id(bpmnProcessId), variables, requestTimeout: 10_000 });
  const jobs = (type: string, requestTimeout = 2_000) =>
    t.zeebe.activateJobs({ type: t.id(type), worker: 'w', maxJobsToActivate: 10, timeout: 30_000, requestTimeout });

  it('given duration and date timers, then the instance waits for each and never fires early', async () => {
    const started = Date.now();
    const until = new Date(Date.now() + 600).toISOString();
    await run('timer-catch', { wait: 'PT0.3S', until });
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
  });

  it('given a zero duration and a date in the past, then both timers fire at once', async () => {
    const started = Date.now();
    const result = await run('timer-catch', { wait: 'PT0S', until: '2020-01-01T00:00:00Z' });
    expect(result.variables).toMatchObject({ wait: 'PT0S' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('given a timer with an invalid static duration, when deployed, then INVALID_ARGUMENT names the element', async () => {
    const err = (await t.deploy('bad-timer.bpmn').catch((e: unknown) => e)) as Error & { code?: number };
    expect(err.code).toBe(3);
    expect(err.message).toContain('Timer_Broken');
  });

  it('given a non-interrupting cycle boundary (R2) and an interrupting duration boundary, then two reminders and then the deadline path', async () => {
    const result = run('timer-boundary');
    const work = await t.job(t.id('slow-review'));
    const reminders = [...(await jobs('send-reminder')), ...(await jobs('send-reminder', 800))];
    expect(reminders).toHaveLength(2);
    for (const r of reminders) await t.zeebe.completeJob({ jobKey: r.key, variables: {} });
    expect((await result).variables).toEqual({ overdue: true });
    const code = await grpcCode(t.zeebe.completeJob({ jobKey: work.key, variables: {} }));
    expect(code).toBe(5);
  });

  it('given a timer start event with a cycle R2, when deployed, then it starts two instances', async () => {
    await t.deploy('timer-start.bpmn');
    const first = await t.job(t.id('scheduled-work'));
    const second = await t.job(t.id('scheduled-work'));
    expect(first.processInstanceKey).not.toBe(second.processInstanceKey);
    expect(await jobs('scheduled-work', 700)).toEqual([]);
  });

  it("given a timer start event, when a new version is deployed, then the previous version's timer is cancelled", async () => {
    const v1 = fixture('timer-start.bpmn')
      .toString()
      .replace('R2/PT0.3S', 'R1/PT0.8S')
      .replace('scheduled-work', 'old-schedule')
      .replace('id="timer-start"', 'id="timer-start-versions"');
    await t.deploy('timer-start-versions.bpmn', v1);
    const v2 = v1.replace('R1/PT0.8S', 'R1/PT0.2S').replace('old-schedule', 'new-schedule');
    await t.deploy('timer-start-versions.bpmn', v2);
    const fresh = await t.job(t.id('new-schedule'));
    expect(fresh.processDefinitionVersion).toBe(2);
    expect(await jobs('old-schedule', 1_200)).toEqual([]);
  });

  it('given event subprocesses, then non-interrupting ones run alongside and an interrupting one ends the process', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('event-subprocess'),
      variables: { caseId: 'c-1', sla: 'PT0.2S' },
    });
    const work = await t.job(t.id('process-case'));
    const sla = await t.job(t.id('sla-breached'));
    expect(sla.elementId).toBe('Task_Sla');
    await t.zeebe.publishMessage({
      name: t.id('status-update'),
      correlationKey: 'c-1',
      variables: { status: 'checked' },
      timeToLive: 0,
    });
    const log = await t.job(t.id('log-update'));
    expect(log.variables).toMatchObject({ status: 'checked' });
    await t.zeebe.completeJob({ jobKey: log.key, variables: {} });
    await t.zeebe.publishMessage({
      name: t.id('status-update'),
      correlationKey: 'c-1',
      variables: { status: 'again' },
      timeToLive: 0,
    });
    const second = await t.job(t.id('log-update'));
    expect(second.variables).toMatchObject({ status: 'again' });
    await t.zeebe.completeJob({ jobKey: second.key, variables: {} });
    await t.zeebe.publishMessage({ name: t.id('withdraw'), correlationKey: 'c-1', variables: {}, timeToLive: 0 });
    await t.waitState(pi.processInstanceKey, 'COMPLETED');
    for (const j of [work, sla]) expect(await grpcCode(t.zeebe.completeJob({ jobKey: j.key, variables: {} }))).toBe(5);
  });

  it("given an interrupting event subprocess inside a subprocess, then after it runs, the subprocess's own boundary event still works", async () => {
    const result = run('subprocess-event', { caseId: 'k-1' });
    const work = await t.job(t.id('case-work'));
    await t.zeebe.publishMessage({ name: t.id('pause'), correlationKey: 'k-1', variables: {}, timeToLive: 0 });
    const paused = await t.job(t.id('paused-work'));
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: work.key, variables: {} }))).toBe(5);
    await t.zeebe.publishMessage({
      name: t.id('abort'),
      correlationKey: 'k-1',
      variables: { aborted: true },
      timeToLive: 0,
    });
    expect((await result).variables).toEqual({ caseId: 'k-1', aborted: true });
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: paused.key, variables: {} }))).toBe(5);
  });

  it('given a parallel multi-instance, then each inner instance gets its own element and loopCounter (local to it), and the output keeps input order', async () => {
    const result = run('multi-instance', { documents: ['passport', 'deed', 'photo'] });
    const inner = [...(await jobs('check-document'))];
    while (inner.length < 3) inner.push(...(await jobs('check-document')));
    expect(inner.map((j) => [j.variables.document, j.variables.loopCounter]).sort()).toEqual([
      ['deed', 2],
      ['passport', 1],
      ['photo', 3],
    ]);
    for (const j of [...inner].reverse())
      await t.zeebe.completeJob({ jobKey: j.key, variables: { verdict: `${j.variables.document}:ok` } });
    const done = (await result).variables;
    expect(done.results).toEqual(['passport:ok', 'deed:ok', 'photo:ok']);
    // inputElement and loopCounter were local to each inner instance
    expect(done).not.toHaveProperty('document');
    expect(done).not.toHaveProperty('loopCounter');
  });

  it('given an empty input collection, then the activity is skipped and the output collection is empty', async () => {
    expect((await run('multi-instance', { documents: [] })).variables).toEqual({ documents: [], results: [] });
  });

  it('given a non-list input collection, then an incident on the multi-instance activity', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('multi-instance'),
      variables: { documents: 'passport' },
    });
    const [incident] = await t.waitIncidents(pi.processInstanceKey);
    expect(incident.elementId).toBe('Task_Each');
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given a sequential multi-instance with a completion condition, then instances run one at a time and stop when it holds', async () => {
    const result = run('multi-instance-sequential', { approvers: ['anna', 'boris', 'vera'] });
    const first = await jobs('approve');
    expect(first.map((j) => j.variables.approver)).toEqual(['anna']);
    await t.zeebe.completeJob({ jobKey: first[0].key, variables: {} });
    const second = await jobs('approve');
    expect(second.map((j) => j.variables.approver)).toEqual(['boris']);
    await t.zeebe.completeJob({ jobKey: second[0].key, variables: {} });
    expect((await result).variables.answers).toEqual(['anna:1', 'boris:2', null]);
  });

  it('given an inclusive gateway, then every true branch runs and the join waits for all of them', async () => {
    const result = run('inclusive', { police: true, tax: true });
    const police = await t.job(t.id('check-police'));
    const tax = await t.job(t.id('check-tax'));
    await t.zeebe.completeJob({ jobKey: police.key, variables: {} });
    expect(await jobs('decide', -1)).toEqual([]);
    await t.zeebe.completeJob({ jobKey: tax.key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job(t.id('decide'))).key, variables: {} });
    await result;
  });

  it('given an inclusive gateway with one true branch, then the join continues after that branch alone; with none, the default flow', async () => {
    const result = run('inclusive', { police: true, tax: false });
    await t.zeebe.completeJob({ jobKey: (await t.job(t.id('check-police'))).key, variables: {} });
    await t.zeebe.completeJob({ jobKey: (await t.job(t.id('decide'))).key, variables: {} });
    await result;
    const none = run('inclusive', { police: false, tax: false });
    await t.zeebe.completeJob({ jobKey: (await t.job(t.id('decide'))).key, variables: {} });
    await none;
  });
});
