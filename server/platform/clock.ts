/**
 * The one clock of Okno. Every decision that depends on time (timers, message TTLs, job deadlines,
 * due and overdue, sessions, "this month", working days) reads a `Clock` handed in by the
 * composition root, never `Date.now()` or the database's `now()`. Elapsed-time measurements
 * (benchmarks, wait loops, cache ages) use `performance.now()` instead: they are not decisions.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /** The current instant in epoch milliseconds. */
  ms(): number;
  /** Registers a callback for jumps of the clock (pin, set, advance, reset); returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/**
 * A clock that follows the system time until it is moved: `pin` freezes it at an instant (as
 * Camunda's `PUT /v2/clock` does), `set` moves it to an instant from which it keeps running,
 * `advance` moves it forward, `reset` returns it to the system time.
 */
export class AdjustableClock implements Clock {
  private pinnedAt: number | undefined;
  private offset = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly system: () => number = () => Date.now()) {}

  now(): Date {
    return new Date(this.ms());
  }

  ms(): number {
    return this.pinnedAt ?? this.system() + this.offset;
  }

  /** Whether the clock stands still at a pinned instant. */
  get pinned(): boolean {
    return this.pinnedAt !== undefined;
  }

  /** Freezes the clock at an instant. */
  pin(at: Date | number): void {
    this.pinnedAt = typeof at === 'number' ? at : at.getTime();
    this.changed();
  }

  /** Moves the clock to an instant; it keeps running from there. */
  set(at: Date | number): void {
    this.pinnedAt = undefined;
    this.offset = (typeof at === 'number' ? at : at.getTime()) - this.system();
    this.changed();
  }

  /** Moves the clock forward (a pinned clock stays pinned at the later instant). */
  advance(ms: number): void {
    if (this.pinnedAt !== undefined) this.pinnedAt += ms;
    else this.offset += ms;
    this.changed();
  }

  /** Returns to the system time. */
  reset(): void {
    this.pinnedAt = undefined;
    this.offset = 0;
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** The system clock (an adjustable clock nobody moves). */
export function systemClock(): AdjustableClock {
  return new AdjustableClock();
}

/** Parts of an instant in a time zone, through the platform's ICU data (Intl). */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function zonedParts(at: Date, timeZone: string): { year: number; month: number; day: number } {
  // Building a DateTimeFormat costs far more than formatting with it: one per time zone.
  let fmt = dayFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  const { year, month, day } = zonedParts(at, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The month (YYYY-MM) of an instant in a time zone. */
export function localMonth(at: Date, timeZone: string): string {
  return localDate(at, timeZone).slice(0, 7);
}

/** The year of an instant in a time zone. */
export function localYear(at: Date, timeZone: string): number {
  return zonedParts(at, timeZone).year;
}

/** Whether a string names a time zone the platform knows (e.g. Europe/Moscow). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
