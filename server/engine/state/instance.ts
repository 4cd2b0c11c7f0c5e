import type { ElementType, ProcessModel } from '../bpmn/model.js';
import type { WriteBatch } from './batch.js';

export interface ProcessInstanceRow {
  key: number;
  rootKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  parentProcessInstanceKey: number | null;
  parentElementInstanceKey: number | null;
  startCorrelationKey: string | null;
  tenantId: string;
}

export interface MultiInstanceState {
  size: number;
  /** Index of the next inner instance to start (sequential). */
  next: number;
  active: number;
  completed: number;
  terminated: number;
  /** The input collection, kept for sequential bodies. */
  items: unknown[];
}

/** Wait states the element owns rows for, so removal knows which tables to clean. */
export type Owned = 'job' | 'timer' | 'message' | 'signal' | 'incident';

export interface ElementData {
  /** The shape's version (ELEMENT_DATA_VERSION when written; absent in rows written before versioning: 1). */
  v?: number;
  /** Flow scopes: tokens waiting at joining gateways, per gateway and incoming flow. */
  joins?: Record<string, Record<string, number>>;
  mi?: MultiInstanceState;
  /** Gateways: the flows chosen on activation. */
  flows?: string[];
  /** Call activities: the child process instance. */
  childPi?: number;
  owns?: Owned[];
  /** Event subprocesses: the start event that triggered them. */
  startId?: string;
  /** Process: start instructions (elements to activate instead of the none start event). */
  startIds?: string[];
  /** Scopes: an interrupting event subprocess took over. */
  interrupted?: boolean;
  /** User tasks: the task's key. */
  userTaskKey?: number;
  /** Variables of the event that triggered this element (applied on completion). */
  eventVariables?: Record<string, unknown>;
  /** Flow scopes: steps to run once the listed children (waiting for canceling listeners) have terminated. */
  afterTerminated?: { wait: number[]; step: Record<string, unknown> }[];
}

/**
 * The version of the persisted element data (engine_element_instances.data) this engine writes.
 * - 1: rows written before the field existed (no `v`); `afterTerminated` steps are the processor's
 *   step objects (`{ t: 'activate' | 'scope' | …, pi, … }`).
 * - 2: `v: 2`; otherwise as version 1.
 * A change of the shape raises the version and adds its step to `readElementData`.
 */
export const ELEMENT_DATA_VERSION = 2;

const STEP_KINDS = new Set(['activate', 'run', 'complete', 'flow', 'scope', 'trigger']);

/**
 * Reads an element's persisted data, accepting every earlier version (upgraded step by step to the
 * current one) and refusing a newer one (written by a newer engine: reading it could lose state).
 */
export function readElementData(raw: unknown): ElementData {
  if (raw === null || raw === undefined) return { v: ELEMENT_DATA_VERSION };
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`engine: element data is not a JSON object: ${JSON.stringify(raw).slice(0, 100)}`);
  const data = raw as ElementData;
  const version = data.v ?? 1;
  if (!Number.isInteger(version) || version > ELEMENT_DATA_VERSION)
    throw new Error(`engine: element data of version ${version}, but this engine reads up to ${ELEMENT_DATA_VERSION}`);
  for (const w of data.afterTerminated ?? [])
    if (!STEP_KINDS.has(w.step.t as string))
      throw new Error(`engine: element data holds a step of unknown kind '${String(w.step.t)}'`);
  // 1 → 2: the version field only.
  data.v = ELEMENT_DATA_VERSION;
  return data;
}

/** The data as written: always with the current version. */
function versioned(data: ElementData): ElementData {
  if (data.v !== ELEMENT_DATA_VERSION) data.v = ELEMENT_DATA_VERSION;
  return data;
}

export interface ElementInstance {
  key: number;
  processInstanceKey: number;
  parentKey: number | null;
  elementId: string;
  elementType: ElementType;
  /** TERMINATING: waiting for canceling task listeners (of itself or of elements below it). */
  state: 'ACTIVATING' | 'ACTIVATED' | 'COMPLETING' | 'TERMINATING';
  data: ElementData;
}

/** One process instance's active state, loaded for a command and written back as a diff. */
export class InstanceState {
  readonly elements = new Map<number, ElementInstance>();
  readonly variables = new Map<number, Map<string, unknown>>();
  private readonly persistedElements = new Set<number>();
  private readonly dirtyElements = new Set<number>();
  private readonly removedElements = new Set<number>();
  private readonly dirtyVariables = new Set<string>();
  isNew = false;
  piDirty = false;

  constructor(
    readonly pi: ProcessInstanceRow,
    readonly model: ProcessModel,
  ) {}

  /** Builds the state from the rows of one instance (see loadInstanceRows). */
  static fromRows(
    pi: ProcessInstanceRow,
    model: ProcessModel,
    elements: ElementInstance[],
    variables: { scopeKey: number; name: string; value: unknown }[],
  ): InstanceState {
    const state = new InstanceState(pi, model);
    for (const e of elements) {
      state.elements.set(e.key, { ...e, data: readElementData(e.data) });
      state.persistedElements.add(e.key);
    }
    for (const v of variables) {
      let scope = state.variables.get(v.scopeKey);
      if (!scope) state.variables.set(v.scopeKey, (scope = new Map()));
      scope.set(v.name, v.value);
    }
    return state;
  }

  /** Adds a new element instance. */
  add(el: ElementInstance): void {
    this.elements.set(el.key, el);
    this.dirtyElements.add(el.key);
  }

  /** Marks an element instance as changed. */
  touch(el: ElementInstance): void {
    this.dirtyElements.add(el.key);
  }

  /** Removes a finished element instance and its local variables. */
  remove(el: ElementInstance): void {
    this.elements.delete(el.key);
    this.dirtyElements.delete(el.key);
    this.variables.delete(el.key);
    for (const k of [...this.dirtyVariables]) if (k.startsWith(`${el.key}\u0000`)) this.dirtyVariables.delete(k);
    if (this.persistedElements.has(el.key)) this.removedElements.add(el.key);
  }

  /** The active element instances whose flow scope is `parentKey`. */
  children(parentKey: number): ElementInstance[] {
    const out: ElementInstance[] = [];
    for (const e of this.elements.values()) if (e.parentKey === parentKey) out.push(e);
    return out;
  }

  /** Sets a variable on a scope; true when it existed there already. */
  setVariable(scopeKey: number, name: string, value: unknown): boolean {
    let scope = this.variables.get(scopeKey);
    if (!scope) this.variables.set(scopeKey, (scope = new Map()));
    const existed = scope.has(name);
    scope.set(name, value === undefined ? null : value);
    this.dirtyVariables.add(`${scopeKey}\u0000${name}`);
    return existed;
  }

  /** Adds the diff to the command's write batch. */
  flush(batch: WriteBatch, now: Date): void {
    const pi = this.pi;
    const endedAt = pi.state === 'ACTIVE' ? null : now.toISOString();
    if (this.isNew) {
      batch.insert('engine_process_instances', [
        {
          key: pi.key,
          rootKey: pi.rootKey,
          processDefinitionKey: pi.processDefinitionKey,
          bpmnProcessId: pi.bpmnProcessId,
          version: pi.version,
          state: pi.state,
          parentProcessInstanceKey: pi.parentProcessInstanceKey,
          parentElementInstanceKey: pi.parentElementInstanceKey,
          startCorrelationKey: pi.startCorrelationKey,
          tenantId: pi.tenantId,
          createdAt: now.toISOString(),
          endedAt,
        },
      ]);
    } else if (this.piDirty) {
      batch.add('update engine_process_instances set state = ?, ended_at = ? where key = ?', [
        pi.state,
        endedAt,
        pi.key,
      ]);
    }
    if (pi.state !== 'ACTIVE') {
      if (!this.isNew) {
        batch.add('delete from engine_element_instances where process_instance_key = ?', [pi.key]);
        batch.add('delete from engine_variables where process_instance_key = ?', [pi.key]);
      }
      this.reset();
      return;
    }
    const inserts: Record<string, unknown>[] = [];
    const updates: Record<string, unknown>[] = [];
    for (const key of this.dirtyElements) {
      const e = this.elements.get(key);
      if (!e) continue;
      if (this.persistedElements.has(key)) updates.push({ key, state: e.state, data: versioned(e.data) });
      else {
        inserts.push({
          key: e.key,
          processInstanceKey: e.processInstanceKey,
          parentKey: e.parentKey,
          elementId: e.elementId,
          elementType: e.elementType,
          state: e.state,
          data: versioned(e.data),
        });
        this.persistedElements.add(key);
      }
    }
    batch.insert('engine_element_instances', inserts);
    if (updates.length) {
      batch.add(
        `update engine_element_instances e set state = x.state, data = x.data
           from jsonb_to_recordset(?::jsonb) as x(key bigint, state text, data jsonb) where e.key = x.key`,
        [JSON.stringify(updates)],
      );
    }
    if (this.removedElements.size) {
      const keys = [...this.removedElements];
      batch.add('delete from engine_element_instances where key = any(?::bigint[])', [keys]);
      batch.add('delete from engine_variables where scope_key = any(?::bigint[])', [keys]);
    }
    const vars: Record<string, unknown>[] = [];
    for (const k of this.dirtyVariables) {
      const [scope, name] = k.split('\u0000');
      const scopeKey = Number(scope);
      vars.push({ scopeKey, name, value: this.variables.get(scopeKey)?.get(name) ?? null, processInstanceKey: pi.key });
    }
    batch.insert('engine_variables', vars, 'on conflict (scope_key, name) do update set value = excluded.value');
    this.reset();
  }

  private reset(): void {
    this.dirtyElements.clear();
    this.dirtyVariables.clear();
    this.removedElements.clear();
    this.isNew = false;
    this.piDirty = false;
  }
}
