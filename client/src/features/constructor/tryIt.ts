import { evaluate, questionIndex } from '@okno-moddle/questionnaire';
import type { Answers, Question } from '@okno-moddle/index';

/** The questions an applicant is asked with these answers so far, in order (follow-ups right after their question). */
export function visibleQuestions(questions: Question[], answers: Answers): Question[] {
  const byId = questionIndex(questions);
  return evaluate({ questions, documents: [], variants: [] }, answers)
    .asked.map((id) => byId.get(id))
    .filter((q): q is Question => Boolean(q));
}

/** The answers that still matter: those of visible questions, without empty multiple choices. */
export function pruneAnswers(questions: Question[], answers: Answers): Answers {
  const visible = new Set(visibleQuestions(questions, answers).map((q) => q.id));
  const out: Answers = {};
  for (const [id, value] of Object.entries(answers)) {
    if (!visible.has(id)) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[id] = value;
  }
  return out;
}

/** Whether every visible single-choice question has an answer. */
export function isComplete(questions: Question[], answers: Answers): boolean {
  return visibleQuestions(questions, answers).every(
    (q) => q.mode === 'multiple' || q.options.length === 0 || typeof answers[q.id] === 'string',
  );
}
