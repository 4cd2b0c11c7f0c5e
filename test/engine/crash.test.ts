import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Camunda8 } from '@camunda8/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_ONLY, EXTERNAL, fixture, testCredentials } from '../helpers/engine.js';
import { sdkAuthSettings } from '../../server/engine/credentials.js';
import { openDatabase } from '../../server/platform/db.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// The figure is 1,000; on PGlite (slower, one connection) 200 keep the suite fast. ENGINE_CRASH_INSTANCES overrides.
const INSTANCES = Number(process.env.ENGINE_CRASH_INSTANCES ?? (process.env.DATABASE_URL ? 1000 : 200));

interface EngineProcess {
  child: ChildProcess;
  c8: Camunda8;
  zeebe: ReturnType<Camunda8['getZeebeGrpcApiClient']>;
}

const schema = `c_${crypto.randomBytes(6).toString('hex')}`;
const dataDir = path.join(os.tmpdir(), `okno-crash-${schema}`);
/** The engine process accepts these (the SDK's BASIC strategy), in the environment as for `npm run engine`. */
const auth = sdkAuthSettings(testCredentials());

/** Starts the engine in a child process on the shared database and connects an SDK client to it. */
async function startEngineProcess(): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'support/engine-process.ts')], {
    env: { ...process.env, DATA_DIR: dataDir, SCHEMA: schema, ...auth },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    let first = true;
    rl.on('line', (l) => {
      if (first) resolve(l);
      else process.stderr.write(`${l}\n`);
      first = false;
    });
    child.once('exit', (code) => reject(new Error(`engine process exited early (${code})`)));
  });
  const { grpc, rest } = JSON.parse(line) as { grpc: string; rest: string };
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${grpc}`,
    ZEEBE_REST_ADDRESS: rest,
    ...auth,
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false },
  } as any);
  return { child, c8, zeebe: c8.getZeebeGrpcApiClient() };
}

describe.skipIf(EXTERNAL)(`engine: crash recovery ${EMBEDDED_ONLY.internals}`, () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it(`given ${INSTANCES} three-step instances, when the engine is killed with SIGKILL midway and restarted, then every instance completes, no completed job is lost and each element completes exactly once`, async () => {
    const first = await startEngineProcess();
    children.push(first.child);
    await first.zeebe.deployResource({ process: fixture('three-steps.bpmn'), name: 'three-steps.bpmn' });
    const instanceKeys: string[] = [];
    for (let i = 0; i < INSTANCES; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, () =>
          first.zeebe.createProcessInstance({ bpmnProcessId: 'three-steps', variables: {} }),
        ),
      );
      instanceKeys.push(...batch.map((b) => b.processInstanceKey));
    }
    // Complete about half of all jobs, then kill the engine while workers are busy.
    const acknowledged = new Set<string>();
    let stopAt: () => void;
    const half = new Promise<void>((r) => (stopAt = r));
    const work = async (zeebe: EngineProcess['zeebe'], until: () => boolean) => {
      while (!until()) {
        const jobs = await zeebe
          .activateJobs({ type: 'step', worker: 'crash', maxJobsToActivate: 16, timeout: 1_000, requestTimeout: 500 })
          .catch(() => []);
        await Promise.all(
          jobs.map((j) =>
            zeebe.completeJob({ jobKey: j.key, variables: {} }).then(
              () => {
                acknowledged.add(`${j.processInstanceKey}/${j.elementId}`);
                if (acknowledged.size >= (INSTANCES * 3) / 2) stopAt();
              },
              () => undefined,
            ),
          ),
        );
      }
    };
    let killed = false;
    const firstWorkers = Promise.all([work(first.zeebe, () => killed), work(first.zeebe, () => killed)]);
    await half;
    first.child.kill('SIGKILL');
    killed = true;
    await firstWorkers;
    await first.zeebe.close(100).catch(() => undefined);

    const second = await startEngineProcess();
    children.push(second.child);
    const rest = second.c8.getOrchestrationClusterApiClientLoose();
    const completedCount = async () => {
      const r = (await rest.searchProcessInstances(
        { filter: { processDefinitionId: 'three-steps', state: 'COMPLETED' }, page: { limit: 1 } } as never,
        { consistency: { waitUpToMs: 0 } } as never,
      )) as unknown as { page: { totalItems: number } };
      return r.page.totalItems;
    };
    let done = false;
    const secondWorkers = Promise.all([work(second.zeebe, () => done), work(second.zeebe, () => done)]);
    const deadline = Date.now() + 60_000;
    while ((await completedCount()) < INSTANCES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    done = true;
    await secondWorkers;
    expect(await completedCount()).toBe(INSTANCES);
    await second.zeebe.close(100).catch(() => undefined);
    await new Promise<void>((resolve) => {
      second.child.once('exit', () => resolve());
      second.child.kill('SIGTERM');
    });

    // The event log: each step of each instance completed exactly once, including every acknowledged one.
    const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir, poolMax: 2, schema });
    try {
      const rows = (await db
        .knex('engineEvents')
        .where({ intent: 'ELEMENT_COMPLETED' })
        .whereIn('elementId', ['Step_1', 'Step_2', 'Step_3'])
        .select('processInstanceKey', 'elementId')
        .count({ n: '*' })
        .groupBy('processInstanceKey', 'elementId')) as {
        processInstanceKey: number;
        elementId: string;
        n: number | string;
      }[];
      expect(rows).toHaveLength(INSTANCES * 3);
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
      const logged = new Set(rows.map((r) => `${r.processInstanceKey}/${r.elementId}`));
      expect([...acknowledged].filter((a) => !logged.has(a))).toEqual([]);
      expect(new Set(instanceKeys).size).toBe(INSTANCES);
    } finally {
      if (db.kind === 'postgres')
        await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
      await db.close();
    }
  }, 120_000);
});
