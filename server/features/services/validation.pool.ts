import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { AppError } from '../../platform/errors.js';
import type { PooledTask, WorkerAnswer, WorkerTask } from './validation.worker.js';

/** Limits on one service model (config.ts: SERVICE_MODEL_MAX_BYTES, SERVICE_MODEL_MAX_ELEMENTS, VALIDATION_TIMEOUT_MS). */
export interface ModelLimits {
  /** Largest BPMN XML in bytes (UTF-8). */
  maxBytes: number;
  /** Most flow elements (tasks, events, gateways, sequence flows, also inside subprocesses). */
  maxElements: number;
  /** How long one task may run in a worker before the worker is terminated. */
  timeoutMs: number;
}

export interface ValidationPoolOptions {
  limits: ModelLimits;
  /** Worker threads (VALIDATION_WORKERS). */
  threads: number;
  /** Tasks that may wait for a free worker; beyond that 503 with Retry-After. */
  maxWaiting?: number;
}

/** 413: the model is larger than Okno validates. */
export class ModelTooLargeError extends AppError {
  constructor(message: string, details: { limit: number; actual?: number; unit: 'bytes' | 'elements' | 'seconds' }) {
    super(413, 'model_too_large', message, details);
  }
}

/** 503 with Retry-After: every validation worker is busy and the waiting line is full. */
export class ValidationBusyError extends AppError {
  constructor(public readonly retryAfterSeconds: number) {
    super(503, 'validation_busy', 'Every model validation worker is busy; try again shortly', { retryAfterSeconds });
  }
}

/** A task's answer minus the limit case (the pool turns that into ModelTooLargeError). */
type Answer<K extends WorkerAnswer['kind']> = Extract<WorkerAnswer, { kind: K }>;

/**
 * Runs model parsing, bpmnlint, Okno's rules, the coverage check and the "try it" route in worker
 * threads (piscina), so a large or pathological BPMN never blocks the event loop: other requests keep
 * their latency. At most `threads` tasks run at once, each started on a free worker, so the time limit
 * counts the work alone; a task past it is aborted and its worker terminated (piscina replaces it).
 * Tasks beyond the free workers wait in line (at most `maxWaiting`, then 503).
 */
export class ValidationPool {
  private readonly pool: Piscina;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: ValidationPoolOptions) {
    this.pool = new Piscina({
      filename: new URL('./validation.worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: opts.threads,
      // Workers load bpmnlint and moddle once; keep them a while after the last validation.
      idleTimeout: 5 * 60_000,
      // Validation threads run at a lower CPU priority (Linux: nice +10 for the thread, through
      // @napi-rs/nice; ignored where unavailable), so request handling wins when cores are scarce.
      niceIncrement: 10,
      // A worker that grows past this dies with ERR_WORKER_OUT_OF_MEMORY instead of taking the process down.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
  }

  get limits(): ModelLimits {
    return this.opts.limits;
  }

  /** Refuses XML above the byte limit before any work is queued. */
  checkSize(xml: string): void {
    const bytes = Buffer.byteLength(xml, 'utf8');
    if (bytes > this.opts.limits.maxBytes) {
      throw new ModelTooLargeError(
        `The BPMN model is ${bytes} bytes; Okno accepts models up to ${this.opts.limits.maxBytes} bytes (SERVICE_MODEL_MAX_BYTES)`,
        { limit: this.opts.limits.maxBytes, actual: bytes, unit: 'bytes' },
      );
    }
  }

  validate(
    task: Omit<Extract<WorkerTask, { kind: 'validate' }>, 'kind' | 'maxElements'>,
  ): Promise<Answer<'validated'> | Answer<'needsPackageContext'>> {
    return this.run({ kind: 'validate', maxElements: this.opts.limits.maxElements, ...task }) as Promise<
      Answer<'validated'> | Answer<'needsPackageContext'>
    >;
  }

  model(xml: string): Promise<Answer<'model'>> {
    return this.run({ kind: 'model', xml, maxElements: this.opts.limits.maxElements }) as Promise<Answer<'model'>>;
  }

  tryIt(xml: string, answers: Extract<WorkerTask, { kind: 'try' }>['answers']): Promise<Answer<'try'>> {
    return this.run({ kind: 'try', xml, answers, maxElements: this.opts.limits.maxElements }) as Promise<Answer<'try'>>;
  }

  rename(xml: string, code: string, title: string): Promise<Answer<'renamed'>> {
    return this.run({ kind: 'rename', xml, code, title, maxElements: this.opts.limits.maxElements }) as Promise<
      Answer<'renamed'>
    >;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }

  private async run(task: WorkerTask): Promise<WorkerAnswer> {
    if (this.closed) throw new AppError(503, 'shutting_down', 'The server is shutting down');
    this.checkSize(task.xml);
    await this.slot();
    const { timeoutMs, maxElements } = this.opts.limits;
    const abort = new AbortController();
    // The clock starts when the worker says it has begun (a new worker first loads its modules).
    const channel = new MessageChannel();
    let timer: NodeJS.Timeout | undefined;
    channel.port1.once('message', () => {
      timer = setTimeout(() => abort.abort(), timeoutMs);
      channel.port1.close();
    });
    const pooled: PooledTask = { ...task, started: channel.port2 };
    try {
      const answer = (await this.pool.run(pooled, {
        signal: abort.signal,
        transferList: [channel.port2],
      })) as WorkerAnswer;
      if (answer.kind === 'tooManyElements') {
        throw new ModelTooLargeError(
          `The BPMN model has ${answer.elements} flow elements; Okno accepts models with up to ${maxElements} (SERVICE_MODEL_MAX_ELEMENTS)`,
          { limit: maxElements, actual: answer.elements, unit: 'elements' },
        );
      }
      return answer;
    } catch (err) {
      if (abort.signal.aborted) {
        throw new ModelTooLargeError(
          `Validating this BPMN model took longer than ${timeoutMs / 1000} s and was stopped; split or simplify the model (VALIDATION_TIMEOUT_MS)`,
          { limit: timeoutMs / 1000, unit: 'seconds' },
        );
      }
      if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        throw new ModelTooLargeError(
          'Validating this BPMN model needed more memory than a validation worker has; split or simplify the model',
          { limit: 1024 * 1024 * 1024, unit: 'bytes' },
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
      channel.port1.close();
      this.release();
    }
  }

  /** Waits for a free worker (its own line, so the time limit never counts waiting). */
  private slot(): Promise<void> {
    if (this.running < this.opts.threads) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= (this.opts.maxWaiting ?? 50))
      return Promise.reject(new ValidationBusyError(Math.max(1, Math.ceil(this.opts.limits.timeoutMs / 1000))));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
