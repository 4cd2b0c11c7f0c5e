import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { DEFAULT_TENANT } from '../api.js';
import { CommandContext, type CommandTx, type EngineServices, type FinishedInstance } from '../processor/context.js';
import { Processor } from '../processor/processor.js';
import { CommandConnections, CommandTransaction } from '../state/transaction.js';
import type { JobPush } from '../jobs/push.js';
import type { PeerWakeup } from '../jobs/wakeup.js';
import { takeJobs } from './jobs.js';

/** Transactions the engine runs at once on PostgreSQL (PGlite: one). */
const MAX_PARALLEL_TRANSACTIONS = 4;
/** Commands run together in one transaction at most. */
const MAX_GROUP = 32;

export type CommandFn<T> = (ctx: CommandContext, p: Processor) => Promise<T>;

interface QueuedCommand {
  fn: CommandFn<unknown>;
  /** A job the command completes: its group locks the hierarchies and deletes all such jobs in one statement, then loads their instances in one more. */
  takeJob?: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** What the command queue needs of the engine. */
export interface QueueHost extends EngineServices {
  readonly knex: Knex;
  readonly logger: Logger;
  readonly push: JobPush;
  readonly wakeup: PeerWakeup;
  readonly resultWaiters: Map<number, (f: FinishedInstance) => void>;
  onDue: (at: Date) => void;
  broadcastSignal(name: string, variables: Record<string, unknown>, tenantId: string): Promise<string>;
}

function retryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '40P01' || code === '40001' || code === '23505';
}

/**
 * The command path: every command is one transaction (retried on deadlock / serialization
 * failures), with wake-ups after commit. Under load, commands waiting for a free transaction slot
 * run together in one transaction (group commit, like Zeebe's batch processing); if any of them is
 * rejected, the group is rolled back and each command runs again on its own.
 */
export class CommandQueue {
  /** True on the embedded PGlite: its socket server may interleave concurrent statements outside transactions. */
  serialDb = false;
  /** Number of commands running now (backpressure). */
  inFlight = 0;

  /** The engine's own connections for command transactions (PostgreSQL; on PGlite knex's transactions). */
  private connections?: CommandConnections;
  private closed = false;

  constructor(private readonly engine: QueueHost) {}

  /** Closes the command connections (engine stop). */
  async close(): Promise<void> {
    this.closed = true;
    const connections = this.connections;
    this.connections = undefined;
    await connections?.close();
  }

  private readonly queue: QueuedCommand[] = [];
  private activeTransactions = 0;

  /** Queues a command; resolves with its answer after its transaction commits. */
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
          ctx = new CommandContext(this.engine, tx, commands.length > 1);
          const jobKeys = commands.flatMap((c) => (c.takeJob === undefined ? [] : [c.takeJob]));
          if (jobKeys.length) await takeJobs(ctx, jobKeys);
          const out: unknown[] = [];
          for (const { fn } of commands) {
            const processor = new Processor(ctx);
            out.push(await fn(ctx, processor));
            await processor.run();
          }
          // Other engine processes on this database learn of new jobs through NOTIFY (PostgreSQL only).
          await ctx.flush(this.serialDb ? undefined : this.engine.wakeup.notify());
          return out;
        });
        this.afterCommit(ctx!);
        return results;
      } catch (err) {
        if (ctx) this.engine.push.releaseOffered(ctx);
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
    if (this.serialDb) return this.engine.knex.transaction((trx) => fn({ trx, client: trx.client as unknown }));
    if (this.closed) throw new Error('engine: stopped');
    this.connections ??= new CommandConnections(this.engine.knex, MAX_PARALLEL_TRANSACTIONS, this.engine.logger);
    const tx = await CommandTransaction.open(this.engine.knex, this.connections);
    try {
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (err) {
      await tx
        .rollback()
        .catch((rollbackErr: unknown) => this.engine.logger.warn({ err: rollbackErr }, 'engine: rollback failed'));
      throw err;
    } finally {
      tx.release();
    }
  }

  private afterCommit(ctx: CommandContext): void {
    this.engine.push.deliverOffered(ctx);
    for (const hook of ctx.commitHooks) hook();
    for (const type of ctx.wakeTypes) this.engine.push.notifyJobs(type);
    if (ctx.earliestTimer) this.engine.onDue(ctx.earliestTimer);
    for (const f of ctx.finished) {
      const w = this.engine.resultWaiters.get(f.key);
      if (w) {
        this.engine.resultWaiters.delete(f.key);
        w(f);
      }
    }
    for (const s of ctx.thrownSignals) {
      this.engine
        .broadcastSignal(s.name, s.variables, DEFAULT_TENANT)
        .catch((err: unknown) => this.engine.logger.error({ err }, 'signal broadcast failed'));
    }
  }
}
