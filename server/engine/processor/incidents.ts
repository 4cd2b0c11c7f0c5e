import { type FeelResult } from '../../platform/feel/feel.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import type { Processor } from './processor.js';

/** Shared behaviour: incidents (an expression or a job failed: the element waits for ResolveIncident). */
/** Thrown inside a step when an expression fails: becomes an incident on the element. */
export class IncidentSignal extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** The value of a FEEL result, or an IncidentSignal of the given type. */
export function check(r: FeelResult, errorType = 'EXTRACT_VALUE_ERROR'): unknown {
  if (!r.ok) throw new IncidentSignal(errorType, r.message);
  return r.value;
}

/** Creates an incident on an element; `phase` says what ResolveIncident retries. */
export async function raiseIncident(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  errorType: string,
  message: string,
  phase: 'activate' | 'complete' | 'job',
  jobKey?: number,
): Promise<number> {
  const key = await p.ctx.key();
  p.ctx.incidents.push({
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
    createdAt: p.ctx.now.toISOString(),
  });
  p.own(el, 'incident');
  state.touch(el);
  p.ctx.event({
    key,
    valueType: 'INCIDENT',
    intent: 'CREATED',
    processInstanceKey: state.pi.key,
    elementId: el.elementId,
    payload: { errorType, errorMessage: message, elementInstanceKey: el.key, jobKey: jobKey ?? null },
  });
  return key;
}
