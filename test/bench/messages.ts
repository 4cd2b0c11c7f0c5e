import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendPids, cpuBetween, cpuSeconds, startBenchEngine } from './engine.js';

/**
 * Bench `messages`: the cost of the message serialisation (issue 22) on the paths that take its lock.
 * Closed loop, IN_FLIGHT pairs at a time, over gRPC: create an instance of message-catch (its first
 * step waits for payment-received, key =orderId) and publish its message (TTL 60 s). Phase
 * `sequential` publishes after the create answered (the publish finds the subscription: this is
 * the lock's cost on a path that worked before); phase `at-once` sends both together (they race).
 * A pair counts when both calls answered; then the phase's instances still waiting are counted.
 * `--quick` (or BENCH_QUICK=1): 10 s phases instead of 30 s.
 */
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_MESSAGES_SECONDS ?? (QUICK ? 10 : 30));
const IN_FLIGHT = Number(process.env.BENCH_MESSAGES_IN_FLIGHT ?? 32);
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures/message-catch.bpmn');

export async function run(): Promise<void> {
  const url = process.env.DATABASE_URL;
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${os.cpus().length} CPUs)`,
  );
  const { db, zeebe, stop } = await startBenchEngine(url);
  await zeebe.deployResource({ process: fs.readFileSync(FIXTURE), name: 'message-catch.bpmn' });
  try {
    /** Runs pairs in a closed loop for SECONDS; returns pairs/s and the instances of the phase left waiting. */
    const phase = async (name: string, pair: (key: string) => Promise<unknown>) => {
      let n = 0;
      let pairs = 0;
      const pids = db.kind === 'postgres' ? await backendPids(db.knex) : [];
      const cpu0 = process.cpuUsage();
      const pg0 = cpuSeconds(pids);
      const end = performance.now() + SECONDS * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (performance.now() < end) {
            await pair(`${name}-${n++}`);
            pairs++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const pgCpu = cpuBetween(pg0, cpuSeconds(pids));
      const perPair = `CPU per pair: this process ${((cpu.user + cpu.system) / 1000 / Math.max(1, pairs)).toFixed(2)} ms${pgCpu === undefined ? '' : `, its PostgreSQL backends ${((pgCpu * 1000) / Math.max(1, pairs)).toFixed(2)} ms`}`;
      await new Promise((r) => setTimeout(r, 500));
      const waiting = (await db
        .knex('engineProcessInstances as p')
        .join('engineVariables as v', function () {
          this.on('v.processInstanceKey', '=', 'p.key').andOnVal('v.name', '=', 'orderId');
        })
        .where('p.state', 'ACTIVE')
        .andWhereRaw("v.value #>> '{}' like ?", [`${name}-%`])
        .count({ n: '*' })
        .first()) as { n: string | number };
      console.log(
        `${name}: ${pairs} pairs in ${seconds.toFixed(1)} s = ${(pairs / seconds).toFixed(1)} pairs/s; ${perPair}; instances left waiting: ${Number(waiting.n)}`,
      );
    };
    const create = (key: string) =>
      zeebe.createProcessInstance({ bpmnProcessId: 'message-catch', variables: { orderId: key } });
    const publish = (key: string) =>
      zeebe.publishMessage({ name: 'payment-received', correlationKey: key, variables: {}, timeToLive: 60_000 });
    // Warm-up (opens the pool's connections, so the CPU of every backend is counted).
    await Promise.all(Array.from({ length: 200 }, (_, i) => Promise.all([create(`warm-${i}`), publish(`warm-${i}`)])));
    // The publish finds the open subscription (no race; both versions of the engine correlate every pair).
    await phase('sequential', async (key) => {
      await create(key);
      await publish(key);
    });
    // Both calls at once: they race (and often share a group-commit transaction).
    await phase('at-once', (key) => Promise.all([create(key), publish(key)]));
    console.log(
      `${IN_FLIGHT} in flight, ${db.kind}; load average at end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await stop();
  }
}
