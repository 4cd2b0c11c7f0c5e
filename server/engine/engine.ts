import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ProcessModel } from './bpmn/model.js';
import { BpmnValidationError, parseBpmn } from './bpmn/parse.js';
import { EngineError, alreadyExists, failedPrecondition, invalidArgument, notFound, onlyNotFound } from './errors.js';
import { evaluateStaticOrFeel } from '../platform/feel/feel.js';
import {
  CommandContext,
  dbOf,
  type CommandTx,
  type DbSource,
  type Definition,
  type DefinitionRow,
  type EngineServices,
  type FinishedInstance,
} from './processor/context.js';
import { Processor } from './processor/processor.js';
import { nextCycle, scheduleTimer } from './scheduler/timers.js';
import { KeyAllocator } from './state/keys.js';
import { messageLock, startLock } from './state/message-locks.js';
import { pgRows, rawRows } from './state/sql.js';
import { CommandTransaction } from './state/transaction.js';
import { loadUserTask, type TaskChanges, type UserTaskRow } from './state/user-tasks.js';
import type { ElementInstance, InstanceState } from './state/instance.js';
import { systemClock, type Clock } from '../platform/clock.js';

export const DEFAULT_TENANT = '<default>';

/** The message consistency check's findings (Engine.checkMessageConsistency). */
export interface MessageConsistency {
  /** Matching (buffered message, open subscription) pairs the last check found. */
  open: number;
  /** Distinct pairs found since this engine process started. */
  total: number;
  /** When the last check ran (ISO), null before the first. */
  lastCheckedAt: string | null;
}

/** What the embedded engine reports about itself beyond liveness. */
export interface EngineHealth {
  messageInconsistencies: MessageConsistency;
}
const NOTIFY_CHANNEL = 'okno_engine_jobs';
/** How often an engine process counts the other engine processes listening on its schema. */
const PEER_CHECK_MS = 1_000;
/** Transactions the engine runs at once on PostgreSQL (PGlite: one). */
const MAX_PARALLEL_TRANSACTIONS = 4;
/** Commands run together in one transaction at most. */
const MAX_GROUP = 32;

type CommandFn<T> = (ctx: CommandContext, p: Processor) => Promise<T>;

interface QueuedCommand {
  fn: CommandFn<unknown>;
  /** A job the command completes: its group locks the hierarchies and deletes all such jobs in one statement, then loads their instances in one more. */
  takeJob?: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface DeployedResource {
  kind: 'process' | 'form';
  id: string;
  version: number;
  key: string;
  resourceName: string;
  tenantId: string;
}

export interface ActivatedJob {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  elementId: string;
  elementInstanceKey: string;
  customHeaders: string;
  worker: string;
  retries: number;
  deadline: string;
  variables: string;
  tenantId: string;
}

export interface ActivateRequest {
  type: string;
  worker: string;
  timeout: number;
  maxJobsToActivate: number;
  fetchVariable: string[];
  tenantIds: string[];
}

interface JobRow {
  key: number;
  type: string;
  state: 'activatable' | 'activated' | 'backoff' | 'failed';
  retries: number;
  deadline: Date | null;
  worker: string;
  processInstanceKey: number;
  rootKey: number;
  elementInstanceKey: number;
  elementId: string;
  bpmnProcessId: string;
  processDefinitionKey: number;
  processDefinitionVersion: number;
  customHeaders: Record<string, string>;
  scopePath: (number | string)[];
  tenantId: string;
}

/** The columns of a JobRow, for statements that return jobs. */
const JOB_COLUMNS = [
  'key',
  'type',
  'state',
  'retries',
  'deadline',
  'worker',
  'process_instance_key',
  'root_key',
  'element_instance_key',
  'element_id',
  'bpmn_process_id',
  'process_definition_key',
  'process_definition_version',
  'custom_headers',
  'scope_path',
  'tenant_id',
];

interface IncidentRow {
  key: number;
  processInstanceKey: number;
  rootKey: number;
  elementInstanceKey: number;
  jobKey: number | null;
  state: string;
  retryPhase: 'activate' | 'complete' | 'job';
}

type Waiter = () => void;

/**
 * A worker waiting for jobs of a type (an open long poll or job stream). New jobs can be activated
 * for it in the transaction that creates them, skipping the activation round trip; `deliver` runs
 * after commit and answers false when the worker is gone, and the jobs are then made activatable again.
 */
export interface JobSink {
  request: ActivateRequest;
  /** The request's tenants (the default tenant when none given). */
  tenants: string[];
  /** Jobs it takes now. */
  free: number;
  /** A long poll answers once: after one transaction reserved jobs for it, others leave it alone. */
  once: boolean;
  reservedBy?: CommandContext;
  deliver(jobs: ActivatedJob[]): boolean;
}

/** What a task listener job completes with (REST `result` of type userTask). */
export interface ListenerResult {
  denied: boolean;
  deniedReason?: string;
  corrections: TaskChanges;
}

/** The gateway's form of an activated job. */
function activatedJob(j: JobRow, variables: Record<string, unknown>): ActivatedJob {
  return {
    key: String(j.key),
    type: j.type,
    processInstanceKey: String(j.processInstanceKey),
    bpmnProcessId: j.bpmnProcessId,
    processDefinitionVersion: j.processDefinitionVersion,
    processDefinitionKey: String(j.processDefinitionKey),
    elementId: j.elementId,
    elementInstanceKey: String(j.elementInstanceKey),
    customHeaders: JSON.stringify(j.customHeaders ?? {}),
    worker: j.worker,
    retries: j.retries,
    deadline: String(j.deadline ? new Date(j.deadline).getTime() : 0),
    variables: JSON.stringify(variables),
    tenantId: j.tenantId,
  };
}

/** Parses a JSON variables document; '' means none. */
export function parseVariables(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalidArgument(`Expected to parse the variables as a JSON document, but failed: '${json.slice(0, 100)}'`);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidArgument(`Expected the variables to be a JSON object, but was '${json.slice(0, 100)}'`);
  return value as Record<string, unknown>;
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function retryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '40P01' || code === '40001' || code === '23505';
}

/** The engine's command side: every command is one transaction, with wake-ups after commit. */
export class Engine implements EngineServices {
  readonly keys = new KeyAllocator();
  private readonly definitions = new Map<number, Definition>();
  private readonly jobWaiters = new Map<string, Set<Waiter>>();
  private readonly jobSinks = new Map<string, Set<JobSink>>();
  private readonly resultWaiters = new Map<number, (f: FinishedInstance) => void>();
  /** Called with the earliest new due time (timers, job deadlines) so the scheduler can wake sooner. */
  onDue: (at: Date) => void = () => undefined;
  /** Number of commands running now (backpressure). */
  inFlight = 0;

  /** True on the embedded PGlite: its socket server may interleave concurrent statements outside transactions. */
  private serialDb = false;

  constructor(
    readonly knex: Knex,
    readonly logger: Logger,
    readonly clock: Clock = systemClock(),
  ) {}

  private readonly instanceId = crypto.randomBytes(6).toString('hex');
  private schema = 'public';
  private listener?: pg.Client;
  /**
   * Whether another engine process listens on this database and schema: only then do commits that
   * make jobs activatable send NOTIFY (PostgreSQL serialises the commits of notifying transactions).
   * Checked every second; unknown counts as yes.
   */
  private peers = true;
  private peerCheck?: NodeJS.Timeout;

  /** Detects the database kind; on PostgreSQL listens for job wake-ups from other engine processes. */
  async init(): Promise<void> {
    const rows = await rawRows<{ version: string; schema: string }>(
      this.knex,
      'select version() as version, current_schema() as schema',
    );
    this.serialDb = /PGlite/i.test(rows[0]?.version ?? '');
    this.schema = rows[0]?.schema ?? 'public';
    if (this.serialDb) return;
    const connection = (this.knex.client as { config?: { connection?: string | pg.ClientConfig } }).config?.connection;
    if (!connection) return;
    // The listening session is named after the schema, so engine processes can count each other.
    const appName = `okno-engine ${this.schema}`.slice(0, 63);
    const client = new pg.Client(
      typeof connection === 'string'
        ? { connectionString: connection, application_name: appName }
        : { ...connection, application_name: appName },
    );
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (err) {
      this.logger.warn({ err }, 'engine: LISTEN failed; other engine processes are noticed by polling only');
      await client.end().catch(() => undefined);
      return;
    }
    client.on('notification', (msg) => {
      const [schema, sender, type] = (msg.payload ?? '').split('\u0001');
      if (schema === this.schema && sender !== this.instanceId && type) this.notifyJobs(type);
    });
    client.on('error', (err) => this.logger.warn({ err }, 'engine: LISTEN connection lost; polling only'));
    this.listener = client;
    const countPeers = async () => {
      const r = await rawRows<{ n: number }>(
        this.knex,
        'select count(*)::int as n from pg_stat_activity where application_name = ? and datname = current_database()',
        [appName],
      ).catch(() => undefined);
      this.peers = r ? r[0].n > 1 : true;
    };
    await countPeers();
    this.peerCheck = setInterval(() => void countPeers(), PEER_CHECK_MS);
    this.peerCheck.unref();
  }

  /** Stops listening for other processes' wake-ups. */
  async close(): Promise<void> {
    clearInterval(this.peerCheck);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** Runs queries outside a command: plainly on PostgreSQL, inside a transaction on PGlite. */
  query<T>(fn: (db: Knex | Knex.Transaction) => Promise<T>): Promise<T> {
    return this.serialDb ? this.knex.transaction((trx) => fn(trx)) : fn(this.knex);
  }

  // ---------- definitions ----------

  /** A deployed process definition by key, parsed once and cached. */
  async definition(db: DbSource, key: number): Promise<Definition> {
    const cached = this.definitions.get(key);
    if (cached) return cached;
    const row = (await dbOf(db)('engineProcessDefinitions').where({ key }).first()) as
      (DefinitionRow & { resource: string }) | undefined;
    if (!row) throw notFound(`Expected to find process definition with key '${key}', but none found`);
    const models = await parseBpmn(row.resource);
    const model = models.find((m) => m.bpmnProcessId === row.bpmnProcessId)!;
    const def = {
      row: {
        key: row.key,
        bpmnProcessId: row.bpmnProcessId,
        version: row.version,
        versionTag: row.versionTag,
        resourceName: row.resourceName,
        deploymentKey: row.deploymentKey,
        tenantId: row.tenantId,
      },
      model,
    };
    this.definitions.set(key, def);
    return def;
  }

  private readonly latest = new Map<string, { key: number; at: number }>();
  /** Latest definitions with a message start event of a name, by tenant and name, cached like `latest`. */
  private readonly messageStarts = new Map<string, { rows: { key: number; bpmnProcessId: string }[]; at: number }>();

  /** The latest definitions with a message start event named `name` (cached briefly, like latestDefinition). */
  private async messageStartDefinitions(
    ctx: CommandContext,
    name: string,
    tenantId: string,
  ): Promise<{ key: number; bpmnProcessId: string }[]> {
    const cacheKey = `${tenantId}\u0000${name}`;
    const cached = this.messageStarts.get(cacheKey);
    if (cached && performance.now() - cached.at < 1000) return cached.rows;
    const rows = await rawRows<{ key: number; bpmnProcessId: string }>(
      ctx.trx,
      `select d.key, d.bpmn_process_id from engine_process_definitions d
        where d.message_starts \\? ? and d.tenant_id = ?
          and d.version = (select max(version) from engine_process_definitions x where x.bpmn_process_id = d.bpmn_process_id and x.tenant_id = d.tenant_id)`,
      [name, tenantId],
    );
    if (this.messageStarts.size > 10_000) this.messageStarts.clear();
    this.messageStarts.set(cacheKey, { rows, at: performance.now() });
    return rows;
  }

  /** The latest version of a process id, cached briefly (a deploy in this process clears it; other engine processes' deploys are seen within a second). */
  async latestDefinition(db: DbSource, bpmnProcessId: string, tenantId: string): Promise<Definition | undefined> {
    const cacheKey = `${tenantId}\u0000${bpmnProcessId}`;
    const cached = this.latest.get(cacheKey);
    if (cached && performance.now() - cached.at < 1000) return this.definition(db, cached.key);
    const row = (await dbOf(db)('engineProcessDefinitions')
      .where({ bpmnProcessId, tenantId })
      .orderBy('version', 'desc')
      .first('key')) as { key: number } | undefined;
    if (!row) return undefined;
    this.latest.set(cacheKey, { key: row.key, at: performance.now() });
    return this.definition(db, row.key);
  }

  /** The latest definition of a process id with a version tag or from a deployment. */
  async boundDefinition(
    db: DbSource,
    bpmnProcessId: string,
    tenantId: string,
    binding: { versionTag?: string; deploymentKey?: number },
  ): Promise<Definition | undefined> {
    let q = dbOf(db)('engineProcessDefinitions').where({ bpmnProcessId, tenantId });
    if (binding.versionTag !== undefined) q = q.andWhere({ versionTag: binding.versionTag });
    if (binding.deploymentKey !== undefined) q = q.andWhere({ deploymentKey: binding.deploymentKey });
    const row = (await q.orderBy('version', 'desc').first('key')) as { key: number } | undefined;
    return row ? this.definition(db, row.key) : undefined;
  }

  // ---------- transactions ----------

  private readonly queue: QueuedCommand[] = [];
  private activeTransactions = 0;

  /**
   * Runs a command in a transaction (retried on deadlock / serialization failures), then wakes waiters.
   * Under load, commands waiting for a free transaction slot are run together in one transaction
   * (group commit, like Zeebe's batch processing); if any of them is rejected, the group is rolled
   * back and each command runs again on its own.
   */
  command<T>(fn: CommandFn<T>, opts: { takeJob?: number } = {}): Promise<T> {
    this.inFlight++;
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        fn: fn as CommandFn<unknown>,
        takeJob: opts.takeJob,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.schedulePump();
    }).finally(() => {
      this.inFlight--;
    });
  }

  private pumpScheduled = false;

  /**
   * Starts transactions after the current event-loop turn, so the commands that arrive together
   * (e.g. the completions of one worker batch, read from one socket read) share a transaction even
   * when transaction slots are free (moderate load: fewer BEGIN/COMMIT round trips and WAL flushes).
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const slots = this.serialDb ? 1 : MAX_PARALLEL_TRANSACTIONS;
    while (this.activeTransactions < slots && this.queue.length) {
      const group = this.queue.splice(0, MAX_GROUP);
      this.activeTransactions++;
      void this.runGroup(group).finally(() => {
        this.activeTransactions--;
        this.pump();
      });
    }
  }

  private async runGroup(group: QueuedCommand[]): Promise<void> {
    if (group.length > 1) {
      try {
        const results = await this.transaction(group);
        group.forEach((c, i) => c.resolve(results[i]));
        return;
      } catch {
        // Someone in the group was rejected (or the group deadlocked): run each alone for its own answer.
      }
    }
    for (const c of group) {
      await this.transaction([c]).then(
        (r) => c.resolve(r[0]),
        (err: unknown) => c.reject(err),
      );
    }
  }

  /** One transaction running the given commands in order, retried on deadlocks. */
  private async transaction(commands: QueuedCommand[]): Promise<unknown[]> {
    for (let attempt = 0; ; attempt++) {
      let ctx: CommandContext | undefined;
      try {
        const results = await this.inTransaction(async (tx) => {
          ctx = new CommandContext(this, tx, commands.length > 1);
          const jobKeys = commands.flatMap((c) => (c.takeJob === undefined ? [] : [c.takeJob]));
          if (jobKeys.length) await this.takeJobs(ctx, jobKeys);
          const out: unknown[] = [];
          for (const { fn } of commands) {
            const processor = new Processor(ctx);
            out.push(await fn(ctx, processor));
            await processor.run();
          }
          // Other engine processes on this database learn of new jobs through NOTIFY (PostgreSQL only).
          await ctx.flush(
            this.serialDb || !this.peers
              ? undefined
              : { channel: NOTIFY_CHANNEL, payload: (type) => [this.schema, this.instanceId, type].join('\u0001') },
          );
          return out;
        });
        this.afterCommit(ctx!);
        return results;
      } catch (err) {
        if (ctx) this.releaseOffered(ctx);
        if (attempt < 5 && retryable(err)) continue;
        throw err;
      }
    }
  }

  /**
   * Runs `fn` in a transaction: on PostgreSQL a CommandTransaction (BEGIN only before a first
   * statement, none for a lone final write), on PGlite knex's own.
   */
  private async inTransaction<T>(fn: (tx: CommandTx) => Promise<T>): Promise<T> {
    if (this.serialDb) return this.knex.transaction((trx) => fn({ trx, client: trx.client as unknown }));
    const tx = await CommandTransaction.open(this.knex);
    try {
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (err) {
      await tx
        .rollback()
        .catch((rollbackErr: unknown) => this.logger.warn({ err: rollbackErr }, 'engine: rollback failed'));
      throw err;
    } finally {
      tx.release();
    }
  }

  private afterCommit(ctx: CommandContext): void {
    this.deliverOffered(ctx);
    for (const hook of ctx.commitHooks) hook();
    for (const type of ctx.wakeTypes) this.notifyJobs(type);
    if (ctx.earliestTimer) this.onDue(ctx.earliestTimer);
    for (const f of ctx.finished) {
      const w = this.resultWaiters.get(f.key);
      if (w) {
        this.resultWaiters.delete(f.key);
        w(f);
      }
    }
    for (const s of ctx.thrownSignals) {
      this.broadcastSignal(s.name, s.variables, DEFAULT_TENANT).catch((err: unknown) =>
        this.logger.error({ err }, 'signal broadcast failed'),
      );
    }
  }

  /** Registers a waiting worker that new jobs of its type may be activated for at creation; returns the unregister function. */
  addJobSink(sink: JobSink): () => void {
    let set = this.jobSinks.get(sink.request.type);
    if (!set) this.jobSinks.set(sink.request.type, (set = new Set()));
    set.add(sink);
    return () => {
      set.delete(sink);
      if (!set.size) this.jobSinks.delete(sink.request.type);
    };
  }

  /** Activates a command's new jobs for waiting workers (at flush, inside the transaction): the rows are written as activated. */
  offerJobs(ctx: CommandContext, jobs: Record<string, unknown>[]): void {
    if (!this.jobSinks.size) return;
    for (const row of jobs) {
      if (row.state !== 'activatable') continue;
      const sinks = this.jobSinks.get(row.type as string);
      if (!sinks) continue;
      for (const sink of sinks) {
        if (
          sink.free <= 0 ||
          (sink.once && sink.reservedBy && sink.reservedBy !== ctx) ||
          !sink.tenants.includes(row.tenantId as string)
        )
          continue;
        const state = ctx.loaded(row.processInstanceKey as number);
        if (!state) break;
        const vars: Record<string, unknown> = {};
        const path = row.scopePath as number[];
        for (let i = path.length - 1; i >= 0; i--) for (const [n, v] of state.variables.get(path[i]) ?? []) vars[n] = v;
        const fetch = sink.request.fetchVariable;
        const deadline = new Date(ctx.now.getTime() + sink.request.timeout);
        sink.free--;
        sink.reservedBy = ctx;
        row.state = 'activated';
        row.worker = sink.request.worker;
        row.deadline = deadline.toISOString();
        ctx.noteTimer(deadline);
        const job = activatedJob(
          row as unknown as JobRow,
          fetch.length ? Object.fromEntries(Object.entries(vars).filter(([n]) => fetch.includes(n))) : vars,
        );
        ctx.offered.push({ sink, job });
        break;
      }
    }
    // One insert writes all rows with the union of their columns: the others keep the column defaults.
    if (ctx.offered.length) for (const row of jobs) row.worker ??= '';
  }

  /** After commit: hands the jobs activated at creation to their workers; those whose worker left are made activatable again. */
  private deliverOffered(ctx: CommandContext): void {
    if (!ctx.offered.length) return;
    const bySink = new Map<JobSink, ActivatedJob[]>();
    for (const { sink, job } of ctx.offered as { sink: JobSink; job: ActivatedJob }[]) {
      if (sink.reservedBy === ctx) sink.reservedBy = undefined;
      let list = bySink.get(sink);
      if (!list) bySink.set(sink, (list = []));
      list.push(job);
    }
    for (const [sink, jobs] of bySink) {
      let delivered = false;
      try {
        delivered = sink.deliver(jobs);
      } catch (err) {
        this.logger.warn({ err }, 'engine: handing jobs to a worker failed');
      }
      if (!delivered) void this.yieldJobs(jobs);
    }
  }

  /** Makes jobs activated for a worker that did not receive them activatable again. */
  returnJobs(jobs: ActivatedJob[]): void {
    if (jobs.length) void this.yieldJobs(jobs);
  }

  /** A rolled back transaction gives its reservations back. */
  private releaseOffered(ctx: CommandContext): void {
    for (const { sink } of ctx.offered as { sink: JobSink }[]) {
      sink.free++;
      if (sink.reservedBy === ctx) sink.reservedBy = undefined;
    }
    ctx.offered.length = 0;
  }

  /** Makes jobs activated for a worker that left activatable again (still activated for it, same deadline). */
  private async yieldJobs(jobs: ActivatedJob[]): Promise<void> {
    try {
      await this.query((db) =>
        pgRows(
          db,
          `update engine_jobs j set state = 'activatable', deadline = null, worker = ''
             from unnest($1::bigint[], $2::text[], $3::bigint[]) as x(key, worker, deadline_ms)
            where j.key = x.key and j.state = 'activated' and j.worker = x.worker and j.deadline = timestamptz 'epoch' + x.deadline_ms * interval '1 millisecond'`,
          [jobs.map((j) => j.key), jobs.map((j) => j.worker), jobs.map((j) => j.deadline)],
        ),
      );
    } catch (err) {
      // They come back when their deadline passes.
      this.logger.warn({ err }, 'engine: making undelivered jobs activatable failed; they time out instead');
    }
    for (const type of new Set(jobs.map((j) => j.type))) this.notifyJobs(type);
  }

  /** Wakes long polls and job streams waiting for jobs of a type. */
  notifyJobs(type: string): void {
    const waiters = this.jobWaiters.get(type);
    if (!waiters) return;
    for (const w of [...waiters]) w();
  }

  private readonly closers = new Set<() => void>();

  /** Registers a callback that ends an open long poll or stream when the engine stops. */
  onClose(closer: () => void): () => void {
    this.closers.add(closer);
    return () => this.closers.delete(closer);
  }

  /** Ends every open long poll and job stream (engine shutdown). */
  closeStreams(): void {
    for (const c of [...this.closers]) c();
    this.closers.clear();
  }

  /** Registers a callback for "jobs of this type may be activatable"; returns the unsubscribe function. */
  onJobs(type: string, waiter: Waiter): () => void {
    let set = this.jobWaiters.get(type);
    if (!set) this.jobWaiters.set(type, (set = new Set()));
    set.add(waiter);
    return () => {
      set.delete(waiter);
      if (!set.size) this.jobWaiters.delete(type);
    };
  }

  // ---------- deploy ----------

  /** Deploys BPMN and form resources; unchanged resources keep their version. */
  async deploy(
    resources: { name: string; content: Buffer }[],
    tenantId: string,
  ): Promise<{ key: string; deployments: DeployedResource[] }> {
    if (!resources.length) throw invalidArgument('Expected to deploy at least one resource, but none given');
    const parsed: {
      name: string;
      text: string;
      models?: ProcessModel[];
      form?: { id: string; versionTag?: string };
    }[] = [];
    const problems: string[] = [];
    for (const r of resources) {
      const text = r.content.toString('utf8');
      if (/\.(bpmn|xml)$/i.test(r.name)) {
        try {
          parsed.push({ name: r.name, text, models: await parseBpmn(text) });
        } catch (err) {
          if (err instanceof BpmnValidationError)
            problems.push(`'${r.name}':\n${err.problems.map((p) => `- ${p}`).join('\n')}`);
          else throw err;
        }
      } else if (/\.form$/i.test(r.name)) {
        let form: { id?: unknown; versionTag?: unknown } | undefined;
        try {
          form = JSON.parse(text) as { id?: unknown };
        } catch (err) {
          problems.push(`'${r.name}': Failed to parse the form JSON: ${(err as Error).message}`);
          continue;
        }
        if (!form || typeof form.id !== 'string' || !form.id)
          problems.push(`'${r.name}': Expected the form to have an 'id', but none given`);
        else
          parsed.push({
            name: r.name,
            text,
            form: { id: form.id, versionTag: typeof form.versionTag === 'string' ? form.versionTag : undefined },
          });
      } else {
        problems.push(
          `'${r.name}': Expected the resource to be a BPMN (.bpmn, .xml) or form (.form) file; other resources are not supported by the Okno engine`,
        );
      }
    }
    if (problems.length)
      throw invalidArgument(
        `Expected to deploy new resources, but encountered the following errors:\n${problems.join('\n')}`,
      );
    const ids = parsed.flatMap((p) => p.models?.map((m) => m.bpmnProcessId) ?? []);
    if (new Set(ids).size !== ids.length)
      throw invalidArgument('Expected the process ids of a deployment to be unique, but a process id occurs twice');

    this.latest.clear();
    this.messageStarts.clear();
    return this.command(async (ctx) => {
      const trx = ctx.trx;
      ctx.onCommit(() => {
        this.latest.clear();
        this.messageStarts.clear();
      });
      // Deploys of one id are serialised by this advisory lock.
      await trx.raw('select pg_advisory_xact_lock(?)', [42_424_242]);
      const deploymentKey = await ctx.key();
      await trx('engineDeployments').insert({ key: deploymentKey, tenantId });
      const out: DeployedResource[] = [];
      for (const p of parsed) {
        if (p.models) {
          for (const model of p.models) {
            const checksum = sha256(p.text);
            const latest = (await trx('engineProcessDefinitions')
              .where({ bpmnProcessId: model.bpmnProcessId, tenantId })
              .orderBy('version', 'desc')
              .first('key', 'version', 'checksum')) as { key: number; version: number; checksum: string } | undefined;
            if (latest && latest.checksum === checksum) {
              out.push({
                kind: 'process',
                id: model.bpmnProcessId,
                version: latest.version,
                key: String(latest.key),
                resourceName: p.name,
                tenantId,
              });
              continue;
            }
            const key = await ctx.key();
            const version = (latest?.version ?? 0) + 1;
            const staticName = (value: string | undefined) => {
              const r = evaluateStaticOrFeel(value ?? '', {});
              return r.ok ? String(r.value) : '';
            };
            const messageStarts = model.messageStarts.map((s) => staticName(model.elements.get(s)!.event?.messageName));
            const signalStarts = model.signalStarts.map((s) => model.elements.get(s)!.event?.signalName ?? '');
            await trx('engineProcessDefinitions').insert({
              key,
              bpmnProcessId: model.bpmnProcessId,
              version,
              versionTag: model.versionTag ?? null,
              resourceName: p.name,
              checksum,
              resource: p.text,
              deploymentKey,
              messageStarts: JSON.stringify(messageStarts),
              signalStarts: JSON.stringify(signalStarts),
              tenantId,
            });
            this.definitions.set(key, {
              row: {
                key,
                bpmnProcessId: model.bpmnProcessId,
                version,
                versionTag: model.versionTag ?? null,
                resourceName: p.name,
                deploymentKey,
                tenantId,
              },
              model,
            });
            // Timer start events: the new version's replace the previous versions'.
            if (latest) {
              await trx('engineTimers')
                .whereIn(
                  'processDefinitionKey',
                  trx('engineProcessDefinitions').select('key').where({ bpmnProcessId: model.bpmnProcessId, tenantId }),
                )
                .delete();
            }
            for (const startId of model.timerStarts) {
              const timer = model.elements.get(startId)!.event!.timer!;
              const value = evaluateStaticOrFeel(timer.expression, {});
              const schedule = value.ok
                ? scheduleTimer(timer.kind, String(value.value), ctx.now)
                : { error: value.message };
              if ('error' in schedule)
                throw invalidArgument(
                  `Expected to deploy new resources, but encountered the following errors:\n'${p.name}':\n- Element: ${startId}\n    - ERROR: ${schedule.error}`,
                );
              ctx.timers.push({
                key: await ctx.key(),
                dueAt: schedule.dueAt,
                processDefinitionKey: key,
                targetElementId: startId,
                repetitions: schedule.repetitions,
                cycle: schedule.cycle ?? null,
              });
              ctx.noteTimer(schedule.dueAt);
            }
            ctx.event({
              key,
              valueType: 'PROCESS',
              intent: 'CREATED',
              processInstanceKey: null,
              payload: { bpmnProcessId: model.bpmnProcessId, version },
            });
            out.push({
              kind: 'process',
              id: model.bpmnProcessId,
              version,
              key: String(key),
              resourceName: p.name,
              tenantId,
            });
          }
        } else if (p.form) {
          const checksum = sha256(p.text);
          const latest = (await trx('engineForms')
            .where({ formId: p.form.id, tenantId })
            .orderBy('version', 'desc')
            .first('key', 'version', 'checksum')) as { key: number; version: number; checksum: string } | undefined;
          if (latest && latest.checksum === checksum) {
            out.push({
              kind: 'form',
              id: p.form.id,
              version: latest.version,
              key: String(latest.key),
              resourceName: p.name,
              tenantId,
            });
            continue;
          }
          const key = await ctx.key();
          const version = (latest?.version ?? 0) + 1;
          await trx('engineForms').insert({
            key,
            formId: p.form.id,
            version,
            versionTag: p.form.versionTag ?? null,
            resourceName: p.name,
            checksum,
            resource: p.text,
            deploymentKey,
            tenantId,
          });
          out.push({ kind: 'form', id: p.form.id, version, key: String(key), resourceName: p.name, tenantId });
        }
      }
      return { key: String(deploymentKey), deployments: out };
    });
  }

  // ---------- process instances ----------

  private async resolveDefinition(
    ctx: CommandContext,
    req: { processDefinitionKey?: string; bpmnProcessId?: string; version?: number; tenantId: string },
  ): Promise<Definition> {
    if (req.processDefinitionKey && req.processDefinitionKey !== '0') {
      return this.definition(ctx, Number(req.processDefinitionKey)).catch(() => {
        throw notFound(`Expected to find process definition with key '${req.processDefinitionKey}', but none found`);
      });
    }
    if (!req.bpmnProcessId)
      throw invalidArgument('Expected either a process definition key or a BPMN process id, but none given');
    if (req.version !== undefined && req.version > 0) {
      const row = (await ctx
        .trx('engineProcessDefinitions')
        .where({ bpmnProcessId: req.bpmnProcessId, version: req.version, tenantId: req.tenantId })
        .first('key')) as { key: number } | undefined;
      if (!row)
        throw notFound(
          `Expected to find process definition with process ID '${req.bpmnProcessId}' and version '${req.version}', but none found`,
        );
      return this.definition(ctx, row.key);
    }
    const def = await this.latestDefinition(ctx, req.bpmnProcessId, req.tenantId);
    if (!def)
      throw notFound(`Expected to find process definition with process ID '${req.bpmnProcessId}', but none found`);
    return def;
  }

  /** Creates and starts a process instance. */
  async createProcessInstance(
    req: {
      processDefinitionKey?: string;
      bpmnProcessId?: string;
      version?: number;
      variables: Record<string, unknown>;
      tenantId: string;
      startInstructions?: string[];
    },
    onCreated?: (key: number, wait: (f: FinishedInstance) => void) => void,
  ): Promise<{
    processDefinitionKey: string;
    bpmnProcessId: string;
    version: number;
    processInstanceKey: string;
    tenantId: string;
  }> {
    let createdKey: number | undefined;
    try {
      return await this.command(async (ctx, p) => {
        const def = await this.resolveDefinition(ctx, req);
        const starts = req.startInstructions ?? [];
        for (const id of starts) {
          const el = def.model.elements.get(id);
          if (
            !el ||
            el.scopeId !== def.model.bpmnProcessId ||
            el.type === 'BOUNDARY_EVENT' ||
            el.type === 'EVENT_SUB_PROCESS'
          ) {
            throw invalidArgument(
              `Expected to create instance of process with start instructions but the element with id '${id}' is not a flow node of the process scope`,
            );
          }
        }
        if (!starts.length && !def.model.elements.get(def.model.bpmnProcessId)?.noneStart) {
          throw invalidArgument(
            `Expected to create instance of process with none start event, but there is no such event`,
          );
        }
        const state = await p.createInstance(def, req.variables, { tenantId: req.tenantId, startIds: starts });
        createdKey = state.pi.key;
        if (onCreated) onCreated(state.pi.key, (f) => this.resultWaiters.get(f.key)?.(f));
        return {
          processDefinitionKey: String(def.row.key),
          bpmnProcessId: def.row.bpmnProcessId,
          version: def.row.version,
          processInstanceKey: String(state.pi.key),
          tenantId: req.tenantId,
        };
      });
    } catch (err) {
      if (createdKey !== undefined) this.resultWaiters.delete(createdKey);
      throw err;
    }
  }

  /** Creates an instance and resolves when it completes (or rejects on timeout / termination). */
  async createProcessInstanceWithResult(
    req: {
      processDefinitionKey?: string;
      bpmnProcessId?: string;
      version?: number;
      variables: Record<string, unknown>;
      tenantId: string;
      startInstructions?: string[];
    },
    timeoutMs: number,
  ): Promise<{ created: Awaited<ReturnType<Engine['createProcessInstance']>>; finished: FinishedInstance }> {
    let resolveFinished!: (f: FinishedInstance) => void;
    const finished = new Promise<FinishedInstance>((resolve) => (resolveFinished = resolve));
    let key: number | undefined;
    const created = await this.createProcessInstance(req, (k) => {
      // A grouped transaction that was rolled back runs this again with a new key.
      if (key !== undefined) this.resultWaiters.delete(key);
      key = k;
      this.resultWaiters.set(k, resolveFinished);
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        finished,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new EngineError(
                  grpc.status.DEADLINE_EXCEEDED,
                  `Expected the process instance '${created.processInstanceKey}' to complete within ${timeoutMs} ms, but it did not`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
      if (result.state !== 'COMPLETED')
        throw failedPrecondition(
          `Expected process instance '${created.processInstanceKey}' to complete, but it was terminated`,
        );
      return { created, finished: result };
    } finally {
      clearTimeout(timer);
      if (key !== undefined) this.resultWaiters.delete(key);
    }
  }

  /** Cancels a (root) process instance. */
  async cancelProcessInstance(key: number): Promise<void> {
    await this.command(async (ctx, p) => {
      const pi = (await ctx
        .trx('engineProcessInstances')
        .where({ key })
        .first('rootKey', 'state', 'parentProcessInstanceKey')) as
        { rootKey: number; state: string; parentProcessInstanceKey: number | null } | undefined;
      if (!pi || pi.state !== 'ACTIVE')
        throw notFound(`Expected to cancel a process instance with key '${key}', but no such process was found`);
      if (pi.parentProcessInstanceKey !== null)
        throw invalidArgument(
          `Expected to cancel a process instance with key '${key}', but it is created by a parent process instance. Cancel the root process instance '${pi.rootKey}' instead.`,
        );
      await ctx.lockRoot(pi.rootKey);
      const state = await ctx.instance(key);
      await p.cancel(state);
    });
  }

  /** Sets variables on a scope (local) or propagates them from it. */
  async setVariables(elementInstanceKey: number, variables: Record<string, unknown>, local: boolean): Promise<string> {
    return this.command(async (ctx) => {
      const el = (await ctx
        .trx('engineElementInstances')
        .where({ key: elementInstanceKey })
        .first('processInstanceKey')) as { processInstanceKey: number } | undefined;
      if (!el)
        throw notFound(
          `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
        );
      const pi = (await ctx.trx('engineProcessInstances').where({ key: el.processInstanceKey }).first('rootKey')) as {
        rootKey: number;
      };
      await ctx.lockRoot(pi.rootKey);
      const state = await ctx.instance(el.processInstanceKey);
      if (!state.elements.has(elementInstanceKey))
        throw notFound(
          `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
        );
      for (const [name, value] of Object.entries(variables)) {
        let target = local ? elementInstanceKey : state.pi.key;
        if (!local) {
          for (let k: number | null = elementInstanceKey; k !== null; k = state.elements.get(k)?.parentKey ?? null) {
            if (state.variables.get(k)?.has(name)) {
              target = k;
              break;
            }
          }
        }
        const existed = state.setVariable(target, name, value);
        ctx.event({
          key: target,
          valueType: 'VARIABLE',
          intent: existed ? 'UPDATED' : 'CREATED',
          processInstanceKey: state.pi.key,
          payload: { name, scopeKey: target },
        });
      }
      return String(await ctx.key());
    });
  }

  // ---------- jobs ----------

  /** Activates up to maxJobsToActivate jobs of a type (FOR UPDATE SKIP LOCKED) with their variables. */
  async activateJobs(req: ActivateRequest): Promise<ActivatedJob[]> {
    const tenants = req.tenantIds.length ? req.tenantIds : [DEFAULT_TENANT];
    // One statement: activate (skipping jobs other activations hold) and read the variables of the jobs' scopes.
    const fetch = req.fetchVariable.length ? req.fetchVariable : null;
    const activated = await this.query((db) =>
      pgRows<JobRow & { vars: [number, string, unknown][] | null }>(
        db,
        `with a as (
           update engine_jobs j set state = 'activated', worker = $1, deadline = $7::timestamptz + ($2 * interval '1 millisecond')
            where j.key in (select key from engine_jobs where type = $3 and state = 'activatable' and tenant_id = any($4::text[]) order by key limit $5 for update skip locked)
            returning ${JOB_COLUMNS.map((c) => `j.${c}`).join(', ')})
         select a.*, (select json_agg(json_build_array(v.scope_key, v.name, v.value)) from engine_variables v
                       where v.scope_key = any(a.scope_path) and ($6::text[] is null or v.name = any($6::text[]))) as vars
           from a order by a.key`,
        [req.worker, req.timeout, req.type, tenants, req.maxJobsToActivate, fetch, this.clock.now().toISOString()],
      ),
    );
    if (!activated.length) return [];
    const jobs = activated;
    const deadline = jobs[0].deadline;
    if (deadline) this.onDue(new Date(deadline));
    const byScope = new Map<number, Map<string, unknown>>();
    for (const j of jobs) {
      for (const [scopeKey, name, value] of j.vars ?? []) {
        let m = byScope.get(scopeKey);
        if (!m) byScope.set(scopeKey, (m = new Map()));
        m.set(name, value);
      }
    }
    return jobs.map((j) => {
      const vars: Record<string, unknown> = {};
      const path = j.scopePath.map(Number);
      for (let i = path.length - 1; i >= 0; i--) for (const [n, v] of byScope.get(path[i]) ?? []) vars[n] = v;
      return activatedJob(j, vars);
    });
  }

  /** Locks the job's call hierarchy (one query) and returns the job as it is after the lock, or rejects with NOT_FOUND. */
  private async lockedJob(ctx: CommandContext, key: number, action: string, fresh = true): Promise<JobRow> {
    const locked = await rawRows<JobRow>(
      ctx.trx,
      'select j.* from engine_jobs j join engine_process_instances p on p.key = j.root_key where j.key = ? for update of p',
      [key],
    );
    if (!locked[0]) throw notFound(`Expected to ${action} job with key '${key}', but no such job was found`);
    ctx.lockedRoot(locked[0].rootKey);
    if (!fresh) return locked[0];
    // Read again: a command that held the lock before us may have changed or removed the job.
    const job = (await ctx.trx('engineJobs').where({ key }).first()) as JobRow | undefined;
    if (!job) throw notFound(`Expected to ${action} job with key '${key}', but no such job was found`);
    return job;
  }

  private jobEvent(ctx: CommandContext, job: JobRow, intent: string, payload: Record<string, unknown> = {}): void {
    ctx.event({
      key: job.key,
      valueType: 'JOB',
      intent,
      processInstanceKey: job.processInstanceKey,
      elementId: job.elementId,
      payload: { type: job.type, ...payload },
    });
  }

  /** Completes a job: its element completes with the variables. */
  async completeJob(key: number, variables: Record<string, unknown>, result?: ListenerResult): Promise<void> {
    await this.command(
      async (ctx, p) => {
        // The group took the job already (locked its hierarchy, deleted it, loaded its instance).
        const job = ctx.prefetched.get(key) as JobRow | undefined;
        ctx.prefetched.delete(key);
        if (!job) throw notFound(`Expected to complete job with key '${key}', but no such job was found`);
        if (job.state === 'failed')
          throw failedPrecondition(
            `Expected to complete job with key '${key}', but it is in state 'FAILED' (it has an incident)`,
          );
        this.jobEvent(ctx, job, 'COMPLETED');
        const state = await ctx.instance(job.processInstanceKey);
        const el = state.elements.get(job.elementInstanceKey);
        if (el?.data.owns) el.data.owns = el.data.owns.filter((o) => o !== 'job');
        const task = el?.elementType === 'USER_TASK' ? await p.userTaskOf(el) : undefined;
        if (el && task?.pending) {
          // A task listener's job: its result may correct the task or deny the transition.
          if (Object.keys(variables).length)
            throw invalidArgument(
              `Expected to complete task listener job with key '${key}' without variables, but variables were given`,
            );
          const eventType = task.pending.eventType;
          if (result?.denied && (eventType === 'creating' || eventType === 'canceling')) {
            throw invalidArgument(
              `Expected to complete task listener job with key '${key}', but a '${eventType}' listener cannot deny the transition`,
            );
          }
          await p.userTaskListenerDone(state, el, task, result ?? { denied: false, corrections: {} });
          return;
        }
        p.complete(job.processInstanceKey, job.elementInstanceKey, variables);
      },
      { takeJob: key },
    );
  }

  /**
   * For a group of job completions: locks the jobs' call hierarchies (roots in key order) and
   * deletes the jobs in one statement (the delete sees each job as the lock holder before us left
   * it), then loads their instances in one more; the commands find them in `ctx.prefetched`.
   */
  private async takeJobs(ctx: CommandContext, keys: number[]): Promise<void> {
    const taken = await pgRows<JobRow>(
      ctx.sql,
      `with roots as materialized (
         select p.key from engine_process_instances p
          where p.key in (select root_key from engine_jobs where key = any($1::bigint[]))
          order by p.key for update of p)
       delete from engine_jobs j using roots r where j.key = any($1::bigint[]) and j.root_key = r.key
       returning ${JOB_COLUMNS.map((c) => `j.${c}`).join(', ')}`,
      [keys],
    );
    for (const job of taken) {
      ctx.lockedRoot(job.rootKey);
      ctx.prefetched.set(job.key, job);
    }
    await ctx.preload(taken.map((j) => j.processInstanceKey));
  }

  // ---------- user tasks ----------

  /** Runs a user task command on a task in state CREATED (NOT_FOUND for unknown or ended tasks, FAILED_PRECONDITION while another transition runs). */
  private async userTaskCommand(
    key: number,
    verb: string,
    fn: (p: Processor, state: InstanceState, el: ElementInstance, task: UserTaskRow) => Promise<void>,
  ): Promise<void> {
    const missing = () => notFound(`Expected to ${verb} user task with key '${key}', but no such user task was found`);
    await this.command(async (ctx, p) => {
      const pre = await loadUserTask(ctx.sql, key, false, ctx.userTasks);
      if (!pre || pre.state === 'COMPLETED' || pre.state === 'CANCELED') throw missing();
      await ctx.lockRoot(pre.rootKey);
      const task = await loadUserTask(ctx.sql, key, true, ctx.userTasks);
      if (!task || task.state === 'COMPLETED' || task.state === 'CANCELED') throw missing();
      if (task.state !== 'CREATED')
        throw failedPrecondition(`Expected to ${verb} user task with key '${key}', but it is in state '${task.state}'`);
      const state = await ctx.instance(task.processInstanceKey).catch(onlyNotFound);
      const el = state?.elements.get(task.elementInstanceKey);
      if (!state || !el) throw missing();
      await fn(p, state, el, task);
    });
  }

  /** Assigns a user task (the assigning listeners run first); allowOverride false rejects an assigned task. */
  async assignUserTask(key: number, assignee: string, allowOverride: boolean, action: string): Promise<void> {
    if (!assignee) throw invalidArgument('Expected a non-empty assignee, but none given');
    await this.userTaskCommand(key, 'assign', async (p, state, el, task) => {
      if (!allowOverride && task.assignee)
        throw failedPrecondition(
          `Expected to assign user task with key '${key}', but it is already assigned to '${task.assignee}'`,
        );
      await p.userTaskTransition(state, el, task, 'assigning', action || 'assign', { assignee });
    });
  }

  /** Removes a user task's assignee (an assigning transition with action 'unassign'). */
  async unassignUserTask(key: number, action: string): Promise<void> {
    await this.userTaskCommand(key, 'unassign', async (p, state, el, task) => {
      await p.userTaskTransition(state, el, task, 'assigning', action || 'unassign', { assignee: null });
    });
  }

  /** Updates candidate groups/users, dates and priority (the updating listeners run first). */
  async updateUserTask(key: number, changes: TaskChanges, action: string): Promise<void> {
    await this.userTaskCommand(key, 'update', async (p, state, el, task) => {
      await p.userTaskTransition(state, el, task, 'updating', action || 'update', changes);
    });
  }

  /** Completes a user task: the completing listeners run, then the element completes with the variables. */
  async completeUserTask(key: number, variables: Record<string, unknown>, action: string): Promise<void> {
    await this.userTaskCommand(key, 'complete', async (p, state, el, task) => {
      await p.userTaskTransition(state, el, task, 'completing', action || 'complete', {}, variables);
    });
  }

  /** Fails a job: retries left → activatable again (after the back-off), none → an incident. */
  async failJob(
    key: number,
    retries: number,
    errorMessage: string,
    retryBackOff: number,
    variables: Record<string, unknown>,
  ): Promise<void> {
    await this.command(async (ctx, p) => {
      const job = await this.lockedJob(ctx, key, 'fail');
      if (job.state === 'failed')
        throw failedPrecondition(
          `Expected to fail job with key '${key}', but it is already failed (it has an incident)`,
        );
      const state = await ctx.instance(job.processInstanceKey);
      const el = state.elements.get(job.elementInstanceKey);
      if (el) for (const [n, v] of Object.entries(variables)) state.setVariable(el.key, n, v);
      this.jobEvent(ctx, job, 'FAILED', { retries, errorMessage });
      if (retries > 0) {
        if (retryBackOff > 0) {
          const due = new Date(ctx.now.getTime() + retryBackOff);
          await ctx
            .trx('engineJobs')
            .where({ key })
            .update({ state: 'backoff', retries, deadline: due, worker: '', errorMessage });
          ctx.noteTimer(due);
        } else {
          await ctx
            .trx('engineJobs')
            .where({ key })
            .update({ state: 'activatable', retries, deadline: null, worker: '', errorMessage });
          ctx.wakeTypes.add(job.type);
        }
      } else {
        await ctx
          .trx('engineJobs')
          .where({ key })
          .update({ state: 'failed', retries: 0, deadline: null, errorMessage });
        // A user task's jobs are its listeners' (Zeebe: TASK_LISTENER_NO_RETRIES).
        if (el)
          await p.raiseIncident(
            state,
            el,
            el.elementType === 'USER_TASK' ? 'TASK_LISTENER_NO_RETRIES' : 'JOB_NO_RETRIES',
            errorMessage || 'No more retries left.',
            'job',
            key,
          );
      }
    });
  }

  /** Throws a BPMN error for a job: caught by the nearest catch, else an incident. */
  async throwError(
    key: number,
    errorCode: string,
    errorMessage: string,
    variables: Record<string, unknown>,
  ): Promise<void> {
    await this.command(async (ctx, p) => {
      const job = await this.lockedJob(ctx, key, 'throw an error for');
      if (job.state === 'failed')
        throw failedPrecondition(`Expected to throw an error for job with key '${key}', but it is in state 'FAILED'`);
      const state = await ctx.instance(job.processInstanceKey);
      const el = state.elements.get(job.elementInstanceKey);
      if (!el) throw notFound(`Expected to throw an error for job with key '${key}', but its element is gone`);
      this.jobEvent(ctx, job, 'ERROR_THROWN', { errorCode, errorMessage });
      if (await p.throwError(state, el, errorCode, variables)) {
        await ctx.trx('engineJobs').where({ key }).delete();
      } else {
        await ctx.trx('engineJobs').where({ key }).update({ state: 'failed', deadline: null, errorMessage });
        const reason = `Expected to throw an error event with the code '${errorCode}'${errorMessage ? ` with message '${errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`;
        await p.raiseIncident(state, el, 'UNHANDLED_ERROR_EVENT', reason, 'job', key);
      }
    });
  }

  /** Sets a job's retries. */
  async updateJobRetries(key: number, retries: number): Promise<void> {
    if (retries < 1) throw invalidArgument(`Expected to update job retries with a positive amount, but got ${retries}`);
    await this.command(async (ctx) => {
      const job = await this.lockedJob(ctx, key, 'update retries of');
      await ctx.trx('engineJobs').where({ key }).update({ retries });
      this.jobEvent(ctx, job, 'RETRIES_UPDATED', { retries });
    });
  }

  /** Resets an activated job's deadline to now + timeout. */
  async updateJobTimeout(key: number, timeoutMs: number): Promise<void> {
    await this.command(async (ctx) => {
      const job = await this.lockedJob(ctx, key, 'update the timeout of');
      if (job.state !== 'activated')
        throw notFound(`Expected to update the timeout of job with key '${key}', but it is not activated`);
      const due = new Date(ctx.now.getTime() + timeoutMs);
      // The scheduler makes timed-out jobs activatable without the hierarchy's lock: the state read
      // above may be stale, so the write checks it again (a timed-out job is not extended).
      const updated = await ctx.trx('engineJobs').where({ key, state: 'activated' }).update({ deadline: due });
      if (!updated) throw notFound(`Expected to update the timeout of job with key '${key}', but it is not activated`);
      ctx.noteTimer(due);
      this.jobEvent(ctx, job, 'TIMEOUT_UPDATED', { timeout: timeoutMs });
    });
  }

  /** Resolves an incident: a job incident makes the job activatable again; an element incident retries the step. */
  async resolveIncident(key: number): Promise<void> {
    await this.command(async (ctx, p) => {
      const pre = (await ctx.trx('engineIncidents').where({ key }).first('rootKey')) as { rootKey: number } | undefined;
      if (!pre) throw notFound(`Expected to resolve incident with key '${key}', but no such incident was found`);
      await ctx.lockRoot(pre.rootKey);
      const inc = (await ctx.trx('engineIncidents').where({ key }).forUpdate().first()) as IncidentRow | undefined;
      if (!inc || inc.state !== 'ACTIVE')
        throw notFound(`Expected to resolve incident with key '${key}', but no such incident was found`);
      await ctx.trx('engineIncidents').where({ key }).update({ state: 'RESOLVED' });
      ctx.event({ key, valueType: 'INCIDENT', intent: 'RESOLVED', processInstanceKey: inc.processInstanceKey });
      const state = await ctx.instance(inc.processInstanceKey);
      const el = state.elements.get(inc.elementInstanceKey);
      if (el?.data.owns) {
        el.data.owns = el.data.owns.filter((o) => o !== 'incident');
        state.touch(el);
      }
      if (inc.retryPhase === 'job' && inc.jobKey !== null) {
        const job = (await ctx.trx('engineJobs').where({ key: inc.jobKey }).forUpdate().first()) as JobRow | undefined;
        if (!job) return;
        if (job.retries > 0) {
          await ctx
            .trx('engineJobs')
            .where({ key: job.key })
            .update({ state: 'activatable', deadline: null, worker: '' });
          ctx.wakeTypes.add(job.type);
        } else if (el) {
          await p.raiseIncident(
            state,
            el,
            el.elementType === 'USER_TASK' ? 'TASK_LISTENER_NO_RETRIES' : 'JOB_NO_RETRIES',
            job.retries <= 0 ? 'No more retries left.' : 'Job failed',
            'job',
            job.key,
          );
        }
      } else if (el) {
        if (inc.retryPhase === 'complete') p.complete(state.pi.key, el.key);
        else p.retryActivation(state.pi.key, el.key);
      }
    });
  }

  // ---------- messages and signals ----------

  /** Publishes a message: correlates it to open subscriptions (once per process id) and buffers it for its TTL. */
  async publishMessage(
    req: {
      name: string;
      correlationKey: string;
      timeToLive: number;
      messageId: string;
      variables: Record<string, unknown>;
      tenantId: string;
    },
    reached?: { processInstanceKey?: number },
  ): Promise<string> {
    if (!req.name) throw invalidArgument('Expected a message name, but none given');
    return this.command(async (ctx, p) => {
      const trx = ctx.trx;
      // `reached` (REST message correlation) learns the first process instance the message reached.
      if (reached) reached.processInstanceKey = undefined;
      // Serialised with every subscription opening and publish of this name and key (issue 22): the
      // reads below are new statements after the lock, so they see what the previous holder committed.
      await ctx.lockMessages([messageLock(req.tenantId, req.name, req.correlationKey)]);
      if (req.messageId) {
        const dup = await trx('engineMessages')
          .where({
            name: req.name,
            correlationKey: req.correlationKey,
            messageId: req.messageId,
            tenantId: req.tenantId,
          })
          .andWhere('expiresAt', '>', ctx.now)
          .first('key');
        if (dup)
          throw alreadyExists(
            `Expected to publish a new message with id '${req.messageId}', but a message with that id was already published`,
          );
      }
      const key = await ctx.key();
      ctx.event({
        key,
        valueType: 'MESSAGE',
        intent: 'PUBLISHED',
        processInstanceKey: null,
        payload: { name: req.name, correlationKey: req.correlationKey },
      });
      const correlated = new Set<string>();
      // Subscriptions opened by an earlier command of this transaction (group commit) go to the table first.
      await ctx.writeMessageSubscriptions(req.tenantId, req.name, req.correlationKey);
      const subs = (await trx('engineMessageSubscriptions')
        .where({ messageName: req.name, correlationKey: req.correlationKey, tenantId: req.tenantId })
        .orderBy('key')) as {
        key: number;
        rootKey: number;
        processInstanceKey: number;
        elementInstanceKey: number;
        targetElementId: string;
        bpmnProcessId: string;
        interrupting: boolean;
      }[];
      // A message correlates at most once per process id: the oldest subscription wins. Lock the
      // hierarchies of each process id's oldest (in key order); should one of them be gone once
      // locked (its element ended meanwhile), the process id's next subscription gets the message.
      const seen = new Set<string>();
      const first = subs.filter((s) => (seen.has(s.bpmnProcessId) ? false : (seen.add(s.bpmnProcessId), true)));
      for (const root of [...new Set(first.map((s) => s.rootKey))].sort((a, b) => a - b)) await ctx.lockRoot(root);
      for (const s of subs) {
        if (correlated.has(s.bpmnProcessId)) continue;
        await ctx.lockRoot(s.rootKey);
        // Still open, now that its hierarchy is locked? Non-interrupting boundary and event subprocess
        // subscriptions stay open; others close as they correlate, so one statement checks and closes.
        // (Closing the subscription of an instance that turns out to have ended is harmless.)
        const still = await pgRows(
          ctx.sql,
          s.interrupting
            ? 'delete from engine_message_subscriptions where key = $1 returning key'
            : 'select key from engine_message_subscriptions where key = $1',
          [s.key],
        );
        if (!still.length) continue;
        const state = await ctx.instance(s.processInstanceKey).catch(onlyNotFound);
        if (!state) continue;
        correlated.add(s.bpmnProcessId);
        ctx.event({
          key,
          valueType: 'MESSAGE',
          intent: 'CORRELATED',
          processInstanceKey: s.processInstanceKey,
          elementId: s.targetElementId,
          payload: { name: req.name, correlationKey: req.correlationKey },
        });
        if (reached) reached.processInstanceKey ??= s.processInstanceKey;
        await p.trigger(state, s.elementInstanceKey, s.targetElementId, req.variables);
      }
      // Message start events of the latest versions.
      const starts = await this.messageStartDefinitions(ctx, req.name, req.tenantId);
      // One active instance per process id and correlation key, whatever message name started it:
      // publishes of other names serialise on this second lock before they look for an active one.
      if (req.correlationKey)
        await ctx.lockMessages(
          starts
            .filter((r) => !correlated.has(r.bpmnProcessId))
            .map((r) => startLock(req.tenantId, r.bpmnProcessId, req.correlationKey)),
        );
      for (const row of starts) {
        if (correlated.has(row.bpmnProcessId)) continue;
        if (req.correlationKey) {
          // An instance started by an earlier command of this transaction is not in the table yet.
          const startedHere = [...ctx.loadedInstances()].some(
            (st) =>
              st.pi.bpmnProcessId === row.bpmnProcessId &&
              st.pi.startCorrelationKey === req.correlationKey &&
              st.pi.state === 'ACTIVE' &&
              st.pi.tenantId === req.tenantId,
          );
          if (startedHere) continue;
          const active = (await trx('engineProcessInstances')
            .where({
              bpmnProcessId: row.bpmnProcessId,
              startCorrelationKey: req.correlationKey,
              state: 'ACTIVE',
              tenantId: req.tenantId,
            })
            .select('key')) as { key: number }[];
          // (one that ended earlier in this transaction is still ACTIVE in the table)
          if (active.some((a) => (ctx.loaded(Number(a.key))?.pi.state ?? 'ACTIVE') === 'ACTIVE')) continue;
        }
        const def = await this.definition(trx, row.key);
        const startId = def.model.messageStarts.find(
          (s) => (def.model.elements.get(s)!.event?.messageName ?? '').replace(/^=\s*"?|"$/g, '') === req.name,
        );
        if (!startId) continue;
        correlated.add(row.bpmnProcessId);
        const started = await p.createInstance(def, req.variables, {
          startId,
          startCorrelationKey: req.correlationKey || undefined,
          tenantId: req.tenantId,
        });
        if (reached) reached.processInstanceKey ??= started.pi.key;
      }
      if (req.timeToLive > 0) {
        await trx('engineMessages').insert({
          key,
          name: req.name,
          correlationKey: req.correlationKey,
          messageId: req.messageId || null,
          variables: JSON.stringify(req.variables),
          expiresAt: new Date(ctx.now.getTime() + req.timeToLive),
          correlatedProcessIds: JSON.stringify([...correlated]),
          tenantId: req.tenantId,
        });
        ctx.noteTimer(new Date(ctx.now.getTime() + req.timeToLive));
      }
      await p.run();
      return String(key);
    });
  }

  /** Broadcasts a signal to every open signal subscription and signal start event. */
  async broadcastSignal(name: string, variables: Record<string, unknown>, tenantId: string): Promise<string> {
    if (!name) throw invalidArgument('Expected a signal name, but none given');
    return this.command(async (ctx, p) => {
      const trx = ctx.trx;
      const key = await ctx.key();
      ctx.event({ key, valueType: 'SIGNAL', intent: 'BROADCASTED', processInstanceKey: null, payload: { name } });
      const subs = (await trx('engineSignalSubscriptions')
        .where({ signalName: name })
        .whereNotNull('elementInstanceKey')
        .orderBy('key')) as {
        key: number;
        rootKey: number;
        processInstanceKey: number;
        elementInstanceKey: number;
        targetElementId: string;
        interrupting: boolean;
      }[];
      for (const root of [...new Set(subs.map((s) => s.rootKey))].sort((a, b) => a - b)) await ctx.lockRoot(root);
      for (const s of subs) {
        const still = await trx('engineSignalSubscriptions').where({ key: s.key }).first('key');
        if (!still) continue;
        const state = await ctx.instance(s.processInstanceKey).catch(onlyNotFound);
        if (!state) continue;
        if (s.interrupting) await trx('engineSignalSubscriptions').where({ key: s.key }).delete();
        await p.trigger(state, s.elementInstanceKey, s.targetElementId, variables);
      }
      const starts = (await trx.raw(
        `select d.key from engine_process_definitions d
          where d.signal_starts \\? ? and d.tenant_id = ?
            and d.version = (select max(version) from engine_process_definitions x where x.bpmn_process_id = d.bpmn_process_id and x.tenant_id = d.tenant_id)`,
        [name, tenantId],
      )) as { rows: { key: number }[] };
      for (const row of starts.rows) {
        const def = await this.definition(trx, row.key);
        const startId = def.model.signalStarts.find((s) => def.model.elements.get(s)!.event?.signalName === name);
        if (startId) await p.createInstance(def, variables, { startId, tenantId });
      }
      return String(key);
    });
  }

  // ---------- scheduler work ----------

  /** Makes timed-out and backed-off jobs activatable again; returns how many. */
  async reviveJobs(): Promise<number> {
    const now = this.clock.now();
    const rows = await this.query(async (db) => {
      const revived = await rawRows<{ key: number; type: string; processInstanceKey: number; elementId: string }>(
        db,
        `update engine_jobs set state = 'activatable', deadline = null, worker = ''
          where state in ('activated', 'backoff') and deadline <= ?
          returning key, type, state, process_instance_key, element_id`,
        [now],
      );
      if (revived.length)
        await db('engineEvents').insert(
          revived.map((r) => ({
            key: r.key,
            valueType: 'JOB',
            intent: 'TIMED_OUT',
            processInstanceKey: r.processInstanceKey,
            elementId: r.elementId,
            payload: JSON.stringify({ type: r.type }),
            createdAt: now,
          })),
        );
      return revived;
    });
    for (const t of new Set(rows.map((r) => r.type))) this.notifyJobs(t);
    return rows.length;
  }

  /** Fires due timers, each in its own command; returns how many fired. */
  async fireTimers(limit = 100): Promise<number> {
    const due = (await this.query((db) =>
      db('engineTimers').where('dueAt', '<=', this.clock.now()).orderBy('dueAt').limit(limit).select('key'),
    )) as { key: number }[];
    let fired = 0;
    for (const { key } of due) {
      await this.command(async (ctx, p) => {
        const pre = (await ctx.trx('engineTimers').where({ key }).first('rootKey')) as
          { rootKey: number | null } | undefined;
        if (!pre) return;
        if (pre.rootKey !== null) await ctx.lockRoot(pre.rootKey);
        const t = (await ctx.trx('engineTimers').where({ key }).forUpdate().first()) as
          | {
              key: number;
              dueAt: Date;
              elementInstanceKey: number | null;
              processInstanceKey: number | null;
              rootKey: number | null;
              processDefinitionKey: number | null;
              targetElementId: string;
              repetitions: number;
              cycle: string | null;
            }
          | undefined;
        if (!t) return;
        await ctx.trx('engineTimers').where({ key }).delete();
        fired++;
        ctx.event({
          key,
          valueType: 'TIMER',
          intent: 'TRIGGERED',
          processInstanceKey: t.processInstanceKey,
          elementId: t.targetElementId,
        });
        const next = t.cycle ? nextCycle(t.cycle, t.repetitions, new Date(t.dueAt)) : undefined;
        if (t.processDefinitionKey !== null) {
          const def = await this.definition(ctx.trx, t.processDefinitionKey);
          await p.createInstance(def, {}, { startId: t.targetElementId });
          if (next)
            ctx.timers.push({
              key: await ctx.key(),
              dueAt: next.dueAt,
              processDefinitionKey: t.processDefinitionKey,
              targetElementId: t.targetElementId,
              repetitions: next.repetitions,
              cycle: next.cycle ?? null,
            });
        } else if (t.processInstanceKey !== null && t.elementInstanceKey !== null) {
          const state = await ctx.instance(t.processInstanceKey).catch(onlyNotFound);
          if (!state) return;
          const target = state.model.elements.get(t.targetElementId);
          if (next && target && !target.interrupting) {
            ctx.timers.push({
              key: await ctx.key(),
              dueAt: next.dueAt,
              elementInstanceKey: t.elementInstanceKey,
              processInstanceKey: t.processInstanceKey,
              rootKey: t.rootKey,
              targetElementId: t.targetElementId,
              repetitions: next.repetitions,
              cycle: next.cycle ?? null,
            });
          }
          if (next) ctx.noteTimer(next.dueAt);
          await p.trigger(state, t.elementInstanceKey, t.targetElementId, {});
        }
      });
    }
    return fired;
  }

  // ---------- consistency ----------

  /** Pairs of (buffered message, open subscription) reported so far and still present, by "message/subscription" key. */
  private readonly reportedPairs = new Set<string>();
  private readonly messageCheck: MessageConsistency = { open: 0, total: 0, lastCheckedAt: null };

  /** What the last consistency check found (see checkMessageConsistency). */
  health(): EngineHealth {
    return { messageInconsistencies: { ...this.messageCheck } };
  }

  /**
   * Looks for buffered messages (not expired) and open subscriptions with the same tenant, name and
   * correlation key whose process id the message has not correlated to. Publish and subscription
   * opening are serialised (docs/ARCHITECTURE.md), so every such pair is a bug: a waiting instance
   * that nothing will ever wake. Each new pair is logged at error level once and counted; `open` is
   * how many the last check saw. Returns that number.
   */
  async checkMessageConsistency(limit = 100): Promise<number> {
    const rows = await this.query((db) =>
      rawRows<{
        messageKey: number;
        subscriptionKey: number;
        processInstanceKey: number;
        bpmnProcessId: string;
        elementId: string;
        name: string;
        correlationKey: string;
        tenantId: string;
      }>(
        db,
        `select m.key as message_key, s.key as subscription_key, s.process_instance_key, s.bpmn_process_id, s.target_element_id as element_id,
                m.name, m.correlation_key, m.tenant_id
           from engine_messages m
           join engine_message_subscriptions s on s.message_name = m.name and s.correlation_key = m.correlation_key and s.tenant_id = m.tenant_id
          where m.expires_at > ? and not (m.correlated_process_ids \\? s.bpmn_process_id)
          order by m.key, s.key limit ?`,
        [this.clock.now(), limit],
      ),
    );
    const present = new Set<string>();
    for (const r of rows) {
      const pair = `${r.messageKey}/${r.subscriptionKey}`;
      present.add(pair);
      if (this.reportedPairs.has(pair)) continue;
      this.messageCheck.total++;
      this.logger.error(
        {
          messageKey: String(r.messageKey),
          subscriptionKey: String(r.subscriptionKey),
          processInstanceKey: String(r.processInstanceKey),
          bpmnProcessId: r.bpmnProcessId,
          elementId: r.elementId,
          messageName: r.name,
          correlationKey: r.correlationKey,
          tenantId: r.tenantId,
        },
        'engine: inconsistent message correlation: a buffered message and an open subscription match but did not correlate (the instance waits for a message that is already there)',
      );
    }
    this.reportedPairs.clear();
    for (const p of present) this.reportedPairs.add(p);
    this.messageCheck.open = rows.length;
    this.messageCheck.lastCheckedAt = this.clock.now().toISOString();
    return rows.length;
  }

  /** Drops buffered messages whose TTL has passed. */
  async expireMessages(): Promise<void> {
    await this.query((db) => db('engineMessages').where('expiresAt', '<=', this.clock.now()).delete());
  }

  /** The earliest due time in the database (timers, job deadlines, message TTLs), if any. */
  async nextDue(): Promise<Date | undefined> {
    const r = (await this.query((db) =>
      db.raw(
        `select least(
         (select min(due_at) from engine_timers),
         (select min(deadline) from engine_jobs where state in ('activated', 'backoff')),
         (select min(expires_at) from engine_messages)) as due`,
      ),
    )) as { rows: { due: Date | null }[] };
    return r.rows[0]?.due ? new Date(r.rows[0].due) : undefined;
  }
}
