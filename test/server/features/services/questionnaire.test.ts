import { describe, expect, it } from 'vitest';
import type { Question, ReferenceDocument, Variant } from '../../../../server/okno-moddle/index.js';
import {
  checkCoverage,
  countCombinations,
  evaluate,
  findCycles,
} from '../../../../server/okno-moddle/questionnaire.js';

const opt = (id: string, situations: string[] = [], extra: Partial<Question['options'][number]> = {}) => ({
  id,
  text: id,
  situations,
  next: [],
  questions: [],
  ...extra,
});
const q = (id: string, options: Question['options'], extra: Partial<Question> = {}): Question => ({
  id,
  text: id,
  mode: 'single',
  followUp: false,
  options,
  ...extra,
});
const doc = (code: string, requiredFor: string[] | 'always' = 'always', kind = code): ReferenceDocument => ({
  code,
  kind,
  title: code,
  form: 'original',
  supplier: 'applicant',
  requiredFor,
  note: null,
});
const variant = (code: string, v: Partial<Variant> = {}): Variant => ({
  code,
  title: code,
  requires: [],
  requiresAny: [],
  excludes: [],
  deadline: null,
  ...v,
});

// The advertising permit's tree (docs/domain.md §3): applicant type, representative, ownership with a nested question, size.
const advert: Question[] = [
  q('Q_Type', [opt('O_Yr', ['EZayavYr']), opt('O_Ip', ['EZayavIndPred']), opt('O_Fiz', ['EZayavFiz'])]),
  q('Q_Rep', [opt('O_Self'), opt('O_Rep', ['EPredstav'])]),
  q('Q_Owner', [
    opt('O_Owner'),
    opt('O_NotOwner', ['EZayavNeSoblm'], { questions: [q('Q_Mkd', [opt('O_Mkd', ['EIsplmDom']), opt('O_Other')])] }),
  ]),
  q('Q_Size', [opt('O_Small'), opt('O_Large', ['EReklBol'])]),
];
const docs = [
  doc('D_App'),
  doc('D_Id', ['EZayavFiz', 'EZayavIndPred']),
  doc('D_Poa', ['EPredstav']),
  doc('D_Consent', ['EZayavNeSoblm']),
  doc('D_Minutes', ['EIsplmDom']),
  doc('D_Strength', ['EReklBol']),
];
const variants = [
  variant('standard', { excludes: ['EReklBol'], deadline: { value: 20, unit: 'workingDays' } }),
  variant('large', { requires: ['EReklBol'], deadline: { value: 30, unit: 'workingDays' } }),
];

describe('questionnaire evaluation', () => {
  it('given a sole trader via a representative on a shared building with a large structure, then situations, documents, variant and deadline follow', () => {
    const e = evaluate(
      { questions: advert, documents: docs, variants },
      { Q_Type: 'O_Ip', Q_Rep: 'O_Rep', Q_Owner: 'O_NotOwner', Q_Mkd: 'O_Mkd', Q_Size: 'O_Large' },
    );
    expect(e.problems).toEqual([]);
    expect(e.situations).toEqual(['EZayavIndPred', 'EPredstav', 'EZayavNeSoblm', 'EIsplmDom', 'EReklBol']);
    expect(e.documents.map((d) => d.code)).toEqual(['D_App', 'D_Id', 'D_Poa', 'D_Consent', 'D_Minutes', 'D_Strength']);
    expect(e.variant?.code).toBe('large');
    expect(e.deadline).toEqual({ value: 30, unit: 'workingDays' });
    expect(e.asked).toEqual(['Q_Type', 'Q_Rep', 'Q_Owner', 'Q_Mkd', 'Q_Size']);
  });

  it('given an owner, then the nested question is not asked and its answer is ignored', () => {
    const e = evaluate(
      { questions: advert, documents: docs, variants },
      { Q_Type: 'O_Yr', Q_Rep: 'O_Self', Q_Owner: 'O_Owner', Q_Mkd: 'O_Mkd', Q_Size: 'O_Small' },
    );
    expect(e.asked).not.toContain('Q_Mkd');
    expect(e.situations).toEqual(['EZayavYr']);
    expect(e.documents.map((d) => d.code)).toEqual(['D_App']);
    expect(e.variant?.code).toBe('standard');
  });

  it('given a document listed twice, then the checklist has it once', () => {
    const e = evaluate(
      { questions: advert, documents: [...docs, doc('D_App')], variants },
      { Q_Type: 'O_Yr', Q_Rep: 'O_Self', Q_Owner: 'O_Owner', Q_Size: 'O_Small' },
    );
    expect(e.documents.filter((d) => d.code === 'D_App')).toHaveLength(1);
  });

  it('given a missing answer and a foreign option, then both are reported', () => {
    const e = evaluate(
      { questions: advert, documents: docs, variants },
      { Q_Type: 'O_Small', Q_Owner: 'O_Owner', Q_Size: 'O_Small' },
    );
    expect(e.problems).toEqual([
      { questionId: 'Q_Type', code: 'answer_unknown_option', optionId: 'O_Small' },
      { questionId: 'Q_Rep', code: 'answer_missing' },
    ]);
  });

  it('given a multiple-choice question with a follow-up by reference, then picked options add codes and the follow-up is asked', () => {
    const questions = [
      q('Q_Grounds', [opt('O_A', ['A'], { next: ['Q_Follow'] }), opt('O_B', ['B'])], { mode: 'multiple' }),
      q('Q_Follow', [opt('O_C', ['C']), opt('O_D')], { followUp: true }),
    ];
    const e = evaluate({ questions, documents: [], variants: [] }, { Q_Grounds: ['O_A', 'O_B'], Q_Follow: 'O_C' });
    expect(e.situations).toEqual(['A', 'B', 'C']);
    expect(e.variant?.code).toBe('default');
    expect(evaluate({ questions, documents: [], variants: [] }, { Q_Grounds: [] }).asked).toEqual(['Q_Grounds']);
  });
});

describe('completeness of variants', () => {
  it('given the advertising tree with standard/large variants, then all 36 combinations lead to exactly one variant', () => {
    const r = checkCoverage({ questions: advert, documents: docs, variants });
    expect(r).toMatchObject({ total: 36, checked: 36, tooLarge: false, gapCount: 0, conflictCount: 0 });
  });

  it('given a tree with a gap (no variant for individuals with large structures), then those combinations are listed', () => {
    const gappy = [
      variant('standard', { excludes: ['EReklBol'] }),
      variant('large-business', { requires: ['EReklBol'], excludes: ['EZayavFiz'] }),
    ];
    const r = checkCoverage({ questions: advert, documents: docs, variants: gappy });
    expect(r.gapCount).toBe(6);
    expect(r.conflictCount).toBe(0);
    for (const g of r.gaps) {
      expect(g.answers).toMatchObject({ Q_Type: 'O_Fiz', Q_Size: 'O_Large' });
      expect(g.variants).toEqual([]);
    }
  });

  it('given a tree with a conflict (representatives match two variants), then those combinations are listed with both variants', () => {
    const conflicting = [...variants, variant('representative', { requires: ['EPredstav'] })];
    const r = checkCoverage({ questions: advert, documents: docs, variants: conflicting });
    expect(r.conflictCount).toBe(18);
    expect(r.gapCount).toBe(0);
    expect(r.conflicts[0].variants).toHaveLength(2);
    expect(r.conflicts[0].variants).toContain('representative');
    expect(r.conflicts[0].answers.Q_Rep).toBe('O_Rep');
  });

  it('given a space larger than the limit, then it is reported as too large without enumerating', () => {
    const many = Array.from({ length: 3 }, (_, i) =>
      q(
        `Q${i}`,
        Array.from({ length: 12 }, (_, j) => opt(`O${i}_${j}`, [`S${j}`])),
        { mode: 'multiple' },
      ),
    );
    expect(countCombinations(many, 1e12)).toBe(4096 ** 3);
    const r = checkCoverage({ questions: many, documents: [], variants }, { limit: 10_000 });
    expect(r).toMatchObject({ tooLarge: true, checked: 0 });
  });

  it('given a follow-up that leads back to its own question, then the cycle is found', () => {
    const questions = [
      q('Q1', [opt('O1', [], { next: ['Q2'] })]),
      q('Q2', [opt('O2', [], { next: ['Q1'] })], { followUp: true }),
    ];
    expect(findCycles(questions)).toEqual([{ optionId: 'O2', questionId: 'Q1', path: ['Q1', 'Q2', 'Q1'] }]);
    expect(findCycles(advert)).toEqual([]);
  });
});
