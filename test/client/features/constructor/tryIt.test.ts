import { describe, expect, it } from 'vitest';
import type { Question } from '@okno-moddle/index';
import { isComplete, pruneAnswers, visibleQuestions } from '../../../../client/src/features/constructor/tryIt';

const questions: Question[] = [
  {
    id: 'Q_Owner',
    text: 'Собственник?',
    mode: 'single',
    followUp: false,
    options: [
      { id: 'O_Owner', text: 'Да', situations: [], next: [], questions: [] },
      {
        id: 'O_NotOwner',
        text: 'Нет',
        situations: ['EZayavNeSoblm'],
        next: [],
        questions: [
          {
            id: 'Q_Building',
            text: 'МКД?',
            mode: 'single',
            followUp: false,
            options: [{ id: 'O_Yes', text: 'Да', situations: ['EIsplmDom'], next: [], questions: [] }],
          },
        ],
      },
    ],
  },
  {
    id: 'Q_Extras',
    text: 'Дополнительно',
    mode: 'multiple',
    followUp: false,
    options: [{ id: 'O_Light', text: 'Подсветка', situations: ['ELight'], next: [], questions: [] }],
  },
];

describe('"Try it" questionnaire', () => {
  it('asks a nested question only after its option is picked, right after its parent', () => {
    expect(visibleQuestions(questions, {}).map((q) => q.id)).toEqual(['Q_Owner', 'Q_Extras']);
    expect(visibleQuestions(questions, { Q_Owner: 'O_NotOwner' }).map((q) => q.id)).toEqual([
      'Q_Owner',
      'Q_Building',
      'Q_Extras',
    ]);
  });

  it('drops answers of questions that are no longer asked, and empty multiple choices', () => {
    expect(pruneAnswers(questions, { Q_Owner: 'O_Owner', Q_Building: 'O_Yes', Q_Extras: [] })).toEqual({
      Q_Owner: 'O_Owner',
    });
  });

  it('is complete when every visible single-choice question has an answer (multiple choice may stay empty)', () => {
    expect(isComplete(questions, { Q_Owner: 'O_NotOwner' })).toBe(false);
    expect(isComplete(questions, { Q_Owner: 'O_NotOwner', Q_Building: 'O_Yes' })).toBe(true);
    expect(isComplete(questions, { Q_Owner: 'O_Owner' })).toBe(true);
  });
});
