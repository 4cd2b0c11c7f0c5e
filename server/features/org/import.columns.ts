import type { ImportEntity } from './org.schemas.js';

import type { ImportColumn } from '../../contract/org.js';

/** One column of an import file (its key, its Russian title and other accepted header names): the API contract's (server/contract/org.ts). */
export type { ImportColumn };

const col = (
  key: string,
  title: string,
  aliases: string[],
  required: boolean,
  description: string,
  example: string,
): ImportColumn => ({
  key,
  title,
  aliases,
  required,
  description,
  example,
});

const IS_ACTIVE = (title: string) =>
  col(
    'isActive',
    title,
    ['active', 'активен', 'активно', 'действует'],
    false,
    'да/нет (true/false, 1/0); empty: active',
    'да',
  );

/** The columns each import accepts; headers match case-insensitively, ignoring spaces and punctuation. */
export const IMPORT_COLUMNS: Record<ImportEntity, ImportColumn[]> = {
  units: [
    col(
      'code',
      'Код',
      ['код подразделения', 'unit code'],
      true,
      'Unique code: latin lower-case letters, digits, hyphens (the natural key)',
      'dep-housing',
    ),
    col('name', 'Наименование', ['название', 'полное наименование'], true, 'Full name', 'Жилищное управление'),
    col(
      'shortName',
      'Краткое наименование',
      ['short name', 'сокращенное наименование', 'краткое название'],
      false,
      'Short name',
      'ЖУ',
    ),
    col(
      'kind',
      'Тип',
      ['вид', 'тип подразделения', 'type'],
      true,
      'department (департамент, управление), division (отдел, сектор) or office (офис, МФЦ, ЦНАП)',
      'управление',
    ),
    col(
      'parentCode',
      'Код родителя',
      ['parent', 'parent code', 'родитель', 'код вышестоящего подразделения', 'вышестоящее подразделение'],
      false,
      'Code of the parent unit (in the database or earlier/later in this file)',
      '',
    ),
    col('address', 'Адрес', [], false, 'Postal address', 'ул. Ленина, 1'),
    col('phone', 'Телефон', ['тел'], false, 'Phone', '+7 495 000-00-00'),
    IS_ACTIVE('Активно'),
  ],
  employees: [
    col(
      'personnelNumber',
      'Табельный номер',
      ['табельный', 'таб номер', 'personnel no', 'personnel number'],
      true,
      'Personnel number (the natural key)',
      '1042',
    ),
    col(
      'fullName',
      'ФИО',
      ['full name', 'сотрудник', 'фамилия имя отчество'],
      true,
      'Full name',
      'Иванов Иван Иванович',
    ),
    col('position', 'Должность', [], true, 'Position', 'Главный специалист'),
    col(
      'unitCode',
      'Код подразделения',
      ['unit', 'unit code', 'подразделение'],
      true,
      'Code of the org unit',
      'dep-housing-accounting',
    ),
    col(
      'salary',
      'Оклад',
      ['должностной оклад'],
      false,
      'Monthly salary, zero or more (decimal point or comma)',
      '55000',
    ),
    col(
      'maxBonusSalaries',
      'Максимальная премия (окладов)',
      ['max bonus', 'max bonus salaries', 'максимальная премия', 'премия окладов'],
      false,
      'Maximum monthly bonus in salaries, 0 to 12',
      '1,5',
    ),
    col(
      'email',
      'E-mail',
      ['email', 'эл почта', 'электронная почта', 'почта'],
      false,
      'Work e-mail',
      'ivanov@city.example',
    ),
    col('phone', 'Телефон', ['тел'], false, 'Work phone', '+7 495 000-00-00'),
    col(
      'hiredOn',
      'Дата приема',
      ['hired on', 'дата приема на работу'],
      false,
      'Date hired: YYYY-MM-DD or DD.MM.YYYY',
      '01.02.2024',
    ),
    IS_ACTIVE('Активен'),
  ],
  groups: [
    col(
      'code',
      'Код',
      ['код группы', 'group code'],
      true,
      'Unique code, used as the BPMN candidate group (the natural key)',
      'housing-accounting',
    ),
    col('name', 'Наименование', ['название'], true, 'Name', 'Специалисты отдела учета'),
    col('description', 'Описание', [], false, 'Description', ''),
    col(
      'unitCode',
      'Код подразделения',
      ['unit', 'unit code', 'подразделение'],
      false,
      'Code of the org unit the group belongs to',
      'dep-housing-accounting',
    ),
  ],
  windows: [
    col(
      'officeCode',
      'Код офиса',
      ['office', 'office code', 'офис'],
      true,
      'Code of the office (an org unit of kind office); with the number, the natural key',
      'mfc-central',
    ),
    col(
      'number',
      'Номер окна',
      ['номер', 'окно', 'window number', 'window'],
      true,
      'Window number, unique in its office',
      '5',
    ),
    col('name', 'Наименование', ['название'], false, 'Display name', 'Окно 5'),
    col(
      'employeePersonnelNumber',
      'Табельный номер сотрудника',
      ['employee', 'employee personnel number', 'сотрудник', 'табельный номер'],
      false,
      'Personnel number of the employee seated at the window',
      '1003',
    ),
    IS_ACTIVE('Активно'),
  ],
};

/** Normalises a header for matching: lower case, ё as е, letters and digits only. */
export function normalizeHeader(h: string): string {
  return h
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Finds the column a header names, if any. */
export function columnFor(entity: ImportEntity, header: string): ImportColumn | undefined {
  const n = normalizeHeader(header);
  return IMPORT_COLUMNS[entity].find((c) => [c.key, c.title, ...c.aliases].some((name) => normalizeHeader(name) === n));
}
