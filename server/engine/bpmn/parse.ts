import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { feelSyntaxError, isExpression } from '../../platform/feel/feel.js';
import { parseTimerSpec } from '../scheduler/timers.js';
import type {
  ElementType,
  EventDefinition,
  EventKind,
  FlowElement,
  Mapping,
  ProcessModel,
  TaskListenerEvent,
  UserTaskDefinition,
} from './model.js';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json') as object;

/** A moddle element, read through its properties only. */
interface ModdleElement {
  $type: string;
  [property: string]: unknown;
}

/** A BPMN resource the engine cannot run; `problems` name the elements and reasons. */
export class BpmnValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'BpmnValidationError';
  }
}

const TYPES: Record<string, ElementType> = {
  'bpmn:StartEvent': 'START_EVENT',
  'bpmn:EndEvent': 'END_EVENT',
  'bpmn:IntermediateCatchEvent': 'INTERMEDIATE_CATCH_EVENT',
  'bpmn:IntermediateThrowEvent': 'INTERMEDIATE_THROW_EVENT',
  'bpmn:BoundaryEvent': 'BOUNDARY_EVENT',
  'bpmn:ServiceTask': 'SERVICE_TASK',
  'bpmn:SendTask': 'SEND_TASK',
  'bpmn:BusinessRuleTask': 'BUSINESS_RULE_TASK',
  'bpmn:ScriptTask': 'SCRIPT_TASK',
  'bpmn:ReceiveTask': 'RECEIVE_TASK',
  'bpmn:ManualTask': 'MANUAL_TASK',
  'bpmn:UserTask': 'USER_TASK',
  'bpmn:Task': 'TASK',
  'bpmn:ExclusiveGateway': 'EXCLUSIVE_GATEWAY',
  'bpmn:ParallelGateway': 'PARALLEL_GATEWAY',
  'bpmn:InclusiveGateway': 'INCLUSIVE_GATEWAY',
  'bpmn:EventBasedGateway': 'EVENT_BASED_GATEWAY',
  'bpmn:SubProcess': 'SUB_PROCESS',
  'bpmn:CallActivity': 'CALL_ACTIVITY',
};

/** Artifacts and data elements that do not take part in execution. */
const IGNORED = new Set([
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
]);

const EVENT_KINDS: Record<string, EventKind> = {
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:LinkEventDefinition': 'link',
};

/** Which event definitions each event may carry (top-level start events differ from event subprocess ones). */
const ALLOWED_EVENTS: Record<string, EventKind[]> = {
  START_EVENT: ['none', 'message', 'timer', 'signal'],
  EVENT_SUB_PROCESS_START: ['message', 'timer', 'error', 'escalation', 'signal'],
  SUB_PROCESS_START: ['none'],
  END_EVENT: ['none', 'error', 'escalation', 'terminate', 'message', 'signal'],
  INTERMEDIATE_CATCH_EVENT: ['timer', 'message', 'link', 'signal'],
  INTERMEDIATE_THROW_EVENT: ['none', 'escalation', 'message', 'link', 'signal'],
  BOUNDARY_EVENT: ['timer', 'message', 'error', 'escalation', 'signal'],
};

const JOB_TYPES = new Set<ElementType>(['SERVICE_TASK', 'SEND_TASK', 'BUSINESS_RULE_TASK']);

function str(el: ModdleElement | undefined, prop: string): string | undefined {
  const v = el?.[prop];
  return typeof v === 'string' ? v : undefined;
}

function list(el: ModdleElement | undefined, prop: string): ModdleElement[] {
  const v = el?.[prop];
  return Array.isArray(v) ? (v as ModdleElement[]) : [];
}

function ref(el: ModdleElement | undefined, prop: string): ModdleElement | undefined {
  const v = el?.[prop];
  return v && typeof v === 'object' ? (v as ModdleElement) : undefined;
}

function extensions(el: ModdleElement, type: string): ModdleElement[] {
  return list(ref(el, 'extensionElements'), 'values').filter((v) => v.$type === type);
}

function extension(el: ModdleElement, type: string): ModdleElement | undefined {
  return extensions(el, type)[0];
}

/** Parses BPMN XML and validates it against what the engine supports; throws BpmnValidationError. */
export async function parseBpmn(xml: string): Promise<ProcessModel[]> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  let root: ModdleElement;
  try {
    const result = (await moddle.fromXML(xml)) as unknown as { rootElement: ModdleElement };
    root = result.rootElement;
  } catch (err) {
    throw new BpmnValidationError([`Failed to parse the BPMN XML: ${(err as Error).message}`]);
  }
  const processes = list(root, 'rootElements').filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p) => p['isExecutable'] !== false);
  if (!executable.length) throw new BpmnValidationError(['Must contain at least one executable process']);
  const problems: string[] = [];
  const models = executable.map((p) => new ProcessBuilder(p, problems).build());
  if (problems.length) throw new BpmnValidationError(problems);
  return models;
}

class ProcessBuilder {
  private readonly model: ProcessModel;

  constructor(
    private readonly process: ModdleElement,
    private readonly problems: string[],
  ) {
    this.model = {
      bpmnProcessId: str(process, 'id') ?? '',
      name: str(process, 'name'),
      versionTag: str(extension(process, 'zeebe:VersionTag'), 'value'),
      elements: new Map(),
      flows: new Map(),
      messageStarts: [],
      timerStarts: [],
      signalStarts: [],
    };
  }

  private fail(id: string | undefined, reason: string): void {
    this.problems.push(`Element: ${id ?? '?'}\n    - ERROR: ${reason}`);
  }

  private feel(id: string, value: string | undefined, what: string, mustBeExpression = false): void {
    if (value === undefined) return;
    if (!isExpression(value)) {
      if (mustBeExpression) this.fail(id, `${what} must be a FEEL expression (start with '='), got '${value}'`);
      return;
    }
    const err = feelSyntaxError(value);
    if (err) this.fail(id, `${what}: ${err}`);
  }

  /** Builds and validates the model of the process. */
  build(): ProcessModel {
    const id = this.model.bpmnProcessId;
    const processEl = this.container(id, 'PROCESS', this.process, undefined);
    const starts = processEl.children.map((c) => this.model.elements.get(c)!).filter((e) => e.type === 'START_EVENT');
    if (!starts.length) this.fail(id, 'Must have at least one start event');
    if (starts.filter((s) => s.event?.kind === 'none').length > 1)
      this.fail(id, 'Must have at most one none start event');
    for (const s of starts) {
      if (s.event?.kind === 'message') this.model.messageStarts.push(s.id);
      if (s.event?.kind === 'timer') this.model.timerStarts.push(s.id);
      if (s.event?.kind === 'signal') this.model.signalStarts.push(s.id);
    }
    this.validateFlows();
    return this.model;
  }

  /** Registers a container (process, subprocess, event subprocess) and its children. */
  private container(id: string, type: ElementType, el: ModdleElement, scopeId: string | undefined): FlowElement {
    const node = this.node(id, type, el, scopeId);
    const flowElements = list(el, 'flowElements');
    for (const child of flowElements) {
      if (child.$type === 'bpmn:SequenceFlow') {
        const fid = str(child, 'id') ?? '';
        const cond = str(ref(child, 'conditionExpression'), 'body');
        const source = str(ref(child, 'sourceRef'), 'id') ?? '';
        const target = str(ref(child, 'targetRef'), 'id') ?? '';
        if (cond !== undefined && cond.trim()) this.feel(fid, cond.trim(), 'condition expression', true);
        this.model.flows.set(fid, { id: fid, source, target, condition: cond?.trim() || undefined });
      }
    }
    for (const child of flowElements) {
      if (child.$type === 'bpmn:SequenceFlow' || IGNORED.has(child.$type)) continue;
      const cid = str(child, 'id') ?? '';
      if (child.$type === 'bpmn:SubProcess') {
        const isEvent = child['triggeredByEvent'] === true;
        const sub = this.container(cid, isEvent ? 'EVENT_SUB_PROCESS' : 'SUB_PROCESS', child, id);
        node.children.push(cid);
        const subStarts = sub.children.map((c) => this.model.elements.get(c)!).filter((e) => e.type === 'START_EVENT');
        if (subStarts.length !== 1) this.fail(cid, `Must have exactly one start event, found ${subStarts.length}`);
        if (isEvent) {
          if (subStarts[0]) node.eventSubprocessStarts.push(subStarts[0].id);
        } else if (subStarts[0] && subStarts[0].event?.kind !== 'none') {
          this.fail(subStarts[0].id, 'The start event of an embedded subprocess must be a none start event');
        }
        continue;
      }
      const type = TYPES[child.$type];
      if (!type) {
        this.fail(cid, `Elements of type '${child.$type.replace('bpmn:', '')}' are not supported by the Okno engine`);
        continue;
      }
      this.node(cid, type, child, id);
      node.children.push(cid);
    }
    for (const c of node.children) {
      const child = this.model.elements.get(c)!;
      if (child.type === 'START_EVENT') {
        if (type === 'SUB_PROCESS') this.checkEvent(child, 'SUB_PROCESS_START');
        else if (type === 'EVENT_SUB_PROCESS') this.checkEvent(child, 'EVENT_SUB_PROCESS_START');
        else this.checkEvent(child, 'START_EVENT');
        if (child.event?.kind === 'none' || !child.event) node.noneStart = child.id;
      }
    }
    return node;
  }

  private checkEvent(node: FlowElement, kind: string): void {
    const allowed = ALLOWED_EVENTS[kind];
    const ev = node.event?.kind ?? 'none';
    if (allowed && !allowed.includes(ev))
      this.fail(
        node.id,
        `${ev === 'none' ? 'A none' : `A ${ev}`} event definition is not supported here (${kind.toLowerCase().replace(/_/g, ' ')})`,
      );
  }

  private node(id: string, type: ElementType, el: ModdleElement, scopeId: string | undefined): FlowElement {
    if (!id) this.fail(undefined, `An element of type '${el.$type}' has no id`);
    if (this.model.elements.has(id) && type !== 'PROCESS') this.fail(id, 'Duplicate element id');
    const node: FlowElement = {
      id,
      name: str(el, 'name'),
      type,
      scopeId,
      incoming: [],
      outgoing: [],
      defaultFlow: str(ref(el, 'default'), 'id'),
      inputs: [],
      outputs: [],
      boundaryEvents: [],
      interrupting: true,
      eventSubprocessStarts: [],
      children: [],
    };
    this.model.elements.set(id, node);
    if (type === 'PROCESS') return node;

    const io = extension(el, 'zeebe:IoMapping');
    node.inputs = this.mappings(id, io, 'inputParameters', 'input');
    node.outputs = this.mappings(id, io, 'outputParameters', 'output');

    const defs = list(el, 'eventDefinitions');
    if (defs.length > 1) this.fail(id, 'Events with more than one event definition are not supported');
    if (type.endsWith('_EVENT')) {
      node.event = this.eventDefinition(id, type, defs[0]);
      if (type !== 'START_EVENT') this.checkEvent(node, type);
    }
    if (type === 'BOUNDARY_EVENT') {
      node.attachedTo = str(ref(el, 'attachedToRef'), 'id');
      node.interrupting = el['cancelActivity'] !== false;
      if (!node.attachedTo) this.fail(id, 'A boundary event must be attached to an activity');
    }
    if (type === 'START_EVENT') node.interrupting = el['isInterrupting'] !== false;

    const taskDef = extension(el, 'zeebe:TaskDefinition');
    const needsJob =
      JOB_TYPES.has(type) ||
      ((type === 'INTERMEDIATE_THROW_EVENT' || type === 'END_EVENT') && node.event?.kind === 'message') ||
      (type === 'SCRIPT_TASK' && !extension(el, 'zeebe:Script'));
    if (type === 'BUSINESS_RULE_TASK' && extension(el, 'zeebe:CalledDecision')) {
      this.fail(
        id,
        'DMN decisions (zeebe:calledDecision) are not supported by the Okno engine; use a zeebe:taskDefinition',
      );
    } else if (needsJob) {
      const jobType = str(taskDef, 'type');
      if (!taskDef || !jobType || !jobType.trim())
        this.fail(id, "Must have a 'zeebe:taskDefinition' extension element with a non-empty 'type'");
      else {
        const retries = str(taskDef, 'retries') ?? '3';
        this.feel(id, jobType, 'job type');
        this.feel(id, retries, 'job retries');
        const headers: Record<string, string> = {};
        for (const h of list(extension(el, 'zeebe:TaskHeaders'), 'values')) {
          const key = str(h, 'key');
          if (key) headers[key] = str(h, 'value') ?? '';
        }
        node.job = { type: jobType, retries, headers };
      }
    }
    if (type === 'SCRIPT_TASK' && !node.job) {
      const script = extension(el, 'zeebe:Script')!;
      const expression = str(script, 'expression');
      const resultVariable = str(script, 'resultVariable');
      if (!expression) this.fail(id, "Must have a 'zeebe:script' with an 'expression'");
      if (!resultVariable) this.fail(id, "Must have a 'zeebe:script' with a 'resultVariable'");
      this.feel(id, expression, 'script expression', true);
      if (expression && resultVariable) node.script = { expression, resultVariable };
    }
    if (type === 'USER_TASK') node.userTask = this.userTask(id, el);
    if (type === 'CALL_ACTIVITY') {
      const called = extension(el, 'zeebe:CalledElement');
      const processId = str(called, 'processId');
      if (!processId) this.fail(id, "Must have a 'zeebe:calledElement' with a 'processId'");
      else {
        this.feel(id, processId, 'called process id');
        const bindingType = str(called, 'bindingType') ?? 'latest';
        const versionTag = str(called, 'versionTag');
        if (bindingType !== 'latest' && bindingType !== 'deployment' && bindingType !== 'versionTag')
          this.fail(id, `Unknown bindingType '${bindingType}'`);
        if (bindingType === 'versionTag' && !versionTag) this.fail(id, "bindingType 'versionTag' needs a 'versionTag'");
        node.call = {
          processId,
          bindingType: bindingType === 'deployment' || bindingType === 'versionTag' ? bindingType : 'latest',
          versionTag,
          propagateAllChildVariables: called?.['propagateAllChildVariables'] !== false,
          propagateAllParentVariables: called?.['propagateAllParentVariables'] !== false,
        };
      }
    }
    const loop = ref(el, 'loopCharacteristics');
    if (loop) {
      if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics')
        this.fail(id, 'Standard loop characteristics are not supported; use multi-instance');
      else {
        const zl = extension(loop, 'zeebe:LoopCharacteristics');
        const inputCollection = str(zl, 'inputCollection');
        if (!inputCollection) this.fail(id, "Must have a 'zeebe:loopCharacteristics' with an 'inputCollection'");
        else {
          this.feel(id, inputCollection, 'input collection', true);
          const outputCollection = str(zl, 'outputCollection');
          const outputElement = str(zl, 'outputElement');
          if (!!outputCollection !== !!outputElement)
            this.fail(id, "'outputCollection' and 'outputElement' must be set together");
          this.feel(id, outputElement, 'output element', true);
          const completion = str(ref(loop, 'completionCondition'), 'body')?.trim() || undefined;
          this.feel(id, completion, 'completion condition', true);
          node.loop = {
            sequential: loop['isSequential'] === true,
            inputCollection,
            inputElement: str(zl, 'inputElement') || undefined,
            outputCollection: outputCollection || undefined,
            outputElement: outputElement || undefined,
            completionCondition: completion,
          };
        }
      }
    }
    if (type === 'RECEIVE_TASK') {
      node.event = this.message(id, ref(el, 'messageRef'), false);
    }
    if (
      type === 'INCLUSIVE_GATEWAY' ||
      type === 'EXCLUSIVE_GATEWAY' ||
      type === 'EVENT_BASED_GATEWAY' ||
      type === 'PARALLEL_GATEWAY'
    ) {
      if (node.inputs.length || node.outputs.length) this.fail(id, 'Gateways must not have input/output mappings');
    }
    return node;
  }

  /** A Camunda user task; job-based user tasks (without zeebe:userTask) are deprecated and rejected. */
  private userTask(id: string, el: ModdleElement): UserTaskDefinition | undefined {
    if (!extension(el, 'zeebe:UserTask')) {
      this.fail(
        id,
        "Job-based user tasks are deprecated and not supported by the Okno engine; mark the task as a Camunda user task with a 'zeebe:userTask' extension element",
      );
      return undefined;
    }
    const assignment = extension(el, 'zeebe:AssignmentDefinition');
    const schedule = extension(el, 'zeebe:TaskSchedule');
    const form = extension(el, 'zeebe:FormDefinition');
    const attr = (e: ModdleElement | undefined, name: string): string | undefined => {
      const direct = str(e, name);
      if (direct !== undefined) return direct;
      const attrs = e?.['$attrs'];
      const v = attrs && typeof attrs === 'object' ? (attrs as Record<string, unknown>)[name] : undefined;
      return typeof v === 'string' ? v : undefined;
    };
    const value = (e: ModdleElement | undefined, name: string, what: string): string | undefined => {
      const v = attr(e, name)?.trim();
      if (!v) return undefined;
      this.feel(id, v, what);
      return v;
    };
    const def: UserTaskDefinition = {
      assignee: value(assignment, 'assignee', 'assignee'),
      candidateGroups: value(assignment, 'candidateGroups', 'candidate groups'),
      candidateUsers: value(assignment, 'candidateUsers', 'candidate users'),
      dueDate: value(schedule, 'dueDate', 'due date'),
      followUpDate: value(schedule, 'followUpDate', 'follow-up date'),
      priority: value(extension(el, 'zeebe:PriorityDefinition'), 'priority', 'priority'),
      formId: value(form, 'formId', 'form id'),
      formBinding: 'latest',
      externalReference: value(form, 'externalReference', 'external form reference'),
      headers: {},
      listeners: [],
    };
    for (const [what, v] of [
      ['due date', def.dueDate],
      ['follow-up date', def.followUpDate],
    ] as const) {
      if (v && !isExpression(v) && Number.isNaN(Date.parse(v)))
        this.fail(id, `Invalid ${what} '${v}': expected an ISO 8601 date-time`);
    }
    if (def.priority && !isExpression(def.priority)) {
      const n = Number(def.priority);
      if (!Number.isInteger(n) || n < 0 || n > 100)
        this.fail(id, `Invalid priority '${def.priority}': expected an integer from 0 to 100`);
    }
    if (attr(form, 'formKey'))
      this.fail(
        id,
        "A 'zeebe:formDefinition' with a 'formKey' (embedded Tasklist form) is not supported; use 'formId' or 'externalReference'",
      );
    if (def.formId && def.externalReference)
      this.fail(id, "A 'zeebe:formDefinition' must have either a 'formId' or an 'externalReference', not both");
    const binding = attr(form, 'bindingType') ?? 'latest';
    if (binding !== 'latest' && binding !== 'deployment' && binding !== 'versionTag')
      this.fail(id, `Unknown form bindingType '${binding}'`);
    else def.formBinding = binding;
    def.formVersionTag = attr(form, 'versionTag');
    if (def.formBinding === 'versionTag' && !def.formVersionTag)
      this.fail(id, "Form bindingType 'versionTag' needs a 'versionTag'");
    for (const h of list(extension(el, 'zeebe:TaskHeaders'), 'values')) {
      const key = str(h, 'key');
      if (key) def.headers[key] = str(h, 'value') ?? '';
    }
    const events: TaskListenerEvent[] = ['creating', 'assigning', 'updating', 'completing', 'canceling'];
    for (const l of list(extension(el, 'zeebe:TaskListeners'), 'listeners')) {
      const eventType = attr(l, 'eventType') ?? '';
      const type = attr(l, 'type')?.trim();
      const known = events.find((e) => e === eventType);
      if (!known)
        this.fail(id, `Task listener event type '${eventType}' is not supported; expected one of ${events.join(', ')}`);
      if (!type) this.fail(id, "A task listener must have a non-empty 'type'");
      const retries = attr(l, 'retries')?.trim() || '3';
      if (isExpression(type) || isExpression(retries))
        this.fail(id, 'The type and retries of a task listener must be static in the Okno engine');
      else if (!/^\d+$/.test(retries)) this.fail(id, `Invalid task listener retries '${retries}'`);
      if (known && type) def.listeners.push({ eventType: known, type, retries });
    }
    return def;
  }

  private mappings(id: string, io: ModdleElement | undefined, prop: string, kind: 'input' | 'output'): Mapping[] {
    return list(io, prop).map((m) => {
      const source = str(m, 'source') ?? '';
      const target = str(m, 'target') ?? '';
      if (!target) this.fail(id, `An ${kind} mapping has no target`);
      if (!source) this.fail(id, `The ${kind} mapping for '${target}' has no source`);
      this.feel(id, source, `${kind} mapping '${target}'`, kind === 'output');
      return { source, target };
    });
  }

  private message(id: string, msg: ModdleElement | undefined, isStart: boolean): EventDefinition {
    const name = str(msg, 'name');
    if (!msg || !name) this.fail(id, 'Must reference a message with a name');
    this.feel(id, name, 'message name');
    const correlationKey = str(extension(msg ?? { $type: '' }, 'zeebe:Subscription'), 'correlationKey');
    if (!isStart && !correlationKey) this.fail(id, "Must have a message with a 'zeebe:subscription' 'correlationKey'");
    this.feel(id, correlationKey, 'correlation key', true);
    return { kind: 'message', messageName: name, correlationKey };
  }

  private eventDefinition(id: string, type: ElementType, def: ModdleElement | undefined): EventDefinition {
    if (!def) return { kind: 'none' };
    const kind = EVENT_KINDS[def.$type];
    if (!kind) {
      this.fail(id, `Event definitions of type '${def.$type.replace('bpmn:', '')}' are not supported`);
      return { kind: 'none' };
    }
    const isThrow = type === 'END_EVENT' || type === 'INTERMEDIATE_THROW_EVENT';
    switch (kind) {
      case 'timer': {
        const date = str(ref(def, 'timeDate'), 'body')?.trim();
        const duration = str(ref(def, 'timeDuration'), 'body')?.trim();
        const cycle = str(ref(def, 'timeCycle'), 'body')?.trim();
        const timer = date
          ? { kind: 'date' as const, expression: date }
          : duration
            ? { kind: 'duration' as const, expression: duration }
            : cycle
              ? { kind: 'cycle' as const, expression: cycle }
              : undefined;
        if (!timer) {
          this.fail(id, 'A timer must have a date, a duration or a cycle');
          return { kind };
        }
        if (isExpression(timer.expression)) this.feel(id, timer.expression, `timer ${timer.kind}`);
        else {
          const err = parseTimerSpec(timer.kind, timer.expression).error;
          if (err) this.fail(id, `Invalid timer ${timer.kind} '${timer.expression}': ${err}`);
        }
        return { kind, timer };
      }
      case 'message': {
        if (isThrow) return { kind };
        // Start events of the process are correlated by name only; event subprocess starts need a key.
        const isTopStart =
          type === 'START_EVENT' &&
          this.model.elements.get(this.model.bpmnProcessId) !== undefined &&
          this.isTopLevel(id);
        return this.message(id, ref(def, 'messageRef'), isTopStart);
      }
      case 'error': {
        const code = str(ref(def, 'errorRef'), 'errorCode');
        if (isThrow && !code) this.fail(id, 'An error end event must reference an error with an error code');
        if (!isThrow && code && isExpression(code)) this.fail(id, 'The error code of a catch event must be static');
        if (isThrow) this.feel(id, code, 'error code');
        return { kind, code: code || undefined };
      }
      case 'escalation': {
        const code = str(ref(def, 'escalationRef'), 'escalationCode');
        if (isThrow && !code) this.fail(id, 'An escalation throw event must reference an escalation with a code');
        if (isThrow) this.feel(id, code, 'escalation code');
        return { kind, code: code || undefined };
      }
      case 'signal': {
        const name = str(ref(def, 'signalRef'), 'name');
        if (!name) this.fail(id, 'Must reference a signal with a name');
        this.feel(id, name, 'signal name');
        return { kind, signalName: name };
      }
      case 'link': {
        const name = str(def, 'name');
        if (!name) this.fail(id, 'A link event must have a name');
        return { kind, linkName: name };
      }
      default:
        return { kind };
    }
  }

  private isTopLevel(id: string): boolean {
    return list(this.process, 'flowElements').some((e) => str(e, 'id') === id);
  }

  private validateFlows(): void {
    for (const flow of this.model.flows.values()) {
      const s = this.model.elements.get(flow.source);
      const t = this.model.elements.get(flow.target);
      if (!s || !t) {
        this.fail(flow.id, 'A sequence flow must connect two supported elements');
        continue;
      }
      s.outgoing.push(flow.id);
      t.incoming.push(flow.id);
    }
    for (const el of this.model.elements.values()) {
      if (el.attachedTo) {
        const host = this.model.elements.get(el.attachedTo);
        if (host) host.boundaryEvents.push(el.id);
      }
      if (el.type === 'START_EVENT' && el.incoming.length)
        this.fail(el.id, 'A start event must not have incoming sequence flows');
      if (el.type === 'END_EVENT' && el.outgoing.length)
        this.fail(el.id, 'An end event must not have outgoing sequence flows');
      if (el.type === 'BOUNDARY_EVENT' && el.incoming.length)
        this.fail(el.id, 'A boundary event must not have incoming sequence flows');
      if (el.type === 'EXCLUSIVE_GATEWAY' || el.type === 'INCLUSIVE_GATEWAY') {
        if (el.defaultFlow && !el.outgoing.includes(el.defaultFlow))
          this.fail(el.id, 'The default flow must be an outgoing flow of the gateway');
        if (el.outgoing.length > 1) {
          for (const f of el.outgoing) {
            const flow = this.model.flows.get(f)!;
            if (f !== el.defaultFlow && !flow.condition)
              this.fail(
                flow.id,
                `A sequence flow leaving gateway '${el.id}' must have a condition or be the default flow`,
              );
          }
        }
      }
      if (el.type === 'EVENT_BASED_GATEWAY') {
        el.eventTargets = el.outgoing.map((f) => this.model.flows.get(f)!.target);
        if (el.eventTargets.length < 2)
          this.fail(el.id, 'An event-based gateway must have at least two outgoing sequence flows');
        for (const t of el.eventTargets) {
          const target = this.model.elements.get(t);
          const ok =
            target &&
            ((target.type === 'INTERMEDIATE_CATCH_EVENT' &&
              ['timer', 'message', 'signal'].includes(target.event?.kind ?? '')) ||
              target.type === 'RECEIVE_TASK');
          if (!ok)
            this.fail(
              el.id,
              `The event-based gateway's target '${t}' must be an intermediate timer, message or signal catch event`,
            );
        }
      }
      if (el.event?.kind === 'link' && el.type === 'INTERMEDIATE_THROW_EVENT') {
        const targets = [...this.model.elements.values()].filter(
          (c) =>
            c.type === 'INTERMEDIATE_CATCH_EVENT' &&
            c.event?.linkName === el.event?.linkName &&
            c.scopeId === el.scopeId,
        );
        if (targets.length !== 1)
          this.fail(el.id, `Must have exactly one link catch event named '${el.event.linkName}' in the same scope`);
      }
    }
  }
}
