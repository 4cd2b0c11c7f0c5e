import type { TaskListenerEvent } from '../bpmn/model.js';
import { evaluateFeel, evaluateStaticOrFeel, type FeelResult } from '../../platform/feel/feel.js';
import { EngineError } from '../errors.js';
import { InstanceState, type ElementInstance, type Owned } from '../state/instance.js';
import type { TaskChanges, UserTaskRow } from '../state/user-tasks.js';
import { BEHAVIOURS } from './behaviours/index.js';
import { checkScope, finishElement, removeWaits, runCompletion, takeFlow } from './completion.js';
import type { CommandContext, Definition } from './context.js';
import { catchEvent, findCatch, startEventSubprocess } from './events.js';
import { IncidentSignal, check, raiseIncident } from './incidents.js';
import { activateBody } from './multi-instance.js';
import type { Step } from './steps.js';
import { interruptThen, terminate } from './termination.js';
import { userTaskListenerDone, userTaskOf, userTaskTransition } from './user-tasks.js';
import { setVar, visible } from './variables.js';

/**
 * Executes BPMN semantics for one command inside its transaction: a queue of steps (activate, run,
 * complete, flow, scope, trigger) processed in order, like Zeebe's follow-up commands. What an element
 * kind does lives in behaviours/ (one module per kind); shared behaviours (variables, jobs, waits,
 * user tasks, incidents, completion, termination, multi-instance, error catching) in this folder.
 */
export class Processor {
  readonly steps: Step[] = [];
  /**
   * Steps that run once `steps` is empty: a buffered message correlating to a subscription as it
   * opens (in Zeebe a later command), so the activation that opened it has run its course first
   * (an interrupting event subprocess then interrupts the main flow instead of running before its start).
   */
  readonly afterSteps: Step[] = [];

  constructor(readonly ctx: CommandContext) {}

  /** Evaluates a FEEL expression with `now()` and `today()` at the command's time on the engine clock. */
  feel(expression: string, variables: Record<string, unknown>): FeelResult {
    return evaluateFeel(expression, variables, this.ctx.now);
  }

  /** Evaluates an attribute that may be static or `=expression` (FEEL clock as in `feel`). */
  feelOrStatic(value: string, variables: Record<string, unknown>): FeelResult {
    return evaluateStaticOrFeel(value, variables, this.ctx.now);
  }

  // ---------- entry points (called by commands) ----------

  /** Creates a process instance and queues its start; returns its state. */
  async createInstance(
    def: Definition,
    variables: Record<string, unknown>,
    opts: {
      startId?: string;
      startIds?: string[];
      parent?: { pi: InstanceState; element: ElementInstance };
      startCorrelationKey?: string;
      tenantId?: string;
    } = {},
  ): Promise<InstanceState> {
    const key = await this.ctx.key();
    const parentPi = opts.parent?.pi.pi;
    const state = new InstanceState(
      {
        key,
        rootKey: parentPi ? parentPi.rootKey : key,
        processDefinitionKey: def.row.key,
        bpmnProcessId: def.row.bpmnProcessId,
        version: def.row.version,
        state: 'ACTIVE',
        parentProcessInstanceKey: parentPi?.key ?? null,
        parentElementInstanceKey: opts.parent?.element.key ?? null,
        startCorrelationKey: opts.startCorrelationKey ?? null,
        tenantId: opts.tenantId ?? def.row.tenantId,
      },
      def.model,
    );
    this.ctx.adopt(state);
    const proc: ElementInstance = {
      key,
      processInstanceKey: key,
      parentKey: null,
      elementId: def.model.bpmnProcessId,
      elementType: 'PROCESS',
      state: 'ACTIVATING',
      data: {},
    };
    state.add(proc);
    for (const [name, value] of Object.entries(variables)) setVar(this, state, key, name, value);
    if (opts.startId) proc.data.startId = opts.startId;
    if (opts.startIds?.length) proc.data.startIds = opts.startIds;
    this.steps.push({ t: 'run', pi: key, key });
    return state;
  }

  /** Completes a waiting element (job completed, message correlated, timer fired on a catch event). */
  complete(pi: number, key: number, variables?: Record<string, unknown>): void {
    this.steps.push({ t: 'complete', pi, key, variables });
  }

  /** Re-runs the activation of an element (incident resolved). */
  retryActivation(pi: number, key: number): void {
    this.steps.push({ t: 'run', pi, key });
  }

  /** Processes all queued steps. */
  async run(): Promise<void> {
    while (this.steps.length || this.afterSteps.length) {
      const step = this.steps.shift() ?? this.afterSteps.shift()!;
      await this.step(step);
    }
  }

  /** Terminates a process instance (cancel). */
  async cancel(state: InstanceState): Promise<void> {
    const proc = state.elements.get(state.pi.key);
    if (proc) await terminate(this, state, proc);
    await this.run();
  }

  /** Handles a fired trigger (timer, message, signal) owned by an element instance; false if it no longer applies. */
  async trigger(
    state: InstanceState,
    ownerKey: number,
    targetId: string,
    variables: Record<string, unknown>,
  ): Promise<boolean> {
    const ok = await this.triggerNow(state, ownerKey, targetId, variables);
    await this.run();
    return ok;
  }

  private async triggerNow(
    state: InstanceState,
    ownerKey: number,
    targetId: string,
    variables: Record<string, unknown>,
  ): Promise<boolean> {
    const owner = state.elements.get(ownerKey);
    if (!owner) return false;
    const target = state.model.elements.get(targetId);
    if (!target) return false;
    if (owner.elementId === targetId && owner.elementType !== 'MULTI_INSTANCE_BODY') {
      this.complete(state.pi.key, owner.key, variables);
    } else if (owner.elementType === 'EVENT_BASED_GATEWAY') {
      removeWaits(this, state, owner);
      await finishElement(this, state, owner, 'COMPLETED');
      this.steps.push({ t: 'activate', pi: state.pi.key, elementId: targetId, scopeKey: owner.parentKey!, variables });
    } else if (target.type === 'BOUNDARY_EVENT') {
      await interruptThen(this, state, owner, target.interrupting, {
        t: 'activate',
        pi: state.pi.key,
        elementId: targetId,
        scopeKey: owner.parentKey!,
        variables,
      });
    } else if (target.type === 'START_EVENT' && target.scopeId) {
      // An event subprocess start event: the owner is the scope that contains the event subprocess.
      await startEventSubprocess(this, state, owner, target, variables);
    } else return false;
    return true;
  }

  /** Throws a BPMN error from an element (job ThrowError, error end event); false when nothing catches it. */
  async throwError(
    state: InstanceState,
    from: ElementInstance,
    code: string,
    variables: Record<string, unknown>,
  ): Promise<boolean> {
    const caught = await findCatch(this, state, from, 'error', code);
    if (!caught) return false;
    await catchEvent(this, caught.state, caught.owner, caught.target, variables);
    return true;
  }

  // ---------- steps ----------

  private async step(s: Step): Promise<void> {
    // A step for an instance that ended earlier in this command is dropped; database errors are not.
    const state = await this.ctx.instance(s.pi).catch((err: unknown) => {
      if (err instanceof EngineError) return undefined;
      throw err;
    });
    if (!state || state.pi.state !== 'ACTIVE') return;
    try {
      switch (s.t) {
        case 'activate': {
          const scope = state.elements.get(s.scopeKey);
          // Nothing new starts in a scope that is terminating (waiting for canceling listeners).
          if (!scope || scope.state === 'TERMINATING') return;
          await this.activate(state, s.elementId, scope, s.variables, s.startId);
          return;
        }
        case 'run': {
          const el = state.elements.get(s.key);
          if (el) await this.runActivation(state, el);
          return;
        }
        case 'complete': {
          const el = state.elements.get(s.key);
          if (el) await runCompletion(this, state, el, s.variables);
          return;
        }
        case 'flow':
          await takeFlow(this, state, s.flowId, s.scopeKey);
          return;
        case 'scope': {
          const el = state.elements.get(s.key);
          if (el) await checkScope(this, state, el);
          return;
        }
        case 'trigger':
          await this.triggerNow(state, s.ownerKey, s.targetId, s.variables);
          return;
      }
    } catch (err) {
      if (!(err instanceof IncidentSignal)) throw err;
      const key = s.t === 'run' || s.t === 'complete' ? s.key : undefined;
      const el = key !== undefined ? state.elements.get(key) : undefined;
      if (el)
        await raiseIncident(
          this,
          state,
          el,
          err.errorType,
          err.message,
          el.state === 'COMPLETING' ? 'complete' : 'activate',
        );
    }
  }

  private async activate(
    state: InstanceState,
    elementId: string,
    scope: ElementInstance,
    variables?: Record<string, unknown>,
    startId?: string,
  ): Promise<void> {
    const def = state.model.elements.get(elementId)!;
    const el: ElementInstance = {
      key: await this.ctx.key(),
      processInstanceKey: state.pi.key,
      parentKey: scope.key,
      elementId,
      elementType: def.loop ? 'MULTI_INSTANCE_BODY' : def.type,
      state: 'ACTIVATING',
      data: {},
    };
    if (variables && Object.keys(variables).length) el.data.eventVariables = variables;
    if (startId) el.data.startId = startId;
    state.add(el);
    this.steps.unshift({ t: 'run', pi: state.pi.key, key: el.key });
  }

  own(el: ElementInstance, what: Owned): void {
    const owns = (el.data.owns ??= []);
    if (!owns.includes(what)) owns.push(what);
  }

  logElement(state: InstanceState, el: ElementInstance, intent: string): void {
    this.ctx.event({
      key: el.key,
      valueType: 'PROCESS_INSTANCE',
      intent,
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
      elementType: el.elementType,
      payload: { flowScopeKey: el.parentKey, bpmnProcessId: state.pi.bpmnProcessId },
    });
  }

  /** Activates an element: input mappings, then the behaviour of its kind (behaviours/index.ts). */
  private async runActivation(state: InstanceState, el: ElementInstance): Promise<void> {
    const def = state.model.elements.get(el.elementId)!;
    const type = el.elementType;
    if (el.state !== 'ACTIVATING') return;
    if (type === 'MULTI_INSTANCE_BODY') return activateBody(this, state, el, def);
    if (type !== 'PROCESS') {
      // Input mappings create local variables; they run in order and see earlier targets.
      for (const m of def.inputs) {
        const ctxVars = visible(this, state, el.key);
        const value = check(this.feelOrStatic(m.source, ctxVars), 'IO_MAPPING_ERROR');
        setVar(this, state, el.key, m.target, value);
      }
    }
    const activated = () => {
      el.state = 'ACTIVATED';
      state.touch(el);
      this.logElement(state, el, 'ELEMENT_ACTIVATED');
    };
    await BEHAVIOURS[type].activate(this, { state, el, def, activated });
  }

  // ---------- shared behaviours used by the commands ----------

  /** The user task of an element instance, locked; undefined when the element has none. */
  userTaskOf(el: ElementInstance): Promise<UserTaskRow | undefined> {
    return userTaskOf(this, el);
  }

  /** Starts a transition of a user task (processor/user-tasks.ts). */
  userTaskTransition(
    state: InstanceState,
    el: ElementInstance,
    task: UserTaskRow,
    eventType: TaskListenerEvent,
    action: string,
    changes: TaskChanges,
    variables?: Record<string, unknown>,
  ): Promise<void> {
    return userTaskTransition(this, state, el, task, eventType, action, changes, variables);
  }

  /** A listener job of the task completed (processor/user-tasks.ts). */
  userTaskListenerDone(
    state: InstanceState,
    el: ElementInstance,
    task: UserTaskRow,
    result: { denied: boolean; deniedReason?: string; corrections: TaskChanges },
  ): Promise<void> {
    return userTaskListenerDone(this, state, el, task, result);
  }

  /** Creates an incident on an element (processor/incidents.ts). */
  raiseIncident(
    state: InstanceState,
    el: ElementInstance,
    errorType: string,
    message: string,
    phase: 'activate' | 'complete' | 'job',
    jobKey?: number,
  ): Promise<number> {
    return raiseIncident(this, state, el, errorType, message, phase, jobKey);
  }
}
