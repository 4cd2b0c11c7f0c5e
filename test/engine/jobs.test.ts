import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camunda8 } from '@camunda8/sdk';
import { startEmbeddedEngine } from '../../server/engine/index.js';
import { createLogger } from '../../server/platform/logger.js';
import { EMBEDDED_ONLY, EXTERNAL, grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: jobs over gRPC', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await t.deploy('one-task.bpmn');
    await t.deploy('job-defaults.bpmn');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const activate = (opts: { timeout?: number; requestTimeout?: number; fetchVariable?: string[] } = {}) =>
    t.zeebe.activateJobs({
      type: t.id('do-work'),
      worker: 'test',
      maxJobsToActivate: 10,
      timeout: opts.timeout ?? 30_000,
      requestTimeout: opts.requestTimeout ?? 3_000,
      fetchVariable: opts.fetchVariable,
    });

  it('given an instance, when its job is activated and completed, then the instance completes with the job variables', async () => {
    const result = t.zeebe.createProcessInstanceWithResult({
      bpmnProcessId: t.id('one-task'),
      variables: { applicant: 'Ivanova', amount: 10 },
      requestTimeout: 10_000,
    });
    const [job] = await activate();
    expect(job.variables).toEqual({ applicant: 'Ivanova', amount: 10 });
    expect(job.customHeaders).toEqual({ kind: 'test' });
    expect(job.elementId).toBe('Task_Work');
    expect(job.bpmnProcessId).toBe(t.id('one-task'));
    expect(job.retries).toBe(3);
    await t.zeebe.completeJob({ jobKey: job.key, variables: { decision: 'approved' } });
    const done = await result;
    expect(done.processInstanceKey).toBe(job.processInstanceKey);
    expect(done.variables).toEqual({ applicant: 'Ivanova', amount: 10, decision: 'approved' });
  });

  it('given a completed job, when it is completed again, then NOT_FOUND', async () => {
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const [job] = await activate();
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: job.key, variables: {} }))).toBe(5);
  });

  it('given a waiting long poll, when a job is created, then the poll returns it at once', async () => {
    const started = Date.now();
    const poll = activate({ requestTimeout: 5_000 });
    await new Promise((r) => setTimeout(r, 100));
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const jobs = await poll;
    expect(jobs).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    await t.zeebe.completeJob({ jobKey: jobs[0].key, variables: {} });
  });

  it('given no jobs, when polling with a negative requestTimeout, then it returns at once with none', async () => {
    const started = Date.now();
    expect(await activate({ requestTimeout: -1 })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('given a task definition without retries, when its job is activated, then it has the default 3 retries', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('job-defaults'),
      variables: { registry: 'police', tries: 5 },
    });
    const job = await t.job(t.id('default-retries'));
    expect(job.processInstanceKey).toBe(pi.processInstanceKey);
    expect(job.retries).toBe(3);
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });

  it('given a job type and retries given as FEEL expressions, when the task activates, then they are evaluated on the instance variables', async () => {
    const pi = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('job-defaults'),
      variables: { registry: 'police', tries: 5 },
    });
    await t.zeebe.completeJob({ jobKey: (await t.job(t.id('default-retries'))).key, variables: {} });
    const job = await t.job(t.id('check-police'));
    expect(job.processInstanceKey).toBe(pi.processInstanceKey);
    expect(job.type).toBe(t.id('check-police'));
    expect(job.retries).toBe(5);
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
    await t.waitState(pi.processInstanceKey, 'COMPLETED');
  });

  it('given requestTimeout 0, when a job is created a second after the poll started, then the poll (held for the gateway default of 10 s) returns it', async () => {
    const started = Date.now();
    const poll = activate({ requestTimeout: 0 });
    await new Promise((r) => setTimeout(r, 1_000));
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const jobs = await poll;
    expect(jobs).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    await t.zeebe.completeJob({ jobKey: jobs[0].key, variables: {} });
  });

  it('given no jobs, when polling with a short requestTimeout, then it returns empty after about that long', async () => {
    const started = Date.now();
    expect(await activate({ requestTimeout: 300 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('given fetchVariable, when activated, then only those variables are sent', async () => {
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: { a: 1, b: 2 } });
    const [job] = await activate({ fetchVariable: ['b'] });
    expect(job.variables).toEqual({ b: 2 });
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
  });

  it('given an activated job, when its timeout passes, then it is activatable again (no retry used)', async () => {
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const [first] = await activate({ timeout: 200 });
    expect(await activate({ requestTimeout: -1 })).toEqual([]);
    const [again] = await activate({ requestTimeout: 3_000 });
    expect(again.key).toBe(first.key);
    expect(again.retries).toBe(3);
    await t.zeebe.completeJob({ jobKey: again.key, variables: {} });
  });

  it('given an activated job, when UpdateJobTimeout extends it, then it does not come back early', async () => {
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const [job] = await activate({ timeout: 300 });
    await t.zeebe.updateJobTimeout({ jobKey: job.key, timeout: 5_000 });
    expect(await activate({ requestTimeout: 600 })).toEqual([]);
    await t.zeebe.completeJob({ jobKey: job.key, variables: {} });
  });

  it('given a failed job with retries left, when failed, then it is activatable again with the new retries', async () => {
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const [job] = await activate();
    await t.zeebe.failJob({ jobKey: job.key, retries: 2, errorMessage: 'flaky', retryBackOff: 0 });
    const [again] = await activate({ requestTimeout: 2_000 });
    expect(again.key).toBe(job.key);
    expect(again.retries).toBe(2);
    await t.zeebe.completeJob({ jobKey: again.key, variables: {} });
  });

  it('given a retry back-off, when failed, then the job comes back only after the back-off', async () => {
    await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const [job] = await activate();
    const failedAt = Date.now();
    await t.zeebe.failJob({ jobKey: job.key, retries: 1, errorMessage: 'later', retryBackOff: 500 });
    expect(await activate({ requestTimeout: -1 })).toEqual([]);
    const [again] = await activate({ requestTimeout: 3_000 });
    expect(again.key).toBe(job.key);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(450);
    await t.zeebe.completeJob({ jobKey: again.key, variables: {} });
  });

  it('given many concurrent completions and one of an unknown job, then each gets its own answer (grouped commits roll back and retry alone)', async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} }),
      ),
    );
    const jobs = [];
    while (jobs.length < 12) jobs.push(...(await activate({ requestTimeout: 2_000 })));
    const answers = await Promise.all([
      ...jobs.map((j) => grpcCode(t.zeebe.completeJob({ jobKey: j.key, variables: { ok: true } }))),
      grpcCode(t.zeebe.completeJob({ jobKey: '2251799813685247', variables: {} })),
    ]);
    expect(answers.filter((a) => a === 'ok')).toHaveLength(12);
    expect(answers.filter((a) => a === 5)).toHaveLength(1);
    expect(new Set(jobs.map((j) => j.processInstanceKey))).toEqual(new Set(created.map((c) => c.processInstanceKey)));
  });

  it('given an unknown job key, when completed, failed or updated, then NOT_FOUND', async () => {
    const missing = '2251799813685247';
    expect(await grpcCode(t.zeebe.completeJob({ jobKey: missing, variables: {} }))).toBe(5);
    expect(await grpcCode(t.zeebe.failJob({ jobKey: missing, retries: 1, errorMessage: 'x', retryBackOff: 0 }))).toBe(
      5,
    );
    expect(await grpcCode(t.zeebe.updateJobRetries({ jobKey: missing, retries: 1 }))).toBe(5);
  });

  it('given a blank job type, a timeout < 1 ms or maxJobsToActivate < 1, when activating, then INVALID_ARGUMENT', async () => {
    expect(
      await grpcCode(
        t.zeebe.activateJobs({ type: ' ', worker: 'w', maxJobsToActivate: 1, timeout: 1000, requestTimeout: -1 }),
      ),
    ).toBe(3);
    expect(
      await grpcCode(
        t.zeebe.activateJobs({
          type: t.id('do-work'),
          worker: 'w',
          maxJobsToActivate: 1,
          timeout: 0,
          requestTimeout: -1,
        }),
      ),
    ).toBe(3);
    expect(
      await grpcCode(
        t.zeebe.activateJobs({
          type: t.id('do-work'),
          worker: 'w',
          maxJobsToActivate: 0,
          timeout: 1000,
          requestTimeout: -1,
        }),
      ),
    ).toBe(3);
  });

  it('given the SDK job worker, when instances are created, then it completes them all', async () => {
    const seen: string[] = [];
    const worker = t.zeebe.createWorker({
      taskType: t.id('do-work'),
      pollInterval: 100,
      taskHandler: (job) => {
        seen.push(job.processInstanceKey);
        return job.complete({ handled: true });
      },
    });
    try {
      const results = await Promise.all(
        [1, 2, 3].map((i) =>
          t.zeebe.createProcessInstanceWithResult({
            bpmnProcessId: t.id('one-task'),
            variables: { i },
            requestTimeout: 10_000,
          }),
        ),
      );
      for (const r of results) expect(r.variables).toMatchObject({ handled: true });
      expect(seen).toHaveLength(3);
    } finally {
      await worker.close();
    }
  });

  it('given a job stream, when an instance is created, then the job is pushed to the stream', async () => {
    const worker = await t.zeebe.streamJobs({
      type: t.id('do-work'),
      worker: 'streamer',
      timeout: 30_000,
      pollInterval: -1,
      tenantIds: [],
      taskHandler: (job) => job.complete({ streamed: true }),
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const r = await t.zeebe.createProcessInstanceWithResult({
        bpmnProcessId: t.id('one-task'),
        variables: {},
        requestTimeout: 10_000,
      });
      expect(r.variables).toMatchObject({ streamed: true });
    } finally {
      worker.close();
    }
  });

  it('given a running instance, when cancelled, then its job is gone', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    expect(await activate({ requestTimeout: -1 })).toEqual([]);
    expect(await grpcCode(t.zeebe.cancelProcessInstance(pi.processInstanceKey))).toBe(5);
  });

  it.skipIf(EXTERNAL)(
    `given two engine processes on one database, when a job is created through one, then a long poll waiting on the other gets it (NOTIFY on PostgreSQL, periodic re-check on PGlite) ${EMBEDDED_ONLY.internals}`,
    async () => {
      const other = await startEmbeddedEngine({
        knex: t.db.knex,
        host: '127.0.0.1',
        grpcPort: 0,
        restPort: 0,
        logger: createLogger('silent'),
        credentials: t.engine.credentials,
      });
      const c8 = new Camunda8({
        ZEEBE_GRPC_ADDRESS: `grpc://${other.grpcAddress}`,
        ...t.sdkAuth,
        CAMUNDA_LOG_LEVEL: 'none',
        zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
      } as any);
      const zeebe = c8.getZeebeGrpcApiClient();
      try {
        const poll = zeebe.activateJobs({
          type: t.id('do-work'),
          worker: 'other',
          maxJobsToActivate: 1,
          timeout: 30_000,
          requestTimeout: 5_000,
        });
        // Engines look for peers on the database every second and send NOTIFY only when there is one.
        await new Promise((r) => setTimeout(r, 1_300));
        const started = Date.now();
        await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
        const jobs = await poll;
        expect(jobs).toHaveLength(1);
        expect(Date.now() - started).toBeLessThan(t.db.kind === 'postgres' ? 700 : 2_500);
        await zeebe.completeJob({ jobKey: jobs[0].key, variables: {} });
      } finally {
        await zeebe.close(500).catch(() => undefined);
        await other.stop();
      }
    },
  );
});
