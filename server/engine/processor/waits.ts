import type { FlowElement } from '../bpmn/model.js';
import { scheduleTimer } from '../scheduler/timers.js';
import { messageLock } from '../state/message-locks.js';
import { rawRows } from '../state/sql.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import type { Processor } from './processor.js';
import { type Wait } from './steps.js';
import { IncidentSignal, check } from './incidents.js';
import { visible } from './variables.js';

/** Shared behaviour: waits (timers, message and signal subscriptions) of catch events, boundaries, event subprocess starts and event-based gateways. */
/** Evaluates what a wait (timer / message / signal) for `targetId` needs; returns a function that opens it. */
export async function planWait(
  p: Processor,
  state: InstanceState,
  owner: ElementInstance,
  targetId: string,
  vars: Record<string, unknown>,
): Promise<Wait> {
  const target = state.model.elements.get(targetId)!;
  const ev = target.event;
  const interrupting = target.interrupting;
  if (ev?.kind === 'timer' && ev.timer) {
    const raw = check(p.feelOrStatic(ev.timer.expression, vars));
    const schedule = scheduleTimer(ev.timer.kind, String(raw), p.ctx.now);
    if ('error' in schedule)
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', `Invalid timer of '${targetId}': ${schedule.error}`);
    return async () => {
      const key = await p.ctx.key();
      p.ctx.timers.push({
        key,
        dueAt: schedule.dueAt.toISOString(),
        elementInstanceKey: owner.key,
        processInstanceKey: state.pi.key,
        rootKey: state.pi.rootKey,
        targetElementId: targetId,
        repetitions: schedule.repetitions,
        cycle: schedule.cycle ?? null,
      });
      p.ctx.noteTimer(schedule.dueAt);
      p.own(owner, 'timer');
      state.touch(owner);
      p.ctx.event({
        key,
        valueType: 'TIMER',
        intent: 'CREATED',
        processInstanceKey: state.pi.key,
        elementId: targetId,
        payload: { dueDate: schedule.dueAt.toISOString() },
      });
    };
  }
  if (ev?.kind === 'message') {
    const name = check(p.feelOrStatic(ev.messageName ?? '', vars));
    const correlation = check(p.feel(ev.correlationKey ?? '=null', vars));
    if (typeof correlation !== 'string' && typeof correlation !== 'number') {
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Failed to extract the correlation key for '${targetId}': The value must be either a string or a number, but was ${JSON.stringify(correlation)}.`,
      );
    }
    const lock = messageLock(state.pi.tenantId, String(name), String(correlation));
    const open = async () => {
      const key = await p.ctx.key();
      const sub = {
        key,
        messageName: String(name),
        correlationKey: String(correlation),
        elementInstanceKey: owner.key,
        processInstanceKey: state.pi.key,
        rootKey: state.pi.rootKey,
        bpmnProcessId: state.pi.bpmnProcessId,
        targetElementId: targetId,
        interrupting,
        tenantId: state.pi.tenantId,
      };
      // Publishes of this name and key wait for this transaction from here on (and it for theirs):
      // the buffer read below is a new statement, so it sees any message committed before the lock.
      await p.ctx.lockMessages([lock]);
      // A buffered message may be waiting already: the first (oldest) match correlates at once.
      const buffered = await rawRows<{
        key: number;
        variables: Record<string, unknown>;
        correlatedProcessIds: string[];
      }>(
        p.ctx.trx,
        `select key, variables, correlated_process_ids from engine_messages
          where name = ? and correlation_key = ? and expires_at > ? and tenant_id = ?
            and not (correlated_process_ids \\? ?)
          order by key limit 1 for update`,
        [sub.messageName, sub.correlationKey, p.ctx.now, sub.tenantId, state.pi.bpmnProcessId],
      );
      const msg = buffered[0];
      if (msg) {
        await p.ctx
          .trx('engineMessages')
          .where({ key: msg.key })
          .update({ correlatedProcessIds: JSON.stringify([...msg.correlatedProcessIds, state.pi.bpmnProcessId]) });
        p.ctx.event({
          key: msg.key,
          valueType: 'MESSAGE',
          intent: 'CORRELATED',
          processInstanceKey: state.pi.key,
          elementId: targetId,
          payload: { messageName: sub.messageName, correlationKey: sub.correlationKey },
        });
        if (!interrupting) {
          p.ctx.messageSubscriptions.push(sub);
          p.own(owner, 'message');
        }
        await deferTrigger(p, state, owner.key, targetId, msg.variables ?? {});
        return;
      }
      p.ctx.messageSubscriptions.push(sub);
      p.own(owner, 'message');
      state.touch(owner);
    };
    return Object.assign(open, { lock });
  }
  if (ev?.kind === 'signal') {
    const name = check(p.feelOrStatic(ev.signalName ?? '', vars));
    return async () => {
      const key = await p.ctx.key();
      p.ctx.signalSubscriptions.push({
        key,
        signalName: String(name),
        elementInstanceKey: owner.key,
        processInstanceKey: state.pi.key,
        rootKey: state.pi.rootKey,
        targetElementId: targetId,
        interrupting,
      });
      p.own(owner, 'signal');
      state.touch(owner);
    };
  }
  return async () => undefined;
}

/** Triggers once the current chain of steps has run (see afterSteps). */
export async function deferTrigger(
  p: Processor,
  state: InstanceState,
  ownerKey: number,
  targetId: string,
  variables: Record<string, unknown>,
): Promise<void> {
  p.afterSteps.push({ t: 'trigger', pi: state.pi.key, ownerKey, targetId, variables });
}

/** Opens planned waits; the message locks of all of them first, in one go and in key order (against deadlocks). */
export async function openWaits(p: Processor, waits: Wait[]): Promise<void> {
  const locks = waits.flatMap((w) => (w.lock ? [w.lock] : []));
  if (locks.length > 1) await p.ctx.lockMessages(locks);
  for (const w of waits) await w();
}

export async function planBoundaries(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  def: FlowElement,
): Promise<Wait[]> {
  // Boundary events belong to the multi-instance body, not to its inner instances.
  if (def.loop && el.elementType !== 'MULTI_INSTANCE_BODY') return [];
  const vars = visible(p, state, el.key);
  const plans: Wait[] = [];
  for (const b of def.boundaryEvents) {
    const kind = state.model.elements.get(b)!.event?.kind;
    if (kind === 'timer' || kind === 'message' || kind === 'signal') plans.push(await planWait(p, state, el, b, vars));
  }
  return plans;
}

export function triggeredByGateway(p: Processor, state: InstanceState, el: ElementInstance): boolean {
  const def = state.model.elements.get(el.elementId)!;
  return def.incoming.some(
    (f) => state.model.elements.get(state.model.flows.get(f)!.source)?.type === 'EVENT_BASED_GATEWAY',
  );
}
