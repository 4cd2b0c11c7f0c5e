import { TASK_CREATED_JOB_TYPE } from './services.jobs.js';
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

/** The XML to deploy: every Camunda user task gets Okno's `creating` task listener (analysts never model it). */
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
    if (!list.some((l) => l.eventType === 'creating' && l.type === TASK_CREATED_JOB_TYPE)) {
      const l = moddle.create('zeebe:TaskListener', {
        eventType: 'creating',
        type: TASK_CREATED_JOB_TYPE,
        retries: '3',
      });
      l.$parent = listeners;
      list.push(l);
    }
  });
  return toXml(parsed);
}
