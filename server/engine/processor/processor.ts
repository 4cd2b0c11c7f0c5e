import type { ElementType, FlowElement, ProcessModel, TaskListenerEvent } from '../bpmn/model.js';
import { evaluateFeel, evaluateStaticOrFeel, type FeelResult } from '../../platform/feel/feel.js';
import { scheduleTimer } from '../scheduler/timers.js';
import { EngineError, onlyNotFound } from '../errors.js';
import { messageLock } from '../state/message-locks.js';
import { rawRows } from '../state/sql.js';
import { InstanceState, type ElementInstance, type Owned } from '../state/instance.js';
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
import type { CommandContext, Definition } from './context.js';

/** Opens a planned wait (timer, message or signal subscription); a message wait names its advisory lock (state/message-locks.ts). */
type Wait = (() => Promise<void>) & { lock?: string };

/** A step of a command, processed in order (like Zeebe's follow-up commands). */
type Step =
  | {
      t: 'activate';
      pi: number;
      elementId: string;
      scopeKey: number;
      variables?: Record<string, unknown>;
      startId?: string;
    }
  | { t: 'run'; pi: number; key: number }
  | { t: 'complete'; pi: number; key: number; variables?: Record<string, unknown> }
  | { t: 'flow'; pi: number; flowId: string; scopeKey: number }
  | { t: 'scope'; pi: number; key: number }
  | { t: 'trigger'; pi: number; ownerKey: number; targetId: string; variables: Record<string, unknown> };

/** Thrown inside a step when an expression fails: becomes an incident on the element. */
class IncidentSignal extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** Zeebe's user task intents for a denied transition. */
const DENIED_INTENT: Record<TaskListenerEvent, string> = {
  creating: 'CREATION_DENIED',
  assigning: 'ASSIGNMENT_DENIED',
  updating: 'UPDATE_DENIED',
  completing: 'COMPLETION_DENIED',
  canceling: 'CANCELATION_DENIED',
};

const CONTAINERS = new Set<ElementType>(['PROCESS', 'SUB_PROCESS', 'EVENT_SUB_PROCESS']);

function check(r: FeelResult, errorType = 'EXTRACT_VALUE_ERROR'): unknown {
  if (!r.ok) throw new IncidentSignal(errorType, r.message);
  return r.value;
}

/** Executes BPMN semantics for one command inside its transaction. */
export class Processor {
  private readonly steps: Step[] = [];
  /**
   * Steps that run once `steps` is empty: a buffered message correlating to a subscription as it
   * opens (in Zeebe a later command), so the activation that opened it has run its course first
   * (an interrupting event subprocess then interrupts the main flow instead of running before its start).
   */
  private readonly afterSteps: Step[] = [];

  constructor(private readonly ctx: CommandContext) {}

  /** Evaluates a FEEL expression with `now()` and `today()` at the command's time on the engine clock. */
  private feel(expression: string, variables: Record<string, unknown>): FeelResult {
    return evaluateFeel(expression, variables, this.ctx.now);
  }

  /** Evaluates an attribute that may be static or `=expression` (FEEL clock as in `feel`). */
  private feelOrStatic(value: string, variables: Record<string, unknown>): FeelResult {
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
    for (const [name, value] of Object.entries(variables)) this.setVar(state, key, name, value);
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
    if (proc) await this.terminate(state, proc);
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
      this.removeWaits(state, owner);
      await this.finishElement(state, owner, 'COMPLETED');
      this.steps.push({ t: 'activate', pi: state.pi.key, elementId: targetId, scopeKey: owner.parentKey!, variables });
    } else if (target.type === 'BOUNDARY_EVENT') {
      await this.interruptThen(state, owner, target.interrupting, {
        t: 'activate',
        pi: state.pi.key,
        elementId: targetId,
        scopeKey: owner.parentKey!,
        variables,
      });
    } else if (target.type === 'START_EVENT' && target.scopeId) {
      // An event subprocess start event: the owner is the scope that contains the event subprocess.
      await this.startEventSubprocess(state, owner, target, variables);
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
    const caught = await this.findCatch(state, from, 'error', code);
    if (!caught) return false;
    await this.catchEvent(caught.state, caught.owner, caught.target, variables);
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
          if (el) await this.runCompletion(state, el, s.variables);
          return;
        }
        case 'flow':
          await this.takeFlow(state, s.flowId, s.scopeKey);
          return;
        case 'scope': {
          const el = state.elements.get(s.key);
          if (el) await this.checkScope(state, el);
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
        await this.raiseIncident(
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

  private visible(state: InstanceState, key: number | null): Record<string, unknown> {
    const chain: number[] = [];
    for (let k = key; k !== null;) {
      chain.push(k);
      k = state.elements.get(k)?.parentKey ?? null;
    }
    const out: Record<string, unknown> = {};
    for (let i = chain.length - 1; i >= 0; i--) {
      const vars = state.variables.get(chain[i]);
      if (vars) for (const [n, v] of vars) out[n] = v;
    }
    return out;
  }

  private setVar(state: InstanceState, scopeKey: number, name: string, value: unknown): void {
    const existed = state.setVariable(scopeKey, name, value);
    this.ctx.event({
      key: scopeKey,
      valueType: 'VARIABLE',
      intent: existed ? 'UPDATED' : 'CREATED',
      processInstanceKey: state.pi.key,
      payload: { name, scopeKey },
    });
  }

  /** Zeebe's propagation: update the first scope up the tree that has the name, else create it at the root. */
  private propagate(state: InstanceState, startKey: number, variables: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(variables)) {
      let target = state.pi.key;
      for (let k: number | null = startKey; k !== null; k = state.elements.get(k)?.parentKey ?? null) {
        if (state.variables.get(k)?.has(name)) {
          target = k;
          break;
        }
      }
      this.setVar(state, target, name, value);
    }
  }

  private own(el: ElementInstance, what: Owned): void {
    const owns = (el.data.owns ??= []);
    if (!owns.includes(what)) owns.push(what);
  }

  private logElement(state: InstanceState, el: ElementInstance, intent: string): void {
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

  private async runActivation(state: InstanceState, el: ElementInstance): Promise<void> {
    const def = state.model.elements.get(el.elementId)!;
    const type = el.elementType;
    if (el.state !== 'ACTIVATING') return;
    if (type === 'MULTI_INSTANCE_BODY') return this.activateBody(state, el, def);
    if (type !== 'PROCESS') {
      // Input mappings create local variables; they run in order and see earlier targets.
      for (const m of def.inputs) {
        const ctxVars = this.visible(state, el.key);
        const value = check(this.feelOrStatic(m.source, ctxVars), 'IO_MAPPING_ERROR');
        this.setVar(state, el.key, m.target, value);
      }
    }
    const pi = state.pi.key;
    const activated = () => {
      el.state = 'ACTIVATED';
      state.touch(el);
      this.logElement(state, el, 'ELEMENT_ACTIVATED');
    };
    switch (type) {
      case 'PROCESS':
      case 'SUB_PROCESS':
      case 'EVENT_SUB_PROCESS': {
        const ctxVars = this.visible(state, el.key);
        // Resolve every expression before changing anything, so an incident leaves nothing half-done.
        const plans: Wait[] = [];
        for (const startId of def.eventSubprocessStarts) plans.push(await this.planWait(state, el, startId, ctxVars));
        if (type !== 'PROCESS') plans.push(...(await this.planBoundaries(state, el, def)));
        activated();
        await this.openWaits(plans);
        if (el.data.startIds) {
          for (const id of el.data.startIds) this.steps.push({ t: 'activate', pi, elementId: id, scopeKey: el.key });
          delete el.data.startIds;
          return;
        }
        const start = el.data.startId ?? def.noneStart;
        if (start) {
          const vars = type === 'EVENT_SUB_PROCESS' ? el.data.eventVariables : undefined;
          this.steps.push({ t: 'activate', pi, elementId: start, scopeKey: el.key, variables: vars });
        }
        delete el.data.eventVariables;
        return;
      }
      case 'SERVICE_TASK':
      case 'SEND_TASK':
      case 'BUSINESS_RULE_TASK':
      case 'SCRIPT_TASK':
      case 'INTERMEDIATE_THROW_EVENT':
      case 'END_EVENT':
        if (def.job) {
          const vars = this.visible(state, el.key);
          const jobType = check(this.feelOrStatic(def.job.type, vars));
          if (typeof jobType !== 'string' || !jobType)
            throw new IncidentSignal(
              'EXTRACT_VALUE_ERROR',
              `Expected the job type of '${def.id}' to be a non-empty string, but was '${JSON.stringify(jobType)}'`,
            );
          const retries = Number(check(this.feelOrStatic(def.job.retries, vars)));
          if (!Number.isInteger(retries))
            throw new IncidentSignal('EXTRACT_VALUE_ERROR', `Expected the retries of '${def.id}' to be a number`);
          const boundaries = await this.planBoundaries(state, el, def);
          activated();
          await this.openWaits(boundaries);
          await this.createJob(state, el, def, jobType, retries);
          return;
        }
        if (def.script) {
          const value = check(this.feel(def.script.expression, this.visible(state, el.key)));
          activated();
          this.steps.push({ t: 'complete', pi, key: el.key, variables: { [def.script.resultVariable]: value } });
          return;
        }
        if (def.event?.kind === 'error' && def.event.code) {
          const code = String(check(this.feelOrStatic(def.event.code, this.visible(state, el.key))));
          // A caught error terminates the scope that holds this end event.
          if (!(await this.throwError(state, el, code, {}))) {
            throw new IncidentSignal(
              'UNHANDLED_ERROR_EVENT',
              `Expected to throw an error event with the code '${code}', but it was not caught. No error events are available in the scope.`,
            );
          }
          return;
        }
        if (def.event?.kind === 'escalation' && def.event.code) {
          const code = String(check(this.feelOrStatic(def.event.code, this.visible(state, el.key))));
          activated();
          const caught = await this.findCatch(state, el, 'escalation', code);
          if (caught) await this.catchEvent(caught.state, caught.owner, caught.target, {});
          if (state.elements.has(el.key)) this.steps.push({ t: 'complete', pi, key: el.key });
          return;
        }
        if (def.event?.kind === 'signal' && def.event.signalName) {
          const name = String(check(this.feelOrStatic(def.event.signalName, this.visible(state, el.key))));
          activated();
          this.ctx.thrownSignals.push({ name, variables: {} });
          this.steps.push({ t: 'complete', pi, key: el.key });
          return;
        }
        if (def.event?.kind === 'terminate') {
          activated();
          const scope = state.elements.get(el.parentKey!)!;
          const waiting: number[] = [];
          for (const sibling of state.children(scope.key))
            if (sibling.key !== el.key && !(await this.terminate(state, sibling))) waiting.push(sibling.key);
          // Siblings waiting for canceling listeners: the scope is checked again once they are gone.
          this.afterTerminated(state, scope, waiting, { t: 'scope', pi, key: scope.key });
          this.steps.push({ t: 'complete', pi, key: el.key });
          return;
        }
        activated();
        this.steps.push({ t: 'complete', pi, key: el.key });
        return;
      case 'USER_TASK': {
        const task = await this.planUserTask(state, el, def);
        const boundaries = await this.planBoundaries(state, el, def);
        activated();
        await this.openWaits(boundaries);
        // The row is written with the command's batch (saveUserTask), as it is after its first transition step.
        el.data.userTaskKey = task.key;
        state.touch(el);
        this.ctx.event({
          key: task.key,
          valueType: 'USER_TASK',
          intent: 'CREATING',
          processInstanceKey: pi,
          elementId: def.id,
          payload: { elementInstanceKey: el.key },
        });
        await this.userTaskTransition(state, el, task, 'creating', '', {});
        return;
      }
      case 'START_EVENT':
      case 'MANUAL_TASK':
      case 'TASK':
      case 'BOUNDARY_EVENT':
        activated();
        this.steps.push({ t: 'complete', pi, key: el.key });
        return;
      case 'INTERMEDIATE_CATCH_EVENT':
      case 'RECEIVE_TASK': {
        if (def.event?.kind === 'link' || el.data.eventVariables !== undefined || this.triggeredByGateway(state, el)) {
          activated();
          this.steps.push({ t: 'complete', pi, key: el.key });
          return;
        }
        const vars = this.visible(state, el.key);
        const plans = [await this.planWait(state, el, def.id, vars), ...(await this.planBoundaries(state, el, def))];
        activated();
        await this.openWaits(plans);
        return;
      }
      case 'EXCLUSIVE_GATEWAY':
      case 'INCLUSIVE_GATEWAY': {
        const vars = this.visible(state, el.key);
        const chosen: string[] = [];
        for (const fid of def.outgoing) {
          const flow = state.model.flows.get(fid)!;
          if (fid === def.defaultFlow || !flow.condition) continue;
          const r = check(this.feel(flow.condition, vars), 'CONDITION_ERROR');
          if (r !== true && r !== false && r !== null)
            throw new IncidentSignal(
              'CONDITION_ERROR',
              `Expected the condition of '${fid}' to be a boolean, but was '${JSON.stringify(r)}'`,
            );
          if (r === true) {
            chosen.push(fid);
            if (type === 'EXCLUSIVE_GATEWAY') break;
          }
        }
        if (!chosen.length) {
          const unconditional = def.outgoing.filter(
            (f) => f !== def.defaultFlow && !state.model.flows.get(f)!.condition,
          );
          if (def.defaultFlow) chosen.push(def.defaultFlow);
          else if (unconditional.length) chosen.push(unconditional[0]);
          else if (def.outgoing.length)
            throw new IncidentSignal(
              'CONDITION_ERROR',
              `Expected at least one condition to evaluate to true, or to have a default flow (gateway '${def.id}')`,
            );
        }
        el.data.flows = chosen;
        activated();
        this.steps.push({ t: 'complete', pi, key: el.key });
        return;
      }
      case 'PARALLEL_GATEWAY':
        activated();
        this.steps.push({ t: 'complete', pi, key: el.key });
        return;
      case 'EVENT_BASED_GATEWAY': {
        const vars = this.visible(state, el.key);
        const plans: Wait[] = [];
        for (const t of def.eventTargets ?? []) plans.push(await this.planWait(state, el, t, vars));
        activated();
        await this.openWaits(plans);
        return;
      }
      case 'CALL_ACTIVITY': {
        const vars = this.visible(state, el.key);
        const processId = check(this.feelOrStatic(def.call!.processId, vars), 'CALLED_ELEMENT_ERROR');
        if (typeof processId !== 'string')
          throw new IncidentSignal(
            'CALLED_ELEMENT_ERROR',
            `Expected the called process id of '${def.id}' to be a string`,
          );
        const call = def.call!;
        const services = this.ctx.services;
        let called: Definition | undefined;
        if (call.bindingType === 'latest')
          called = await services.latestDefinition(this.ctx, processId, state.pi.tenantId);
        else if (call.bindingType === 'versionTag')
          called = await services.boundDefinition(this.ctx, processId, state.pi.tenantId, {
            versionTag: call.versionTag,
          });
        else {
          const caller = await services.definition(this.ctx, state.pi.processDefinitionKey);
          called = await services.boundDefinition(this.ctx, processId, state.pi.tenantId, {
            deploymentKey: caller.row.deploymentKey,
          });
        }
        const binding =
          call.bindingType === 'latest'
            ? ''
            : call.bindingType === 'versionTag'
              ? ` with version tag '${call.versionTag}'`
              : ' in the same deployment as the calling process';
        if (!called)
          throw new IncidentSignal(
            'CALLED_ELEMENT_ERROR',
            `Expected process with BPMN process id '${processId}'${binding} to be deployed, but not found.`,
          );
        if (!called.model.elements.get(called.model.bpmnProcessId)?.noneStart)
          throw new IncidentSignal(
            'CALLED_ELEMENT_ERROR',
            `Expected process '${processId}' to have a none start event`,
          );
        const boundaries = await this.planBoundaries(state, el, def);
        activated();
        await this.openWaits(boundaries);
        const childVars = def.call!.propagateAllParentVariables
          ? vars
          : Object.fromEntries(state.variables.get(el.key) ?? []);
        const child = await this.createInstance(called, childVars, { parent: { pi: state, element: el } });
        el.data.childPi = child.pi.key;
        state.touch(el);
        return;
      }
      default:
        activated();
        this.steps.push({ t: 'complete', pi, key: el.key });
    }
  }

  private triggeredByGateway(state: InstanceState, el: ElementInstance): boolean {
    const def = state.model.elements.get(el.elementId)!;
    return def.incoming.some(
      (f) => state.model.elements.get(state.model.flows.get(f)!.source)?.type === 'EVENT_BASED_GATEWAY',
    );
  }

  // ---------- user tasks ----------

  /** Evaluates a user task's attributes (before anything changes, so an incident leaves nothing half-done). */
  private async planUserTask(state: InstanceState, el: ElementInstance, def: FlowElement): Promise<UserTaskRow> {
    const ut = def.userTask!;
    const vars = this.visible(state, el.key);
    const text = (value: string | undefined, what: string): string | null => {
      if (value === undefined) return null;
      const v = check(this.feelOrStatic(value, vars));
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
      const v = check(this.feelOrStatic(value, vars));
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
      const p = check(this.feelOrStatic(ut.priority, vars));
      const n = typeof p === 'string' ? Number(p) : p;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100)
        throw new IncidentSignal(
          'EXTRACT_VALUE_ERROR',
          `Expected the priority of '${def.id}' to be an integer from 0 to 100, but was '${JSON.stringify(p)}'`,
        );
      priority = n;
    }
    let formKey: number | null = null;
    if (ut.formId !== undefined) {
      const formId = text(ut.formId, 'form id');
      let q = this.ctx.trx('engineForms').where({ formId: formId ?? '', tenantId: state.pi.tenantId });
      if (ut.formBinding === 'versionTag') q = q.andWhere({ versionTag: ut.formVersionTag ?? '' });
      if (ut.formBinding === 'deployment') {
        const caller = await this.ctx.services.definition(this.ctx, state.pi.processDefinitionKey);
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
      key: await this.ctx.key(),
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
      creationDate: this.ctx.now.toISOString(),
      completionDate: null,
    };
  }

  /** The user task of an element instance, locked; undefined when the element has none. */
  async userTaskOf(el: ElementInstance): Promise<UserTaskRow | undefined> {
    return el.data.userTaskKey === undefined
      ? undefined
      : loadUserTask(this.ctx.sql, el.data.userTaskKey, true, this.ctx.userTasks);
  }

  /** Starts a transition of a user task (changes applied at once, restored if a listener denies); its listeners run in order. */
  async userTaskTransition(
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
    await this.nextListener(state, el, task);
  }

  /** A listener job of the task completed (gRPC without a result, REST with corrections or a denial). */
  async userTaskListenerDone(
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
      saveUserTask(this.ctx.userTasks, task);
      this.ctx.event({
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
      this.ctx.event({
        key: task.key,
        valueType: 'USER_TASK',
        intent: 'CORRECTED',
        processInstanceKey: state.pi.key,
        elementId: el.elementId,
        payload: { ...result.corrections },
      });
    pending.index += 1;
    await this.nextListener(state, el, task);
  }

  /** Opens the job of the transition's next listener, or ends the transition when none is left. */
  private async nextListener(state: InstanceState, el: ElementInstance, task: UserTaskRow): Promise<void> {
    const pending = task.pending!;
    const def = state.model.elements.get(el.elementId)!;
    const listeners = (def.userTask?.listeners ?? []).filter((l) => l.eventType === pending.eventType);
    const listener = listeners[pending.index];
    if (listener) {
      // Listener type and retries are static (checked at deploy).
      const retries = Number(listener.retries);
      saveUserTask(this.ctx.userTasks, task);
      await this.createJob(state, el, def, listener.type, retries, listenerHeaders(task, pending.action));
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
      task.completionDate = this.ctx.now.toISOString();
      saveUserTask(this.ctx.userTasks, task);
      this.ctx.event({
        key: task.key,
        valueType: 'USER_TASK',
        intent: 'CANCELED',
        processInstanceKey: state.pi.key,
        elementId: el.elementId,
      });
      await this.terminationDone(state, el);
      return;
    }
    if (pending.eventType === 'completing') {
      task.state = 'COMPLETED';
      task.completionDate = this.ctx.now.toISOString();
      saveUserTask(this.ctx.userTasks, task);
      this.complete(state.pi.key, el.key, pending.variables);
    } else {
      task.state = 'CREATED';
      saveUserTask(this.ctx.userTasks, task);
    }
    this.ctx.event({
      key: task.key,
      valueType: 'USER_TASK',
      intent,
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
      payload: { action: pending.action },
    });
  }

  private async createJob(
    state: InstanceState,
    el: ElementInstance,
    def: FlowElement,
    type: string,
    retries: number,
    headers?: Record<string, string>,
  ): Promise<void> {
    const key = await this.ctx.key();
    const path: number[] = [];
    for (let k: number | null = el.key; k !== null; k = state.elements.get(k)?.parentKey ?? null) path.push(k);
    this.ctx.jobs.push({
      key,
      type,
      state: 'activatable',
      retries,
      processInstanceKey: state.pi.key,
      rootKey: state.pi.rootKey,
      elementInstanceKey: el.key,
      elementId: def.id,
      bpmnProcessId: state.pi.bpmnProcessId,
      processDefinitionKey: state.pi.processDefinitionKey,
      processDefinitionVersion: state.pi.version,
      customHeaders: headers ?? def.job!.headers,
      scopePath: path,
      tenantId: state.pi.tenantId,
    });
    this.own(el, 'job');
    state.touch(el);
    this.ctx.wakeTypes.add(type);
    this.ctx.event({
      key,
      valueType: 'JOB',
      intent: 'CREATED',
      processInstanceKey: state.pi.key,
      elementId: def.id,
      payload: { type, retries, elementInstanceKey: el.key },
    });
  }

  /** Evaluates what a wait (timer / message / signal) for `targetId` needs; returns a function that opens it. */
  private async planWait(
    state: InstanceState,
    owner: ElementInstance,
    targetId: string,
    vars: Record<string, unknown>,
  ): Promise<Wait> {
    const target = state.model.elements.get(targetId)!;
    const ev = target.event;
    const interrupting = target.interrupting;
    if (ev?.kind === 'timer' && ev.timer) {
      const raw = check(this.feelOrStatic(ev.timer.expression, vars));
      const schedule = scheduleTimer(ev.timer.kind, String(raw), this.ctx.now);
      if ('error' in schedule)
        throw new IncidentSignal('EXTRACT_VALUE_ERROR', `Invalid timer of '${targetId}': ${schedule.error}`);
      return async () => {
        const key = await this.ctx.key();
        this.ctx.timers.push({
          key,
          dueAt: schedule.dueAt.toISOString(),
          elementInstanceKey: owner.key,
          processInstanceKey: state.pi.key,
          rootKey: state.pi.rootKey,
          targetElementId: targetId,
          repetitions: schedule.repetitions,
          cycle: schedule.cycle ?? null,
        });
        this.ctx.noteTimer(schedule.dueAt);
        this.own(owner, 'timer');
        state.touch(owner);
        this.ctx.event({
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
      const name = check(this.feelOrStatic(ev.messageName ?? '', vars));
      const correlation = check(this.feel(ev.correlationKey ?? '=null', vars));
      if (typeof correlation !== 'string' && typeof correlation !== 'number') {
        throw new IncidentSignal(
          'EXTRACT_VALUE_ERROR',
          `Failed to extract the correlation key for '${targetId}': The value must be either a string or a number, but was ${JSON.stringify(correlation)}.`,
        );
      }
      const lock = messageLock(state.pi.tenantId, String(name), String(correlation));
      const open = async () => {
        const key = await this.ctx.key();
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
        await this.ctx.lockMessages([lock]);
        // A buffered message may be waiting already: the first (oldest) match correlates at once.
        const buffered = await rawRows<{
          key: number;
          variables: Record<string, unknown>;
          correlatedProcessIds: string[];
        }>(
          this.ctx.trx,
          `select key, variables, correlated_process_ids from engine_messages
            where name = ? and correlation_key = ? and expires_at > ? and tenant_id = ?
              and not (correlated_process_ids \\? ?)
            order by key limit 1 for update`,
          [sub.messageName, sub.correlationKey, this.ctx.now, sub.tenantId, state.pi.bpmnProcessId],
        );
        const msg = buffered[0];
        if (msg) {
          await this.ctx
            .trx('engineMessages')
            .where({ key: msg.key })
            .update({ correlatedProcessIds: JSON.stringify([...msg.correlatedProcessIds, state.pi.bpmnProcessId]) });
          this.ctx.event({
            key: msg.key,
            valueType: 'MESSAGE',
            intent: 'CORRELATED',
            processInstanceKey: state.pi.key,
            elementId: targetId,
            payload: { messageName: sub.messageName, correlationKey: sub.correlationKey },
          });
          if (!interrupting) {
            this.ctx.messageSubscriptions.push(sub);
            this.own(owner, 'message');
          }
          await this.deferTrigger(state, owner.key, targetId, msg.variables ?? {});
          return;
        }
        this.ctx.messageSubscriptions.push(sub);
        this.own(owner, 'message');
        state.touch(owner);
      };
      return Object.assign(open, { lock });
    }
    if (ev?.kind === 'signal') {
      const name = check(this.feelOrStatic(ev.signalName ?? '', vars));
      return async () => {
        const key = await this.ctx.key();
        this.ctx.signalSubscriptions.push({
          key,
          signalName: String(name),
          elementInstanceKey: owner.key,
          processInstanceKey: state.pi.key,
          rootKey: state.pi.rootKey,
          targetElementId: targetId,
          interrupting,
        });
        this.own(owner, 'signal');
        state.touch(owner);
      };
    }
    return async () => undefined;
  }

  /** Triggers once the current chain of steps has run (see afterSteps). */
  private async deferTrigger(
    state: InstanceState,
    ownerKey: number,
    targetId: string,
    variables: Record<string, unknown>,
  ): Promise<void> {
    this.afterSteps.push({ t: 'trigger', pi: state.pi.key, ownerKey, targetId, variables });
  }

  /** Opens planned waits; the message locks of all of them first, in one go and in key order (against deadlocks). */
  private async openWaits(waits: Wait[]): Promise<void> {
    const locks = waits.flatMap((w) => (w.lock ? [w.lock] : []));
    if (locks.length > 1) await this.ctx.lockMessages(locks);
    for (const w of waits) await w();
  }

  private async planBoundaries(state: InstanceState, el: ElementInstance, def: FlowElement): Promise<Wait[]> {
    // Boundary events belong to the multi-instance body, not to its inner instances.
    if (def.loop && el.elementType !== 'MULTI_INSTANCE_BODY') return [];
    const vars = this.visible(state, el.key);
    const plans: Wait[] = [];
    for (const b of def.boundaryEvents) {
      const kind = state.model.elements.get(b)!.event?.kind;
      if (kind === 'timer' || kind === 'message' || kind === 'signal')
        plans.push(await this.planWait(state, el, b, vars));
    }
    return plans;
  }

  private async runCompletion(
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
        if (def.outputs.length) for (const [n, v] of Object.entries(vars)) this.setVar(state, el.key, n, v);
        else this.propagate(state, el.key, vars);
      }
    }
    if (el.elementType !== 'PROCESS' && el.elementType !== 'MULTI_INSTANCE_BODY' && def.outputs.length) {
      const parent = el.parentKey !== null ? state.elements.get(el.parentKey) : undefined;
      const innerOfBody = parent?.elementType === 'MULTI_INSTANCE_BODY';
      const results: [string, unknown][] = [];
      for (const m of def.outputs) {
        results.push([m.target, check(this.feel(m.source, this.visible(state, el.key)), 'IO_MAPPING_ERROR')]);
      }
      for (const [target, value] of results) {
        if (innerOfBody) this.setVar(state, el.key, target, value);
        else this.propagate(state, el.parentKey!, { [target]: value });
      }
    }
    if (el.elementType === 'MULTI_INSTANCE_BODY') {
      const out = def.loop?.outputCollection;
      if (out) this.propagate(state, el.parentKey!, { [out]: state.variables.get(el.key)?.get(out) ?? [] });
    }
    const parent = el.parentKey !== null ? state.elements.get(el.parentKey) : undefined;
    if (parent?.elementType === 'MULTI_INSTANCE_BODY') {
      await this.innerCompleted(state, parent, el, def);
      return;
    }
    const rootVariables =
      el.elementType === 'PROCESS' ? Object.fromEntries(state.variables.get(state.pi.key) ?? []) : {};
    await this.finishElement(state, el, 'COMPLETED');
    if (el.elementType === 'PROCESS') return this.processFinished(state, rootVariables);
    // Leave the element.
    let flows: string[];
    if (def.type === 'EXCLUSIVE_GATEWAY' || def.type === 'INCLUSIVE_GATEWAY') flows = el.data.flows ?? [];
    else if (def.type === 'INTERMEDIATE_THROW_EVENT' && def.event?.kind === 'link') {
      const target = [...state.model.elements.values()].find(
        (c) =>
          c.type === 'INTERMEDIATE_CATCH_EVENT' &&
          c.event?.linkName === def.event?.linkName &&
          c.scopeId === def.scopeId,
      );
      if (target) this.steps.push({ t: 'activate', pi, elementId: target.id, scopeKey: el.parentKey! });
      return;
    } else flows = def.outgoing;
    for (const f of flows) this.steps.push({ t: 'flow', pi, flowId: f, scopeKey: el.parentKey! });
    if (!flows.length) this.steps.push({ t: 'scope', pi, key: el.parentKey! });
  }

  /** Removes a finished element and everything it owns; logs the transition. */
  private async finishElement(
    state: InstanceState,
    el: ElementInstance,
    how: 'COMPLETED' | 'TERMINATED',
  ): Promise<void> {
    this.removeWaits(state, el);
    state.remove(el);
    this.logElement(state, el, how === 'COMPLETED' ? 'ELEMENT_COMPLETED' : 'ELEMENT_TERMINATED');
  }

  private removeWaits(state: InstanceState, el: ElementInstance): void {
    for (const o of el.data.owns ?? []) this.ctx.removeOwned(o, el.key);
    el.data.owns = [];
    state.touch(el);
  }

  private async processFinished(state: InstanceState, variables: Record<string, unknown>): Promise<void> {
    state.pi.state = 'COMPLETED';
    state.piDirty = true;
    this.ctx.finished.push({ key: state.pi.key, state: 'COMPLETED', variables });
    if (state.pi.parentProcessInstanceKey !== null && state.pi.parentElementInstanceKey !== null) {
      const parent = await this.ctx.instance(state.pi.parentProcessInstanceKey);
      const call = parent.elements.get(state.pi.parentElementInstanceKey);
      if (call) {
        const def = parent.model.elements.get(call.elementId)!;
        const childVars = def.call?.propagateAllChildVariables || def.outputs.length ? variables : {};
        this.steps.push({ t: 'complete', pi: parent.pi.key, key: call.key, variables: childVars });
      }
    }
  }

  private async takeFlow(state: InstanceState, flowId: string, scopeKey: number): Promise<void> {
    const scope = state.elements.get(scopeKey);
    if (!scope || scope.state === 'TERMINATING') return;
    const flow = state.model.flows.get(flowId)!;
    const target = state.model.elements.get(flow.target)!;
    this.ctx.event({
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
      await this.tryJoins(state, scope);
      return;
    }
    this.steps.push({ t: 'activate', pi: state.pi.key, elementId: target.id, scopeKey });
  }

  /** Fires joining gateways whose incoming tokens are complete (inclusive: no other token can still arrive). */
  private async tryJoins(state: InstanceState, scope: ElementInstance): Promise<boolean> {
    let fired = false;
    for (const [gatewayId, tokens] of Object.entries(scope.data.joins ?? {})) {
      const gw = state.model.elements.get(gatewayId)!;
      const arrived = gw.incoming.filter((f) => (tokens[f] ?? 0) > 0);
      if (!arrived.length) continue;
      let ready = arrived.length === gw.incoming.length;
      if (!ready && gw.type === 'INCLUSIVE_GATEWAY') ready = !this.canStillArrive(state, scope, gw);
      if (!ready) continue;
      for (const f of arrived) tokens[f] -= 1;
      if (Object.values(tokens).every((n) => n <= 0)) delete scope.data.joins![gatewayId];
      state.touch(scope);
      this.steps.push({ t: 'activate', pi: state.pi.key, elementId: gatewayId, scopeKey: scope.key });
      fired = true;
    }
    return fired;
  }

  /** True when an active element (or a token waiting at another join) of the scope can reach the gateway. */
  private canStillArrive(state: InstanceState, scope: ElementInstance, gw: FlowElement): boolean {
    const sources: string[] = state.children(scope.key).map((c) => c.elementId);
    for (const [other, tokens] of Object.entries(scope.data.joins ?? {}))
      if (other !== gw.id && Object.values(tokens).some((n) => n > 0)) sources.push(other);
    for (const s of this.pendingActivations(state, scope.key)) sources.push(s);
    return sources.some((s) => reaches(state.model, s, gw.id));
  }

  private pendingActivations(state: InstanceState, scopeKey: number): string[] {
    const out: string[] = [];
    for (const s of this.steps) {
      if (s.pi !== state.pi.key) continue;
      if (s.t === 'activate' && s.scopeKey === scopeKey) out.push(s.elementId);
      if (s.t === 'flow' && s.scopeKey === scopeKey) out.push(state.model.flows.get(s.flowId)!.target);
    }
    return out;
  }

  /** A scope completes when nothing is active in it and no token waits at a join. */
  private async checkScope(state: InstanceState, scope: ElementInstance): Promise<void> {
    if (scope.state !== 'ACTIVATED') return;
    if (state.children(scope.key).length) {
      return;
    }
    if (Object.values(scope.data.joins ?? {}).some((t) => Object.values(t).some((n) => n > 0))) {
      // A waiting inclusive join may now be free to fire.
      await this.tryJoins(state, scope);
      return;
    }
    if (this.pendingActivations(state, scope.key).length) return;
    if (CONTAINERS.has(scope.elementType)) this.steps.push({ t: 'complete', pi: state.pi.key, key: scope.key });
  }

  // ---------- multi-instance ----------

  private async activateBody(state: InstanceState, body: ElementInstance, def: FlowElement): Promise<void> {
    const loop = def.loop!;
    const items = check(this.feel(loop.inputCollection, this.visible(state, body.key)));
    if (!Array.isArray(items))
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected the input collection of '${def.id}' to be a list, but was '${JSON.stringify(items)}'`,
      );
    const boundaries = await this.planBoundaries(state, body, def);
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
    this.logElement(state, body, 'ELEMENT_ACTIVATED');
    await this.openWaits(boundaries);
    if (loop.outputCollection)
      this.setVar(
        state,
        body.key,
        loop.outputCollection,
        items.map(() => null),
      );
    if (!items.length) {
      this.steps.push({ t: 'complete', pi: state.pi.key, key: body.key });
      return;
    }
    if (loop.sequential) await this.spawnInner(state, body, def, 0, items[0]);
    else for (let i = 0; i < items.length; i++) await this.spawnInner(state, body, def, i, items[i]);
  }

  private async spawnInner(
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
      key: await this.ctx.key(),
      processInstanceKey: state.pi.key,
      parentKey: body.key,
      elementId: def.id,
      elementType: def.type,
      state: 'ACTIVATING',
      data: {},
    };
    state.add(inner);
    if (def.loop!.inputElement) this.setVar(state, inner.key, def.loop!.inputElement, item);
    this.setVar(state, inner.key, 'loopCounter', index + 1);
    this.steps.push({ t: 'run', pi: state.pi.key, key: inner.key });
  }

  private async innerCompleted(
    state: InstanceState,
    body: ElementInstance,
    inner: ElementInstance,
    def: FlowElement,
  ): Promise<void> {
    const loop = def.loop!;
    const mi = body.data.mi!;
    const innerVars = this.visible(state, inner.key);
    // Evaluate first (either may raise an incident on the inner instance), then apply.
    const output =
      loop.outputCollection && loop.outputElement ? check(this.feel(loop.outputElement, innerVars)) : undefined;
    let done = false;
    if (loop.completionCondition) {
      const counters = {
        numberOfInstances: mi.size,
        numberOfActiveInstances: mi.active - 1,
        numberOfCompletedInstances: mi.completed + 1,
        numberOfTerminatedInstances: mi.terminated,
      };
      const r = check(this.feel(loop.completionCondition, { ...innerVars, ...counters }));
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
      this.setVar(state, body.key, loop.outputCollection, list);
    }
    await this.finishElement(state, inner, 'COMPLETED');
    mi.active -= 1;
    mi.completed += 1;
    state.touch(body);
    if (done) {
      const waiting: number[] = [];
      for (const other of state.children(body.key)) {
        if (!(await this.terminate(state, other))) waiting.push(other.key);
        mi.terminated += 1;
        mi.active -= 1;
      }
      const completeBody: Step = { t: 'complete', pi: state.pi.key, key: body.key };
      if (waiting.length) this.afterTerminated(state, body, waiting, completeBody);
      else this.steps.push(completeBody);
      return;
    }
    if (loop.sequential && mi.next < mi.size) await this.spawnInner(state, body, def, mi.next, mi.items[mi.next]);
    else if (mi.active === 0) this.steps.push({ t: 'complete', pi: state.pi.key, key: body.key });
  }

  // ---------- termination, incidents, events ----------

  /**
   * Terminates an element and everything below it (children first), without leaving it. Returns
   * false when the termination waits for canceling task listeners (of the element or of one below
   * it): the element stays TERMINATING, like Zeebe's ELEMENT_TERMINATING, until terminationDone().
   */
  async terminate(state: InstanceState, el: ElementInstance): Promise<boolean> {
    if (el.state === 'TERMINATING') return false;
    let waits = false;
    for (const child of state.children(el.key)) if (!(await this.terminate(state, child))) waits = true;
    if (el.data.childPi !== undefined) {
      const child = await this.ctx.instance(el.data.childPi).catch(onlyNotFound);
      if (child && child.pi.state === 'ACTIVE') {
        const root = child.elements.get(child.pi.key);
        if (root && !(await this.terminate(child, root))) waits = true;
      }
    }
    if (el.data.owns?.includes('incident')) this.ctx.removeOwned('incident', el.key);
    if (el.data.userTaskKey !== undefined) {
      const task = await loadUserTask(this.ctx.sql, el.data.userTaskKey, true, this.ctx.userTasks);
      if (
        task &&
        task.state !== 'COMPLETED' &&
        task.state !== 'CANCELED' &&
        (await this.cancelUserTask(state, el, task))
      )
        waits = true;
    }
    if (waits) {
      if (el.data.userTaskKey === undefined) this.removeWaits(state, el);
      el.state = 'TERMINATING';
      state.touch(el);
      return false;
    }
    await this.finishTermination(state, el);
    return true;
  }

  /** Removes a terminated element; a terminated process instance ends. */
  private async finishTermination(state: InstanceState, el: ElementInstance): Promise<void> {
    await this.finishElement(state, el, 'TERMINATED');
    if (el.elementType === 'PROCESS') {
      state.pi.state = 'TERMINATED';
      state.piDirty = true;
      this.ctx.finished.push({ key: state.pi.key, state: 'TERMINATED', variables: {} });
    }
  }

  /**
   * Cancels the user task of a terminated element. With canceling listeners the task goes CANCELING
   * and the first listener's job opens (the element's other waits, an open listener job included, are
   * dropped first, as Zeebe cancels them); returns true then. Without listeners it is CANCELED at once.
   */
  private async cancelUserTask(state: InstanceState, el: ElementInstance, task: UserTaskRow): Promise<boolean> {
    const def = state.model.elements.get(el.elementId)!;
    if (task.state !== 'CANCELING' && (def.userTask?.listeners ?? []).some((l) => l.eventType === 'canceling')) {
      const owns = el.data.owns ?? [];
      for (const o of owns) if (o !== 'job') this.ctx.removeOwned(o, el.key);
      if (owns.includes('job')) {
        // Not through removeOwned, which would also drop the listener job opened below in this command.
        for (let i = this.ctx.jobs.length - 1; i >= 0; i--)
          if (this.ctx.jobs[i].elementInstanceKey === el.key) this.ctx.jobs.splice(i, 1);
        await this.ctx.trx('engineJobs').where({ elementInstanceKey: el.key }).delete();
      }
      el.data.owns = [];
      this.ctx.event({
        key: task.key,
        valueType: 'USER_TASK',
        intent: 'CANCELING',
        processInstanceKey: state.pi.key,
        elementId: el.elementId,
      });
      await this.userTaskTransition(state, el, task, 'canceling', '', {});
      return true;
    }
    if (task.state === 'CANCELING') return true;
    task.state = 'CANCELED';
    task.pending = null;
    task.completionDate = this.ctx.now.toISOString();
    saveUserTask(this.ctx.userTasks, task);
    this.ctx.event({
      key: task.key,
      valueType: 'USER_TASK',
      intent: 'CANCELED',
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
    });
    return false;
  }

  /** Interrupts (terminates) an owner if asked, then runs `step` once the owner has terminated. */
  private async interruptThen(
    state: InstanceState,
    owner: ElementInstance,
    interrupting: boolean | undefined,
    step: Step,
  ): Promise<void> {
    const scope = owner.parentKey !== null ? state.elements.get(owner.parentKey) : undefined;
    if (interrupting && !(await this.terminate(state, owner)) && scope)
      this.afterTerminated(state, scope, [owner.key], step);
    else this.steps.push(step);
  }

  /** Records a step of a scope to run once the listed children (TERMINATING) have terminated. */
  private afterTerminated(state: InstanceState, scope: ElementInstance, wait: number[], step: Step): void {
    if (!wait.length) return;
    (scope.data.afterTerminated ??= []).push({ wait, step: step as unknown as Record<string, unknown> });
    state.touch(scope);
  }

  /** A TERMINATING element has nothing left to wait for: it terminates, and what waited for it resumes. */
  private async terminationDone(state: InstanceState, el: ElementInstance): Promise<void> {
    await this.finishTermination(state, el);
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
        if (scope.state !== 'TERMINATING') this.steps.push(...ready);
      }
      if (scope.state === 'TERMINATING' && !state.children(scope.key).length) await this.terminationDone(state, scope);
      return;
    }
    // A called process terminated with its call activity, which waited for it.
    const { parentProcessInstanceKey, parentElementInstanceKey } = state.pi;
    if (parentProcessInstanceKey === null || parentElementInstanceKey === null) return;
    const parent = await this.ctx.instance(parentProcessInstanceKey).catch(onlyNotFound);
    const call = parent?.elements.get(parentElementInstanceKey);
    if (parent && call?.state === 'TERMINATING') await this.terminationDone(parent, call);
  }

  /** Creates an incident on an element; `phase` says what ResolveIncident retries. */
  async raiseIncident(
    state: InstanceState,
    el: ElementInstance,
    errorType: string,
    message: string,
    phase: 'activate' | 'complete' | 'job',
    jobKey?: number,
  ): Promise<number> {
    const key = await this.ctx.key();
    this.ctx.incidents.push({
      key,
      errorType,
      errorMessage: message,
      processInstanceKey: state.pi.key,
      rootKey: state.pi.rootKey,
      elementInstanceKey: el.key,
      elementId: el.elementId,
      bpmnProcessId: state.pi.bpmnProcessId,
      processDefinitionKey: state.pi.processDefinitionKey,
      jobKey: jobKey ?? null,
      retryPhase: phase,
      tenantId: state.pi.tenantId,
      createdAt: this.ctx.now.toISOString(),
    });
    this.own(el, 'incident');
    state.touch(el);
    this.ctx.event({
      key,
      valueType: 'INCIDENT',
      intent: 'CREATED',
      processInstanceKey: state.pi.key,
      elementId: el.elementId,
      payload: { errorType, errorMessage: message, elementInstanceKey: el.key, jobKey: jobKey ?? null },
    });
    return key;
  }

  /** Finds the catching boundary event or event subprocess for an error/escalation thrown at `from`. */
  private async findCatch(
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
      st = await this.ctx.instance(parentProcessInstanceKey);
      cur = st.elements.get(parentElementInstanceKey);
    }
    return undefined;
  }

  /** Triggers a catching boundary event or event subprocess (errors and escalations). */
  private async catchEvent(
    state: InstanceState,
    owner: ElementInstance,
    target: FlowElement,
    variables: Record<string, unknown>,
  ): Promise<void> {
    if (target.type === 'BOUNDARY_EVENT') {
      await this.interruptThen(state, owner, target.interrupting, {
        t: 'activate',
        pi: state.pi.key,
        elementId: target.id,
        scopeKey: owner.parentKey!,
        variables,
      });
    } else {
      await this.startEventSubprocess(state, owner, target, variables);
    }
  }

  private async startEventSubprocess(
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
      for (const child of state.children(scope.key)) if (!(await this.terminate(state, child))) waiting.push(child.key);
      scope.data.interrupted = true;
      // No other event subprocess may trigger after an interrupting one; the scope's boundary events stay.
      this.ctx.removeTargets(scope.key, state.model.elements.get(scope.elementId)!.eventSubprocessStarts);
      delete scope.data.joins;
      state.touch(scope);
      if (waiting.length) {
        this.afterTerminated(state, scope, waiting, activateStart);
        return;
      }
    }
    this.steps.push(activateStart);
  }
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
