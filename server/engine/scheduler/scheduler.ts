import type { Logger } from 'pino';
import type { Engine } from '../engine.js';

const MAX_SLEEP_MS = 1000;

/**
 * Fires due rows (by the engine's clock; the sleep between ticks is real time) (timers, job deadlines and back-offs, message TTLs): polls the database at most
 * every second, and sooner when a command tells it about an earlier due time (in-process wake-up).
 */
export class Scheduler {
  private timer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private running = false;
  private again = false;
  private stopped = false;
  private current?: Promise<void>;
  private unwatchClock?: () => void;

  constructor(
    private readonly engine: Engine,
    private readonly logger: Logger,
  ) {}

  /** Starts the loop (picks up rows left due by a previous run). */
  start(): void {
    this.engine.onDue = (at) => this.wake(at);
    // A moved clock (PUT /v2/clock) may have made rows due: look at once.
    this.unwatchClock = this.engine.clock.onChange(() => this.schedule(0));
    this.schedule(0);
  }

  /** Stops the loop and waits for a running tick. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatchClock?.();
    clearTimeout(this.timer);
    await this.current;
  }

  /** Makes sure the loop runs no later than `at`. */
  wake(at: Date): void {
    const delay = Math.max(0, at.getTime() - this.engine.clock.ms());
    if (performance.now() + delay < this.wakeAt) this.schedule(delay);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    // Never sleep past the poll interval (and never hand setTimeout more than it can take).
    delay = Math.min(Math.max(0, delay), MAX_SLEEP_MS);
    clearTimeout(this.timer);
    this.wakeAt = performance.now() + delay;
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.wakeAt = Infinity;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    let next = MAX_SLEEP_MS;
    const work = (async () => {
      try {
        await this.engine.reviveJobs();
        while ((await this.engine.fireTimers()) > 0 && !this.stopped);
        await this.engine.expireMessages();
        const due = await this.engine.nextDue();
        if (due) next = Math.min(MAX_SLEEP_MS, Math.max(0, due.getTime() - this.engine.clock.ms()));
      } catch (err) {
        if (!this.stopped) this.logger.error({ err }, 'engine scheduler tick failed');
      }
    })();
    this.current = work;
    await work;
    this.running = false;
    if (this.again) {
      this.again = false;
      next = 0;
    }
    if (performance.now() + next < this.wakeAt) this.schedule(next);
  }
}
