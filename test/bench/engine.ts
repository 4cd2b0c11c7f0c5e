import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Camunda8 } from '@camunda8/sdk';
import { sdkAuthSettings } from '../../server/engine/credentials.js';
import { startEmbeddedEngine } from '../../server/engine/index.js';
import { testCredentials } from '../helpers/engine.js';
import { openDatabase } from '../../server/platform/db.js';
import { createLogger } from '../../server/platform/logger.js';
import { migrateLatest } from '../../server/platform/migrate.js';

/** `--quick` (or BENCH_QUICK=1): short phases for development; the issue's figures need the full run. */
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const env = (name: string, full: number, quick: number) => Number(process.env[name] ?? (QUICK ? quick : full));
/** Length of each measured phase. */
const SECONDS = env('BENCH_ENGINE_SECONDS', 60, 10);
/** Concurrent create calls in the throughput phases. */
const IN_FLIGHT = env('BENCH_ENGINE_IN_FLIGHT', 64, 64);
/**
 * Created but not yet completed instances the throughput phases allow: deep enough that the engine,
 * not the round trip of one instance, limits the rate (48 was latency-bound on a loaded machine).
 */
const BACKLOG = env('BENCH_ENGINE_BACKLOG', 200, 200);
/** Instances started per second in the latency phase (the issue's target load). */
const RATE = env('BENCH_ENGINE_RATE', 300, 300);
/** Instances left waiting on a message and a timer before the last throughput phase (the issue asks about 100,000). */
const WAITING = env('BENCH_ENGINE_WAITING', 100_000, 10_000);
/** Length of the pgbench baseline. */
const PGBENCH_SECONDS = env('BENCH_PGBENCH_SECONDS', 20, 5);
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures/one-task.bpmn');
const WAITING_FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../engine/fixtures/event-gateway.bpmn',
);

const TARGET = { rate: 300, p99: 50, waitingDrop: 10, rssMiB: 1024 };

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The pgbench binary: on PATH, else in the PostgreSQL server's bin directories. */
function findPgbench(): string | undefined {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'pipe' });
    return 'pgbench';
  } catch {
    // not on PATH
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = path.join(root, v, 'bin', 'pgbench');
    if (fs.existsSync(bin)) return bin;
  }
  return undefined;
}

/** pgbench (TPC-B-like, 16 clients) against a scratch database next to DATABASE_URL, or why it could not run. */
function pgbenchTps(url: string, seconds: number): { tps: number } | { missing: string } {
  const pgbench = findPgbench();
  if (!pgbench)
    return { missing: 'pgbench not found (on PATH or in /usr/lib/postgresql/*/bin; apt package postgresql-client)' };
  const u = new URL(url);
  const scratch = `okno_pgbench_${crypto.randomBytes(4).toString('hex')}`;
  const childEnv = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const psql = (sql: string) => execFileSync('psql', [url, '-qc', sql], { env: childEnv, stdio: 'pipe' });
  try {
    psql(`CREATE DATABASE ${scratch}`);
    const target = new URL(url);
    target.pathname = `/${scratch}`;
    execFileSync(pgbench, ['-i', '-q', '-s', '4', target.toString()], { env: childEnv, stdio: 'pipe' });
    const out = execFileSync(pgbench, ['-c', '16', '-j', '2', '-T', String(seconds), target.toString()], {
      env: childEnv,
      stdio: 'pipe',
    }).toString();
    const m = /tps = ([\d.]+)/.exec(out);
    return m ? { tps: Number(m[1]) } : { missing: `pgbench printed no tps: ${out.slice(0, 200)}` };
  } catch (err) {
    return { missing: `pgbench failed: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    try {
      psql(`DROP DATABASE IF EXISTS ${scratch}`);
    } catch {
      // ignore: the scratch database may not exist
    }
  }
}

/** CPU seconds (user + system) used so far by each of the given processes (PostgreSQL backends) that /proc shows. */
export function cpuSeconds(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime in USER_HZ ticks
    } catch {
      // not visible, or the pool closed this connection meanwhile
    }
  }
  return out;
}

/** CPU seconds the processes seen at both ends used in between; undefined when none was seen. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number | undefined {
  let total = 0;
  let seen = false;
  for (const [pid, t] of after) {
    const t0 = before.get(pid);
    if (t0 === undefined) continue;
    total += t - t0;
    seen = true;
  }
  return seen ? total : undefined;
}

/** PIDs of the PostgreSQL backends serving this process's pool (matched by client port; other sessions on the server are not counted). */
export async function backendPids(knex: import('knex').Knex): Promise<number[]> {
  const pool = (knex.client as { pool?: { free: { resource: unknown }[]; used: { resource: unknown }[] } }).pool;
  if (!pool) return [];
  const ports = [...pool.free, ...pool.used]
    .map((r) => (r.resource as { connection?: { stream?: { localPort?: number } } }).connection?.stream?.localPort)
    .filter((p): p is number => typeof p === 'number');
  if (!ports.length) return [];
  const rows = (await knex.raw('select pid from pg_stat_activity where client_port = any(?::int[])', [ports])) as {
    rows: { pid: number }[];
  };
  return rows.rows.map((r) => r.pid);
}

interface PhaseResult {
  completed: number;
  seconds: number;
  rate: number;
  /** create request sent → job handed to the worker's handler, ms, sorted. */
  latencies: number[];
  /** create request sent → create answered, ms, sorted. */
  createLatencies: number[];
  nodeCpuMsPerInstance: number;
  postgresCpuMsPerInstance?: number;
}

function describe(r: PhaseResult): string {
  const l = r.latencies;
  const cpu = `CPU per instance: this process ${r.nodeCpuMsPerInstance.toFixed(2)} ms${r.postgresCpuMsPerInstance !== undefined ? `, its PostgreSQL backends ${r.postgresCpuMsPerInstance.toFixed(2)} ms` : ''}`;
  const c = r.createLatencies;
  return (
    `${r.completed} completed in ${r.seconds.toFixed(1)} s = ${r.rate.toFixed(1)} instances/s; create → job received p50 ${percentile(l, 50)} ms, p95 ${percentile(l, 95)} ms, p99 ${percentile(l, 99)} ms (${l.length} samples); ` +
    `create answered p50 ${percentile(c, 50)} ms, p99 ${percentile(c, 99)} ms; ${cpu}`
  );
}

/** Bench `engine`: a one-service-task process driven by the SDK's job worker; pgbench on the same server as baseline. */
/** The embedded engine on a fresh schema of `url` (PGlite when unset) with an authenticated SDK gRPC client; `stop` drops it all. */
export async function startBenchEngine(url: string | undefined) {
  const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ url, dataDir: path.join(os.tmpdir(), `okno-bench-${schema}`), poolMax: 20, schema });
  await migrateLatest(db.knex, db.schema);
  const engine = await startEmbeddedEngine({
    knex: db.knex,
    host: '127.0.0.1',
    grpcPort: 0,
    restPort: 0,
    logger: createLogger('silent'),
    credentials: testCredentials(),
  });
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${engine.grpcAddress}`,
    ...sdkAuthSettings(engine.credentials),
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as unknown as ConstructorParameters<typeof Camunda8>[0]);
  const zeebe = c8.getZeebeGrpcApiClient();
  return {
    db,
    engine,
    zeebe,
    async stop() {
      await zeebe.close(500).catch(() => undefined);
      await engine.stop();
      if (db.kind === 'postgres')
        await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
      await db.close();
    },
  };
}

export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  console.log(
    `${QUICK ? 'QUICK run (--quick): short phases, not the issue figures. ' : ''}load average at start: ${loadAverage()} (${os.cpus().length} CPUs)`,
  );

  // Baseline first, on the same server, before the engine's tables grow.
  const pgbench = url
    ? pgbenchTps(url, PGBENCH_SECONDS)
    : { missing: 'DATABASE_URL is not set (embedded PGlite has no pgbench)' };
  if ('tps' in pgbench)
    console.log(
      `baseline pgbench (TPC-B-like, scale 4, 16 clients, ${PGBENCH_SECONDS} s): ${pgbench.tps.toFixed(0)} tps`,
    );
  else console.log(`baseline pgbench: NOT MEASURED — ${pgbench.missing}`);

  const { db, zeebe, stop } = await startBenchEngine(url);
  await zeebe.deployResource({ process: fs.readFileSync(FIXTURE), name: 'one-task.bpmn' });

  console.log(
    `database: ${db.kind}; phases of ${SECONDS} s; throughput: ${IN_FLIGHT} concurrent creates, at most ${BACKLOG} instances open; latency: ${RATE} instances/s paced; ` +
      `one SDK job worker (createWorker, maxJobsToActivate 64, pollInterval 10 ms); engine, worker and load generator in this process`,
  );

  const createdAt = new Map<string, number>();
  let latencies: number[] = [];
  let createLatencies: number[] = [];
  let measuring = false;
  let completed = 0;
  let created = 0;
  let done = 0;
  const worker = zeebe.createWorker({
    taskType: 'do-work',
    maxJobsToActivate: 64,
    pollInterval: 10,
    timeout: 30_000,
    taskHandler: async (job) => {
      const tag = (job.variables as { tag?: string }).tag ?? '';
      const t0 = createdAt.get(tag);
      createdAt.delete(tag);
      if (t0 !== undefined && measuring) latencies.push(performance.now() - t0);
      const ack = await job.complete({ done: true });
      done++;
      if (measuring) completed++;
      return ack;
    },
  });

  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 500);

  const startOne = async () => {
    created++;
    const tag = crypto.randomUUID();
    const t0 = performance.now();
    createdAt.set(tag, t0);
    await zeebe.createProcessInstance({ bpmnProcessId: 'one-task', variables: { tag } }).then(
      () => {
        if (measuring) createLatencies.push(performance.now() - t0);
      },
      () => createdAt.delete(tag),
    );
  };

  /** Runs a load for `seconds` after a 3 s warm-up and measures completions, latency and CPU. */
  const measure = async (seconds: number, load: (stopped: () => boolean) => Promise<void>): Promise<PhaseResult> => {
    let stop = false;
    const running = load(() => stop);
    await sleep(3_000);
    latencies = [];
    createLatencies = [];
    completed = 0;
    measuring = true;
    const pids = db.kind === 'postgres' ? await backendPids(db.knex) : [];
    const cpu0 = process.cpuUsage();
    const pg0 = cpuSeconds(pids);
    const started = performance.now();
    await sleep(seconds * 1000);
    measuring = false;
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pgCpu = cpuBetween(pg0, cpuSeconds(pids));
    const count = completed;
    stop = true;
    await running;
    // Let the open instances finish so the next phase starts clean.
    for (let i = 0; i < 1200 && done < created; i++) await sleep(25);
    return {
      completed: count,
      seconds: elapsed,
      rate: count / elapsed,
      latencies: [...latencies].sort((x, y) => x - y).map((x) => Math.round(x)),
      createLatencies: [...createLatencies].sort((x, y) => x - y).map((x) => Math.round(x)),
      nodeCpuMsPerInstance: (cpu.user + cpu.system) / 1000 / Math.max(1, count),
      postgresCpuMsPerInstance: pgCpu === undefined ? undefined : (pgCpu * 1000) / Math.max(1, count),
    };
  };

  /** Closed loop: IN_FLIGHT starters keep at most BACKLOG instances open (the engine's maximum rate). */
  const saturate = (stopped: () => boolean) =>
    Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (!stopped()) {
          if (created - done > BACKLOG) {
            await sleep(2);
            continue;
          }
          await startOne();
        }
      }),
    ).then(() => undefined);

  /** Open loop: RATE instances per second whatever the engine does (latency at a given load). */
  const paced = async (stopped: () => boolean) => {
    const pending = new Set<Promise<void>>();
    const t0 = performance.now();
    let sent = 0;
    while (!stopped()) {
      const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
      while (sent < due) {
        sent++;
        const p = startOne().finally(() => pending.delete(p));
        pending.add(p);
      }
      await sleep(2);
    }
    await Promise.all(pending);
  };

  const throughput = await measure(SECONDS, saturate);
  console.log(`throughput (closed loop): ${describe(throughput)}`);
  const latency = await measure(SECONDS, paced);
  console.log(`latency at ${RATE}/s (paced): ${describe(latency)}`);

  // The same load again with many instances waiting on timers and messages (state lives in the database).
  let withWaiting: PhaseResult | undefined;
  if (WAITING > 0) {
    await zeebe.deployResource({ process: fs.readFileSync(WAITING_FIXTURE), name: 'event-gateway.bpmn' });
    let next = 0;
    const startedWaiting = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < WAITING) {
          const i = next++;
          await zeebe
            .createProcessInstance({
              bpmnProcessId: 'event-gateway',
              variables: { requestId: `wait-${i}`, wait: 'P30D' },
            })
            .catch(() => undefined);
        }
      }),
    );
    const waitingNow = (await db.knex('engineTimers').count({ n: '*' }).first()) as { n: number | string };
    console.log(
      `${WAITING} instances now wait on a message and a 30-day timer (created in ${((performance.now() - startedWaiting) / 1000).toFixed(0)} s; ${Number(waitingNow.n)} timers in the table)`,
    );
    withWaiting = await measure(SECONDS, saturate);
    console.log(`throughput with ${WAITING} waiting: ${describe(withWaiting)}`);
  }
  clearInterval(sampler);

  // Latency with a waiting worker and nothing queued: one instance every 50 ms.
  const idle: number[] = [];
  const idleWorker = zeebe.createWorker({
    taskType: 'idle-probe',
    maxJobsToActivate: 8,
    pollInterval: 10,
    timeout: 30_000,
    taskHandler: async (job) => {
      const tag = (job.variables as { tag?: string }).tag ?? '';
      const t0 = createdAt.get(tag);
      if (t0 !== undefined) idle.push(Math.round(performance.now() - t0));
      return job.complete({});
    },
  });
  await zeebe.deployResource({
    process: Buffer.from(
      fs
        .readFileSync(FIXTURE, 'utf8')
        .replace('type="do-work"', 'type="idle-probe"')
        .replace('id="one-task"', 'id="idle-probe"'),
    ),
    name: 'idle-probe.bpmn',
  });
  await sleep(500);
  for (let i = 0; i < 100; i++) {
    const tag = crypto.randomUUID();
    createdAt.set(tag, performance.now());
    await zeebe.createProcessInstance({ bpmnProcessId: 'idle-probe', variables: { tag } });
    await sleep(50);
  }
  await sleep(500);
  idle.sort((a, b) => a - b);
  await idleWorker.close();
  await worker.close();
  await stop();

  const maxRss = Math.max(...rssSamples) / 2 ** 20;
  const p99 = percentile(latency.latencies, 99);
  console.log(
    `light load (20/s, waiting worker): create → job received p50 ${percentile(idle, 50)} ms, p95 ${percentile(idle, 95)} ms, p99 ${percentile(idle, 99)} ms (${idle.length} samples)`,
  );
  console.log('');
  console.log(
    `--- engine summary (${QUICK ? 'QUICK, ' : ''}${SECONDS} s phases; load average at end: ${loadAverage()}) ---`,
  );
  console.log(
    `1. sustained throughput over ${SECONDS} s: ${throughput.rate.toFixed(1)} instances/s [target ≥ ${TARGET.rate}: ${verdict(throughput.rate >= TARGET.rate)}]`,
  );
  console.log(
    `2. at ${RATE}/s: ${latency.rate.toFixed(1)} completed/s; create → job received p50 ${percentile(latency.latencies, 50)} / p95 ${percentile(latency.latencies, 95)} / p99 ${p99} ms ` +
      `[target p99 < ${TARGET.p99} ms at ${TARGET.rate}/s: ${verdict(RATE >= TARGET.rate && latency.rate >= 0.98 * RATE && p99 < TARGET.p99)}]`,
  );
  if ('tps' in pgbench)
    console.log(
      `3. pgbench ${pgbench.tps.toFixed(0)} tps; engine/pgbench = ${(throughput.rate / pgbench.tps).toFixed(3)} instances per pgbench transaction (an instance is 3 engine commands: create, activate, complete)`,
    );
  else console.log(`3. pgbench: NOT MEASURED — ${pgbench.missing}`);
  if (withWaiting) {
    const drop = (1 - withWaiting.rate / throughput.rate) * 100;
    console.log(
      `4. with ${WAITING} instances waiting: ${withWaiting.rate.toFixed(1)} instances/s (${drop >= 0 ? `${drop.toFixed(1)}% lower` : `${(-drop).toFixed(1)}% higher`}) ` +
        `[target drop < ${TARGET.waitingDrop}%: ${verdict(drop < TARGET.waitingDrop)}${WAITING < 100_000 ? `; only ${WAITING} waiting, the issue asks 100,000` : ''}]; ` +
        `max RSS of this process (engine + SDK worker + load) ${maxRss.toFixed(0)} MiB [target < 1 GiB: ${verdict(maxRss < TARGET.rssMiB)}]`,
    );
  } else {
    console.log(`4. waiting instances: skipped (BENCH_ENGINE_WAITING=0); max RSS ${maxRss.toFixed(0)} MiB`);
  }
}
