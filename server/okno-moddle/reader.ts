// Reading Okno's extension elements out of moddle objects (bpmn-moddle on the server, bpmn-js business
// objects in the client) into the plain shapes of index.ts. Pure: no Node or browser APIs.
import {
  ALWAYS,
  type Deadline,
  type DeadlineUnit,
  type DocumentForm,
  type DocumentSupplier,
  type PackageMember,
  type Question,
  type QuestionMode,
  type ReferenceDocument,
  type ServiceKind,
  type ServiceMeta,
  type Situation,
  type Variant,
} from './index.js';

/** A moddle element, read through its properties only. */
export interface ModdleNode {
  $type: string;
  $parent?: ModdleNode;
  id?: string;
  [property: string]: unknown;
}

/** A moddle property holding a list, or [] when it is absent. */
export const list = (v: unknown): ModdleNode[] => (Array.isArray(v) ? (v as ModdleNode[]) : []);
/** A moddle string property, or '' when it is absent. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** Splits a space- or comma-separated attribute into its words. */
export const words = (v: unknown): string[] =>
  str(v)
    .split(/[\s,]+/)
    .filter(Boolean);

/** Extension elements of a BPMN element. */
export function extensionsOf(el: ModdleNode | undefined): ModdleNode[] {
  return list((el?.extensionElements as ModdleNode | undefined)?.values);
}

/** The first extension element of a type (e.g. `okno:Questionnaire`). */
export function extensionOf(el: ModdleNode | undefined, type: string): ModdleNode | undefined {
  return extensionsOf(el).find((e) => e.$type === type);
}

/** A deadline element ({ value, unit }), or null. */
export function readDeadline(el: ModdleNode | undefined): Deadline | null {
  if (!el || typeof el.value !== 'number') return null;
  return { value: el.value, unit: (str(el.unit) || 'workingDays') as DeadlineUnit };
}

/** A `requiredFor` attribute: the situation codes, or ALWAYS when empty or marked so. */
export function readRequiredFor(v: unknown): string[] | typeof ALWAYS {
  const w = words(v);
  return w.length === 0 || w.includes(ALWAYS) ? ALWAYS : w;
}

function readQuestion(q: ModdleNode): Question {
  return {
    id: str(q.id),
    text: str(q.text),
    mode: (str(q.mode) || 'single') as QuestionMode,
    followUp: q.followUp === true,
    options: list(q.options).map((o) => ({
      id: str(o.id),
      text: str(o.text),
      situations: words(o.situations),
      next: words(o.next),
      questions: list(o.questions).map(readQuestion),
    })),
  };
}

/** The questionnaire (life-situation tree) of a process. */
export function readQuestions(process: ModdleNode | undefined): Question[] {
  return list(extensionOf(process, 'okno:Questionnaire')?.questions).map(readQuestion);
}

/** The declared life situations of a process. */
export function readSituations(process: ModdleNode | undefined): Situation[] {
  return list(extensionOf(process, 'okno:Situations')?.situations).map((s) => ({
    code: str(s.code),
    title: str(s.title),
  }));
}

/** The reference document list of a process. */
export function readDocuments(process: ModdleNode | undefined): ReferenceDocument[] {
  return list(extensionOf(process, 'okno:Documents')?.documents).map((d) => ({
    code: str(d.code),
    kind: str(d.kind) || str(d.code),
    title: str(d.title),
    form: (str(d.form) || 'original') as DocumentForm,
    supplier: (str(d.supplier) || 'applicant') as DocumentSupplier,
    requiredFor: readRequiredFor(d.requiredFor),
    note: str(d.note) || null,
  }));
}

/** The variants (routes) of a process: which situations select each, and its deadline. */
export function readVariants(process: ModdleNode | undefined): Variant[] {
  return list(extensionOf(process, 'okno:Variants')?.variants).map((v) => ({
    code: str(v.code),
    title: str(v.title),
    requires: words(v.requires),
    requiresAny: words(v.requiresAny),
    excludes: words(v.excludes),
    deadline: readDeadline(v.deadline as ModdleNode | undefined),
  }));
}

/** The member services of a package process. */
export function readMembers(process: ModdleNode | undefined): PackageMember[] {
  return list(extensionOf(process, 'okno:Members')?.members).map((m) => ({
    service: str(m.service),
    title: str(m.title),
    requiredFor: readRequiredFor(m.requiredFor),
  }));
}

/** The okno:service card of a process: code, title, department, kind, fee, statutory deadline, results, channels. */
export function readServiceMeta(process: ModdleNode | undefined): ServiceMeta | null {
  const svc = extensionOf(process, 'okno:Service');
  if (!svc) return null;
  return {
    code: str(svc.code),
    title: str(svc.title),
    department: str(svc.department),
    kind: (str(svc.kind) || 'service') as ServiceKind,
    fee: typeof svc.fee === 'number' ? svc.fee : null,
    deadline: readDeadline(svc.deadline as ModdleNode | undefined),
    results: list(svc.results).map((r) => ({ code: str(r.code), title: str(r.title), positive: r.positive !== false })),
    channels: list(svc.channels).map((c) => ({ kind: str(c.kind), title: str(c.title) })),
  };
}
