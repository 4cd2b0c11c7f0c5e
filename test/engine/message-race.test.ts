import { Camunda8 } from '@camunda8/sdk';
import { ProcessDefinitionId } from '@camunda8/orchestration-cluster-api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkAuthSettings } from '../../server/engine/credentials.js';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../server/engine/index.js';
import { openDatabase, type Database } from '../../server/platform/db.js';
import { createLogger } from '../../server/platform/logger.js';
import {
  EMBEDDED_ONLY,
  EXTERNAL,
  eventually,
  fixture,
  startTestEngine,
  type RestClient,
  type TestEngine,
  type ZeebeClient,
} from '../helpers/engine.js';

/**
 * Issue 22: a message published (with a TTL) while the instance that waits for it is being created
 * must correlate exactly once, whichever of the two transactions commits first. The issue asks for
 * 500 instances per variant (200 on PGlite); MESSAGE_RACE_INSTANCES overrides.
 */
const PG = !!process.env.DATABASE_URL;
/** On PGlite (one transaction at a time, slower) fewer keep the suite fast. */
const N = Number(process.env.MESSAGE_RACE_INSTANCES ?? (PG ? 500 : 200));
/** Instances per variant for the other subscription kinds (boundary, receive task, gateway, event subprocess, message start). */
const N_KINDS = Number(process.env.MESSAGE_RACE_KIND_INSTANCES ?? (PG ? 150 : 60));
/** Spacing of the creates: instance i's create call starts i × SPACING_MS after the first. */
const SPACING_MS = 2;
/** Each publish starts at a random offset from its create call, in [-5, +20) ms (the window). */
const offset = () => -5 + Math.random() * 25;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SDK clients (gRPC and REST) for an engine. */
function clients(engine: EmbeddedEngine): { zeebe: ZeebeClient; rest: RestClient } {
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${engine.grpcAddress}`,
    ZEEBE_REST_ADDRESS: engine.restAddress,
    ...sdkAuthSettings(engine.credentials),
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as unknown as ConstructorParameters<typeof Camunda8>[0]);
  return { zeebe: c8.getZeebeGrpcApiClient(), rest: c8.getOrchestrationClusterApiClient() };
}

export interface RaceResult {
  instances: number;
  /** Instances still waiting for their message after both calls answered (and a grace period). */
  lost: number;
  /** Messages that correlated more than once. */
  duplicated: number;
  ms: number;
}

/**
 * Fires `n` pairs: create(i) at i × SPACING_MS, publish(i) at a random offset around it; waits for
 * all calls; then counts the instances of `bpmnProcessId` still active and the correlations per key.
 */
export async function race(
  t: TestEngine,
  n: number,
  bpmnProcessId: string,
  keyPrefix: string,
  create: (i: number, key: string) => Promise<unknown>,
  publish: (i: number, key: string) => Promise<unknown>,
): Promise<RaceResult> {
  const started = Date.now();
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${keyPrefix}-${i}`;
    const at = i * SPACING_MS + 5;
    calls.push(sleep(at).then(() => create(i, key)));
    calls.push(sleep(Math.max(0, at + offset())).then(() => publish(i, key)));
  }
  await Promise.all(calls);
  // Both calls answered: both transactions committed. Correlated instances completed in one of them.
  const active = async () => {
    const r = await t.rest.searchProcessInstances(
      { filter: { processDefinitionId: bpmnProcessId, state: 'ACTIVE' }, page: { limit: 1 } } as never,
      { consistency: { waitUpToMs: 0 } } as never,
    );
    return (r as unknown as { page: { totalItems: number } }).page.totalItems;
  };
  let lost = await active();
  for (let waited = 0; lost > 0 && waited < 2_000; waited += 200) {
    await sleep(200);
    lost = await active();
  }
  const rows = (await t.db.knex.raw(
    `select payload->>'correlationKey' as ck, count(*)::int as n from engine_events
      where value_type = 'MESSAGE' and intent = 'CORRELATED' and payload->>'correlationKey' like ? group by 1`,
    [`${keyPrefix}-%`],
  )) as { rows: { ck: string; n: number }[] };
  return { instances: n, lost, duplicated: rows.rows.filter((r) => r.n > 1).length, ms: Date.now() - started };
}

describe.skipIf(EXTERNAL)(
  `engine: a message published while its instance starts correlates exactly once (issue 22) ${EMBEDDED_ONLY.internals}`,
  () => {
    let t: TestEngine;
    /** A second engine on the same database and schema (its own connection pool on PostgreSQL). */
    let other: EmbeddedEngine;
    let otherDb: Database | undefined;
    let b: { zeebe: ZeebeClient; rest: RestClient };
    beforeAll(async () => {
      t = await startTestEngine();
      for (const f of [
        'receive-task.bpmn',
        'message-boundary.bpmn',
        'event-gateway.bpmn',
        'event-subprocess.bpmn',
        'message-start.bpmn',
      ])
        await t.deploy(f);
      // One copy of message-catch per variant, so each variant counts its own waiting instances.
      for (const v of ['grpc', 'rest', 'two'])
        await t.deploy(
          'message-catch.bpmn',
          fixture('message-catch.bpmn').toString().replace('id="message-catch"', `id="message-catch-${v}"`),
        );
      let knex = t.db.knex;
      if (t.db.kind === 'postgres') {
        otherDb = await openDatabase({ url: process.env.DATABASE_URL, dataDir: '', poolMax: 10, schema: t.db.schema });
        knex = otherDb.knex;
      }
      other = await startEmbeddedEngine({
        knex,
        host: '127.0.0.1',
        grpcPort: 0,
        restPort: 0,
        logger: createLogger('silent'),
        credentials: t.engine.credentials,
      });
      b = clients(other);
    });
    afterAll(async () => {
      await b?.zeebe.close(500).catch(() => undefined);
      await other?.stop();
      await otherDb?.close();
      await t?.stop();
    });

    const id = (name: string) => t.id(name);
    const ttl = 60_000;
    const report = (variant: string, r: RaceResult) =>
      console.log(
        `message race, ${variant}: ${r.lost} of ${r.instances} lost, ${r.duplicated} correlated twice (${r.ms} ms)`,
      );

    it(`given ${N} instances whose first step waits for a message, when each message is published over gRPC between 5 ms before and 20 ms after its create call, then every instance completes and every message correlates once`, async () => {
      // given: a process whose catch event waits for payment-received with correlation key =orderId
      // when: N creates and N publishes race (one engine, gRPC)
      const r = await race(
        t,
        N,
        id('message-catch-grpc'),
        id('grpc'),
        (_i, key) =>
          t.zeebe.createProcessInstance({ bpmnProcessId: id('message-catch-grpc'), variables: { orderId: key } }),
        (i, key) =>
          t.zeebe.publishMessage({
            name: id('payment-received'),
            correlationKey: key,
            variables: { paid: i },
            timeToLive: ttl,
          }),
      );
      report('gRPC, one engine', r);
      // then: none is left waiting, none correlated twice
      expect(r).toMatchObject({ lost: 0, duplicated: 0 });
    });

    it(`given ${N} instances, when the creates and publishes race over REST, then every instance completes and every message correlates once`, async () => {
      // given / when: the same race through the Orchestration Cluster REST client
      const r = await race(
        t,
        N,
        id('message-catch-rest'),
        id('rest'),
        (_i, key) =>
          t.rest.createProcessInstance({
            processDefinitionId: ProcessDefinitionId.assumeExists(id('message-catch-rest')),
            variables: { orderId: key },
          }),
        (i, key) =>
          t.rest.publishMessage({
            name: id('payment-received'),
            correlationKey: key,
            variables: { paid: i },
            timeToLive: ttl,
          }),
      );
      report('REST, one engine', r);
      // then
      expect(r).toMatchObject({ lost: 0, duplicated: 0 });
    });

    it(`given two engine processes on one database, when ${N} creates on one race the publishes on the other (gRPC and REST mixed), then every instance completes and every message correlates once`, async () => {
      // given: engine A (t) and engine B (other) share the schema
      // when: even instances are created on A over gRPC and published on B over REST; odd ones the other way round
      const r = await race(
        t,
        N,
        id('message-catch-two'),
        id('two'),
        (i, key) =>
          i % 2 === 0
            ? t.zeebe.createProcessInstance({ bpmnProcessId: id('message-catch-two'), variables: { orderId: key } })
            : b.rest.createProcessInstance({
                processDefinitionId: ProcessDefinitionId.assumeExists(id('message-catch-two')),
                variables: { orderId: key },
              }),
        (i, key) =>
          i % 2 === 0
            ? b.rest.publishMessage({
                name: id('payment-received'),
                correlationKey: key,
                variables: { paid: i },
                timeToLive: ttl,
              })
            : t.zeebe.publishMessage({
                name: id('payment-received'),
                correlationKey: key,
                variables: { paid: i },
                timeToLive: ttl,
              }),
      );
      report('two engines', r);
      // then
      expect(r).toMatchObject({ lost: 0, duplicated: 0 });
    });

    it('given a buffered message for an interrupting event subprocess, when an instance starts, then the event subprocess interrupts the main flow and the instance completes', async () => {
      // given: a withdraw message buffered before the instance exists
      await t.zeebe.publishMessage({
        name: id('withdraw'),
        correlationKey: id('early'),
        variables: {},
        timeToLive: ttl,
      });
      // when: the instance opens its event subprocess subscription at activation
      const pi = await t.zeebe.createProcessInstance({
        bpmnProcessId: id('event-subprocess'),
        variables: { caseId: id('early'), sla: 'PT1H' },
      });
      // then: the main flow's task is not left behind (it used to start after the interruption)
      await t.waitState(pi.processInstanceKey, 'COMPLETED');
      expect(
        await t.zeebe.activateJobs({
          type: id('process-case'),
          worker: 'w',
          maxJobsToActivate: 10,
          timeout: 1000,
          requestTimeout: -1,
        }),
      ).toEqual([]);
    });

    // Every other element that opens a message subscription, on two engines (create on one, publish on the other).
    const kinds: {
      name: string;
      process: string;
      message: string;
      variables: (key: string) => Record<string, string>;
    }[] = [
      {
        name: 'receive task',
        process: 'receive-task',
        message: 'document-received',
        variables: (key) => ({ caseId: key }),
      },
      {
        name: 'interrupting boundary event',
        process: 'message-boundary',
        message: 'cancel-request',
        variables: (key) => ({ orderId: key }),
      },
      {
        name: 'event-based gateway',
        process: 'event-gateway',
        message: 'approve',
        variables: (key) => ({ requestId: key, wait: 'PT1H' }),
      },
      {
        name: 'interrupting event subprocess',
        process: 'event-subprocess',
        message: 'withdraw',
        variables: (key) => ({ caseId: key, sla: 'PT1H' }),
      },
    ];
    for (const k of kinds) {
      it(`given two engine processes, when ${N_KINDS} instances waiting on a ${k.name} race their messages, then every instance completes and every message correlates once`, async () => {
        // given: the process's first wait is the ${k.name}
        // when: creates on engine A race publishes on engine B (gRPC)
        const r = await race(
          t,
          N_KINDS,
          id(k.process),
          id(k.process.replace(/-/g, '')),
          (_i, key) => t.zeebe.createProcessInstance({ bpmnProcessId: id(k.process), variables: k.variables(key) }),
          (i, key) =>
            b.zeebe.publishMessage({ name: id(k.message), correlationKey: key, variables: { n: i }, timeToLive: ttl }),
        );
        report(k.name, r);
        // then
        expect(r).toMatchObject({ lost: 0, duplicated: 0 });
      });
    }

    it(`given a message start event, when the same message (name and correlation key) is published at once on two engine processes for ${N_KINDS} keys, then exactly one instance starts per key`, async () => {
      // given: message-start starts on application-submitted and then waits on a job
      // when: each key is published twice at (almost) the same moment, once through each engine
      const keys = Array.from({ length: N_KINDS }, (_, i) => `${id('start')}-${i}`);
      await Promise.all(
        keys.flatMap((key, i) => [
          sleep(i * SPACING_MS).then(() =>
            t.zeebe.publishMessage({
              name: id('application-submitted'),
              correlationKey: key,
              variables: { key },
              timeToLive: 0,
            }),
          ),
          sleep(Math.max(0, i * SPACING_MS + offset() / 5)).then(() =>
            b.zeebe.publishMessage({
              name: id('application-submitted'),
              correlationKey: key,
              variables: { key },
              timeToLive: 0,
            }),
          ),
        ]),
      );
      // then: one active instance per correlation key
      const r = await t.rest.searchProcessInstances(
        { filter: { processDefinitionId: id('message-start'), state: 'ACTIVE' }, page: { limit: 1 } } as never,
        { consistency: { waitUpToMs: 0 } } as never,
      );
      const started = (r as unknown as { page: { totalItems: number } }).page.totalItems;
      console.log(`message race, message start: ${started} instances for ${N_KINDS} keys`);
      expect(started).toBe(N_KINDS);
    });
  },
);

describe.skipIf(EXTERNAL)(
  `engine: a buffered message and an open subscription that match but did not correlate are reported ${EMBEDDED_ONLY.internals}`,
  () => {
    let t: TestEngine;
    beforeAll(async () => {
      t = await startTestEngine();
      await t.deploy('message-catch.bpmn');
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('given an instance waiting on a subscription and a matching buffered message that never correlated (the state issue 22 left behind), when the engine checks, then it logs an error and counts it in /actuator/prometheus and /actuator/health until the pair is gone', async () => {
      // given: an instance waiting for payment-received with key k, and a buffered message for it written
      // straight into the buffer (the correlation the race lost; the engine itself no longer makes this state)
      const key = t.id('hung');
      const pi = await t.zeebe.createProcessInstance({
        bpmnProcessId: t.id('message-catch'),
        variables: { orderId: key },
      });
      await t.db.knex('engineMessages').insert({
        key: 1,
        name: t.id('payment-received'),
        correlationKey: key,
        variables: '{}',
        expiresAt: new Date(Date.now() + 3_600_000),
        correlatedProcessIds: '[]',
        tenantId: '<default>',
      });
      // when: an engine process on this database runs its consistency check
      const logged: { level: number; msg: string; processInstanceKey?: string; messageKey?: string }[] = [];
      const logger = pino(
        { level: 'error' },
        { write: (line: string) => logged.push(JSON.parse(line) as (typeof logged)[number]) },
      );
      const checker = await startEmbeddedEngine({
        knex: t.db.knex,
        host: '127.0.0.1',
        grpcPort: 0,
        restPort: 0,
        logger,
        consistencyCheckMs: 100,
        credentials: t.engine.credentials,
      });
      const metric = async () => {
        const text = await (
          await fetch(`${checker.restAddress}/actuator/prometheus`, { headers: t.authHeaders })
        ).text();
        const m = /^okno_engine_message_inconsistencies_total (\d+)$/m.exec(text);
        const open = /^okno_engine_message_inconsistencies (\d+)$/m.exec(text);
        return { total: Number(m?.[1]), open: Number(open?.[1]) };
      };
      try {
        await eventually(async () => (await metric()).open === 1);
        // then: one error naming the instance and the message, the counter and the health component
        const errors = logged.filter((l) => l.level >= 50 && /inconsistent message correlation/.test(l.msg));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ processInstanceKey: pi.processInstanceKey, messageKey: '1' });
        expect(await metric()).toEqual({ total: 1, open: 1 });
        const health = (await (
          await fetch(`${checker.restAddress}/actuator/health`, { headers: t.authHeaders })
        ).json()) as { components: { messageCorrelation: { status: string } } };
        expect(health.components.messageCorrelation.status).toBe('INCONSISTENT');
        expect(checker.health().messageInconsistencies).toMatchObject({ open: 1, total: 1 });
        // and: reported once, not on every check; gone once the instance no longer waits (the counter stays)
        await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
        await eventually(async () => (await metric()).open === 0);
        expect(await metric()).toEqual({ total: 1, open: 0 });
        expect(logged.filter((l) => /inconsistent message correlation/.test(l.msg))).toHaveLength(1);
      } finally {
        await checker.stop();
      }
    });
  },
);
