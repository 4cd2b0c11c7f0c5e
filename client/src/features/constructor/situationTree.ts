// Editing the life-situation questionnaire as a tree: questions hold options, options hold the situation
// codes they switch on and nested follow-up questions. Pure functions on plain data: every edit returns
// a new question list, so the editor can write the result back into the BPMN in one command.
import { ALWAYS, type Question, type QuestionOption, type ReferenceDocument } from '@okno-moddle/index';

export type TreeNodeKind = 'question' | 'option' | 'situation';

/** A node key: `q:<questionId>`, `o:<optionId>` or `s:<optionId>:<code>`. */
export type TreeKey = string;

/** What a tree key points at. */
export type NodeRef =
  | { kind: 'question'; id: string }
  | { kind: 'option'; id: string }
  | { kind: 'situation'; optionId: string; code: string };

/** A node for the tree widget (naive-ui NTree option shape plus what the editor shows). */
export interface SituationTreeNode {
  key: TreeKey;
  kind: TreeNodeKind;
  label: string;
  /** Situation codes of an option; documents attached to a situation. */
  codes?: string[];
  documents?: string[];
  mode?: Question['mode'];
  isLeaf: boolean;
  children?: SituationTreeNode[];
}

/** Parses a tree key. */
export function parseKey(key: TreeKey): NodeRef | null {
  const [kind, a, ...rest] = key.split(':');
  if (kind === 'q' && a) return { kind: 'question', id: a };
  if (kind === 'o' && a) return { kind: 'option', id: a };
  if (kind === 's' && a && rest.length) return { kind: 'situation', optionId: a, code: rest.join(':') };
  return null;
}

export const questionKey = (id: string): TreeKey => `q:${id}`;
export const optionKey = (id: string): TreeKey => `o:${id}`;
export const situationKey = (optionId: string, code: string): TreeKey => `s:${optionId}:${code}`;

/** Codes of the documents that a situation makes required. */
export function documentsFor(documents: readonly ReferenceDocument[], code: string): string[] {
  return documents.filter((d) => d.requiredFor !== ALWAYS && d.requiredFor.includes(code)).map((d) => d.code);
}

/** Builds the tree widget's nodes; situation nodes list the documents they require. */
export function toTreeNodes(
  questions: readonly Question[],
  documents: readonly ReferenceDocument[],
  titles: ReadonlyMap<string, string> = new Map(),
): SituationTreeNode[] {
  const ofQuestion = (q: Question): SituationTreeNode => ({
    key: questionKey(q.id),
    kind: 'question',
    label: q.text || q.id,
    mode: q.mode,
    isLeaf: q.options.length === 0,
    children: q.options.map(ofOption),
  });
  const ofOption = (o: QuestionOption): SituationTreeNode => {
    const children = [
      ...o.situations.map((code): SituationTreeNode => ({
        key: situationKey(o.id, code),
        kind: 'situation',
        label: titles.get(code) ? `${code} — ${titles.get(code)}` : code,
        codes: [code],
        documents: documentsFor(documents, code),
        isLeaf: true,
      })),
      ...o.questions.map(ofQuestion),
    ];
    return {
      key: optionKey(o.id),
      kind: 'option',
      label: o.text || o.id,
      codes: o.situations,
      isLeaf: children.length === 0,
      children,
    };
  };
  return questions.map(ofQuestion);
}

/** Every question and option id in the tree. */
export function treeIds(questions: readonly Question[]): Set<string> {
  const ids = new Set<string>();
  const visit = (q: Question) => {
    ids.add(q.id);
    for (const o of q.options) {
      ids.add(o.id);
      o.questions.forEach(visit);
    }
  };
  questions.forEach(visit);
  return ids;
}

/** The tree key of a question or option id (e.g. a problem's element id), or null when the tree has none. */
export function keyOfId(questions: readonly Question[], id: string): TreeKey | null {
  const copy = clone(questions);
  if (locate(copy, { kind: 'question', id })) return questionKey(id);
  if (locate(copy, { kind: 'option', id })) return optionKey(id);
  return null;
}

/** A fresh id with the prefix that is neither in the tree nor taken elsewhere in the diagram. */
export function freshId(
  prefix: 'Q' | 'O',
  questions: readonly Question[],
  isTaken: (id: string) => boolean = () => false,
): string {
  const ids = treeIds(questions);
  for (let n = ids.size + 1; ; n++) {
    const id = `${prefix}_${n}`;
    if (!ids.has(id) && !isTaken(id)) return id;
  }
}

interface Located {
  /** The list the node lives in (questions of the root or of an option; options of a question). */
  siblings: (Question | QuestionOption)[];
  index: number;
}

/** Finds a question or option in a (mutable, cloned) tree. */
function locate(questions: Question[], ref: NodeRef): Located | null {
  const inQuestions = (list: Question[]): Located | null => {
    for (let i = 0; i < list.length; i++) {
      const q = list[i];
      if (ref.kind === 'question' && q.id === ref.id) return { siblings: list, index: i };
      for (let j = 0; j < q.options.length; j++) {
        const o = q.options[j];
        if (ref.kind === 'option' && o.id === ref.id) return { siblings: q.options, index: j };
        const found = inQuestions(o.questions);
        if (found) return found;
      }
    }
    return null;
  };
  return inQuestions(questions);
}

function findOption(questions: Question[], id: string): QuestionOption | null {
  const at = locate(questions, { kind: 'option', id });
  return at ? (at.siblings[at.index] as QuestionOption) : null;
}

function findQuestion(questions: Question[], id: string): Question | null {
  const at = locate(questions, { kind: 'question', id });
  return at ? (at.siblings[at.index] as Question) : null;
}

/** A deep copy (JSON: the data is plain, and a reactive proxy cannot be structured-cloned). */
const clone = (questions: readonly Question[]): Question[] => JSON.parse(JSON.stringify(questions)) as Question[];

/** Adds a question at the top level, or nested under an option (asked when that option is picked). */
export function addQuestion(
  questions: readonly Question[],
  underOptionId: string | null,
  text: string,
  isTaken?: (id: string) => boolean,
): { questions: Question[]; id: string } {
  const next = clone(questions);
  const id = freshId('Q', next, isTaken);
  const question: Question = { id, text, mode: 'single', followUp: false, options: [] };
  if (underOptionId === null) next.push(question);
  else {
    const option = findOption(next, underOptionId);
    if (!option) throw new Error(`Unknown option ${underOptionId}`);
    option.questions.push(question);
  }
  return { questions: next, id };
}

/** Adds an answer option to a question. */
export function addOption(
  questions: readonly Question[],
  questionId: string,
  text: string,
  isTaken?: (id: string) => boolean,
): { questions: Question[]; id: string } {
  const next = clone(questions);
  const question = findQuestion(next, questionId);
  if (!question) throw new Error(`Unknown question ${questionId}`);
  const id = freshId('O', next, isTaken);
  question.options.push({ id, text, situations: [], next: [], questions: [] });
  return { questions: next, id };
}

/** Makes an option switch on a situation code (once). */
export function addSituation(questions: readonly Question[], optionId: string, code: string): Question[] {
  const next = clone(questions);
  const option = findOption(next, optionId);
  if (!option) throw new Error(`Unknown option ${optionId}`);
  if (!option.situations.includes(code)) option.situations.push(code);
  return next;
}

/** Changes the text (and for a question the mode) of a question or option. */
export function updateNode(
  questions: readonly Question[],
  key: TreeKey,
  patch: { text?: string; mode?: Question['mode'] },
): Question[] {
  const ref = parseKey(key);
  if (!ref || ref.kind === 'situation') return clone(questions);
  const next = clone(questions);
  const at = locate(next, ref);
  if (!at) return next;
  const node = at.siblings[at.index];
  if (patch.text !== undefined) node.text = patch.text;
  if (ref.kind === 'question' && patch.mode) (node as Question).mode = patch.mode;
  return next;
}

/** Removes a question (with its options), an option (with its nested questions) or a situation code from an option. */
export function removeNode(questions: readonly Question[], key: TreeKey): Question[] {
  const ref = parseKey(key);
  const next = clone(questions);
  if (!ref) return next;
  if (ref.kind === 'situation') {
    const option = findOption(next, ref.optionId);
    if (option) option.situations = option.situations.filter((c) => c !== ref.code);
    return next;
  }
  const at = locate(next, ref);
  if (at) at.siblings.splice(at.index, 1);
  // Drop `next` references to questions that no longer exist.
  const ids = treeIds(next);
  const prune = (list: Question[]) =>
    list.forEach((q) => q.options.forEach((o) => ((o.next = o.next.filter((id) => ids.has(id))), prune(o.questions))));
  prune(next);
  return next;
}

/** Moves a node among its siblings by `delta` (-1 up, +1 down); situation codes move within their option. */
export function moveNode(questions: readonly Question[], key: TreeKey, delta: number): Question[] {
  const ref = parseKey(key);
  const next = clone(questions);
  if (!ref) return next;
  if (ref.kind === 'situation') {
    const option = findOption(next, ref.optionId);
    if (!option) return next;
    const i = option.situations.indexOf(ref.code);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= option.situations.length) return next;
    option.situations.splice(j, 0, ...option.situations.splice(i, 1));
    return next;
  }
  const at = locate(next, ref);
  if (!at) return next;
  const j = at.index + delta;
  if (j < 0 || j >= at.siblings.length) return next;
  at.siblings.splice(j, 0, ...at.siblings.splice(at.index, 1));
  return next;
}

/** Whether a node can move by `delta` (for disabling the buttons). */
export function canMove(questions: readonly Question[], key: TreeKey, delta: number): boolean {
  const ref = parseKey(key);
  if (!ref) return false;
  if (ref.kind === 'situation') {
    const option = findOption(clone(questions), ref.optionId);
    const i = option ? option.situations.indexOf(ref.code) : -1;
    return i >= 0 && i + delta >= 0 && i + delta < (option?.situations.length ?? 0);
  }
  const at = locate(clone(questions), ref);
  return Boolean(at && at.index + delta >= 0 && at.index + delta < at.siblings.length);
}

/** The question or option a key points at (a copy). */
export function nodeOf(questions: readonly Question[], key: TreeKey): Question | QuestionOption | null {
  const ref = parseKey(key);
  if (!ref || ref.kind === 'situation') return null;
  const copy = clone(questions);
  const at = locate(copy, ref);
  return at ? at.siblings[at.index] : null;
}

/** Every situation code some option switches on. */
export function usedCodes(questions: readonly Question[]): Set<string> {
  const codes = new Set<string>();
  const visit = (q: Question) =>
    q.options.forEach((o) => (o.situations.forEach((c) => codes.add(c)), o.questions.forEach(visit)));
  questions.forEach(visit);
  return codes;
}

/**
 * Attaches exactly the given documents to a situation: they become required when it is active, the others
 * stop naming it. A document required always that is picked becomes required for this situation only. Returns the new list and the documents that named only
 * this situation and so became required always (the reader treats an empty list as "always").
 */
export function attachDocuments(
  documents: readonly ReferenceDocument[],
  code: string,
  documentCodes: readonly string[],
): { documents: ReferenceDocument[]; nowAlways: string[] } {
  const wanted = new Set(documentCodes);
  const nowAlways: string[] = [];
  const next = documents.map((d): ReferenceDocument => {
    if (d.requiredFor === ALWAYS) return wanted.has(d.code) ? { ...d, requiredFor: [code] } : { ...d };
    const has = d.requiredFor.includes(code);
    if (wanted.has(d.code) && !has) return { ...d, requiredFor: [...d.requiredFor, code] };
    if (!wanted.has(d.code) && has) {
      const rest = d.requiredFor.filter((c) => c !== code);
      if (rest.length === 0) nowAlways.push(d.code);
      return { ...d, requiredFor: rest.length ? rest : ALWAYS };
    }
    return { ...d, requiredFor: [...d.requiredFor] };
  });
  return { documents: next, nowAlways };
}
