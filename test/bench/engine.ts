import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Camunda8 } from '@camunda8/sdk';
import { startEmbeddedEngine } from '../../server/engine/index.js';
import { openDatabase } from '../../server/platform/db.js';
import { createLogger } from '../../server/platform/logger.js';
import { migrateLatest } from '../../server/platform/migrate.js';

const SECONDS = Number(process.env.BENCH_ENGINE_SECONDS ?? 60);
/** Concurrent create calls. */
const IN_FLIGHT = Number(process.env.BENCH_ENGINE_IN_FLIGHT ?? 32);
/** Created but not yet completed instances the starter allows (keeps the load steady instead of queueing). */
const BACKLOG = Number(process.env.BENCH_ENGINE_BACKLOG ?? 48);
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures/one-task.bpmn');
const WAITING_FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures/event-gateway.bpmn');
/** Instances left waiting on a message and a timer before the second run (the issue asks about 100,000). */
const WAITING = Number(process.env.BENCH_ENGINE_WAITING ?? 20_000);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** pgbench (TPC-B-like, 16 clients) against a scratch database next to DATABASE_URL; undefined when not possible. */
function pgbenchTps(url: string, seconds: number): number | undefined {
  const u = new URL(url);
  const scratch = `okno_pgbench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const psql = (sql: string) => execFileSync('psql', [admin.toString(), '-qc', sql], { env, stdio: 'pipe' });
  try {
    psql(`CREATE DATABASE ${scratch}`);
    const target = new URL(url);
    target.pathname = `/${scratch}`;
    execFileSync('pgbench', ['-i', '-q', '-s', '4', target.toString()], { env, stdio: 'pipe' });
    const out = execFileSync('pgbench', ['-c', '16', '-j', '2', '-T', String(seconds), target.toString()], { env, stdio: 'pipe' }).toString();
    const m = /tps = ([\d.]+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  } finally {
    try {
      psql(`DROP DATABASE IF EXISTS ${scratch}`);
    } catch {
      // ignore: the scratch database may not exist
    }
  }
}

/** Bench `engine`: a one-service-task process driven by the SDK's job worker; pgbench on the same server as baseline. */
export async function run(): Promise<void> {
  const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: path.join(os.tmpdir(), `okno-bench-${schema}`), poolMax: 20, schema });
  await migrateLatest(db.knex, db.schema);
  const engine = await startEmbeddedEngine({ knex: db.knex, host: '127.0.0.1', grpcPort: 0, restPort: 0, logger: createLogger('silent') });
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${engine.grpcAddress}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as unknown as ConstructorParameters<typeof Camunda8>[0]);
  const zeebe = c8.getZeebeGrpcApiClient();
  await zeebe.deployResource({ process: fs.readFileSync(FIXTURE), name: 'one-task.bpmn' });

  console.log(`database: ${db.kind}; ${SECONDS} s; ${IN_FLIGHT} concurrent creates, at most ${BACKLOG} instances open; one SDK worker (maxJobsToActivate 64)`);

  const createdAt = new Map<string, number>();
  let latencies: number[] = [];
  let completed = 0;
  let measuring = false;
  let created = 0;
  let done = 0;
  const worker = zeebe.createWorker({
    taskType: 'do-work',
    maxJobsToActivate: 64,
    pollInterval: 50,
    timeout: 30_000,
    taskHandler: async (job) => {
      const tag = (job.variables as { tag?: string }).tag ?? '';
      const t0 = createdAt.get(tag);
      createdAt.delete(tag);
      if (t0 !== undefined && measuring) latencies.push(Date.now() - t0);
      const ack = await job.complete({ done: true });
      done++;
      if (measuring) completed++;
      return ack;
    },
  });

  /** Drives the one-task process for `seconds` (after a 3 s warm-up); returns instances/s and latencies. */
  const measure = async (seconds: number) => {
    let stop = false;
    const starter = async () => {
      while (!stop) {
        if (created - done > BACKLOG) {
          await new Promise((r) => setTimeout(r, 2));
          continue;
        }
        created++;
        const tag = crypto.randomUUID();
        createdAt.set(tag, Date.now());
        await zeebe.createProcessInstance({ bpmnProcessId: 'one-task', variables: { tag } }).catch(() => undefined);
        if (createdAt.size > 100_000) createdAt.clear();
      }
    };
    const starters = Array.from({ length: IN_FLIGHT }, () => starter());
    await new Promise((r) => setTimeout(r, 3_000));
    latencies = [];
    completed = 0;
    measuring = true;
    const started = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    measuring = false;
    const elapsed = (Date.now() - started) / 1000;
    stop = true;
    await Promise.all(starters);
    return { count: completed, elapsed, rate: completed / elapsed, latencies: [...latencies].sort((x, y) => x - y) };
  };

  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 1000);
  const first = await measure(SECONDS);
  const { rate, elapsed, count: firstCount, latencies: firstLatencies } = first;

  // The same load again with many instances waiting on timers and messages (state lives in the database).
  let withWaiting: Awaited<ReturnType<typeof measure>> | undefined;
  if (WAITING > 0) {
    await zeebe.deployResource({ process: fs.readFileSync(WAITING_FIXTURE), name: 'event-gateway.bpmn' });
    let next = 0;
    const startedWaiting = Date.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < WAITING) {
          const i = next++;
          await zeebe.createProcessInstance({ bpmnProcessId: 'event-gateway', variables: { requestId: `wait-${i}`, wait: 'P30D' } }).catch(() => undefined);
        }
      }),
    );
    console.log(`${WAITING} instances now wait on a message and a 30-day timer (created in ${((Date.now() - startedWaiting) / 1000).toFixed(0)} s)`);
    withWaiting = await measure(SECONDS);
  }
  clearInterval(sampler);
  // Latency with a waiting worker: one instance every 50 ms, nothing queued.
  const idle: number[] = [];
  const idleWorker = zeebe.createWorker({
    taskType: 'idle-probe',
    maxJobsToActivate: 8,
    pollInterval: 10,
    timeout: 30_000,
    taskHandler: async (job) => {
      const tag = (job.variables as { tag?: string }).tag ?? '';
      const t0 = createdAt.get(tag);
      if (t0 !== undefined) idle.push(Date.now() - t0);
      return job.complete({});
    },
  });
  await zeebe.deployResource({ process: Buffer.from(fs.readFileSync(FIXTURE, 'utf8').replace('type="do-work"', 'type="idle-probe"').replace('id="one-task"', 'id="idle-probe"')), name: 'idle-probe.bpmn' });
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 100; i++) {
    const tag = crypto.randomUUID();
    createdAt.set(tag, Date.now());
    await zeebe.createProcessInstance({ bpmnProcessId: 'idle-probe', variables: { tag } });
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  await idleWorker.close();
  await worker.close();
  await zeebe.close();
  await engine.stop();

  console.log(`engine: ${firstCount} instances completed in ${elapsed.toFixed(1)} s = ${rate.toFixed(1)} instances/s`);
  console.log(`create → job received by the worker under that load: p50 ${percentile(firstLatencies, 50)} ms, p95 ${percentile(firstLatencies, 95)} ms, p99 ${percentile(firstLatencies, 99)} ms (${firstLatencies.length} samples)`);
  idle.sort((a, b) => a - b);
  if (withWaiting) {
    console.log(`with ${WAITING} waiting instances: ${withWaiting.rate.toFixed(1)} instances/s (${((withWaiting.rate / rate - 1) * 100).toFixed(1)}% vs. without); p99 ${percentile(withWaiting.latencies, 99)} ms`);
  }
  console.log(`create → job received by a waiting worker, light load (20/s): p50 ${percentile(idle, 50)} ms, p95 ${percentile(idle, 95)} ms, p99 ${percentile(idle, 99)} ms (${idle.length} samples)`);
  console.log(`process RSS (engine + worker + ${db.kind === 'pglite' ? 'PGlite' : 'pg client'}): max ${(Math.max(...rssSamples) / 2 ** 20).toFixed(0)} MiB`);

  if (db.kind === 'postgres') await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
  await db.close();

  const baselineSeconds = Math.min(SECONDS, 10);
  const tps = db.kind === 'postgres' && process.env.DATABASE_URL ? pgbenchTps(process.env.DATABASE_URL, baselineSeconds) : undefined;
  if (tps) {
    console.log(`baseline pgbench (TPC-B-like, 16 clients, ${baselineSeconds} s): ${tps.toFixed(0)} tps`);
    console.log(`ratio engine instances/s to pgbench tps: ${(rate / tps).toFixed(3)} (each instance is 3 engine commands: create, activate, complete)`);
  } else {
    console.log('baseline pgbench: not available (needs DATABASE_URL and the pgbench/psql clients)');
  }
}
