import { onlyNotFound } from '../errors.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import { loadUserTask } from '../state/user-tasks.js';
import type { Processor } from './processor.js';
import { type Step } from './steps.js';
import { cancelUserTask } from './user-tasks.js';
import { finishElement, removeWaits } from './completion.js';

/** Termination of elements and instances (children first; waiting for canceling task listeners). */
// ---------- termination, incidents, events ----------

/**
 * Terminates an element and everything below it (children first), without leaving it. Returns
 * false when the termination waits for canceling task listeners (of the element or of one below
 * it): the element stays TERMINATING, like Zeebe's ELEMENT_TERMINATING, until terminationDone().
 */
export async function terminate(p: Processor, state: InstanceState, el: ElementInstance): Promise<boolean> {
  if (el.state === 'TERMINATING') return false;
  let waits = false;
  for (const child of state.children(el.key)) if (!(await terminate(p, state, child))) waits = true;
  if (el.data.childPi !== undefined) {
    const child = await p.ctx.instance(el.data.childPi).catch(onlyNotFound);
    if (child && child.pi.state === 'ACTIVE') {
      const root = child.elements.get(child.pi.key);
      if (root && !(await terminate(p, child, root))) waits = true;
    }
  }
  if (el.data.owns?.includes('incident')) p.ctx.removeOwned('incident', el.key);
  if (el.data.userTaskKey !== undefined) {
    const task = await loadUserTask(p.ctx.sql, el.data.userTaskKey, true, p.ctx.userTasks);
    if (task && task.state !== 'COMPLETED' && task.state !== 'CANCELED' && (await cancelUserTask(p, state, el, task)))
      waits = true;
  }
  if (waits) {
    if (el.data.userTaskKey === undefined) removeWaits(p, state, el);
    el.state = 'TERMINATING';
    state.touch(el);
    return false;
  }
  await finishTermination(p, state, el);
  return true;
}

/** Removes a terminated element; a terminated process instance ends. */
export async function finishTermination(p: Processor, state: InstanceState, el: ElementInstance): Promise<void> {
  await finishElement(p, state, el, 'TERMINATED');
  if (el.elementType === 'PROCESS') {
    state.pi.state = 'TERMINATED';
    state.piDirty = true;
    p.ctx.finished.push({ key: state.pi.key, state: 'TERMINATED', variables: {} });
  }
}

/** Interrupts (terminates) an owner if asked, then runs `step` once the owner has terminated. */
export async function interruptThen(
  p: Processor,
  state: InstanceState,
  owner: ElementInstance,
  interrupting: boolean | undefined,
  step: Step,
): Promise<void> {
  const scope = owner.parentKey !== null ? state.elements.get(owner.parentKey) : undefined;
  if (interrupting && !(await terminate(p, state, owner)) && scope) afterTerminated(p, state, scope, [owner.key], step);
  else p.steps.push(step);
}

/** Records a step of a scope to run once the listed children (TERMINATING) have terminated. */
export function afterTerminated(
  p: Processor,
  state: InstanceState,
  scope: ElementInstance,
  wait: number[],
  step: Step,
): void {
  if (!wait.length) return;
  (scope.data.afterTerminated ??= []).push({ wait, step: step as unknown as Record<string, unknown> });
  state.touch(scope);
}

/** A TERMINATING element has nothing left to wait for: it terminates, and what waited for it resumes. */
export async function terminationDone(p: Processor, state: InstanceState, el: ElementInstance): Promise<void> {
  await finishTermination(p, state, el);
  if (el.parentKey !== null) {
    const scope = state.elements.get(el.parentKey);
    if (!scope) return;
    const waiting = scope.data.afterTerminated;
    if (waiting) {
      const ready: Step[] = [];
      for (const w of waiting) {
        w.wait = w.wait.filter((k) => k !== el.key);
        if (!w.wait.length) ready.push(w.step as unknown as Step);
      }
      scope.data.afterTerminated = waiting.filter((w) => w.wait.length);
      if (!scope.data.afterTerminated.length) delete scope.data.afterTerminated;
      state.touch(scope);
      // A scope that is itself terminating runs none of them (Zeebe: the flow scope must be active).
      if (scope.state !== 'TERMINATING') p.steps.push(...ready);
    }
    if (scope.state === 'TERMINATING' && !state.children(scope.key).length) await terminationDone(p, state, scope);
    return;
  }
  // A called process terminated with its call activity, which waited for it.
  const { parentProcessInstanceKey, parentElementInstanceKey } = state.pi;
  if (parentProcessInstanceKey === null || parentElementInstanceKey === null) return;
  const parent = await p.ctx.instance(parentProcessInstanceKey).catch(onlyNotFound);
  const call = parent?.elements.get(parentElementInstanceKey);
  if (parent && call?.state === 'TERMINATING') await terminationDone(p, parent, call);
}
