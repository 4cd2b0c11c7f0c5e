import type { FlowElement } from '../bpmn/model.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import type { Processor } from './processor.js';
import { type Step } from './steps.js';
import { IncidentSignal, check } from './incidents.js';
import { setVar, visible } from './variables.js';
import { openWaits, planBoundaries } from './waits.js';
import { finishElement } from './completion.js';
import { afterTerminated, terminate } from './termination.js';

/** Behaviour of the multi-instance body (sequential and parallel inner instances, completion condition, output collection). */
// ---------- multi-instance ----------

export async function activateBody(
  p: Processor,
  state: InstanceState,
  body: ElementInstance,
  def: FlowElement,
): Promise<void> {
  const loop = def.loop!;
  const items = check(p.feel(loop.inputCollection, visible(p, state, body.key)));
  if (!Array.isArray(items))
    throw new IncidentSignal(
      'EXTRACT_VALUE_ERROR',
      `Expected the input collection of '${def.id}' to be a list, but was '${JSON.stringify(items)}'`,
    );
  const boundaries = await planBoundaries(p, state, body, def);
  body.state = 'ACTIVATED';
  body.data.mi = {
    size: items.length,
    next: 0,
    active: 0,
    completed: 0,
    terminated: 0,
    items: loop.sequential ? items : [],
  };
  state.touch(body);
  p.logElement(state, body, 'ELEMENT_ACTIVATED');
  await openWaits(p, boundaries);
  if (loop.outputCollection)
    setVar(
      p,
      state,
      body.key,
      loop.outputCollection,
      items.map(() => null),
    );
  if (!items.length) {
    p.steps.push({ t: 'complete', pi: state.pi.key, key: body.key });
    return;
  }
  if (loop.sequential) await spawnInner(p, state, body, def, 0, items[0]);
  else for (let i = 0; i < items.length; i++) await spawnInner(p, state, body, def, i, items[i]);
}

export async function spawnInner(
  p: Processor,
  state: InstanceState,
  body: ElementInstance,
  def: FlowElement,
  index: number,
  item: unknown,
): Promise<void> {
  const mi = body.data.mi!;
  mi.next = index + 1;
  mi.active += 1;
  state.touch(body);
  const inner: ElementInstance = {
    key: await p.ctx.key(),
    processInstanceKey: state.pi.key,
    parentKey: body.key,
    elementId: def.id,
    elementType: def.type,
    state: 'ACTIVATING',
    data: {},
  };
  state.add(inner);
  if (def.loop!.inputElement) setVar(p, state, inner.key, def.loop!.inputElement, item);
  setVar(p, state, inner.key, 'loopCounter', index + 1);
  p.steps.push({ t: 'run', pi: state.pi.key, key: inner.key });
}

export async function innerCompleted(
  p: Processor,
  state: InstanceState,
  body: ElementInstance,
  inner: ElementInstance,
  def: FlowElement,
): Promise<void> {
  const loop = def.loop!;
  const mi = body.data.mi!;
  const innerVars = visible(p, state, inner.key);
  // Evaluate first (either may raise an incident on the inner instance), then apply.
  const output = loop.outputCollection && loop.outputElement ? check(p.feel(loop.outputElement, innerVars)) : undefined;
  let done = false;
  if (loop.completionCondition) {
    const counters = {
      numberOfInstances: mi.size,
      numberOfActiveInstances: mi.active - 1,
      numberOfCompletedInstances: mi.completed + 1,
      numberOfTerminatedInstances: mi.terminated,
    };
    const r = check(p.feel(loop.completionCondition, { ...innerVars, ...counters }));
    if (typeof r !== 'boolean')
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected the completion condition of '${def.id}' to be a boolean, but was '${JSON.stringify(r)}'`,
      );
    done = r;
  }
  if (loop.outputCollection && loop.outputElement) {
    const index = Number(state.variables.get(inner.key)?.get('loopCounter') ?? 1) - 1;
    const current = state.variables.get(body.key)?.get(loop.outputCollection);
    const list = Array.isArray(current) ? [...current] : [];
    list[index] = output;
    setVar(p, state, body.key, loop.outputCollection, list);
  }
  await finishElement(p, state, inner, 'COMPLETED');
  mi.active -= 1;
  mi.completed += 1;
  state.touch(body);
  if (done) {
    const waiting: number[] = [];
    for (const other of state.children(body.key)) {
      if (!(await terminate(p, state, other))) waiting.push(other.key);
      mi.terminated += 1;
      mi.active -= 1;
    }
    const completeBody: Step = { t: 'complete', pi: state.pi.key, key: body.key };
    if (waiting.length) afterTerminated(p, state, body, waiting, completeBody);
    else p.steps.push(completeBody);
    return;
  }
  if (loop.sequential && mi.next < mi.size) await spawnInner(p, state, body, def, mi.next, mi.items[mi.next]);
  else if (mi.active === 0) p.steps.push({ t: 'complete', pi: state.pi.key, key: body.key });
}
