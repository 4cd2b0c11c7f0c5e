import type { Knex } from 'knex';
import type { ProcessModel } from '../bpmn/model.js';
import { WriteBatch } from '../state/batch.js';
import { InstanceState, type ElementInstance, type ProcessInstanceRow } from '../state/instance.js';
import { camel, pgRows, type SqlTarget } from '../state/sql.js';
import { USER_TASK_UPSERT, userTaskWrites, type TaskCache } from '../state/user-tasks.js';
import type { KeyAllocator } from '../state/keys.js';
import type { Clock } from '../../platform/clock.js';
import { notFound } from '../errors.js';
import { sortLocks } from '../state/message-locks.js';

export interface DefinitionRow {
  key: number;
  bpmnProcessId: string;
  version: number;
  versionTag: string | null;
  resourceName: string;
  deploymentKey: number;
  tenantId: string;
}

export interface Definition {
  row: DefinitionRow;
  model: ProcessModel;
}

/**
 * Where a lookup may query when its cache misses: a knex object, or something that makes one on
 * demand (a command context: asking for its query builder costs a little, cache hits need none).
 */
export type DbSource = Knex | Knex.Transaction | { readonly trx: Knex.Transaction };

/** The knex object of a DbSource. */
export function dbOf(source: DbSource): Knex | Knex.Transaction {
  return typeof source === 'function' ? source : source.trx;
}

/** A command's transaction: the query builder (made on first use) and the connection client for `pgRows`. */
export interface CommandTx extends SqlTarget {
  readonly trx: Knex.Transaction;
  /** Tells the transaction that the next statement is its last (see CommandTransaction). */
  lastStatement?(): void;
}

/** What the engine offers to a command (definitions cache, keys). */
export interface EngineServices {
  keys: KeyAllocator;
  /** The engine's clock (pinned by `PUT /v2/clock` where clock control is on). */
  clock: Clock;
  definition(db: DbSource, key: number): Promise<Definition>;
  latestDefinition(db: DbSource, bpmnProcessId: string, tenantId: string): Promise<Definition | undefined>;
  /** Offers the command's new activatable jobs to waiting workers (called at flush): jobs taken are written as activated. */
  offerJobs?(ctx: CommandContext, jobs: Record<string, unknown>[]): void;
  /** The definition a call activity binds to (versionTag: latest with that tag; deployment: deployed with the caller). */
  boundDefinition(
    db: DbSource,
    bpmnProcessId: string,
    tenantId: string,
    binding: { versionTag?: string; deploymentKey?: number },
  ): Promise<Definition | undefined>;
}

export interface EventRecord {
  key: number;
  valueType: string;
  intent: string;
  processInstanceKey: number | null;
  elementId?: string | null;
  elementType?: string | null;
  payload?: Record<string, unknown> | null;
}

export interface FinishedInstance {
  key: number;
  state: 'COMPLETED' | 'TERMINATED';
  variables: Record<string, unknown>;
}

/** A message lock another transaction holds, met by a group of commands (which then run one by one). */
export class LockBusy extends Error {
  constructor() {
    super('engine: a message lock is held by another transaction; the group runs its commands one by one');
  }
}

/** One command's transaction and everything it changes, written at the end in batches. */
export class CommandContext {
  /** The engine clock's time when the command started: every time decision of the command uses it. */
  readonly now: Date;
  private readonly instances = new Map<number, InstanceState>();
  private readonly lockedRoots = new Set<number>();
  readonly jobs: Record<string, unknown>[] = [];
  readonly timers: Record<string, unknown>[] = [];
  readonly messageSubscriptions: Record<string, unknown>[] = [];
  readonly signalSubscriptions: Record<string, unknown>[] = [];
  readonly incidents: Record<string, unknown>[] = [];
  readonly events: EventRecord[] = [];
  readonly removedOwners = new Map<string, number[]>();
  /** User tasks created or changed in this transaction (written with the batch). */
  readonly userTasks: TaskCache = new Map();
  readonly resolvedIncidentKeys: number[] = [];
  /** Job types that got an activatable job (wake long polls after commit). */
  readonly wakeTypes = new Set<string>();
  readonly finished: FinishedInstance[] = [];
  /** Signals thrown by throw events, broadcast after this command. */
  readonly thrownSignals: { name: string; variables: Record<string, unknown> }[] = [];
  /** Callbacks run after the transaction commits. */
  readonly commitHooks: (() => void)[] = [];
  /** Earliest new timer (wakes the scheduler). */
  earliestTimer?: Date;
  /** Rows a group of commands fetched up front for its commands (e.g. the jobs being completed), by key. */
  readonly prefetched = new Map<number, unknown>();
  /** New jobs activated at creation for waiting workers (see EngineServices.offerJobs), handed over after commit. */
  readonly offered: { sink: unknown; job: unknown }[] = [];

  constructor(
    readonly services: EngineServices,
    private readonly tx: CommandTx,
    /** Whether this transaction runs several commands (group commit): see lockMessages. */
    private readonly grouped = false,
  ) {
    this.now = services.clock.now();
  }

  /** The query builder over this command's transaction. */
  get trx(): Knex.Transaction {
    return this.tx.trx;
  }

  /** This command's transaction for `pgRows` (the hot statements; no query builder needed). */
  get sql(): SqlTarget {
    return this.tx;
  }

  /** Runs a callback after this command's transaction commits. */
  onCommit(hook: () => void): void {
    this.commitHooks.push(hook);
  }

  /** A new 64-bit key. */
  key(): Promise<number> {
    return this.services.keys.take(this.tx);
  }

  /** Appends a record to the event log (written with the command). */
  event(e: EventRecord): void {
    this.events.push(e);
  }

  /** Serialises commands on a call hierarchy: locks its root instance row for this transaction. */
  async lockRoot(rootKey: number): Promise<void> {
    if (this.lockedRoots.has(rootKey)) return;
    await this.trx.raw('select key from engine_process_instances where key = ? for update', [rootKey]);
    this.lockedRoots.add(rootKey);
  }

  private readonly heldLocks = new Set<string>();

  /**
   * Takes transaction-scoped advisory locks (state/message-locks.ts) this transaction does not
   * hold yet, in ascending order, in one statement. Callers read what the locks guard (message
   * buffer, subscriptions, active message-started instances) in statements after this one: under
   * READ COMMITTED each statement takes a new snapshot, so they see whatever the previous holder
   * committed. A statement that waited for the lock itself would still see its older snapshot.
   */
  async lockMessages(keys: string[]): Promise<void> {
    const missing = sortLocks(keys.filter((k) => !this.heldLocks.has(k)));
    if (!missing.length) return;
    if (this.grouped) {
      // Several commands in one transaction take their locks in command order, not key order: two
      // such groups could each wait for the other (PostgreSQL notices after deadlock_timeout, 1 s by
      // default, a stall of every command in both). A group only tries; when a lock is taken, the
      // group is rolled back and its commands run alone, where waiting is safe.
      const rows = await pgRows<{ ok: boolean }>(
        this.tx,
        'select bool_and(pg_try_advisory_xact_lock(k)) as ok from unnest($1::bigint[]) as k',
        [missing],
      );
      if (!rows[0]?.ok) throw new LockBusy();
    } else if (missing.length === 1) await pgRows(this.tx, 'select pg_advisory_xact_lock($1::bigint)', missing);
    // unnest yields the array in order, and the locks are taken row by row in that order.
    else await pgRows(this.tx, 'select count(pg_advisory_xact_lock(k)) from unnest($1::bigint[]) as k', [missing]);
    for (const k of missing) this.heldLocks.add(k);
  }

  /**
   * Writes this transaction's pending message subscriptions for a name and correlation key now,
   * instead of with the final batch: a publish later in the same transaction (group commit runs
   * several commands in one) reads subscriptions from the table, and must find them there.
   */
  async writeMessageSubscriptions(tenantId: string, messageName: string, correlationKey: string): Promise<void> {
    const matches = (r: Record<string, unknown>) =>
      r.tenantId === tenantId && r.messageName === messageName && r.correlationKey === correlationKey;
    if (!this.messageSubscriptions.some(matches)) return;
    const gone = new Set(this.removedOwners.get('message') ?? []);
    const now = this.messageSubscriptions.filter(matches);
    const live = now.filter((r) => !gone.has(r.elementInstanceKey as number) && !this.targetRemoved(r));
    // Removed later in this transaction? The batch's deletes see rows written by earlier statements.
    for (let i = this.messageSubscriptions.length - 1; i >= 0; i--)
      if (matches(this.messageSubscriptions[i])) this.messageSubscriptions.splice(i, 1);
    if (live.length) await this.trx('engineMessageSubscriptions').insert(live);
  }

  /** Active instances this command created or loaded (not yet written, for the new ones). */
  loadedInstances(): IterableIterator<InstanceState> {
    return this.instances.values();
  }

  private targetRemoved(r: Record<string, unknown>): boolean {
    return this.removedTargets.some(
      (t) => t.ownerKey === r.elementInstanceKey && t.targets.includes(r.targetElementId as string),
    );
  }

  /** Marks a root as locked by a query the caller ran itself (e.g. a join with FOR UPDATE OF the root). */
  lockedRoot(rootKey: number): void {
    this.lockedRoots.add(rootKey);
  }

  /** The loaded state of a process instance; locks its root first (one query when it is a root). */
  async instance(key: number): Promise<InstanceState> {
    const cached = this.instances.get(key);
    if (cached) return cached;
    let loaded = await this.load(key, !this.lockedRoots.has(key));
    if (loaded && !this.lockedRoots.has(loaded.pi.rootKey)) {
      // A child instance: take the hierarchy's lock, then read again what may have changed meanwhile.
      await this.lockRoot(loaded.pi.rootKey);
      loaded = await this.load(key, false);
    }
    if (!loaded || loaded.pi.state !== 'ACTIVE')
      throw notFound(`Expected to find an active process instance with key '${key}', but none was found`);
    this.lockedRoots.add(loaded.pi.key === loaded.pi.rootKey ? loaded.pi.key : loaded.pi.rootKey);
    const def = await this.services.definition(this, loaded.pi.processDefinitionKey);
    const state = InstanceState.fromRows(loaded.pi, def.model, loaded.elements, loaded.variables);
    this.instances.set(key, state);
    return state;
  }

  /** An instance this command has loaded or created, if any. */
  loaded(key: number): InstanceState | undefined {
    return this.instances.get(key);
  }

  /** Loads several instances whose roots this transaction has locked, in one statement (a group of commands preparing its work). */
  async preload(keys: number[]): Promise<void> {
    const missing = [...new Set(keys)].filter((k) => !this.instances.has(k));
    if (!missing.length) return;
    const rows = await pgRows<LoadedRow>(this.tx, `${LOAD_SQL} where p.key = any($1::bigint[])`, [missing]);
    for (const row of rows) {
      const { pi, elements, variables } = fromLoaded(row);
      if (pi.state !== 'ACTIVE' || !this.lockedRoots.has(pi.rootKey)) continue;
      const def = await this.services.definition(this, pi.processDefinitionKey);
      this.instances.set(pi.key, InstanceState.fromRows(pi, def.model, elements, variables));
    }
  }

  private async load(
    key: number,
    lock: boolean,
  ): Promise<
    | {
        pi: ProcessInstanceRow;
        elements: ElementInstance[];
        variables: { scopeKey: number; name: string; value: unknown }[];
      }
    | undefined
  > {
    const rows = await pgRows<LoadedRow>(this.tx, `${LOAD_SQL} where p.key = $1${lock ? ' for update of p' : ''}`, [
      key,
    ]);
    const row = rows[0];
    if (!row) return undefined;
    const loaded = fromLoaded(row);
    if (lock && loaded.pi.rootKey === loaded.pi.key) this.lockedRoots.add(loaded.pi.key);
    return loaded;
  }

  /** Registers a process instance created by this command. */
  adopt(state: InstanceState): void {
    state.isNew = true;
    this.instances.set(state.pi.key, state);
    this.lockedRoots.add(state.pi.rootKey);
  }

  /** Waits (timers, message and signal subscriptions) of an owner to remove for some targets only. */
  readonly removedTargets: { ownerKey: number; targets: string[] }[] = [];

  /** Removes an owner's waits for the given target elements (e.g. event subprocess starts), keeping its others. */
  removeTargets(ownerKey: number, targets: string[]): void {
    if (targets.length) this.removedTargets.push({ ownerKey, targets });
  }

  /** Records that rows owned by an element instance must be removed. */
  removeOwned(kind: string, elementInstanceKey: number): void {
    let list = this.removedOwners.get(kind);
    if (!list) this.removedOwners.set(kind, (list = []));
    list.push(elementInstanceKey);
  }

  /** Remembers the earliest new due time, to wake the scheduler after commit. */
  noteTimer(due: Date): void {
    if (!this.earliestTimer || due < this.earliestTimer) this.earliestTimer = due;
  }

  /** Writes everything in one statement (plus pg_notify for the job types woken, when `notify` is given). */
  async flush(notify?: { channel: string; payload: (type: string) => string }): Promise<void> {
    const batch = new WriteBatch();
    for (const state of this.instances.values()) state.flush(batch, this.now);
    if (this.userTasks.size)
      batch.insert('engine_user_tasks', userTaskWrites(this.userTasks.values()), USER_TASK_UPSERT);
    const removed = (kind: string) => new Set(this.removedOwners.get(kind) ?? []);
    const targetGone = (r: Record<string, unknown>) => this.targetRemoved(r);
    const keep = (rows: Record<string, unknown>[], kind: string) => {
      const gone = removed(kind);
      return rows.filter((r) => !gone.has(r.elementInstanceKey as number) && (kind === 'job' || !targetGone(r)));
    };
    const jobs = keep(this.jobs, 'job');
    this.services.offerJobs?.(this, jobs);
    batch.insert('engine_jobs', jobs);
    batch.insert('engine_timers', keep(this.timers, 'timer'));
    batch.insert('engine_message_subscriptions', keep(this.messageSubscriptions, 'message'));
    batch.insert('engine_signal_subscriptions', keep(this.signalSubscriptions, 'signal'));
    const tables: Record<string, string> = {
      job: 'engine_jobs',
      timer: 'engine_timers',
      message: 'engine_message_subscriptions',
      signal: 'engine_signal_subscriptions',
    };
    for (const t of this.removedTargets) {
      for (const table of ['engine_timers', 'engine_message_subscriptions', 'engine_signal_subscriptions']) {
        batch.add(`delete from ${table} where element_instance_key = ? and target_element_id = any(?::text[])`, [
          t.ownerKey,
          t.targets,
        ]);
      }
    }
    for (const [kind, keys] of this.removedOwners) {
      if (kind === 'incident') continue;
      batch.add(`delete from ${tables[kind]} where element_instance_key = any(?::bigint[])`, [keys]);
    }
    const incidentOwners = removed('incident');
    const newIncidents = this.incidents.filter((i) => !incidentOwners.has(i.elementInstanceKey as number));
    batch.insert('engine_incidents', newIncidents);
    if (incidentOwners.size) {
      batch.add(
        "update engine_incidents set state = 'RESOLVED' where element_instance_key = any(?::bigint[]) and state = 'ACTIVE' returning key, process_instance_key",
        [[...incidentOwners]],
        'resolved_incidents',
      );
      batch.add(
        "insert into engine_events (key, value_type, intent, process_instance_key, created_at) select key, 'INCIDENT', 'RESOLVED', process_instance_key, ?::timestamptz from resolved_incidents",
        [this.now.toISOString()],
      );
    }
    if (this.resolvedIncidentKeys.length)
      batch.add("update engine_incidents set state = 'RESOLVED' where key = any(?::bigint[])", [
        this.resolvedIncidentKeys,
      ]);
    const now = this.now.toISOString();
    batch.insert(
      'engine_events',
      this.events.map((e) => ({
        key: e.key,
        valueType: e.valueType,
        intent: e.intent,
        processInstanceKey: e.processInstanceKey,
        elementId: e.elementId ?? null,
        elementType: e.elementType ?? null,
        payload: e.payload ?? null,
        createdAt: now,
      })),
    );
    // The write is the transaction's last statement: a command that wrote only this runs without BEGIN/COMMIT.
    this.tx.lastStatement?.();
    await batch.run(
      this.tx,
      notify && this.wakeTypes.size
        ? { channel: notify.channel, payloads: [...this.wakeTypes].map(notify.payload) }
        : undefined,
    );
  }
}

/** One process instance with its active elements and variables (followed by a WHERE on p). */
const LOAD_SQL = `select row_to_json(p.*) as pi,
   coalesce((select json_agg(e.*) from engine_element_instances e where e.process_instance_key = p.key), '[]'::json) as elements,
   coalesce((select json_agg(json_build_object('scopeKey', v.scope_key, 'name', v.name, 'value', v.value)) from engine_variables v where v.process_instance_key = p.key), '[]'::json) as variables
 from engine_process_instances p`;

interface LoadedRow {
  pi: Record<string, unknown>;
  elements: Record<string, unknown>[];
  variables: { scopeKey: number; name: string; value: unknown }[];
}

function fromLoaded(row: LoadedRow): {
  pi: ProcessInstanceRow;
  elements: ElementInstance[];
  variables: { scopeKey: number; name: string; value: unknown }[];
} {
  return {
    pi: camelKeys(row.pi) as unknown as ProcessInstanceRow,
    elements: row.elements.map((e) => camelKeys(e) as unknown as ElementInstance),
    variables: row.variables,
  };
}

function camelKeys(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[camel(k)] = v;
  return out;
}
