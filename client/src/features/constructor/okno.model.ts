// Okno's BPMN extension on the client: reading the okno:* extension elements of a process or a user task
// into plain data, and building new moddle elements from edited data. The descriptor and the data shapes
// are the server's (server/okno-moddle); this file only bridges them to bpmn-js's moddle instances.
import {
  ALWAYS,
  type DeadlineUnit,
  type Question,
  type ReferenceDocument,
  type ServiceMeta,
  type Situation,
  type Variant,
} from '@okno-moddle/index';
import { extensionOf, list, str, words, type ModdleNode } from '@okno-moddle/reader';

export {
  extensionOf,
  extensionsOf,
  readDocuments,
  readQuestions,
  readServiceMeta,
  readSituations,
  readVariants,
  words,
  type ModdleNode,
} from '@okno-moddle/reader';

/** The part of a moddle instance (bpmn-js `moddle` service, bpmn-moddle) used to build elements. */
export interface ModdleFactory {
  create(type: string, attrs?: Record<string, unknown>): ModdleNode;
}

/** Okno settings of one user task: step deadline, candidate group and documents checked at this step. */
export interface StepSettings {
  deadline: number | null;
  deadlineUnit: DeadlineUnit;
  candidateGroups: string[];
  checks: string[];
}

/** Code, title and department of the okno:service card, if the process has one. */
export function readServiceCard(
  process: ModdleNode | undefined,
): { code: string; title: string; department: string } | null {
  const svc = extensionOf(process, 'okno:Service');
  return svc ? { code: str(svc.code), title: str(svc.title), department: str(svc.department) } : null;
}

/** A new okno:service element from a card. */
export function buildService(moddle: ModdleFactory, meta: ServiceMeta): ModdleNode {
  const el = moddle.create('okno:Service', { code: meta.code, title: meta.title, department: meta.department });
  if (meta.kind !== 'service') el.kind = meta.kind;
  if (meta.fee !== null) el.fee = meta.fee;
  if (meta.deadline) {
    const deadline = moddle.create('okno:Deadline', { value: meta.deadline.value, unit: meta.deadline.unit });
    deadline.$parent = el;
    el.deadline = deadline;
  }
  el.results = adopt(
    el,
    meta.results.map((r) => moddle.create('okno:Result', { code: r.code, title: r.title, positive: r.positive })),
  );
  el.channels = adopt(
    el,
    meta.channels.map((c) => moddle.create('okno:Channel', { kind: c.kind, title: c.title })),
  );
  return el;
}

/** Okno settings of a user task (deadline and checks from okno:step, groups from zeebe:assignmentDefinition). */
export function readStep(task: ModdleNode | undefined): StepSettings {
  const step = extensionOf(task, 'okno:Step');
  const assignment = extensionOf(task, 'zeebe:AssignmentDefinition');
  return {
    deadline: step && typeof step.deadline === 'number' ? step.deadline : null,
    deadlineUnit: (str(step?.deadlineUnit) || 'workingDays') as DeadlineUnit,
    candidateGroups: words(assignment?.candidateGroups),
    checks: list(step?.checks).map((c) => str(c.code)),
  };
}

/** Sets `$parent` on children so the serialiser and later edits see a proper tree. */
function adopt<T extends ModdleNode>(parent: ModdleNode, children: T[]): T[] {
  for (const c of children) c.$parent = parent;
  return children;
}

function buildQuestion(moddle: ModdleFactory, q: Question): ModdleNode {
  const question = moddle.create('okno:Question', { id: q.id, text: q.text });
  if (q.mode !== 'single') question.mode = q.mode;
  if (q.followUp) question.followUp = true;
  question.options = adopt(
    question,
    q.options.map((o) => {
      const option = moddle.create('okno:Option', { id: o.id, text: o.text });
      if (o.situations.length) option.situations = o.situations.join(' ');
      if (o.next.length) option.next = o.next.join(' ');
      option.questions = adopt(
        option,
        o.questions.map((nested) => buildQuestion(moddle, nested)),
      );
      return option;
    }),
  );
  return question;
}

/** A new okno:questionnaire element holding the given questions. */
export function buildQuestionnaire(moddle: ModdleFactory, questions: Question[]): ModdleNode {
  const el = moddle.create('okno:Questionnaire');
  el.questions = adopt(
    el,
    questions.map((q) => buildQuestion(moddle, q)),
  );
  return el;
}

/** A new okno:situations element. */
export function buildSituations(moddle: ModdleFactory, situations: Situation[]): ModdleNode {
  const el = moddle.create('okno:Situations');
  el.situations = adopt(
    el,
    situations.map((s) => moddle.create('okno:Situation', { code: s.code, title: s.title })),
  );
  return el;
}

/** A new okno:documents element. */
export function buildDocuments(moddle: ModdleFactory, documents: ReferenceDocument[]): ModdleNode {
  const el = moddle.create('okno:Documents');
  el.documents = adopt(
    el,
    documents.map((d) => {
      const doc = moddle.create('okno:Document', {
        code: d.code,
        kind: d.kind || d.code,
        title: d.title,
        form: d.form,
        supplier: d.supplier,
        requiredFor: d.requiredFor === ALWAYS ? ALWAYS : d.requiredFor.join(' ') || ALWAYS,
      });
      if (d.note) doc.note = d.note;
      return doc;
    }),
  );
  return el;
}

/** A new okno:variants element. */
export function buildVariants(moddle: ModdleFactory, variants: Variant[]): ModdleNode {
  const el = moddle.create('okno:Variants');
  el.variants = adopt(
    el,
    variants.map((v) => {
      const variant = moddle.create('okno:Variant', { code: v.code, title: v.title });
      if (v.requires.length) variant.requires = v.requires.join(' ');
      if (v.requiresAny.length) variant.requiresAny = v.requiresAny.join(' ');
      if (v.excludes.length) variant.excludes = v.excludes.join(' ');
      if (v.deadline) {
        const deadline = moddle.create('okno:Deadline', { value: v.deadline.value, unit: v.deadline.unit });
        deadline.$parent = variant;
        variant.deadline = deadline;
      }
      return variant;
    }),
  );
  return el;
}

/** A new okno:step element (deadline and checked documents), or null when nothing is set. */
export function buildStep(
  moddle: ModdleFactory,
  step: Pick<StepSettings, 'deadline' | 'deadlineUnit' | 'checks'>,
): ModdleNode | null {
  if (step.deadline === null && step.checks.length === 0) return null;
  const el = moddle.create('okno:Step');
  if (step.deadline !== null) el.deadline = step.deadline;
  if (step.deadlineUnit !== 'workingDays') el.deadlineUnit = step.deadlineUnit;
  el.checks = adopt(
    el,
    step.checks.map((code) => moddle.create('okno:CheckDocument', { code })),
  );
  return el;
}

/** The extension values with the element of `type` replaced by `next` (appended when absent, removed when null). */
export function replaceExtension(values: ModdleNode[], type: string, next: ModdleNode | null): ModdleNode[] {
  const index = values.findIndex((v) => v.$type === type);
  if (index < 0) return next ? [...values, next] : [...values];
  const copy = [...values];
  if (next) copy.splice(index, 1, next);
  else copy.splice(index, 1);
  return copy;
}
