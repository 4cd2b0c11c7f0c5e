import type { FlowElement } from '../bpmn/model.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import type { Processor } from './processor.js';
import { CONTAINERS, type Step } from './steps.js';
import { afterTerminated, interruptThen, terminate } from './termination.js';

/** Error and escalation catching (boundary events, event subprocesses, up the scope tree and the call hierarchy). */
/** Finds the catching boundary event or event subprocess for an error/escalation thrown at `from`. */
export async function findCatch(
  p: Processor,
  state: InstanceState,
  from: ElementInstance,
  kind: 'error' | 'escalation',
  code: string,
): Promise<{ state: InstanceState; owner: ElementInstance; target: FlowElement } | undefined> {
  // A specific code wins over a catch-all at the same level.
  const pick = (st: InstanceState, ids: string[]) => {
    const candidates = ids.map((id) => st.model.elements.get(id)!).filter((c) => c.event?.kind === kind);
    return candidates.find((c) => c.event?.code === code) ?? candidates.find((c) => !c.event?.code);
  };
  let st = state;
  let cur: ElementInstance | undefined = from;
  while (cur) {
    const def = st.model.elements.get(cur.elementId)!;
    const parent: ElementInstance | undefined = cur.parentKey !== null ? st.elements.get(cur.parentKey) : undefined;
    // Boundary events of this activity (an inner multi-instance instance leaves them to its body).
    if (parent?.elementType !== 'MULTI_INSTANCE_BODY' && cur.elementType !== 'PROCESS') {
      const b = pick(st, def.boundaryEvents);
      if (b) return { state: st, owner: cur, target: b };
    }
    if (parent) {
      if (CONTAINERS.has(parent.elementType) && !parent.data.interrupted) {
        const parentDef = st.model.elements.get(parent.elementId)!;
        const e = pick(st, parentDef.eventSubprocessStarts);
        if (e) return { state: st, owner: parent, target: e };
      }
      cur = parent;
      continue;
    }
    // Reached the process: continue in the calling process, at the call activity.
    const { parentProcessInstanceKey, parentElementInstanceKey } = st.pi;
    if (parentProcessInstanceKey === null || parentElementInstanceKey === null) return undefined;
    st = await p.ctx.instance(parentProcessInstanceKey);
    cur = st.elements.get(parentElementInstanceKey);
  }
  return undefined;
}

/** Triggers a catching boundary event or event subprocess (errors and escalations). */
export async function catchEvent(
  p: Processor,
  state: InstanceState,
  owner: ElementInstance,
  target: FlowElement,
  variables: Record<string, unknown>,
): Promise<void> {
  if (target.type === 'BOUNDARY_EVENT') {
    await interruptThen(p, state, owner, target.interrupting, {
      t: 'activate',
      pi: state.pi.key,
      elementId: target.id,
      scopeKey: owner.parentKey!,
      variables,
    });
  } else {
    await startEventSubprocess(p, state, owner, target, variables);
  }
}

export async function startEventSubprocess(
  p: Processor,
  state: InstanceState,
  scope: ElementInstance,
  start: FlowElement,
  variables: Record<string, unknown>,
): Promise<void> {
  if (scope.data.interrupted) return;
  const activateStart: Step = {
    t: 'activate',
    pi: state.pi.key,
    elementId: start.scopeId!,
    scopeKey: scope.key,
    variables,
    startId: start.id,
  };
  if (start.interrupting) {
    // Whatever waited for terminating children (e.g. an interrupting boundary event) no longer applies.
    delete scope.data.afterTerminated;
    const waiting: number[] = [];
    for (const child of state.children(scope.key)) if (!(await terminate(p, state, child))) waiting.push(child.key);
    scope.data.interrupted = true;
    // No other event subprocess may trigger after an interrupting one; the scope's boundary events stay.
    p.ctx.removeTargets(scope.key, state.model.elements.get(scope.elementId)!.eventSubprocessStarts);
    delete scope.data.joins;
    state.touch(scope);
    if (waiting.length) {
      afterTerminated(p, state, scope, waiting, activateStart);
      return;
    }
  }
  p.steps.push(activateStart);
}
