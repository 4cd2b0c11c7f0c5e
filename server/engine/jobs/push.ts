import type { Logger } from 'pino';
import type { ActivatedJob, JobSink, Waiter } from '../api.js';
import type { CommandContext } from '../processor/context.js';
import { activatedJob, type JobRow } from '../state/jobs.js';
import { pgRows } from '../state/sql.js';
import type { Knex } from 'knex';

/**
 * Job push and wake-ups, shared by the gRPC and REST gateways: workers waiting for jobs of a type
 * (long polls, job streams) are woken when jobs become activatable, and new jobs may be activated
 * for them in the transaction that creates them (handed over after commit).
 */
export class JobPush {
  private readonly jobWaiters = new Map<string, Set<Waiter>>();
  private readonly jobSinks = new Map<string, Set<JobSink>>();
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly logger: Logger,
    private readonly query: <T>(fn: (db: Knex | Knex.Transaction) => Promise<T>) => Promise<T>,
  ) {}

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
  deliverOffered(ctx: CommandContext): void {
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
  releaseOffered(ctx: CommandContext): void {
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
}
