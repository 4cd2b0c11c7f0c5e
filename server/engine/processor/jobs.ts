import type { JobDefinition } from '../bpmn/model.js';
import type { Activation } from './steps.js';
import { openWaits, planBoundaries } from './waits.js';
import { visible } from './variables.js';
import type { FlowElement } from '../bpmn/model.js';
import { InstanceState, type ElementInstance } from '../state/instance.js';
import type { Processor } from './processor.js';
import { IncidentSignal, check } from './incidents.js';

/** Shared behaviour: jobs (a job for an element: service-like tasks, job-based events, task listeners). */
export async function createJob(
  p: Processor,
  state: InstanceState,
  el: ElementInstance,
  def: FlowElement,
  type: string,
  retries: number,
  headers?: Record<string, string>,
): Promise<void> {
  const key = await p.ctx.key();
  const path: number[] = [];
  for (let k: number | null = el.key; k !== null; k = state.elements.get(k)?.parentKey ?? null) path.push(k);
  p.ctx.jobs.push({
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
  p.own(el, 'job');
  state.touch(el);
  p.ctx.wakeTypes.add(type);
  p.ctx.event({
    key,
    valueType: 'JOB',
    intent: 'CREATED',
    processInstanceKey: state.pi.key,
    elementId: def.id,
    payload: { type, retries, elementInstanceKey: el.key },
  });
}

/** Activates an element whose work is a job (service-like tasks, job-based throw events): job type and retries are FEEL. */
export async function activateJobWorker(p: Processor, a: Activation, job: JobDefinition): Promise<void> {
  const { state, el, def, activated } = a;
  const vars = visible(p, state, el.key);
  const jobType = check(p.feelOrStatic(job.type, vars));
  if (typeof jobType !== 'string' || !jobType)
    throw new IncidentSignal(
      'EXTRACT_VALUE_ERROR',
      `Expected the job type of '${def.id}' to be a non-empty string, but was '${JSON.stringify(jobType)}'`,
    );
  const retries = Number(check(p.feelOrStatic(job.retries, vars)));
  if (!Number.isInteger(retries))
    throw new IncidentSignal('EXTRACT_VALUE_ERROR', `Expected the retries of '${def.id}' to be a number`);
  const boundaries = await planBoundaries(p, state, el, def);
  activated();
  await openWaits(p, boundaries);
  await createJob(p, state, el, def, jobType, retries);
}
