import { alreadyExists, invalidArgument, onlyNotFound } from '../errors.js';
import { messageLock, startLock } from '../state/message-locks.js';
import { pgRows } from '../state/sql.js';
import type { Engine } from '../engine.js';

/** Commands on messages: publish (correlate and buffer) and expire (Zeebe: MessagePublishProcessor, MessageExpireProcessor). */

/** Publishes a message: correlates it to open subscriptions (once per process id) and buffers it for its TTL. */
export async function publishMessage(
  engine: Engine,
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
  return engine.command(async (ctx, p) => {
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
    const starts = await engine.defs.messageStartDefinitions(ctx, req.name, req.tenantId);
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
      const def = await engine.definition(trx, row.key);
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

/** Drops buffered messages whose TTL has passed. */
export async function expireMessages(engine: Engine): Promise<void> {
  await engine.query((db) => db('engineMessages').where('expiresAt', '<=', engine.clock.now()).delete());
}
