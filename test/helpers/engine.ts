import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Camunda8 } from '@camunda8/sdk';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../server/engine/index.js';
import { openDatabase, type Database } from '../../server/platform/db.js';
import { createLogger } from '../../server/platform/logger.js';
import { migrateLatest } from '../../server/platform/migrate.js';

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;
export type RestClient = ReturnType<Camunda8['getOrchestrationClusterApiClient']>;
export type Job = Omit<Awaited<ReturnType<ZeebeClient['activateJobs']>>[number], 'variables'> & { variables: Record<string, any> };

/** Polls until check() returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TestEngine {
  engine: EmbeddedEngine;
  db: Database;
  camunda: Camunda8;
  zeebe: ZeebeClient;
  /** The SDK's Orchestration Cluster REST client, talking to the engine's /v2 API. */
  rest: RestClient;
  /** Deploys a fixture from test/engine/fixtures by file name. */
  deployFixture(name: string): Promise<void>;
  /** Active incidents of a process instance, through the REST API. */
  incidents(processInstanceKey: string): Promise<{ incidentKey: string; errorType: string; errorMessage: string; elementId: string; jobKey?: string | null }[]>;
  /** State of a process instance (ACTIVE / COMPLETED / TERMINATED), through the REST API. */
  instanceState(processInstanceKey: string): Promise<string | undefined>;
  /** Variables of a running instance by scope key, through the REST API. */
  variables(processInstanceKey: string): Promise<{ name: string; value: unknown; scopeKey: string }[]>;
  /** Activates one job of a type (waiting up to 5 s), failing the test when none comes. */
  job(type: string, opts?: { timeout?: number }): Promise<Job>;
  /** Waits until the instance has at least one active incident and returns them. */
  waitIncidents(processInstanceKey: string): Promise<{ incidentKey: string; errorType: string; errorMessage: string; elementId: string; jobKey?: string | null }[]>;
  stop(): Promise<void>;
}

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures');

/** Reads a BPMN/form fixture of the engine tests. */
export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

/**
 * Starts only the embedded engine (no HTTP app) on a fresh database schema, plus an SDK client
 * that talks to it over gRPC. DATABASE_URL selects real PostgreSQL; unset → embedded PGlite.
 */
export async function startTestEngine(): Promise<TestEngine> {
  const schema = `e_${crypto.randomBytes(6).toString('hex')}`;
  const db = await openDatabase({
    url: process.env.DATABASE_URL,
    dataDir: path.join(os.tmpdir(), `okno-engine-${schema}`),
    poolMax: 10,
    schema,
  });
  await migrateLatest(db.knex, db.schema);
  const logger = createLogger((process.env.TEST_LOG_LEVEL ?? 'silent') as Parameters<typeof createLogger>[0]);
  const engine = await startEmbeddedEngine({ knex: db.knex, host: '127.0.0.1', grpcPort: 0, restPort: 0, logger });
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${engine.grpcAddress}`,
    ZEEBE_REST_ADDRESS: engine.restAddress,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as unknown as ConstructorParameters<typeof Camunda8>[0]);
  const zeebe = camunda.getZeebeGrpcApiClient();
  const rest = camunda.getOrchestrationClusterApiClientLoose();
  const now = { consistency: { waitUpToMs: 0 } };
  const incidents: TestEngine['incidents'] = async (processInstanceKey) => {
    const r = await rest.searchIncidents({ filter: { processInstanceKey, state: 'ACTIVE' } } as never, now as never);
    return (r as unknown as { items: Awaited<ReturnType<TestEngine['incidents']>> }).items;
  };
  return {
    engine,
    db,
    camunda,
    zeebe,
    rest: camunda.getOrchestrationClusterApiClient(),
    async deployFixture(name: string) {
      await zeebe.deployResource({ process: fixture(name), name });
    },
    incidents,
    async instanceState(processInstanceKey) {
      const r = await rest.searchProcessInstances({ filter: { processInstanceKey } } as never, now as never);
      return (r as unknown as { items: { state: string }[] }).items[0]?.state;
    },
    async variables(processInstanceKey) {
      const r = await rest.searchVariables({ filter: { processInstanceKey } } as never, now as never);
      return (r as unknown as { items: { name: string; value: string; scopeKey: string }[] }).items.map((v) => ({ ...v, value: JSON.parse(v.value) as unknown }));
    },
    async job(type, opts = {}) {
      const jobs = await zeebe.activateJobs({ type, worker: 'test', maxJobsToActivate: 1, timeout: opts.timeout ?? 30_000, requestTimeout: 5_000 });
      if (!jobs.length) throw new Error(`no job of type '${type}' became activatable`);
      return jobs[0] as Job;
    },
    async waitIncidents(processInstanceKey) {
      return eventually(async () => {
        const list = await incidents(processInstanceKey);
        return list.length ? list : undefined;
      });
    },
    async stop() {
      await zeebe.close(1000).catch(() => undefined);
      await engine.stop();
      if (db.kind === 'postgres') await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
      await db.close();
    },
  };
}
