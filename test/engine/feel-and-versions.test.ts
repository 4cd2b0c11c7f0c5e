import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_ONLY, EXTERNAL, fixture, grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: FEEL built-ins, validation and versions', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await t.deploy('feel-builtins.bpmn');
    await t.deploy('feel-list-builtins.bpmn');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('given the Camunda FEEL extension functions, when evaluated, then they behave like Zeebe (and decimals stay exact)', async () => {
    const result = await t.zeebe.createProcessInstanceWithResult({
      bpmnProcessId: t.id('feel-builtins'),
      variables: { present: 1, doc: { applicant: { name: 'Sidorova' } } },
      requestTimeout: 10_000,
    });
    expect(result.variables.out).toEqual({
      definedYes: true,
      definedNo: false,
      orElse: 'fallback',
      emptyYes: true,
      emptyNo: false,
      join2: 'a, b',
      join4: '(a, b)',
      trimmed: 'x',
      uuidLength: 36,
      json: '{"a":1}',
      parsed: { b: [1, 2] },
      lastDay: '2024-02-29',
      nested: 'Sidorova',
      decimal: 0.3,
    });
  });

  it('given the Camunda list and context extension functions (partition, duplicate values, extract, get value), when evaluated, then they answer like the Camunda documentation', async () => {
    const result = await t.zeebe.createProcessInstanceWithResult({
      bpmnProcessId: t.id('feel-list-builtins'),
      variables: { doc: { applicant: { name: 'Sidorova' } } },
      requestTimeout: 10_000,
    });
    expect(result.variables.out).toEqual({
      partitioned: [[1, 2], [3, 4], [5]],
      duplicates: [1, 2],
      noDuplicates: [],
      extracted: ['1234', '1256'],
      byKey: 1,
      missingPath: null,
    });
  });

  it('given a resource with several problems, when deployed, then INVALID_ARGUMENT lists each element with its reason', async () => {
    const err = (await t.deploy('invalid-many.bpmn').catch((e: unknown) => e)) as Error & { code?: number };
    expect(err.code).toBe(3);
    expect(err.message).toContain('Script_NoResult');
    expect(err.message).toContain('resultVariable');
    expect(err.message).toContain('Call_NoProcess');
    expect(err.message).toContain('zeebe:calledElement');
    expect(err.message).toContain('Catch_NoKey');
    expect(err.message).toContain('correlationKey');
  });

  it.skipIf(EXTERNAL)(
    `given a job-based user task (bpmn:userTask without zeebe:userTask), when deployed, then INVALID_ARGUMENT names it ${EMBEDDED_ONLY.okno}`,
    async () => {
      const err = (await t.deploy('invalid-many.bpmn').catch((e: unknown) => e)) as Error & { code?: number };
      expect(err.code).toBe(3);
      expect(err.message).toContain('UserTask_Later');
    },
  );

  it('given timer cycles as cron (Spring syntax) or ISO repeating intervals, then valid ones deploy and invalid ones are rejected', async () => {
    const withCycle = (id: string, cycle: string) =>
      fixture('timer-start.bpmn').toString().replace('R2/PT0.3S', cycle).replace('id="timer-start"', `id="${id}"`);
    for (const [id, cycle] of [
      ['cron-ok', '0 0 9-17 * * MON-FRI'],
      ['iso-ok', 'R/2030-01-01T00:00:00Z/P1D'],
    ]) {
      const res = await t.deploy(`${id}.bpmn`, withCycle(id, cycle));
      expect(res.deployments[0].process!.bpmnProcessId).toBe(t.id(id));
      // A version without the timer cancels the schedule (no leftover instances on a shared cluster).
      await t.deploy(
        `${id}.bpmn`,
        withCycle(id, cycle).replace(/<bpmn:timerEventDefinition>.*?<\/bpmn:timerEventDefinition>/s, ''),
      );
    }
    for (const [id, cycle] of [
      ['cron-bad', '0 0 25 * * *'],
      ['iso-bad', 'R2/tomorrow'],
    ]) {
      const err = (await t.deploy(`${id}.bpmn`, withCycle(id, cycle)).catch((e: unknown) => e)) as Error & {
        code?: number;
      };
      expect(err.code).toBe(3);
      expect(err.message).toContain('Start_Timer');
    }
  });

  it('given a resource that is not BPMN or a form, when deployed, then INVALID_ARGUMENT', async () => {
    expect(await grpcCode(t.zeebe.deployResource({ process: Buffer.from('<x/>'), name: 'decision.dmn' }))).toBe(3);
  });

  it('given a running instance on version 1, when version 2 is deployed, then it stays on version 1 while new instances use version 2', async () => {
    const v1 = await t.deploy('one-task.bpmn');
    const running = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const v2 = await t.deploy(
      'one-task.bpmn',
      fixture('one-task.bpmn').toString().replace('type="do-work"', 'type="do-work-v2"'),
    );
    expect(v2.deployments[0].process!.version).toBe(v1.deployments[0].process!.version + 1);
    const oldJob = await t.job(t.id('do-work'));
    expect(oldJob.processInstanceKey).toBe(running.processInstanceKey);
    expect(oldJob.processDefinitionVersion).toBe(1);
    const fresh = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    expect(fresh.version).toBe(2);
    const newJob = await t.job(t.id('do-work-v2'));
    expect(newJob.processInstanceKey).toBe(fresh.processInstanceKey);
    const pinned = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), version: 1, variables: {} });
    expect(pinned.version).toBe(1);
    for (const pi of [running, fresh, pinned]) await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given start instructions, then the instance starts at the given element instead of the none start event', async () => {
    await t.deploy('exclusive.bpmn');
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('exclusive'),
      variables: {},
      startInstructions: [{ elementId: 'Task_Small' }],
    });
    const job = await t.job(t.id('review-small'));
    expect(job.processInstanceKey).toBe(pi.processInstanceKey);
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    expect(
      await grpcCode(
        t.zeebe.createProcessInstance({
          bpmnProcessId: t.id('exclusive'),
          variables: {},
          startInstructions: [{ elementId: 'Nope' }],
        }),
      ),
    ).toBe(3);
  });

  it.skipIf(EXTERNAL)(
    `given an RPC the engine does not serve (EvaluateDecision: no DMN), then UNIMPLEMENTED ${EMBEDDED_ONLY.okno}`,
    async () => {
      expect(await grpcCode(t.zeebe.evaluateDecision({ decisionId: 'x', variables: {} } as never))).toBe(12);
    },
  );
});
