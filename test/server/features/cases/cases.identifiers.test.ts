import { describe, expect, it } from 'vitest';
import { applicantSchema } from '../../../../server/contract/cases.js';
import { applicantIssues, isEdrpou, isRnokpp } from '../../../../server/features/cases/cases.identifiers.js';

const paths = (country: 'RU' | 'UA', input: unknown) =>
  applicantIssues(applicantSchema.parse(input), country).map((i) => i.path);

describe('given Ukrainian identifiers', () => {
  it('when an ЄДРПОУ code of a real organisation is checked, then it passes, and a changed digit fails', () => {
    // ПриватБанк (weights 1..7) and Укрзалізниця (a code between 30000000 and 60000000: weights 7, 1..6).
    expect(isEdrpou('14360570')).toBe(true);
    expect(isEdrpou('40075815')).toBe(true);
    expect(isEdrpou('14360571')).toBe(false);
    expect(isEdrpou('40075816')).toBe(false);
    expect(isEdrpou('1436057')).toBe(false);
  });

  it('when a РНОКПП is checked, then the check digit of the cited rule is required', () => {
    // Check digits computed by hand with weights −1, 5, 7, 9, 4, 6, 10, 5, 7 (sum mod 11 mod 10).
    expect(isRnokpp('1234567899')).toBe(true);
    expect(isRnokpp('2798112340')).toBe(true);
    expect(isRnokpp('1234567890')).toBe(false);
    expect(isRnokpp('123456789')).toBe(false);
  });

  it('when a Ukrainian applicant is checked, then the code each kind needs is required', () => {
    expect(paths('UA', { kind: 'legalEntity', name: 'ТОВ «Реклама»', ogrn: '14360570' })).toEqual([]);
    expect(paths('UA', { kind: 'legalEntity', name: 'ТОВ «Реклама»' })).toEqual(['applicant.ogrn']);
    expect(paths('UA', { kind: 'soleTrader', name: 'ФОП Коваль', inn: '1234567890' })).toEqual(['applicant.inn']);
    expect(paths('UA', { kind: 'individual', name: 'Коваль Петро', snils: '11223344595' })).toEqual([
      'applicant.snils',
    ]);
  });
});

describe('given Russian identifiers', () => {
  it('when the applicant kind needs INN and OGRN(IP) of its own length, then others are refused', () => {
    expect(paths('RU', { kind: 'legalEntity', name: 'ООО', inn: '7707083893', ogrn: '1027700132195' })).toEqual([]);
    // A person's 12-digit INN given for an organisation.
    expect(paths('RU', { kind: 'legalEntity', name: 'ООО', inn: '500100732259', ogrn: '1027700132195' })).toEqual([
      'applicant.inn',
    ]);
    expect(paths('RU', { kind: 'soleTrader', name: 'ИП', inn: '500100732259', ogrn: '304500116000157' })).toEqual([]);
    expect(paths('RU', { kind: 'soleTrader', name: 'ИП', inn: '500100732259' })).toEqual(['applicant.ogrn']);
    expect(paths('RU', { kind: 'individual', name: 'Петров', snils: '112-233-445 95' })).toEqual([]);
    expect(paths('RU', { kind: 'individual', name: 'Петров', ogrn: '1027700132195' })).toEqual(['applicant.ogrn']);
  });
});
