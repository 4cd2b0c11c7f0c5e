import argon2 from 'argon2';
import pLimit from 'p-limit';
import { AppError } from '../../platform/errors.js';

/**
 * Argon2 is deliberately expensive (64 MiB, t=3): a burst of sign-ins would otherwise queue hundreds
 * of hashes on the thread pool and make every real sign-in wait behind them (120 parallel logins for
 * unknown users made one real sign-in take 39 s). Hashing goes through a bulkhead: at most
 * `HASH_CONCURRENCY` at a time, at most `HASH_QUEUE` waiting; beyond that the request is refused at
 * once with 503 and Retry-After, before any work is done.
 */
const HASH_CONCURRENCY = 4;
const HASH_QUEUE = 32;
const limit = pLimit(HASH_CONCURRENCY);

/** 503: the password hashing queue is full. */
export class HashingBusyError extends AppError {
  readonly retryAfterSeconds = 2;
  constructor() {
    super(503, 'busy', 'Too many sign-ins at once. Try again in a few seconds.', { retryAfterSeconds: 2 });
  }
}

function bounded<T>(work: () => Promise<T>): Promise<T> {
  if (limit.pendingCount >= HASH_QUEUE) return Promise.reject(new HashingBusyError());
  return limit(work);
}

/** How many hash operations run and wait now (for tests and health). */
export function hashingLoad(): { active: number; pending: number } {
  return { active: limit.activeCount, pending: limit.pendingCount };
}

/** Hashes a password with argon2id (library defaults: 64 MiB, t=3). */
export function hashPassword(password: string): Promise<string> {
  return bounded(() => argon2.hash(password, { type: argon2.argon2id }));
}

/** Checks a password against an argon2 hash; false on any mismatch or malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  return bounded(async () => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  });
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check, so unknown logins cannot be told apart by timing. */
export async function verifyDummy(password: string): Promise<void> {
  dummyHash ??= argon2.hash('okno-dummy-password', { type: argon2.argon2id });
  await verifyPassword(await dummyHash, password);
}
