import { describe, expect, it } from 'vitest';
import {
  defaultForm,
  identifierLengths,
  identifierProblem,
  missingRequired,
  pushRecent,
  receivedDocuments,
  stepVariables,
} from '../../../../client/src/features/cases/cases.logic';
import type { ReferenceDocument } from '@okno-moddle/index';

const doc = (code: string, supplier: 'applicant' | 'interagency', form: ReferenceDocument['form'] = 'original') =>
  ({ code, kind: code, title: code, form, supplier, requiredFor: 'always', note: null }) satisfies ReferenceDocument;

describe('given the documents ticked at the window', () => {
  it('when some are ticked as original or copy, then only those are sent, with their form', () => {
    expect(receivedDocuments({ A: 'original', B: null, C: 'copy' })).toEqual([
      { code: 'A', form: 'original' },
      { code: 'C', form: 'copy' },
    ]);
  });

  it('when an applicant’s document is not ticked, then it is missing; another agency’s never is', () => {
    const docs = [doc('A', 'applicant'), doc('B', 'applicant'), doc('E', 'interagency')];
    expect(missingRequired(docs, { A: 'copy' }).map((d) => d.code)).toEqual(['B']);
  });

  it('when a document is ticked, then it starts in the form the regulation asks for', () => {
    expect(defaultForm(doc('A', 'applicant', 'copy'))).toBe('copy');
    expect(defaultForm(doc('A', 'applicant', 'originalAndCopy'))).toBe('original');
  });
});

describe('given an applicant’s identifiers as typed', () => {
  it('when the length does not fit the kind, then a format hint names the expected digits', () => {
    expect(identifierProblem('77070838', identifierLengths('legalEntity').inn)).toEqual({ digits: 10 });
    expect(identifierProblem('7707083893', identifierLengths('legalEntity').inn)).toBeNull();
    expect(identifierProblem('112-233-445 95', identifierLengths('individual').snils)).toBeNull();
    expect(identifierProblem('30450000000001', identifierLengths('soleTrader').ogrn)).toEqual({ digits: 15 });
    expect(identifierProblem('', [10])).toBeNull();
  });
});

describe('given the recent services of the intake screen', () => {
  it('when a service is used again, then it moves to the front without duplicates, at most six kept', () => {
    expect(pushRecent(['a', 'b', 'c'], 'b')).toEqual(['b', 'a', 'c']);
    expect(pushRecent(['1', '2', '3', '4', '5', '6'], '7')).toEqual(['7', '1', '2', '3', '4', '5']);
  });
});

describe('given a case timeline', () => {
  it('when steps completed with variables, then the step’s own variables are listed without the case’s', () => {
    const rows = stepVariables([
      { kind: 'registered', data: {} },
      {
        kind: 'stepCompleted',
        data: { name: 'Рассмотрение', variables: { decision: 'approve', caseId: 1, area: 18 } },
      },
    ]);
    expect(rows).toEqual([
      { step: 'Рассмотрение', key: 'decision', value: 'approve' },
      { step: 'Рассмотрение', key: 'area', value: '18' },
    ]);
  });
});
