import { STEP_HEADERS, TASK_LISTENER_JOB_TYPES } from './services.jobs.js';
import { extensionsOf, toXml, walkFlowElements, type ModdleElement, type ParsedBpmn } from './services.moddle.js';

// Changes to a parsed service model (pure: no database), so the validation worker can run them too.

/** Renames a parsed service: process id, process name and the okno:service card. */
export function renameService(parsed: ParsedBpmn, code: string, title: string): void {
  parsed.process.id = code;
  parsed.process.name = title;
  const svc = extensionsOf(parsed.process).find((e) => e.$type === 'okno:Service');
  if (svc) {
    svc.code = code;
    svc.title = title;
  }
}

/**
 * The XML to deploy: every Camunda user task gets Okno's task listeners (creating, assigning, updating,
 * completing, canceling — analysts never model them) and task headers with the step's term, form id
 * and name (STEP_HEADERS), which the listener jobs carry to the task list's worker.
 */
export async function withTaskListeners(parsed: ParsedBpmn): Promise<string> {
  const { moddle } = parsed;
  walkFlowElements(parsed.process, (el) => {
    if (el.$type !== 'bpmn:UserTask') return;
    const values = extensionsOf(el);
    if (!values.some((v) => v.$type === 'zeebe:UserTask')) return;
    let listeners = values.find((v) => v.$type === 'zeebe:TaskListeners');
    if (!listeners) {
      listeners = moddle.create('zeebe:TaskListeners', { listeners: [] });
      listeners.$parent = el.extensionElements as ModdleElement;
      values.push(listeners);
    }
    const list = listeners.listeners as ModdleElement[];
    for (const [eventType, type] of Object.entries(TASK_LISTENER_JOB_TYPES)) {
      if (list.some((l) => l.eventType === eventType && l.type === type)) continue;
      const l = moddle.create('zeebe:TaskListener', { eventType, type, retries: '3' });
      l.$parent = listeners;
      list.push(l);
    }
    const step = values.find((v) => v.$type === 'okno:Step');
    const form = values.find((v) => v.$type === 'zeebe:FormDefinition');
    const wanted: Record<string, string> = {};
    if (step && typeof step.deadline === 'number' && step.deadline > 0) {
      wanted[STEP_HEADERS.deadline] = String(step.deadline);
      wanted[STEP_HEADERS.deadlineUnit] = typeof step.deadlineUnit === 'string' ? step.deadlineUnit : 'workingDays';
    }
    if (typeof form?.formId === 'string' && form.formId) wanted[STEP_HEADERS.formId] = form.formId;
    if (typeof el.name === 'string' && el.name) wanted[STEP_HEADERS.name] = el.name;
    if (!Object.keys(wanted).length) return;
    let headers = values.find((v) => v.$type === 'zeebe:TaskHeaders');
    if (!headers) {
      headers = moddle.create('zeebe:TaskHeaders', { values: [] });
      headers.$parent = el.extensionElements as ModdleElement;
      values.push(headers);
    }
    const items = (headers.values ?? (headers.values = [])) as ModdleElement[];
    for (const [key, value] of Object.entries(wanted)) {
      const existing = items.find((h) => h.key === key);
      if (existing) existing.value = value;
      else {
        const h = moddle.create('zeebe:Header', { key, value });
        h.$parent = headers;
        items.push(h);
      }
    }
  });
  return toXml(parsed);
}
