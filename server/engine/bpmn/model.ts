// The engine's compact, validated view of a BPMN process (built once per definition by parse.ts).

export type ElementType =
  | 'PROCESS'
  | 'START_EVENT'
  | 'END_EVENT'
  | 'INTERMEDIATE_CATCH_EVENT'
  | 'INTERMEDIATE_THROW_EVENT'
  | 'BOUNDARY_EVENT'
  | 'SERVICE_TASK'
  | 'SEND_TASK'
  | 'BUSINESS_RULE_TASK'
  | 'SCRIPT_TASK'
  | 'RECEIVE_TASK'
  | 'MANUAL_TASK'
  | 'USER_TASK'
  | 'TASK'
  | 'EXCLUSIVE_GATEWAY'
  | 'PARALLEL_GATEWAY'
  | 'INCLUSIVE_GATEWAY'
  | 'EVENT_BASED_GATEWAY'
  | 'SUB_PROCESS'
  | 'EVENT_SUB_PROCESS'
  | 'CALL_ACTIVITY'
  | 'MULTI_INSTANCE_BODY';

export type EventKind = 'none' | 'timer' | 'message' | 'error' | 'escalation' | 'terminate' | 'signal' | 'link';

export interface Mapping {
  source: string;
  target: string;
}

export interface TimerDefinition {
  kind: 'date' | 'duration' | 'cycle';
  expression: string;
}

export interface EventDefinition {
  kind: EventKind;
  timer?: TimerDefinition;
  messageName?: string;
  correlationKey?: string;
  /** Error or escalation code; undefined on a catch event = catch all. */
  code?: string;
  signalName?: string;
  linkName?: string;
}

export interface JobDefinition {
  type: string;
  retries: string;
  headers: Record<string, string>;
}

/** User task listener event types (Camunda 8.8). */
export type TaskListenerEvent = 'creating' | 'assigning' | 'updating' | 'completing' | 'canceling';

export interface TaskListener {
  eventType: TaskListenerEvent;
  /** Job type, static or FEEL. */
  type: string;
  retries: string;
}

/** A Camunda user task (`zeebe:userTask`); every value is static text or a FEEL expression. */
export interface UserTaskDefinition {
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  dueDate?: string;
  followUpDate?: string;
  priority?: string;
  formId?: string;
  formBinding: 'latest' | 'deployment' | 'versionTag';
  formVersionTag?: string;
  externalReference?: string;
  headers: Record<string, string>;
  listeners: TaskListener[];
}

export interface LoopDefinition {
  sequential: boolean;
  inputCollection: string;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: string;
  completionCondition?: string;
}

export interface CallDefinition {
  processId: string;
  /** latest (default) | deployment (the version deployed with the caller) | versionTag. */
  bindingType: 'latest' | 'deployment' | 'versionTag';
  versionTag?: string;
  propagateAllChildVariables: boolean;
  propagateAllParentVariables: boolean;
}

export interface FlowElement {
  id: string;
  name?: string;
  type: ElementType;
  /** Id of the containing process / subprocess (the flow scope). */
  scopeId?: string;
  incoming: string[];
  outgoing: string[];
  defaultFlow?: string;
  event?: EventDefinition;
  job?: JobDefinition;
  script?: { expression: string; resultVariable: string };
  inputs: Mapping[];
  outputs: Mapping[];
  /** Boundary events attached to this activity. */
  boundaryEvents: string[];
  attachedTo?: string;
  /** Boundary events and event subprocess start events: interrupting or not. */
  interrupting: boolean;
  /** Containers (process, subprocess, event subprocess): their none start event. */
  noneStart?: string;
  /** Containers: start events of their event subprocesses. */
  eventSubprocessStarts: string[];
  /** Containers: every direct child element. */
  children: string[];
  loop?: LoopDefinition;
  call?: CallDefinition;
  userTask?: UserTaskDefinition;
  /** For event-based gateways: the catch events after it. */
  eventTargets?: string[];
}

export interface SequenceFlow {
  id: string;
  source: string;
  target: string;
  condition?: string;
}

export interface ProcessModel {
  bpmnProcessId: string;
  name?: string;
  versionTag?: string;
  elements: Map<string, FlowElement>;
  flows: Map<string, SequenceFlow>;
  /** Top-level start events that are triggered from outside (message, timer, signal). */
  messageStarts: string[];
  timerStarts: string[];
  signalStarts: string[];
}

/** The element a job, timer, or subscription is defined by. */
export function element(model: ProcessModel, id: string): FlowElement {
  const el = model.elements.get(id);
  if (!el) throw new Error(`element '${id}' not found in process '${model.bpmnProcessId}'`);
  return el;
}
