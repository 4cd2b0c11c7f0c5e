import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Camunda8 } from '@camunda8/sdk';
import { basicAuthorization, sdkAuthSettings } from '../../server/engine/credentials.js';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../server/engine/index.js';
import { openDatabase, type Database } from '../../server/platform/db.js';
import { createLogger } from '../../server/platform/logger.js';
import { migrateLatest } from '../../server/platform/migrate.js';

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;
export type RestClient = ReturnType<Camunda8['getOrchestrationClusterApiClient']>;
export type Job = Omit<Awaited<ReturnType<ZeebeClient['activateJobs']>>[number], 'variables'> & {
  variables: Record<string, any>;
};
/** What DeployResource answers for one resource: a process or a form. */
export interface Deployed {
  key: string;
  deployments: {
    process?: { bpmnProcessId: string; version: number; processDefinitionKey: string; resourceName: string };
    form?: { formId: string; version: number; formKey: string; resourceName: string };
  }[];
}

/**
 * True when the suite runs against an external gateway (ZEEBE_GRPC_ADDRESS set, e.g. a Camunda 8.8
 * cluster) instead of starting the embedded engine. Tests that need the engine's process or database
 * use `it.skipIf(EXTERNAL)` with one of the reasons below.
 */
export const EXTERNAL = !!process.env.ZEEBE_GRPC_ADDRESS;

/** Why a test runs only against the embedded engine (put into the test's name). */
export const EMBEDDED_ONLY = {
  internals: '[embedded only: needs the engine process or its database]',
  okno: "[embedded only: checks one of Okno's documented limits, not Zeebe behaviour]",
} as const;

/** Polls until check() returns a truthy value (or throws after timeoutMs; 20 s against a cluster, whose searches lag). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = EXTERNAL ? 20_000 : 5_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, EXTERNAL ? 250 : 50));
  }
}

/** The gRPC status code of a rejected call, or 'ok'. */
export function grpcCode(p: Promise<unknown>): Promise<number | 'ok' | undefined> {
  return p.then(
    () => 'ok' as const,
    (e: { code?: number }) => e.code,
  );
}

export interface TestEngine {
  /** The embedded engine; throws when the suite runs against an external gateway. */
  engine: EmbeddedEngine;
  /** The embedded engine's database; throws when the suite runs against an external gateway. */
  db: Database;
  /** True against an external gateway (see EXTERNAL). */
  external: boolean;
  /** Base URL of the REST API (/v2 lives under it): the embedded engine's, or ZEEBE_REST_ADDRESS. */
  restAddress: string;
  /** Headers that authenticate a plain HTTP request to the REST API (the SDK's BASIC header; empty without basic auth). */
  authHeaders: Record<string, string>;
  /** The SDK settings that authenticate against this engine (CAMUNDA_AUTH_STRATEGY=BASIC and its user and password). */
  sdkAuth: Record<string, string>;
  camunda: Camunda8;
  zeebe: ZeebeClient;
  /** The SDK's Orchestration Cluster REST client, talking to the engine's /v2 API. */
  rest: RestClient;
  /**
   * This run's name for a fixture's process id, job type, message name, signal name or form id:
   * `name` plus a suffix unique to this TestEngine, so runs against a shared cluster never see each
   * other's (or an earlier run's) instances, jobs, buffered messages or versions.
   */
  id(name: string): string;
  /**
   * Deploys a fixture (.bpmn or .form from test/engine/fixtures, or the given source) with every
   * process id, called process id, job type, message name, signal name and form id renamed by id().
   */
  deploy(name: string, source?: string | Buffer): Promise<Deployed>;
  /** Deploys a fixture from test/engine/fixtures by file name, unchanged (not isolated: prefer deploy()). */
  deployFixture(name: string): Promise<void>;
  /** Active incidents of a process instance, through the REST API. */
  incidents(
    processInstanceKey: string,
  ): Promise<
    { incidentKey: string; errorType: string; errorMessage: string; elementId: string; jobKey?: string | null }[]
  >;
  /** State of a process instance (ACTIVE / COMPLETED / TERMINATED), through the REST API (eventually consistent on a cluster). */
  instanceState(processInstanceKey: string): Promise<string | undefined>;
  /** Waits until the instance is in the given state (through the REST API). */
  waitState(processInstanceKey: string, state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED'): Promise<void>;
  /** Variables of a running instance by scope key, through the REST API. */
  variables(processInstanceKey: string): Promise<{ name: string; value: unknown; scopeKey: string }[]>;
  /** Waits until a variable of the instance satisfies the predicate (through the REST API) and returns it. */
  waitVariable(
    processInstanceKey: string,
    name: string,
    ok?: (v: { value: unknown; scopeKey: string }) => boolean,
  ): Promise<{ name: string; value: unknown; scopeKey: string }>;
  /** Activates one job of a type (waiting up to 5 s), failing the test when none comes. */
  job(type: string, opts?: { timeout?: number }): Promise<Job>;
  /** Waits until the instance has at least one active incident and returns them. */
  waitIncidents(
    processInstanceKey: string,
  ): Promise<
    { incidentKey: string; errorType: string; errorMessage: string; elementId: string; jobKey?: string | null }[]
  >;
  stop(): Promise<void>;
}

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine/fixtures');

/** Reads a BPMN/form fixture of the engine tests. */
export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

/** Escapes a string for a regular expression. */
const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Appends `suffix` to what identifies a fixture across runs: process ids (and references to them),
 * called process ids, job and task listener types, message and signal names, form ids (a .form's
 * `id`). A FEEL value (`=expr`) becomes `=(expr) + "<suffix>"`, so it is renamed when evaluated.
 */
export function isolateFixture(source: string, file: string, suffix: string): string {
  if (file.endsWith('.form')) {
    const form = JSON.parse(source) as { id?: string };
    if (form.id) form.id += suffix;
    return JSON.stringify(form);
  }
  const renameValue = (v: string) => (v.startsWith('=') ? `=(${v.slice(1)}) + &quot;${suffix}&quot;` : v + suffix);
  /** Renames attribute `attr` on every element named `tag` (any namespace prefix). */
  const onTag = (xml: string, tag: string, attr: string) =>
    xml.replace(
      new RegExp(`(<(?:\\w+:)?${tag}\\b[^>]*?\\s${attr}=")([^"]*)(")`, 'g'),
      (_m, a: string, v: string, b: string) => a + renameValue(v) + b,
    );
  const processIds = [...source.matchAll(/<(?:\w+:)?process\b[^>]*?\sid="([^"]+)"/g)].map((m) => m[1]);
  let xml = source;
  for (const id of processIds)
    xml = xml.replace(new RegExp(`(\\s(?:id|bpmnElement|processRef)=")${re(id)}(")`, 'g'), `$1${id}${suffix}$2`);
  xml = onTag(xml, 'calledElement', 'processId');
  xml = onTag(xml, 'taskDefinition', 'type');
  xml = onTag(xml, 'taskListener', 'type');
  xml = onTag(xml, 'message', 'name');
  xml = onTag(xml, 'signal', 'name');
  xml = onTag(xml, 'formDefinition', 'formId');
  return xml;
}

/** Random credentials for one test engine (the SDK's BASIC strategy). */
export function testCredentials(): { username: string; password: string } {
  return { username: 'okno-test', password: crypto.randomBytes(18).toString('base64url') };
}

/** The SDK settings: the embedded engine on loopback with its credentials, or every ZEEBE_* / CAMUNDA_* variable for a cluster. */
function sdkSettings(
  grpcAddress?: string,
  restAddress?: string,
  credentials?: { username: string; password: string },
): ConstructorParameters<typeof Camunda8>[0] {
  if (!grpcAddress || !credentials) {
    const fromEnv = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => /^(ZEEBE|CAMUNDA)_/.test(e[0]) && !!e[1]),
    );
    return {
      CAMUNDA_LOG_LEVEL: 'none',
      ...fromEnv,
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    } as unknown as ConstructorParameters<typeof Camunda8>[0];
  }
  return {
    ZEEBE_GRPC_ADDRESS: `grpc://${grpcAddress}`,
    ZEEBE_REST_ADDRESS: restAddress,
    ...sdkAuthSettings(credentials),
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as unknown as ConstructorParameters<typeof Camunda8>[0];
}

/**
 * Starts the embedded engine alone (no HTTP app) on a fresh database schema, plus SDK clients that
 * talk to it over gRPC and REST. DATABASE_URL selects real PostgreSQL; unset → embedded PGlite.
 * With ZEEBE_GRPC_ADDRESS set, starts nothing and connects the SDK to that gateway instead
 * (ZEEBE_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY and the SDK's OAuth/basic variables are passed on).
 * The embedded engine's clock API is on unless `clockControlled: false` (a cluster needs ZEEBE_CLOCK_CONTROLLED=true).
 */
export async function startTestEngine(opts: { clockControlled?: boolean } = {}): Promise<TestEngine> {
  const suffix = `_${crypto.randomBytes(4).toString('hex')}`;
  let embedded: { engine: EmbeddedEngine; db: Database; schema: string } | undefined;
  if (!EXTERNAL) {
    const schema = `e_${crypto.randomBytes(6).toString('hex')}`;
    const db = await openDatabase({
      url: process.env.DATABASE_URL,
      dataDir: path.join(os.tmpdir(), `okno-engine-${schema}`),
      poolMax: 10,
      schema,
    });
    await migrateLatest(db.knex, db.schema);
    const logger = createLogger((process.env.TEST_LOG_LEVEL ?? 'silent') as Parameters<typeof createLogger>[0]);
    const engine = await startEmbeddedEngine({
      knex: db.knex,
      host: '127.0.0.1',
      grpcPort: 0,
      restPort: 0,
      logger,
      clockControlled: opts.clockControlled ?? true,
      credentials: testCredentials(),
    });
    embedded = { engine, db, schema };
  }
  const camunda = new Camunda8(
    sdkSettings(embedded?.engine.grpcAddress, embedded?.engine.restAddress, embedded?.engine.credentials),
  );
  const envBasic =
    process.env.CAMUNDA_AUTH_STRATEGY === 'BASIC' &&
    process.env.CAMUNDA_BASIC_AUTH_USERNAME &&
    process.env.CAMUNDA_BASIC_AUTH_PASSWORD
      ? { username: process.env.CAMUNDA_BASIC_AUTH_USERNAME, password: process.env.CAMUNDA_BASIC_AUTH_PASSWORD }
      : undefined;
  const basic = embedded?.engine.credentials ?? envBasic;
  const zeebe = camunda.getZeebeGrpcApiClient();
  const rest = camunda.getOrchestrationClusterApiClientLoose();
  const now = { consistency: { waitUpToMs: 0 } };
  const incidents: TestEngine['incidents'] = async (processInstanceKey) => {
    const r = await rest.searchIncidents({ filter: { processInstanceKey, state: 'ACTIVE' } } as never, now as never);
    return (r as unknown as { items: Awaited<ReturnType<TestEngine['incidents']>> }).items;
  };
  const instanceState: TestEngine['instanceState'] = async (processInstanceKey) => {
    const r = await rest.searchProcessInstances({ filter: { processInstanceKey } } as never, now as never);
    return (r as unknown as { items: { state: string }[] }).items[0]?.state;
  };
  const variables: TestEngine['variables'] = async (processInstanceKey) => {
    const r = await rest.searchVariables(
      { filter: { processInstanceKey }, page: { limit: 1000 } } as never,
      now as never,
    );
    return (r as unknown as { items: { name: string; value: string; scopeKey: string }[] }).items.map((v) => ({
      ...v,
      value: JSON.parse(v.value) as unknown,
    }));
  };
  const notEmbedded = (what: string) => (): never => {
    throw new Error(
      `t.${what} is not available against an external gateway (ZEEBE_GRPC_ADDRESS); skip this test with it.skipIf(EXTERNAL)`,
    );
  };
  const t: TestEngine = {
    get engine() {
      return embedded ? embedded.engine : notEmbedded('engine')();
    },
    get db() {
      return embedded ? embedded.db : notEmbedded('db')();
    },
    external: EXTERNAL,
    restAddress: embedded
      ? embedded.engine.restAddress!
      : (process.env.ZEEBE_REST_ADDRESS ?? 'http://localhost:8080').replace(/\/v2\/?$/, ''),
    authHeaders: basic ? { authorization: basicAuthorization(basic) } : {},
    sdkAuth: basic ? sdkAuthSettings(basic) : { CAMUNDA_AUTH_STRATEGY: process.env.CAMUNDA_AUTH_STRATEGY ?? 'NONE' },
    camunda,
    zeebe,
    rest: camunda.getOrchestrationClusterApiClient(),
    id: (name) => name + suffix,
    async deploy(name, source) {
      const text = isolateFixture((source ?? fixture(name)).toString(), name, suffix);
      return name.endsWith('.form')
        ? zeebe.deployResource({ form: Buffer.from(text), name })
        : zeebe.deployResource({ process: Buffer.from(text), name });
    },
    async deployFixture(name: string) {
      await zeebe.deployResource({ process: fixture(name), name });
    },
    incidents,
    instanceState,
    async waitState(processInstanceKey, state) {
      await eventually(async () => (await instanceState(processInstanceKey)) === state);
    },
    variables,
    async waitVariable(processInstanceKey, name, ok = () => true) {
      return eventually(async () => (await variables(processInstanceKey)).find((v) => v.name === name && ok(v)));
    },
    async job(type, opts = {}) {
      const jobs = await zeebe.activateJobs({
        type,
        worker: 'test',
        maxJobsToActivate: 1,
        timeout: opts.timeout ?? 30_000,
        requestTimeout: 5_000,
      });
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
      if (!embedded) return;
      await embedded.engine.stop();
      if (embedded.db.kind === 'postgres')
        await embedded.db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [embedded.schema]).catch(() => undefined);
      await embedded.db.close();
    },
  };
  return t;
}
