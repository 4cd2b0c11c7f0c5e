import crypto from 'node:crypto';

/**
 * Keys of the transaction-scoped advisory locks (`pg_advisory_xact_lock(bigint)`) that serialise
 * the message paths (issue 22; docs/ARCHITECTURE.md, "Messages: publish and subscription serialised").
 *
 * - messageLock(tenant, name, correlation key): taken by a publish before it reads the open
 *   subscriptions, and by every subscription opening before it reads the message buffer. Whichever
 *   transaction takes it second waits until the first commits, and its next statement (a new
 *   snapshot under READ COMMITTED) sees the first one's subscription or buffered message.
 * - startLock(tenant, process id, correlation key): taken by a publish before it checks for an
 *   active instance started with that correlation key (message start events), so two publishes,
 *   even under different message names, cannot both start one.
 *
 * A key is the first 8 bytes of a SHA-256 of its parts, as a signed 64-bit number (a decimal
 * string, since it does not fit a JS number). Two distinct tuples sharing a key only serialise
 * more than needed.
 */
function lockKey(kind: string, parts: string[]): string {
  const digest = crypto
    .createHash('sha256')
    .update([kind, ...parts].join('\u0000'))
    .digest();
  return digest.readBigInt64BE(0).toString();
}

export function messageLock(tenantId: string, messageName: string, correlationKey: string): string {
  return lockKey('message', [tenantId, messageName, correlationKey]);
}

export function startLock(tenantId: string, bpmnProcessId: string, correlationKey: string): string {
  return lockKey('message-start', [tenantId, bpmnProcessId, correlationKey]);
}

/** Lock keys in ascending numeric order (the order every transaction takes them in, against deadlocks). */
export function sortLocks(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => {
    const d = BigInt(a) - BigInt(b);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
}
