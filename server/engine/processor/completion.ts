import type { FlowElement, ProcessModel } from '../bpmn/model.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import type { Processor } from './processor.js';
import { CONTAINERS } from './steps.js';
import { check } from './incidents.js';
import { propagate, setVar, visible } from './variables.js';
import { innerCompleted } from './multi-instance.js';

/** Element completion: output mappings, leaving an element along its flows, joins, scope completion, process end. */
export async function runCompletion(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  variables?: Record<string, unknown>,
): Promise<void> {
  const def = state.model.elements.get(el.elementId)!;
  // A terminating element (waiting for canceling listeners) never completes.
  if (el.state === 'ACTIVATING' || el.state === 'TERMINATING') return;
  const pi = state.pi.key;
  if (el.state === 'ACTIVATED') {
    el.state = 'COMPLETING';
    state.touch(el);
    const eventVars = el.data.eventVariables;
    const vars = { ...(eventVars ?? {}), ...(variables ?? {}) };
    delete el.data.eventVariables;
    if (el.elementType !== 'PROCESS' && el.elementType !== 'MULTI_INSTANCE_BODY') {
      if (def.outputs.length) for (const [n, v] of Object.entries(vars)) setVar(p, state, el.key, n, v);
      else propagate(p, state, el.key, vars);
    }
  }
  if (el.elementType !== 'PROCESS' && el.elementType !== 'MULTI_INSTANCE_BODY' && def.outputs.length) {
    const parent = el.parentKey !== null ? state.elements.get(el.parentKey) : undefined;
    const innerOfBody = parent?.elementType === 'MULTI_INSTANCE_BODY';
    const results: [string, unknown][] = [];
    for (const m of def.outputs) {
      results.push([m.target, check(p.feel(m.source, visible(p, state, el.key)), 'IO_MAPPING_ERROR')]);
    }
    for (const [target, value] of results) {
      if (innerOfBody) setVar(p, state, el.key, target, value);
      else propagate(p, state, el.parentKey!, { [target]: value });
    }
  }
  if (el.elementType === 'MULTI_INSTANCE_BODY') {
    const out = def.loop?.outputCollection;
    if (out) propagate(p, state, el.parentKey!, { [out]: state.variables.get(el.key)?.get(out) ?? [] });
  }
  const parent = el.parentKey !== null ? state.elements.get(el.parentKey) : undefined;
  if (parent?.elementType === 'MULTI_INSTANCE_BODY') {
    await innerCompleted(p, state, parent, el, def);
    return;
  }
  const rootVariables = el.elementType === 'PROCESS' ? Object.fromEntries(state.variables.get(state.pi.key) ?? []) : {};
  await finishElement(p, state, el, 'COMPLETED');
  if (el.elementType === 'PROCESS') return processFinished(p, state, rootVariables);
  // Leave the element.
  let flows: string[];
  if (def.type === 'EXCLUSIVE_GATEWAY' || def.type === 'INCLUSIVE_GATEWAY') flows = el.data.flows ?? [];
  else if (def.type === 'INTERMEDIATE_THROW_EVENT' && def.event?.kind === 'link') {
    const target = [...state.model.elements.values()].find(
      (c) =>
        c.type === 'INTERMEDIATE_CATCH_EVENT' && c.event?.linkName === def.event?.linkName && c.scopeId === def.scopeId,
    );
    if (target) p.steps.push({ t: 'activate', pi, elementId: target.id, scopeKey: el.parentKey! });
    return;
  } else flows = def.outgoing;
  for (const f of flows) p.steps.push({ t: 'flow', pi, flowId: f, scopeKey: el.parentKey! });
  if (!flows.length) p.steps.push({ t: 'scope', pi, key: el.parentKey! });
}

/** Removes a finished element and everything it owns; logs the transition. */
export async function finishElement(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  how: 'COMPLETED' | 'TERMINATED',
): Promise<void> {
  removeWaits(p, state, el);
  state.remove(el);
  p.logElement(state, el, how === 'COMPLETED' ? 'ELEMENT_COMPLETED' : 'ELEMENT_TERMINATED');
}

export function removeWaits(p: Processor, state: InstanceState, el: ElementInstance): void {
  for (const o of el.data.owns ?? []) p.ctx.removeOwned(o, el.key);
  el.data.owns = [];
  state.touch(el);
}

export async function processFinished(
  p: Processor,
  state: InstanceState,
  variables: Record<string, unknown>,
): Promise<void> {
  state.pi.state = 'COMPLETED';
  state.piDirty = true;
  p.ctx.finished.push({ key: state.pi.key, state: 'COMPLETED', variables });
  if (state.pi.parentProcessInstanceKey !== null && state.pi.parentElementInstanceKey !== null) {
    const parent = await p.ctx.instance(state.pi.parentProcessInstanceKey);
    const call = parent.elements.get(state.pi.parentElementInstanceKey);
    if (call) {
      const def = parent.model.elements.get(call.elementId)!;
      const childVars = def.call?.propagateAllChildVariables || def.outputs.length ? variables : {};
      p.steps.push({ t: 'complete', pi: parent.pi.key, key: call.key, variables: childVars });
    }
  }
}

export async function takeFlow(p: Processor, state: InstanceState, flowId: string, scopeKey: number): Promise<void> {
  const scope = state.elements.get(scopeKey);
  if (!scope || scope.state === 'TERMINATING') return;
  const flow = state.model.flows.get(flowId)!;
  const target = state.model.elements.get(flow.target)!;
  p.ctx.event({
    key: scopeKey,
    valueType: 'PROCESS_INSTANCE',
    intent: 'SEQUENCE_FLOW_TAKEN',
    processInstanceKey: state.pi.key,
    elementId: flowId,
  });
  if ((target.type === 'PARALLEL_GATEWAY' || target.type === 'INCLUSIVE_GATEWAY') && target.incoming.length > 1) {
    const joins = (scope.data.joins ??= {});
    const tokens = (joins[target.id] ??= {});
    tokens[flowId] = (tokens[flowId] ?? 0) + 1;
    state.touch(scope);
    await tryJoins(p, state, scope);
    return;
  }
  p.steps.push({ t: 'activate', pi: state.pi.key, elementId: target.id, scopeKey });
}

/** Fires joining gateways whose incoming tokens are complete (inclusive: no other token can still arrive). */
export async function tryJoins(p: Processor, state: InstanceState, scope: ElementInstance): Promise<boolean> {
  let fired = false;
  for (const [gatewayId, tokens] of Object.entries(scope.data.joins ?? {})) {
    const gw = state.model.elements.get(gatewayId)!;
    const arrived = gw.incoming.filter((f) => (tokens[f] ?? 0) > 0);
    if (!arrived.length) continue;
    let ready = arrived.length === gw.incoming.length;
    if (!ready && gw.type === 'INCLUSIVE_GATEWAY') ready = !canStillArrive(p, state, scope, gw);
    if (!ready) continue;
    for (const f of arrived) tokens[f] -= 1;
    if (Object.values(tokens).every((n) => n <= 0)) delete scope.data.joins![gatewayId];
    state.touch(scope);
    p.steps.push({ t: 'activate', pi: state.pi.key, elementId: gatewayId, scopeKey: scope.key });
    fired = true;
  }
  return fired;
}

/** True when an active element (or a token waiting at another join) of the scope can reach the gateway. */
export function canStillArrive(p: Processor, state: InstanceState, scope: ElementInstance, gw: FlowElement): boolean {
  const sources: string[] = state.children(scope.key).map((c) => c.elementId);
  for (const [other, tokens] of Object.entries(scope.data.joins ?? {}))
    if (other !== gw.id && Object.values(tokens).some((n) => n > 0)) sources.push(other);
  for (const s of pendingActivations(p, state, scope.key)) sources.push(s);
  return sources.some((s) => reaches(state.model, s, gw.id));
}

export function pendingActivations(p: Processor, state: InstanceState, scopeKey: number): string[] {
  const out: string[] = [];
  for (const s of p.steps) {
    if (s.pi !== state.pi.key) continue;
    if (s.t === 'activate' && s.scopeKey === scopeKey) out.push(s.elementId);
    if (s.t === 'flow' && s.scopeKey === scopeKey) out.push(state.model.flows.get(s.flowId)!.target);
  }
  return out;
}

/** A scope completes when nothing is active in it and no token waits at a join. */
export async function checkScope(p: Processor, state: InstanceState, scope: ElementInstance): Promise<void> {
  if (scope.state !== 'ACTIVATED') return;
  if (state.children(scope.key).length) {
    return;
  }
  if (Object.values(scope.data.joins ?? {}).some((t) => Object.values(t).some((n) => n > 0))) {
    // A waiting inclusive join may now be free to fire.
    await tryJoins(p, state, scope);
    return;
  }
  if (pendingActivations(p, state, scope.key).length) return;
  if (CONTAINERS.has(scope.elementType)) p.steps.push({ t: 'complete', pi: state.pi.key, key: scope.key });
}

const reachCache = new WeakMap<ProcessModel, Map<string, Set<string>>>();

/** True when `to` can be reached from `from` along sequence flows (within a scope). */
function reaches(model: ProcessModel, from: string, to: string): boolean {
  let cache = reachCache.get(model);
  if (!cache) reachCache.set(model, (cache = new Map()));
  let set = cache.get(from);
  if (!set) {
    set = new Set();
    const stack = [from];
    while (stack.length) {
      const id = stack.pop()!;
      const el = model.elements.get(id);
      if (!el) continue;
      const next = [...el.outgoing.map((f) => model.flows.get(f)!.target), ...el.boundaryEvents];
      for (const n of next) {
        if (set.has(n)) continue;
        set.add(n);
        stack.push(n);
      }
    }
    cache.set(from, set);
  }
  return set.has(to);
}
