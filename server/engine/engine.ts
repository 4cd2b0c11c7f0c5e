import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../platform/clock.js';
import type { ActivateRequest, ActivatedJob, EngineHealth, JobSink, ListenerResult, Waiter } from './api.js';
import { deploy } from './commands/deploy.js';
import { resolveIncident } from './commands/incidents.js';
import { activateJobs, completeJob, failJob, throwError, updateJobRetries, updateJobTimeout } from './commands/jobs.js';
import { MessageConsistencyCheck } from './commands/message-consistency.js';
import { expireMessages, publishMessage } from './commands/messages.js';
import {
  cancelProcessInstance,
  createProcessInstance,
  createProcessInstanceWithResult,
  type CreateInstanceRequest,
} from './commands/process-instances.js';
import { CommandQueue, type CommandFn } from './commands/queue.js';
import { broadcastSignal } from './commands/signals.js';
import { fireTimers, nextDue, reviveJobs } from './commands/timers.js';
import { assignUserTask, completeUserTask, unassignUserTask, updateUserTask } from './commands/user-tasks.js';
import { setVariables } from './commands/variables.js';
import { JobPush } from './jobs/push.js';
import { PeerWakeup } from './jobs/wakeup.js';
import type { CommandContext, DbSource, Definition, EngineServices, FinishedInstance } from './processor/context.js';
import { DefinitionCache } from './state/definitions.js';
import { KeyAllocator } from './state/keys.js';
import { rawRows } from './state/sql.js';
import type { TaskChanges } from './state/user-tasks.js';

// The engine's public shapes, imported from here by the gateways and by Okno.
export {
  DEFAULT_TENANT,
  parseVariables,
  type ActivateRequest,
  type ActivatedJob,
  type DeployedResource,
  type EngineHealth,
  type JobSink,
  type ListenerResult,
  type MessageConsistency,
} from './api.js';

/**
 * The engine's command side, a facade: every command is one transaction run by the command queue
 * (commands/queue.ts), with wake-ups after commit. Each command intent lives in its own module under
 * commands/; job push and wake-ups in jobs/; the definitions cache in state/definitions.ts.
 */
export class Engine implements EngineServices {
  readonly keys = new KeyAllocator();
  readonly defs = new DefinitionCache();
  readonly push: JobPush;
  readonly wakeup: PeerWakeup;
  /** Callers of createProcessInstanceWithResult waiting for their instance, by instance key. */
  readonly resultWaiters = new Map<number, (f: FinishedInstance) => void>();
  /** Called with the earliest new due time (timers, job deadlines) so the scheduler can wake sooner. */
  onDue: (at: Date) => void = () => undefined;
  private readonly queue: CommandQueue;
  private readonly consistency: MessageConsistencyCheck;

  constructor(
    readonly knex: Knex,
    readonly logger: Logger,
    readonly clock: Clock = systemClock(),
  ) {
    this.queue = new CommandQueue(this);
    this.push = new JobPush(logger, (fn) => this.query(fn));
    this.wakeup = new PeerWakeup(knex, logger, (type) => this.push.notifyJobs(type));
    this.consistency = new MessageConsistencyCheck(this);
  }

  /** Number of commands running now (backpressure). */
  get inFlight(): number {
    return this.queue.inFlight;
  }

  /** Detects the database kind; on PostgreSQL listens for job wake-ups from other engine processes. */
  async init(): Promise<void> {
    const rows = await rawRows<{ version: string; schema: string }>(
      this.knex,
      'select version() as version, current_schema() as schema',
    );
    this.queue.serialDb = /PGlite/i.test(rows[0]?.version ?? '');
    if (!this.queue.serialDb) await this.wakeup.start(rows[0]?.schema ?? 'public');
  }

  /** Stops listening for other processes' wake-ups and closes the command connections. */
  async close(): Promise<void> {
    await this.wakeup.stop();
    await this.queue.close();
  }

  /** Runs queries outside a command: plainly on PostgreSQL, inside a transaction on PGlite. */
  query<T>(fn: (db: Knex | Knex.Transaction) => Promise<T>): Promise<T> {
    return this.queue.serialDb ? this.knex.transaction((trx) => fn(trx)) : fn(this.knex);
  }

  /** Runs a command in a transaction (group commit, retries: commands/queue.ts). */
  command<T>(fn: CommandFn<T>, opts: { takeJob?: number } = {}): Promise<T> {
    return this.queue.command(fn, opts);
  }

  // ---------- definitions (state/definitions.ts) ----------

  definition(db: DbSource, key: number): Promise<Definition> {
    return this.defs.definition(db, key);
  }

  latestDefinition(db: DbSource, bpmnProcessId: string, tenantId: string): Promise<Definition | undefined> {
    return this.defs.latestDefinition(db, bpmnProcessId, tenantId);
  }

  boundDefinition(
    db: DbSource,
    bpmnProcessId: string,
    tenantId: string,
    binding: { versionTag?: string; deploymentKey?: number },
  ): Promise<Definition | undefined> {
    return this.defs.boundDefinition(db, bpmnProcessId, tenantId, binding);
  }

  // ---------- job push and wake-ups (jobs/push.ts) ----------

  addJobSink(sink: JobSink): () => void {
    return this.push.addJobSink(sink);
  }

  offerJobs(ctx: CommandContext, jobs: Record<string, unknown>[]): void {
    this.push.offerJobs(ctx, jobs);
  }

  returnJobs(jobs: ActivatedJob[]): void {
    this.push.returnJobs(jobs);
  }

  notifyJobs(type: string): void {
    this.push.notifyJobs(type);
  }

  onClose(closer: () => void): () => void {
    return this.push.onClose(closer);
  }

  closeStreams(): void {
    this.push.closeStreams();
  }

  onJobs(type: string, waiter: Waiter): () => void {
    return this.push.onJobs(type, waiter);
  }

  // ---------- commands (one module each under commands/) ----------

  deploy(resources: { name: string; content: Buffer }[], tenantId: string): ReturnType<typeof deploy> {
    return deploy(this, resources, tenantId);
  }

  createProcessInstance(
    req: CreateInstanceRequest,
    onCreated?: (key: number, wait: (f: FinishedInstance) => void) => void,
  ): ReturnType<typeof createProcessInstance> {
    return createProcessInstance(this, req, onCreated);
  }

  createProcessInstanceWithResult(
    req: CreateInstanceRequest,
    timeoutMs: number,
  ): ReturnType<typeof createProcessInstanceWithResult> {
    return createProcessInstanceWithResult(this, req, timeoutMs);
  }

  cancelProcessInstance(key: number): Promise<void> {
    return cancelProcessInstance(this, key);
  }

  setVariables(elementInstanceKey: number, variables: Record<string, unknown>, local: boolean): Promise<string> {
    return setVariables(this, elementInstanceKey, variables, local);
  }

  activateJobs(req: ActivateRequest): Promise<ActivatedJob[]> {
    return activateJobs(this, req);
  }

  completeJob(key: number, variables: Record<string, unknown>, result?: ListenerResult): Promise<void> {
    return completeJob(this, key, variables, result);
  }

  failJob(
    key: number,
    retries: number,
    errorMessage: string,
    retryBackOff: number,
    variables: Record<string, unknown>,
  ): Promise<void> {
    return failJob(this, key, retries, errorMessage, retryBackOff, variables);
  }

  throwError(key: number, errorCode: string, errorMessage: string, variables: Record<string, unknown>): Promise<void> {
    return throwError(this, key, errorCode, errorMessage, variables);
  }

  updateJobRetries(key: number, retries: number): Promise<void> {
    return updateJobRetries(this, key, retries);
  }

  updateJobTimeout(key: number, timeoutMs: number): Promise<void> {
    return updateJobTimeout(this, key, timeoutMs);
  }

  assignUserTask(key: number, assignee: string, allowOverride: boolean, action: string): Promise<void> {
    return assignUserTask(this, key, assignee, allowOverride, action);
  }

  unassignUserTask(key: number, action: string): Promise<void> {
    return unassignUserTask(this, key, action);
  }

  updateUserTask(key: number, changes: TaskChanges, action: string): Promise<void> {
    return updateUserTask(this, key, changes, action);
  }

  completeUserTask(key: number, variables: Record<string, unknown>, action: string): Promise<void> {
    return completeUserTask(this, key, variables, action);
  }

  resolveIncident(key: number): Promise<void> {
    return resolveIncident(this, key);
  }

  publishMessage(
    req: Parameters<typeof publishMessage>[1],
    reached?: { processInstanceKey?: number },
  ): Promise<string> {
    return publishMessage(this, req, reached);
  }

  broadcastSignal(name: string, variables: Record<string, unknown>, tenantId: string): Promise<string> {
    return broadcastSignal(this, name, variables, tenantId);
  }

  // ---------- scheduler work (commands/timers.ts, commands/messages.ts) ----------

  reviveJobs(): Promise<number> {
    return reviveJobs(this);
  }

  fireTimers(limit = 100): Promise<number> {
    return fireTimers(this, limit);
  }

  expireMessages(): Promise<void> {
    return expireMessages(this);
  }

  nextDue(): Promise<Date | undefined> {
    return nextDue(this);
  }

  // ---------- consistency (commands/message-consistency.ts) ----------

  /** What the last consistency check found (see checkMessageConsistency). */
  health(): EngineHealth {
    return { messageInconsistencies: this.consistency.last() };
  }

  /** Looks for a buffered message and an open subscription that match but did not correlate (a bug); returns how many. */
  checkMessageConsistency(limit = 100): Promise<number> {
    return this.consistency.run(limit);
  }
}
