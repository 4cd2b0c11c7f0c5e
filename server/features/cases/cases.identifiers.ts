import { checkINN, checkOgrn, checkOgrnip, checkSnilsOnlyChecksum } from 'ru-validation-codes';
import type { ApplicantInput } from '../../contract/cases.js';
import type { FieldIssue } from '../../platform/errors.js';
import type { CalendarCountry } from '../../platform/calendar.js';

/**
 * The applicant's identifiers, with their checksums.
 *
 * Russia (`ru-validation-codes`, a maintained npm library): ИНН of a legal entity (10 digits) or of a
 * person (12), ОГРН (13), ОГРНИП (15), СНИЛС (11). Which ones are required depends on the applicant:
 * - legal entity: ИНН (10) and ОГРН (13);
 * - sole trader: ИНН (12) and ОГРНИП (15);
 * - individual: the name; ИНН (12) and СНИЛС optional (checked when given).
 *
 * Ukraine: no npm package checks РНОКПП or ЄДРПОУ, so the two checksums are written here (below, with
 * their sources). The applicant's `inn` carries the РНОКПП (10 digits; required for a sole trader,
 * optional for an individual), `ogrn` the ЄДРПОУ code of a legal entity (8 digits, required); СНИЛС is
 * not used.
 */
export function applicantIssues(a: ApplicantInput, country: CalendarCountry, prefix = 'applicant'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string, code = 'checksum') =>
    issues.push({ path: `${prefix}.${field}`, message, code });
  const need = (field: 'inn' | 'ogrn', message: string) => {
    if (!a[field]) bad(field, message, 'required');
  };
  if (country === 'UA') {
    if (a.kind === 'legalEntity') {
      need('ogrn', 'Enter the EDRPOU code (8 digits)');
      if (a.ogrn && !isEdrpou(a.ogrn)) bad('ogrn', 'EDRPOU code is wrong: 8 digits with a valid check digit');
    } else {
      if (a.kind === 'soleTrader') need('inn', 'Enter the RNOKPP (10 digits)');
      if (a.inn && !isRnokpp(a.inn)) bad('inn', 'RNOKPP is wrong: 10 digits with a valid check digit');
      if (a.ogrn) bad('ogrn', 'EDRPOU is given for a legal entity only', 'not_applicable');
    }
    if (a.snils) bad('snils', 'SNILS is not used in Ukraine', 'not_applicable');
    return issues;
  }
  if (a.kind === 'legalEntity') {
    need('inn', 'Enter the INN of the organisation (10 digits)');
    need('ogrn', 'Enter the OGRN (13 digits)');
    if (a.inn && (a.inn.length !== 10 || !checkINN(a.inn)))
      bad('inn', 'INN of an organisation is wrong: 10 digits with valid check digits');
    if (a.ogrn && (a.ogrn.length !== 13 || !checkOgrn(a.ogrn)))
      bad('ogrn', 'OGRN is wrong: 13 digits with a valid check digit');
  } else {
    if (a.kind === 'soleTrader') {
      need('inn', 'Enter the INN of the sole trader (12 digits)');
      need('ogrn', 'Enter the OGRNIP (15 digits)');
      if (a.ogrn && (a.ogrn.length !== 15 || !checkOgrnip(a.ogrn)))
        bad('ogrn', 'OGRNIP is wrong: 15 digits with a valid check digit');
    } else if (a.ogrn) bad('ogrn', 'OGRN is given for organisations and sole traders only', 'not_applicable');
    if (a.inn && (a.inn.length !== 12 || !checkINN(a.inn)))
      bad('inn', 'INN of a person is wrong: 12 digits with valid check digits');
  }
  if (a.snils && (a.snils.length !== 11 || !checkSnilsOnlyChecksum(a.snils)))
    bad('snils', 'SNILS is wrong: 11 digits with a valid check number');
  return issues;
}

/**
 * РНОКПП (реєстраційний номер облікової картки платника податків, 10 digits): the check digit is
 * (Σ dᵢ·wᵢ for i = 1..9, w = −1, 5, 7, 9, 4, 6, 10, 5, 7) mod 11 mod 10.
 * Source: «Контрольне число», uk.wikipedia.org, section «Номери РНОКПП» (the State Register of
 * individual taxpayers' numbering: digits 1–5 the date of birth, 6–8 a serial, 9 the sex, 10 the check digit).
 */
export function isRnokpp(code: string): boolean {
  if (!/^\d{10}$/.test(code)) return false;
  const w = [-1, 5, 7, 9, 4, 6, 10, 5, 7];
  const sum = w.reduce((acc, k, i) => acc + k * Number(code[i]), 0);
  return (((sum % 11) + 11) % 11) % 10 === Number(code[9]);
}

/**
 * ЄДРПОУ code (8 digits): weights 1..7 (or 7, 1..6 for codes from 30000000 to 60000000); if the sum
 * mod 11 is 10, the weights are raised by 2 and the sum taken again; a second 10 gives check digit 0.
 * Source: «Контрольне число», uk.wikipedia.org, section «Номери ЄДРПОУ» (the State Statistics Service's
 * rule for the Unified State Register of Enterprises and Organisations); checked against real codes,
 * e.g. 14360570 and 40075815 in the tests.
 */
export function isEdrpou(code: string): boolean {
  if (!/^\d{8}$/.test(code)) return false;
  const n = Number(code);
  const base = n >= 30_000_000 && n <= 60_000_000 ? [7, 1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5, 6, 7];
  const sum = (weights: number[]) => weights.reduce((acc, k, i) => acc + k * Number(code[i]), 0) % 11;
  let check = sum(base);
  if (check === 10) check = sum(base.map((k) => k + 2));
  if (check === 10) check = 0;
  return check === Number(code[7]);
}
