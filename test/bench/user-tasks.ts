import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { JobKey, type CamundaClient } from '@camunda8/orchestration-cluster-api';
import { sdkAuthSettings } from '../../server/engine/credentials.js';
import { startEmbeddedEngine } from '../../server/engine/index.js';
import { testCredentials } from '../helpers/engine.js';
import { openDatabase } from '../../server/platform/db.js';
import { createLogger } from '../../server/platform/logger.js';
import { migrateLatest } from '../../server/platform/migrate.js';

// `npm run bench -- user-tasks` (issue 4): (1) at 100 new user tasks/s, the time from the element's
// activation through the creating listener's completion (over REST, with corrections) to the task
// being CREATED; (2) searching open tasks by candidate group over 1,000,000 tasks through
// POST /v2/user-tasks/search, next to a bare indexed SELECT on the same table as the baseline.

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const env = (name: string, full: number, quick: number) => Number(process.env[name] ?? (QUICK ? quick : full));
/** New user tasks per second in the latency phase. */
const RATE = env('BENCH_UT_RATE', 100, 100);
/** Length of the latency phase (after a 3 s warm-up). */
const SECONDS = env('BENCH_UT_SECONDS', 30, 10);
/** Rows seeded into engine_user_tasks for the search phase. */
const ROWS = env('BENCH_UT_ROWS', 1_000_000, 1_000_000);
/** Candidate groups the seeded tasks are spread over (one each). */
const GROUPS = env('BENCH_UT_GROUPS', 100, 100);
/** Searches measured. */
const SEARCHES = env('BENCH_UT_SEARCHES', 300, 100);
/** Diagnostics: `grpc` completes listener jobs over gRPC, `rest-plain` over REST without a result (default: REST with corrections). */
const COMPLETE_OVER = process.env.BENCH_UT_COMPLETE ?? 'rest';
/** Jobs the listener worker holds at once: sized so that the worker is not what limits the rate. */
const WORKER_CAPACITY = env('BENCH_UT_WORKER_CAPACITY', 256, 256);
const TARGET = { createdP95: 30, searchP95: 50 };

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://okno.bench">
  <bpmn:process id="bench-user-task" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:userTask id="Task_Inbox" name="Process the application">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="=office" />
        <zeebe:taskListeners><zeebe:taskListener eventType="creating" type="bench-task-created" /></zeebe:taskListeners>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task_Inbox" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Inbox" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

const PLAIN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://okno.bench">
  <bpmn:process id="bench-plain-task" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:serviceTask id="Task_Plain"><bpmn:extensionElements><zeebe:taskDefinition type="bench-plain" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task_Plain" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Plain" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

/** Calls `startOne(id)` RATE times a second; measures (`measuring(true)`) for SECONDS after a 3 s warm-up; returns the measured seconds. */
async function paced(startOne: (id: number) => void, measuring: (on: boolean) => void): Promise<number> {
  let stop = false;
  const load = (async () => {
    const interval = 1000 / RATE;
    const begin = performance.now();
    for (let i = 0; !stop; i++) {
      const wait = begin + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      startOne(i);
    }
  })();
  await sleep(3_000);
  measuring(true);
  const started = performance.now();
  await sleep(SECONDS * 1000);
  measuring(false);
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await load;
  await sleep(1_000);
  return seconds;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    text: `p50 ${percentile(s, 50).toFixed(1)} ms, p95 ${percentile(s, 95).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms (${s.length} samples)`,
  };
};

/** Runs the user task benchmark against DATABASE_URL (PostgreSQL; the figures are meant for it). */
export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) console.log('DATABASE_URL is unset: running on the embedded PGlite (the targets are for PostgreSQL)');
  const schema = `bench_ut_${crypto.randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ url, dataDir: path.join(os.tmpdir(), `okno-bench-${schema}`), poolMax: 20, schema });
  await migrateLatest(db.knex, db.schema);
  const engine = await startEmbeddedEngine({
    knex: db.knex,
    host: '127.0.0.1',
    grpcPort: 0,
    restPort: 0,
    logger: createLogger((process.env.BENCH_LOG_LEVEL ?? 'silent') as Parameters<typeof createLogger>[0]),
    credentials: testCredentials(),
  });
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${engine.grpcAddress}`,
    ZEEBE_REST_ADDRESS: engine.restAddress,
    ...sdkAuthSettings(engine.credentials),
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as unknown as ConstructorParameters<typeof Camunda8>[0]);
  const zeebe = c8.getZeebeGrpcApiClient();
  const rest: CamundaClient = c8.getOrchestrationClusterApiClient();
  try {
    console.log(
      `database: ${db.kind}; ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; engine, listener worker (SDK gRPC worker, ${WORKER_CAPACITY} jobs at once, ` +
        `completion ${COMPLETE_OVER === 'rest' ? 'over REST with corrections' : COMPLETE_OVER}) and load generator in this process`,
    );

    // ---- seed ----
    const seedStart = performance.now();
    await db.knex.raw(
      `insert into engine_user_tasks (key, state, element_instance_key, process_instance_key, root_key, process_definition_key, process_definition_version,
         bpmn_process_id, element_id, name, assignee, candidate_groups, candidate_users, due_date, priority, custom_headers, tenant_id, creation_date, completion_date)
       select 1000000000000000 + i,
         case when i % 10 < 3 then 'CREATED' when i % 10 < 9 then 'COMPLETED' else 'CANCELED' end,
         1100000000000000 + i, 1200000000000000 + i, 1200000000000000 + i, 1, 1, 'bench-seed', 'Task_Seed', 'Seeded task',
         case when i % 4 = 0 then 'clerk-' || (i % 500) end,
         -- the group from i / 10, not i: i % 10 decides the state, so i % GROUPS would put all open tasks in 30 of the 100 groups
         jsonb_build_array('office-' || ((i / 10) % ?)), '[]'::jsonb,
         date_trunc('milliseconds', now() + (i % 2000) * interval '1 hour'), i % 101, '{}'::jsonb, '<default>',
         date_trunc('milliseconds', now() - (? - i) * interval '1 second'),
         case when i % 10 >= 3 then now() end
       from generate_series(1, ?) as i`,
      [GROUPS, ROWS, ROWS],
    );
    // A steady state: VACUUM also moves the GIN index's pending entries into the index proper.
    await db.knex.raw('vacuum analyze engine_user_tasks');
    const open = (await db.knex('engineUserTasks').where({ state: 'CREATED' }).count({ n: '*' }).first()) as {
      n: string;
    };
    console.log(
      `seeded ${ROWS.toLocaleString('en')} tasks (${Number(open.n).toLocaleString('en')} open, ${GROUPS} candidate groups, about ${Math.round(Number(open.n) / GROUPS)} open per group) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    // ---- 1. creation latency at RATE/s ----
    await zeebe.deployResource({ process: Buffer.from(PROCESS), name: 'bench-user-task.bpmn' });
    const startedAt = new Map<number, number>();
    const latencies: number[] = [];
    const toJob: number[] = [];
    const completion: number[] = [];
    let measuring = false;
    let failures = 0;
    const worker = zeebe.createWorker({
      taskType: 'bench-task-created',
      maxJobsToActivate: WORKER_CAPACITY,
      pollInterval: 10,
      timeout: 30_000,
      taskHandler: async (job) => {
        const n = Number((job.variables as { n?: number }).n);
        const received = performance.now();
        // Like Okno's server: record the task, compute its due date, answer with corrections over REST.
        const due = new Date(Date.now() + 3 * 86_400_000).toISOString();
        let ack: Awaited<ReturnType<typeof job.complete>> | undefined;
        try {
          if (COMPLETE_OVER === 'grpc') ack = await job.complete({});
          else if (COMPLETE_OVER === 'rest-plain') await rest.completeJob({ jobKey: JobKey.assumeExists(job.key) });
          else
            await rest.completeJob({
              jobKey: JobKey.assumeExists(job.key),
              result: {
                type: 'userTask',
                corrections: {
                  dueDate: due,
                  candidateGroups: [String((job.variables as { office?: string }).office), 'supervisors'],
                  priority: 60,
                },
              },
            });
          const t0 = startedAt.get(n);
          startedAt.delete(n);
          if (t0 !== undefined && measuring) {
            latencies.push(performance.now() - t0);
            toJob.push(received - t0);
            completion.push(performance.now() - received);
          }
        } catch (err) {
          if (!failures++) console.log('first listener completion failure:', err);
        }
        // Completed over REST: the gRPC worker only learns the job is handled.
        return ack ?? job.forward();
      },
    });
    let from = new Date();
    let to = new Date();
    const phaseSeconds = await paced(
      (id) => {
        startedAt.set(id, performance.now());
        void zeebe
          .createProcessInstance({
            bpmnProcessId: 'bench-user-task',
            variables: { n: id, office: `office-${id % GROUPS}` },
          })
          .catch((err: unknown) => {
            if (!failures++) console.log('first create failure:', err);
            startedAt.delete(id);
          });
      },
      (on) => {
        measuring = on;
        if (on) from = new Date();
        else to = new Date();
      },
    );
    await worker.close();
    const created = fmt(latencies);
    // The engine's own view: the task's creation (element activation) to its CREATED record.
    const server = (await db.knex.raw(
      `select percentile_cont(array[0.5, 0.95, 0.99]) within group (order by extract(epoch from e.created_at - t.creation_date) * 1000) as p
         from engine_user_tasks t join engine_events e on e.process_instance_key = t.process_instance_key and e.key = t.key and e.value_type = 'USER_TASK' and e.intent = 'CREATED'
        where t.bpmn_process_id = 'bench-user-task' and t.creation_date between ? and ?`,
      [from, to],
    )) as { rows: { p: number[] | null }[] };
    const [s50, s95, s99] = server.rows[0]?.p ?? [NaN, NaN, NaN];
    const corrected = (await db
      .knex('engineUserTasks')
      .where({ bpmnProcessId: 'bench-user-task', state: 'CREATED' })
      .whereRaw(`candidate_groups @> '["supervisors"]'`)
      .count({ n: '*' })
      .first()) as { n: string };
    console.log(
      `1. ${RATE} new user tasks/s for ${phaseSeconds.toFixed(1)} s (${latencies.length} measured, ${failures} failures, ${corrected.n} tasks CREATED with the listener's corrections): ` +
        `create instance → creating listener job → REST completion with corrections → CREATED ${created.text}; ` +
        `of which create → listener job received ${fmt(toJob).text}, REST completion ${fmt(completion).text}; ` +
        `engine records (task creation → CREATED): p50 ${Number(s50).toFixed(1)} ms, p95 ${Number(s95).toFixed(1)} ms, p99 ${Number(s99).toFixed(1)} ms; target p95 < ${TARGET.createdP95} ms: ${verdict(created.p95 < TARGET.createdP95)}`,
    );

    // Baseline in the same conditions: a plain service task at the same rate, completed over gRPC.
    await zeebe.deployResource({ process: Buffer.from(PLAIN), name: 'bench-plain-task.bpmn' });
    const plainStarted = new Map<number, number>();
    const plain: number[] = [];
    let plainMeasuring = false;
    const plainWorker = zeebe.createWorker({
      taskType: 'bench-plain',
      maxJobsToActivate: WORKER_CAPACITY,
      pollInterval: 10,
      timeout: 30_000,
      taskHandler: async (job) => {
        const id = Number((job.variables as { n?: number }).n);
        const ack = await job.complete({});
        const t0 = plainStarted.get(id);
        plainStarted.delete(id);
        if (t0 !== undefined && plainMeasuring) plain.push(performance.now() - t0);
        return ack;
      },
    });
    await paced(
      (id) => {
        plainStarted.set(id, performance.now());
        void zeebe
          .createProcessInstance({ bpmnProcessId: 'bench-plain-task', variables: { n: id } })
          .catch(() => plainStarted.delete(id));
      },
      (on) => (plainMeasuring = on),
    );
    await plainWorker.close();
    console.log(
      `   baseline, same rate and conditions: a service task's create instance → job → gRPC completion ${fmt(plain).text}`,
    );

    // ---- 2. search of open tasks by candidate group ----
    const group = (i: number) => `office-${(i * 37) % GROUPS}`;
    const body = (i: number) => ({
      filter: { candidateGroup: group(i), state: 'CREATED' as const },
      sort: [{ field: 'dueDate' as const, order: 'ASC' as const }],
      page: { limit: 50 },
    });
    for (let i = 0; i < 20; i++) await rest.searchUserTasks(body(i), { consistency: { waitUpToMs: 0 } });
    const searchTimes: number[] = [];
    const nextPageTimes: number[] = [];
    let total = 0;
    for (let i = 0; i < SEARCHES; i++) {
      const t0 = performance.now();
      const r = await rest.searchUserTasks(body(i), { consistency: { waitUpToMs: 0 } });
      searchTimes.push(performance.now() - t0);
      total += r.page.totalItems;
      if (i % 3 === 0 && r.page.endCursor) {
        const t1 = performance.now();
        await rest.searchUserTasks(
          { ...body(i), page: { after: r.page.endCursor, limit: 50 } },
          { consistency: { waitUpToMs: 0 } },
        );
        nextPageTimes.push(performance.now() - t1);
      }
    }
    const assigneeTimes: number[] = [];
    for (let i = 0; i < SEARCHES / 2; i++) {
      const t0 = performance.now();
      await rest.searchUserTasks(
        {
          filter: { assignee: `clerk-${(i * 4 * 7) % 500}`, state: 'CREATED' },
          sort: [{ field: 'dueDate', order: 'ASC' }],
          page: { limit: 50 },
        },
        { consistency: { waitUpToMs: 0 } },
      );
      assigneeTimes.push(performance.now() - t0);
    }
    const baselineTimes: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const t0 = performance.now();
      await db.knex.raw(
        `select key from engine_user_tasks where candidate_groups @> ?::jsonb and state = 'CREATED' order by due_date limit 50`,
        [JSON.stringify([group(i)])],
      );
      baselineTimes.push(performance.now() - t0);
    }
    const plan = (await db.knex.raw(
      `explain select * from engine_user_tasks where state = 'CREATED' and candidate_groups @> '["office-1"]'::jsonb order by due_date asc nulls last, key asc limit 50`,
    )) as { rows: { 'QUERY PLAN': string }[] };
    const indexes = [
      ...new Set(
        plan.rows.map((r) => /on (\w+)/.exec(r['QUERY PLAN'])?.[1]).filter((x): x is string => !!x && x.includes('_')),
      ),
    ];
    const search = fmt(searchTimes);
    console.log(
      `2. POST /v2/user-tasks/search {candidateGroup, state CREATED, sort dueDate, limit 50} over ${ROWS.toLocaleString('en')} tasks (about ${Math.round(total / SEARCHES)} matches each, count included): ${search.text}; ` +
        `next page by cursor: ${fmt(nextPageTimes).text}; target p95 < ${TARGET.searchP95} ms: ${verdict(search.p95 < TARGET.searchP95)}`,
    );
    console.log(`   open tasks of one assignee (same sort and page): ${fmt(assigneeTimes).text}`);
    console.log(
      `   baseline, bare indexed SELECT (same filter and order, limit 50, no count, over the pool): ${fmt(baselineTimes).text}; plan uses ${indexes.join(', ') || 'no index'}`,
    );
  } finally {
    await zeebe.close(1000).catch(() => undefined);
    await engine.stop();
    if (db.kind === 'postgres') await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
    await db.close();
  }
}
