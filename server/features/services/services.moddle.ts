import { createRequire } from 'node:module';
import {
  oknoDescriptor,
  type Deadline,
  type DeadlineUnit,
  type PackageMember,
  type Question,
  type ReferenceDocument,
  type ServiceMeta,
  type Situation,
  type Variant,
} from '../../okno-moddle/index.js';
import {
  extensionOf,
  extensionsOf,
  list,
  readDocuments,
  readMembers,
  readQuestions,
  readServiceMeta,
  readSituations,
  readVariants,
  str,
  words,
} from '../../okno-moddle/reader.js';

export { extensionsOf, words } from '../../okno-moddle/reader.js';

const require = createRequire(import.meta.url);
const zeebeDescriptor = require('zeebe-bpmn-moddle/resources/zeebe.json') as object;

/** A moddle element, read through its properties only. */
export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  $attrs?: Record<string, string>;
  id?: string;
  [property: string]: unknown;
}

interface ParseWarning {
  message: string;
  element?: ModdleElement;
  property?: string;
  value?: unknown;
}

interface FromXmlResult {
  rootElement: ModdleElement;
  warnings: ParseWarning[];
  elementsById: Record<string, ModdleElement>;
}

/** The part of bpmn-moddle's API this feature uses. */
export interface Moddle {
  fromXML(xml: string, type?: string): Promise<FromXmlResult>;
  toXML(element: ModdleElement, opts?: { format?: boolean }): Promise<{ xml: string }>;
  create(type: string, attrs?: Record<string, unknown>): ModdleElement;
}

const { BpmnModdle } = require('bpmn-moddle') as { BpmnModdle: new (packages: Record<string, object>) => Moddle };

/** A new moddle that knows BPMN, Zeebe and Okno elements. */
export function createModdle(): Moddle {
  return new BpmnModdle({ zeebe: zeebeDescriptor, okno: oknoDescriptor });
}

/** A problem found while reading a model: where, which field, a stable code and parameters for the message. */
export interface ParseProblem {
  elementId: string;
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export interface UserTaskInfo {
  id: string;
  name: string;
  assignee: string | null;
  candidateGroups: string[];
  formId: string | null;
  hasZeebeUserTask: boolean;
  deadline: Deadline | null;
  checks: string[];
}

export interface JobInfo {
  elementId: string;
  type: string;
  external: string | null;
}

export interface ExpressionInfo {
  elementId: string;
  field: string;
  expression: string;
}

/** Everything Okno reads from a service's BPMN: the process, its Okno extension and what validation needs. */
export interface ServiceModel {
  processId: string;
  processName: string;
  executable: boolean;
  meta: ServiceMeta | null;
  situations: Situation[];
  questions: Question[];
  documents: ReferenceDocument[];
  variants: Variant[];
  members: PackageMember[];
  userTasks: UserTaskInfo[];
  jobs: JobInfo[];
  conditions: ExpressionInfo[];
  calledElements: { elementId: string; processId: string }[];
  elementCount: number;
}

export interface ParsedBpmn {
  definitions: ModdleElement;
  process: ModdleElement;
  model: ServiceModel;
  moddle: Moddle;
}

/** Thrown when XML cannot be read as a service model; carries the problems found. */
export class BpmnParseError extends Error {
  constructor(readonly problems: ParseProblem[]) {
    super(problems.map((p) => `${p.elementId}.${p.field}: ${p.code}`).join('; '));
    this.name = 'BpmnParseError';
  }
}

const ext = (el: ModdleElement, type: string): ModdleElement | undefined =>
  extensionOf(el, type) as ModdleElement | undefined;

/** The id of an element or of its nearest ancestor that has one. */
function nearestId(el: ModdleElement | undefined): string {
  for (let e = el; e; e = e.$parent) if (typeof e.id === 'string' && e.id) return e.id;
  return '(document)';
}

/** The id of the BPMN element whose start tag comes last before a line/column of the XML: the element that holds it. */
function ownerAt(xml: string, line: number, column: number): string {
  if (!Number.isFinite(line)) return '(document)';
  const lines = xml.split('\n');
  const offset = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + (Number.isFinite(column) ? column : 0);
  let owner = '(document)';
  for (const m of xml.slice(0, offset).matchAll(/<bpmn:\w+\s[^>]*?\bid="([^"]+)"/g)) owner = m[1];
  return owner;
}

/** Reads the Okno extension and the validation-relevant parts of a process. */
export function readServiceModel(process: ModdleElement): ServiceModel {
  const meta: ServiceMeta | null = readServiceMeta(process);
  const model: ServiceModel = {
    processId: str(process.id),
    processName: str(process.name),
    executable: process.isExecutable === true,
    meta,
    situations: readSituations(process),
    questions: readQuestions(process),
    documents: readDocuments(process),
    variants: readVariants(process),
    members: readMembers(process),
    userTasks: [],
    jobs: [],
    conditions: [],
    calledElements: [],
    elementCount: 0,
  };
  walkFlowElements(process, (el) => {
    model.elementCount++;
    const id = str(el.id);
    if (el.$type === 'bpmn:UserTask') {
      const assignment = ext(el, 'zeebe:AssignmentDefinition');
      const step = ext(el, 'okno:Step');
      model.userTasks.push({
        id,
        name: str(el.name),
        assignee: str(assignment?.assignee) || null,
        candidateGroups: words(assignment?.candidateGroups),
        formId: str(ext(el, 'zeebe:FormDefinition')?.formId) || null,
        hasZeebeUserTask: Boolean(ext(el, 'zeebe:UserTask')),
        deadline:
          step && typeof step.deadline === 'number'
            ? { value: step.deadline, unit: (str(step.deadlineUnit) || 'workingDays') as DeadlineUnit }
            : null,
        checks: list(step?.checks).map((c) => str(c.code)),
      });
    }
    const taskDef = ext(el, 'zeebe:TaskDefinition');
    if (taskDef)
      model.jobs.push({
        elementId: id,
        type: str(taskDef.type),
        external: ext(el, 'okno:External') ? str(ext(el, 'okno:External')?.system) || 'external' : null,
      });
    for (const l of list(ext(el, 'zeebe:ExecutionListeners')?.listeners))
      model.jobs.push({ elementId: id, type: str(l.type), external: null });
    for (const l of list(ext(el, 'zeebe:TaskListeners')?.listeners))
      model.jobs.push({ elementId: id, type: str(l.type), external: null });
    const cond = el.conditionExpression as ModdleElement | undefined;
    if (cond && typeof cond.body === 'string')
      model.conditions.push({ elementId: id, field: 'conditionExpression', expression: cond.body });
    if (el.$type === 'bpmn:CallActivity') {
      const called = ext(el, 'zeebe:CalledElement');
      model.calledElements.push({ elementId: id, processId: str(called?.processId) });
    }
  });
  return model;
}

/** Calls fn for every flow element of a process, sub-processes included. */
export function walkFlowElements(container: ModdleElement, fn: (el: ModdleElement) => void): void {
  for (const el of list(container.flowElements)) {
    fn(el);
    if (Array.isArray(el.flowElements)) walkFlowElements(el, fn);
  }
}

/** Parses BPMN XML with Zeebe and Okno extensions; throws BpmnParseError for malformed XML or unknown elements. */
export async function parseBpmn(xml: string, moddle: Moddle = createModdle()): Promise<ParsedBpmn> {
  let result: FromXmlResult;
  try {
    result = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new BpmnParseError([
      { elementId: '(document)', field: 'xml', code: 'xml_malformed', params: { detail: message.slice(0, 300) } },
    ]);
  }
  const problems: ParseProblem[] = result.warnings.map((w): ParseProblem => {
    const lines = w.message.split('\n').map((l) => l.trim());
    const where = lines
      .find((l) => l.startsWith('line:'))
      ?.slice(5)
      .trim();
    const nested = lines
      .find((l) => l.startsWith('nested error:'))
      ?.slice(13)
      .trim();
    const detail = `${nested ?? lines[0]}${where ? ` (line ${where})` : ''}`.slice(0, 300);
    const duplicate = /duplicate ID <([^>]+)>/.exec(nested ?? '');
    if (duplicate)
      return { elementId: duplicate[1], field: 'id', code: 'id_duplicate', params: { id: duplicate[1], detail } };
    const unknown =
      /unknown (type|attribute|element)\s*<([^>]+)>/i.exec(w.message) ??
      /unparsable content <([^>]+)>/i.exec(w.message);
    const column = Number(
      lines
        .find((l) => l.startsWith('column:'))
        ?.slice(7)
        .trim(),
    );
    return {
      elementId: w.element ? nearestId(w.element) : ownerAt(xml, Number(where), column),
      field: w.property ?? unknown?.[2] ?? unknown?.[1] ?? 'xml',
      code: unknown ? 'xml_unknown_element' : 'xml_invalid',
      params: { detail },
    };
  });
  // Elements in the Okno namespace that the descriptor does not define are read as generic elements: reject them.
  const definitions = result.rootElement;
  const processes = list(definitions.rootElements).filter((e) => e.$type === 'bpmn:Process');
  if (processes.length !== 1) {
    problems.push({
      elementId: '(document)',
      field: 'rootElements',
      code: 'process_count',
      params: { count: processes.length },
    });
  }
  const visit = (el: ModdleElement) => {
    for (const e of extensionsOf(el)) {
      if (!e.$type.includes(':') || (e.$type.startsWith('okno:') && !KNOWN_OKNO.has(e.$type))) {
        problems.push({
          elementId: str(el.id) || '(document)',
          field: 'extensionElements',
          code: 'xml_unknown_element',
          params: { detail: e.$type },
        });
      }
    }
  };
  for (const p of processes) {
    visit(p);
    walkFlowElements(p, visit);
  }
  if (problems.length) throw new BpmnParseError(problems);
  const process = processes[0];
  return { definitions, process, model: readServiceModel(process), moddle };
}

const KNOWN_OKNO = new Set(oknoDescriptor.types.map((t) => `okno:${t.name}`));

/** Serialises a moddle definitions tree back to XML. */
export async function toXml(parsed: { moddle: Moddle; definitions: ModdleElement }): Promise<string> {
  return (await parsed.moddle.toXML(parsed.definitions, { format: true })).xml;
}
