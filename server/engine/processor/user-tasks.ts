import type { FlowElement, TaskListenerEvent } from '../bpmn/model.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import {
  TRANSITION_STATE,
  applyChanges,
  listenerHeaders,
  loadUserTask,
  saveUserTask,
  snapshot,
  type TaskChanges,
  type UserTaskRow,
} from '../state/user-tasks.js';
import type { Processor } from './processor.js';
import { IncidentSignal, check } from './incidents.js';
import { visible } from './variables.js';
import { createJob } from './jobs.js';
import { terminationDone } from './termination.js';

/** Shared behaviour: user tasks and their task listeners (transitions, denials, corrections, cancellation). */
/** Zeebe's user task intents for a denied transition. */
const DENIED_INTENT: Record<TaskListenerEvent, string> = {
  creating: 'CREATION_DENIED',
  assigning: 'ASSIGNMENT_DENIED',
  updating: 'UPDATE_DENIED',
  completing: 'COMPLETION_DENIED',
  canceling: 'CANCELATION_DENIED',
};

// ---------- user tasks ----------

/** Evaluates a user task's attributes (before anything changes, so an incident leaves nothing half-done). */
export async function planUserTask(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  def: FlowElement,
): Promise<UserTaskRow> {
  const ut = def.userTask!;
  const vars = visible(p, state, el.key);
  const text = (value: string | undefined, what: string): string | null => {
    if (value === undefined) return null;
    const v = check(p.feelOrStatic(value, vars));
    if (v === null) return null;
    if (typeof v !== 'string')
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected the ${what} of '${def.id}' to be a string, but was '${JSON.stringify(v)}'`,
      );
    return v;
  };
  const names = (value: string | undefined, what: string): string[] => {
    if (value === undefined) return [];
    const v = check(p.feelOrStatic(value, vars));
    if (v === null) return [];
    if (typeof v === 'string')
      return v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw new IncidentSignal(
      'EXTRACT_VALUE_ERROR',
      `Expected the ${what} of '${def.id}' to be a list of strings, but was '${JSON.stringify(v)}'`,
    );
  };
  const date = (value: string | undefined, what: string): string | null => {
    const v = text(value, what);
    if (v === null || v === '') return null;
    const d = new Date(v);
    if (Number.isNaN(d.getTime()))
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected the ${what} of '${def.id}' to be an ISO 8601 date-time, but was '${v}'`,
      );
    return d.toISOString();
  };
  let priority = 50;
  if (ut.priority !== undefined) {
    const given = check(p.feelOrStatic(ut.priority, vars));
    const n = typeof given === 'string' ? Number(given) : given;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100)
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected the priority of '${def.id}' to be an integer from 0 to 100, but was '${JSON.stringify(given)}'`,
      );
    priority = n;
  }
  let formKey: number | null = null;
  if (ut.formId !== undefined) {
    const formId = text(ut.formId, 'form id');
    let q = p.ctx.trx('engineForms').where({ formId: formId ?? '', tenantId: state.pi.tenantId });
    if (ut.formBinding === 'versionTag') q = q.andWhere({ versionTag: ut.formVersionTag ?? '' });
    if (ut.formBinding === 'deployment') {
      const caller = await p.ctx.services.definition(p.ctx, state.pi.processDefinitionKey);
      q = q.andWhere({ deploymentKey: caller.row.deploymentKey });
    }
    const form = (await q.orderBy('version', 'desc').first('key')) as { key: number | string } | undefined;
    const binding =
      ut.formBinding === 'latest'
        ? ''
        : ut.formBinding === 'versionTag'
          ? ` with version tag '${ut.formVersionTag ?? ''}'`
          : ' in the same deployment as the process';
    if (!form)
      throw new IncidentSignal(
        'FORM_NOT_FOUND',
        `Expected to find a form with id '${formId ?? ''}'${binding}, but no form with this id is found`,
      );
    formKey = Number(form.key);
  }
  return {
    key: await p.ctx.key(),
    state: 'CREATING',
    elementInstanceKey: el.key,
    processInstanceKey: state.pi.key,
    rootKey: state.pi.rootKey,
    processDefinitionKey: state.pi.processDefinitionKey,
    processDefinitionVersion: state.pi.version,
    bpmnProcessId: state.pi.bpmnProcessId,
    elementId: def.id,
    name: def.name ?? null,
    assignee: text(ut.assignee, 'assignee') || null,
    candidateGroups: names(ut.candidateGroups, 'candidate groups'),
    candidateUsers: names(ut.candidateUsers, 'candidate users'),
    dueDate: date(ut.dueDate, 'due date'),
    followUpDate: date(ut.followUpDate, 'follow-up date'),
    priority,
    formKey,
    externalFormReference: text(ut.externalReference, 'external form reference'),
    customHeaders: ut.headers,
    pending: null,
    tenantId: state.pi.tenantId,
    creationDate: p.ctx.now.toISOString(),
    completionDate: null,
  };
}

/** The user task of an element instance, locked; undefined when the element has none. */
export async function userTaskOf(p: Processor, el: ElementInstance): Promise<UserTaskRow | undefined> {
  return el.data.userTaskKey === undefined
    ? undefined
    : loadUserTask(p.ctx.sql, el.data.userTaskKey, true, p.ctx.userTasks);
}

/** Starts a transition of a user task (changes applied at once, restored if a listener denies); its listeners run in order. */
export async function userTaskTransition(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  task: UserTaskRow,
  eventType: TaskListenerEvent,
  action: string,
  changes: TaskChanges,
  variables?: Record<string, unknown>,
): Promise<void> {
  task.pending = { eventType, index: 0, action, variables, before: snapshot(task) };
  task.state = TRANSITION_STATE[eventType];
  applyChanges(task, changes);
  await nextListener(p, state, el, task);
}

/** A listener job of the task completed (gRPC without a result, REST with corrections or a denial). */
export async function userTaskListenerDone(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  task: UserTaskRow,
  result: { denied: boolean; deniedReason?: string; corrections: TaskChanges },
): Promise<void> {
  const pending = task.pending;
  if (!pending) return;
  if (result.denied) {
    applyChanges(task, pending.before);
    task.state = 'CREATED';
    task.pending = null;
    saveUserTask(p.ctx.userTasks, task);
    p.ctx.event({
      key: task.key,
      valueType: 'USER_TASK',
      intent: DENIED_INTENT[pending.eventType],
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
      payload: { deniedReason: result.deniedReason ?? '' },
    });
    return;
  }
  applyChanges(task, result.corrections);
  if (Object.keys(result.corrections).length)
    p.ctx.event({
      key: task.key,
      valueType: 'USER_TASK',
      intent: 'CORRECTED',
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
      payload: { ...result.corrections },
    });
  pending.index += 1;
  await nextListener(p, state, el, task);
}

/** Opens the job of the transition's next listener, or ends the transition when none is left. */
export async function nextListener(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  task: UserTaskRow,
): Promise<void> {
  const pending = task.pending!;
  const def = state.model.elements.get(el.elementId)!;
  const listeners = (def.userTask?.listeners ?? []).filter((l) => l.eventType === pending.eventType);
  const listener = listeners[pending.index];
  if (listener) {
    // Listener type and retries are static (checked at deploy).
    const retries = Number(listener.retries);
    saveUserTask(p.ctx.userTasks, task);
    await createJob(p, state, el, def, listener.type, retries, listenerHeaders(task, pending.action));
    return;
  }
  const intent =
    pending.eventType === 'creating'
      ? 'CREATED'
      : pending.eventType === 'completing'
        ? 'COMPLETED'
        : pending.eventType === 'assigning'
          ? 'ASSIGNED'
          : 'UPDATED';
  task.pending = null;
  if (pending.eventType === 'canceling') {
    // The last canceling listener is done: the task is canceled and its element terminates.
    task.state = 'CANCELED';
    task.completionDate = p.ctx.now.toISOString();
    saveUserTask(p.ctx.userTasks, task);
    p.ctx.event({
      key: task.key,
      valueType: 'USER_TASK',
      intent: 'CANCELED',
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
    });
    await terminationDone(p, state, el);
    return;
  }
  if (pending.eventType === 'completing') {
    task.state = 'COMPLETED';
    task.completionDate = p.ctx.now.toISOString();
    saveUserTask(p.ctx.userTasks, task);
    p.complete(state.pi.key, el.key, pending.variables);
  } else {
    task.state = 'CREATED';
    saveUserTask(p.ctx.userTasks, task);
  }
  p.ctx.event({
    key: task.key,
    valueType: 'USER_TASK',
    intent,
    processInstanceKey: state.pi.key,
    elementId: el.elementId,
    payload: { action: pending.action },
  });
}

/**
 * Cancels the user task of a terminated element. With canceling listeners the task goes CANCELING
 * and the first listener's job opens (the element's other waits, an open listener job included, are
 * dropped first, as Zeebe cancels them); returns true then. Without listeners it is CANCELED at once.
 */
export async function cancelUserTask(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  task: UserTaskRow,
): Promise<boolean> {
  const def = state.model.elements.get(el.elementId)!;
  if (task.state !== 'CANCELING' && (def.userTask?.listeners ?? []).some((l) => l.eventType === 'canceling')) {
    const owns = el.data.owns ?? [];
    for (const o of owns) if (o !== 'job') p.ctx.removeOwned(o, el.key);
    if (owns.includes('job')) {
      // Not through removeOwned, which would also drop the listener job opened below in this command.
      for (let i = p.ctx.jobs.length - 1; i >= 0; i--)
        if (p.ctx.jobs[i].elementInstanceKey === el.key) p.ctx.jobs.splice(i, 1);
      await p.ctx.trx('engineJobs').where({ elementInstanceKey: el.key }).delete();
    }
    el.data.owns = [];
    p.ctx.event({
      key: task.key,
      valueType: 'USER_TASK',
      intent: 'CANCELING',
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
    });
    await userTaskTransition(p, state, el, task, 'canceling', '', {});
    return true;
  }
  if (task.state === 'CANCELING') return true;
  task.state = 'CANCELED';
  task.pending = null;
  task.completionDate = p.ctx.now.toISOString();
  saveUserTask(p.ctx.userTasks, task);
  p.ctx.event({
    key: task.key,
    valueType: 'USER_TASK',
    intent: 'CANCELED',
    processInstanceKey: state.pi.key,
    elementId: el.elementId,
  });
  return false;
}
