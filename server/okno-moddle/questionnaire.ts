// Life-situation questionnaire: evaluation of answers and the completeness check. Pure: no I/O,
// shared by the server (validation, catalogue) and the client ("Try it").
import {
  ALWAYS,
  type Answers,
  type Deadline,
  type PackageMember,
  type Question,
  type QuestionOption,
  type ReferenceDocument,
  type Variant,
} from './index.js';

/** The parts of a service model the questionnaire works on. */
export interface QuestionnaireModel {
  questions: Question[];
  documents: ReferenceDocument[];
  variants: Variant[];
  members?: PackageMember[];
  deadline?: Deadline | null;
}

/** The implicit variant of a service that declares none. */
export const DEFAULT_VARIANT: Variant = {
  code: 'default',
  title: '',
  requires: [],
  requiresAny: [],
  excludes: [],
  deadline: null,
};

export interface AnswerProblem {
  questionId: string;
  code: 'answer_missing' | 'answer_unknown_option' | 'answer_not_single';
  optionId?: string;
}

export interface Evaluation {
  /** Active situation codes, in the order the answers switched them on. */
  situations: string[];
  /** Reference documents required for this case, each once. */
  documents: ReferenceDocument[];
  /** The one matching variant, or null when none or several match. */
  variant: Variant | null;
  /** Codes of every variant that matches (more than one is a conflict). */
  matchingVariants: string[];
  /** Package members required for this case. */
  members: PackageMember[];
  /** The statutory deadline for this case: the variant's, else the service's. */
  deadline: Deadline | null;
  /** Questions asked, in order. */
  asked: string[];
  problems: AnswerProblem[];
}

/** Index of every question by id, nested ones included. */
export function questionIndex(questions: Question[]): Map<string, Question> {
  const byId = new Map<string, Question>();
  const visit = (q: Question) => {
    if (!byId.has(q.id)) byId.set(q.id, q);
    for (const o of q.options) o.questions.forEach(visit);
  };
  questions.forEach(visit);
  return byId;
}

/** Questions asked after an option is picked: its nested ones, then its `next` references. */
function followUps(o: QuestionOption, byId: Map<string, Question>): Question[] {
  return [...o.questions, ...o.next.map((id) => byId.get(id)).filter((q): q is Question => Boolean(q))];
}

/** True when the code list requirement is met by the active codes ('always' or any code active). */
export function isRequired(requiredFor: string[] | typeof ALWAYS, active: ReadonlySet<string>): boolean {
  return requiredFor === ALWAYS || requiredFor.some((c) => active.has(c));
}

/** True when a variant applies to the active codes. */
export function variantMatches(v: Variant, active: ReadonlySet<string>): boolean {
  return (
    v.requires.every((c) => active.has(c)) &&
    (!v.requiresAny.length || v.requiresAny.some((c) => active.has(c))) &&
    !v.excludes.some((c) => active.has(c))
  );
}

/** Codes of the variants that apply to the active codes (the implicit default when none is declared). */
export function matchVariants(variants: Variant[], active: ReadonlySet<string>): string[] {
  const list = variants.length ? variants : [DEFAULT_VARIANT];
  return list.filter((v) => variantMatches(v, active)).map((v) => v.code);
}

/** Turns answers into active situations, the document checklist, the variant and the deadline. */
export function evaluate(model: QuestionnaireModel, answers: Answers): Evaluation {
  const byId = questionIndex(model.questions);
  const active: string[] = [];
  const activeSet = new Set<string>();
  const asked: string[] = [];
  const askedSet = new Set<string>();
  const problems: AnswerProblem[] = [];
  const queue: Question[] = model.questions.filter((q) => !q.followUp);
  while (queue.length) {
    const q = queue.shift()!;
    if (askedSet.has(q.id)) continue;
    askedSet.add(q.id);
    asked.push(q.id);
    const raw = answers[q.id];
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0 && q.mode === 'single')) {
      if (q.mode === 'single') problems.push({ questionId: q.id, code: 'answer_missing' });
      continue;
    }
    const ids = Array.isArray(raw) ? raw : [raw];
    if (q.mode === 'single' && ids.length !== 1) {
      problems.push({ questionId: q.id, code: 'answer_not_single' });
      continue;
    }
    const picked: QuestionOption[] = [];
    for (const id of ids) {
      const o = q.options.find((x) => x.id === id);
      if (!o) problems.push({ questionId: q.id, code: 'answer_unknown_option', optionId: String(id) });
      else if (!picked.includes(o)) picked.push(o);
    }
    const next: Question[] = [];
    for (const o of picked) {
      for (const c of o.situations) {
        if (!activeSet.has(c)) {
          activeSet.add(c);
          active.push(c);
        }
      }
      next.push(...followUps(o, byId));
    }
    // Follow-ups are asked right after the question that opened them.
    queue.unshift(...next);
  }
  const documents = model.documents.filter((d) => isRequired(d.requiredFor, activeSet));
  const seen = new Set<string>();
  const uniqueDocs = documents.filter((d) => (seen.has(d.code) ? false : (seen.add(d.code), true)));
  const matching = matchVariants(model.variants, activeSet);
  const variant =
    matching.length === 1 ? (model.variants.find((v) => v.code === matching[0]) ?? DEFAULT_VARIANT) : null;
  return {
    situations: active,
    documents: uniqueDocs,
    variant,
    matchingVariants: matching,
    members: (model.members ?? []).filter((m) => isRequired(m.requiredFor, activeSet)),
    deadline: variant?.deadline ?? model.deadline ?? null,
    asked,
    problems,
  };
}

/** A cycle in the questionnaire: the option whose follow-up leads back to a question already on the path. */
export interface QuestionCycle {
  optionId: string;
  questionId: string;
  path: string[];
}

/** Finds follow-up references that lead back to a question on the current path. */
export function findCycles(questions: Question[]): QuestionCycle[] {
  const byId = questionIndex(questions);
  const cycles: QuestionCycle[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (q: Question) => {
    if (done.has(q.id)) return;
    path.push(q.id);
    for (const o of q.options) {
      for (const f of followUps(o, byId)) {
        if (path.includes(f.id))
          cycles.push({ optionId: o.id, questionId: f.id, path: [...path.slice(path.indexOf(f.id)), f.id] });
        else visit(f);
      }
    }
    path.pop();
    done.add(q.id);
  };
  for (const q of byId.values()) visit(q);
  return cycles;
}

/** Number of distinct answer combinations, capped at cap + 1 (the questionnaire must be acyclic). */
export function countCombinations(questions: Question[], cap: number): number {
  const byId = questionIndex(questions);
  const memo = new Map<string, number>();
  const clamp = (n: number) => Math.min(n, cap + 1);
  const ofQuestion = (q: Question): number => {
    const known = memo.get(q.id);
    if (known !== undefined) return known;
    const perOption = q.options.map((o) => followUps(o, byId).reduce((acc, f) => clamp(acc * ofQuestion(f)), 1));
    let n: number;
    if (!q.options.length) n = 1;
    else if (q.mode === 'multiple') n = perOption.reduce((acc, c) => clamp(acc * (1 + c)), 1);
    else n = clamp(perOption.reduce((a, b) => a + b, 0));
    memo.set(q.id, n);
    return n;
  };
  return questions.filter((q) => !q.followUp).reduce((acc, q) => clamp(acc * ofQuestion(q)), 1);
}

/** Every complete answer combination with its active situation codes (the questionnaire must be acyclic). */
export function* combinations(questions: Question[]): Generator<{ answers: Answers; situations: string[] }> {
  const byId = questionIndex(questions);
  function* expand(
    queue: Question[],
    answers: Answers,
    active: string[],
  ): Generator<{ answers: Answers; situations: string[] }> {
    const [q, ...rest] = queue;
    if (!q) {
      yield { answers, situations: [...new Set(active)] };
      return;
    }
    if (q.id in answers || !q.options.length) {
      yield* expand(rest, answers, active);
      return;
    }
    const choices: QuestionOption[][] =
      q.mode === 'multiple'
        ? Array.from({ length: 2 ** q.options.length }, (_, mask) => q.options.filter((_, i) => mask & (1 << i)))
        : q.options.map((o) => [o]);
    for (const choice of choices) {
      const value = q.mode === 'multiple' ? choice.map((o) => o.id) : choice[0].id;
      yield* expand([...choice.flatMap((o) => followUps(o, byId)), ...rest], { ...answers, [q.id]: value }, [
        ...active,
        ...choice.flatMap((o) => o.situations),
      ]);
    }
  }
  yield* expand(
    questions.filter((q) => !q.followUp),
    {},
    [],
  );
}

export interface CoverageCase {
  answers: Answers;
  situations: string[];
  variants: string[];
}

export interface CoverageReport {
  /** Combinations checked; equals total unless the space was too large. */
  checked: number;
  total: number;
  /** True when the space exceeded the limit and was not enumerated. */
  tooLarge: boolean;
  limit: number;
  /** Combinations that match no variant (first ones, up to `examples`). */
  gaps: CoverageCase[];
  /** Combinations that match more than one variant. */
  conflicts: CoverageCase[];
  gapCount: number;
  conflictCount: number;
}

/** Checks that every answer combination leads to exactly one variant; bounded by `limit` combinations. */
export function checkCoverage(
  model: QuestionnaireModel,
  opts: { limit?: number; examples?: number } = {},
): CoverageReport {
  const limit = opts.limit ?? 20_000;
  const examples = opts.examples ?? 10;
  const total = countCombinations(model.questions, limit);
  const report: CoverageReport = {
    checked: 0,
    total,
    tooLarge: total > limit,
    limit,
    gaps: [],
    conflicts: [],
    gapCount: 0,
    conflictCount: 0,
  };
  if (report.tooLarge) return report;
  for (const c of combinations(model.questions)) {
    report.checked++;
    const variants = matchVariants(model.variants, new Set(c.situations));
    if (variants.length === 1) continue;
    const item = { ...c, variants };
    if (variants.length === 0) {
      report.gapCount++;
      if (report.gaps.length < examples) report.gaps.push(item);
    } else {
      report.conflictCount++;
      if (report.conflicts.length < examples) report.conflicts.push(item);
    }
  }
  report.total = report.checked;
  return report;
}
