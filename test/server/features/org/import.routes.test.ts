import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import { zipOf } from '../../../helpers/zip.js';

/** A multipart form with one file in the field "file". */
function fileForm(content: string | Buffer, name: string, type = 'text/csv'): FormData {
  const form = new FormData();
  form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type }), name);
  return form;
}

async function xlsx(rows: (string | number | Date)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Сотрудники');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('org import', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  const knex = () => okno.deps.db.knex;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    admin = await okno.signIn('admin@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given an XLSX that inflates to 60 MB (a zip bomb), when imported, then 413 and nothing is read', async () => {
    const bomb = await zipOf([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024) }]);
    const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const res = await admin.upload('/api/org/import/units', fileForm(bomb, 'units.xlsx', xlsxType));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
  });

  it('given a CSV of units with Russian headers and ";", when imported, then units are created and updated in one go and audited once', async () => {
    const csv = [
      'Код;Наименование;Тип;Код родителя;Адрес',
      'dep-culture-museums;Отдел музеев;отдел;dep-culture;',
      'dep-culture;Управление культуры;управление;;ул. Мира, 5',
      'dep-it;Управление информационных технологий и связи;department;;',
    ].join('\n');
    const res = await admin.upload('/api/org/import/units', fileForm(csv, 'подразделения.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 2, updated: 1, dryRun: false });
    const culture = (await knex()('org_units').where({ code: 'dep-culture' }).first())!;
    expect(culture).toMatchObject({ kind: 'department', address: 'ул. Мира, 5', parentId: null });
    expect(await knex()('org_units').where({ code: 'dep-culture-museums' }).first()).toMatchObject({
      kind: 'division',
      parentId: culture.id,
    });
    expect((await knex()('org_units').where({ code: 'dep-it' }).first())!.name).toBe(
      'Управление информационных технологий и связи',
    );
    const audits = await knex()('audit_log').where({ action: 'import', entity: 'org_unit' });
    expect(audits).toHaveLength(1);
    expect(audits[0].after).toMatchObject({
      file: 'подразделения.csv',
      created: ['dep-culture', 'dep-culture-museums'],
      updated: ['dep-it'],
    });
  });

  it('given an XLSX of employees built in a spreadsheet, when imported, then employees exist with salaries, bonus caps and dates', async () => {
    const file = await xlsx([
      [
        'Табельный номер',
        'ФИО',
        'Должность',
        'Код подразделения',
        'Оклад',
        'Максимальная премия (окладов)',
        'Дата приема',
        'E-mail',
      ],
      [
        '3001',
        'Белова Ирина Павловна',
        'Специалист отдела музеев',
        'dep-culture-museums',
        45000,
        '1,5',
        new Date(Date.UTC(2025, 2, 10)),
        'belova@city.example',
      ],
      [
        '1005',
        'Лебедева Ольга Николаевна',
        'Заместитель начальника отдела учета',
        'dep-housing-accounting',
        '60 000',
        1.3,
        '01.03.2025',
        '',
      ],
    ]);
    const res = await admin.upload(
      '/api/org/import/employees',
      fileForm(file, 'staff.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 1, updated: 1, dryRun: false });
    const belova = (await admin.get('/api/org/employees?q=Белова')).body.items[0];
    expect(belova).toMatchObject({
      personnelNumber: '3001',
      unitName: 'Отдел музеев',
      salary: 45000,
      maxBonusSalaries: 1.5,
      hiredOn: '2025-03-10',
      email: 'belova@city.example',
    });
    const lebedeva = (await admin.get('/api/org/employees?q=1005')).body.items[0];
    expect(lebedeva).toMatchObject({
      position: 'Заместитель начальника отдела учета',
      salary: 60000,
      maxBonusSalaries: 1.3,
      hiredOn: '2025-03-01',
      email: 'specialist@okno.local',
    });
  });

  it('given a dry run, when the file is valid, then the counts are reported and nothing is written', async () => {
    const csv =
      'code,name,unitCode\nculture-museums,Специалисты музеев,dep-culture-museums\nmfc-operators,Операторы МФЦ (все),mfc-central\n';
    const res = await admin.upload('/api/org/import/groups?dryRun=true', fileForm(csv, 'groups.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 1, updated: 1, dryRun: true });
    expect(await knex()('staff_groups').where({ code: 'culture-museums' }).first()).toBeUndefined();
    expect((await knex()('staff_groups').where({ code: 'mfc-operators' }).first())!.name).toBe('Операторы МФЦ');
    expect(await knex()('audit_log').where({ action: 'import', entity: 'staff_group' })).toHaveLength(0);

    const real = await admin.upload('/api/org/import/groups', fileForm(csv, 'groups.csv'));
    expect(real.body).toEqual({ created: 1, updated: 1, dryRun: false });
    expect(await knex()('staff_groups').where({ code: 'culture-museums' }).first()).toBeTruthy();
  });

  it('given a file with one bad row, when imported, then 400 names the row and field and nothing is written', async () => {
    const csv = [
      'Табельный номер;ФИО;Должность;Код подразделения;Оклад;Максимальная премия (окладов)',
      '4001;Гусев Артем Ильич;Специалист;dep-it;50000;1',
      '4002;Зайцева Нина Олеговна;Специалист;dep-it;-5;1',
      '4003;Ершов Олег Петрович;Специалист;no-such-unit;50000;1',
    ].join('\r\n');
    const res = await admin.upload('/api/org/import/employees', fileForm(csv, 'bad.csv'));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('import_failed');
    expect(res.body.error.details.rows).toEqual([
      expect.objectContaining({ row: 3, field: 'salary', column: 'Оклад' }),
      expect.objectContaining({ row: 4, field: 'unitCode', message: expect.stringContaining('no-such-unit') }),
    ]);
    expect(await knex()('employees').whereIn('personnelNumber', ['4001', '4002', '4003'])).toHaveLength(0);
  });

  it('given a windows CSV, when an office window exists, then it is updated by office code and number and the employee is seated', async () => {
    const csv =
      'Код офиса,Номер окна,Наименование,Табельный номер сотрудника,Активно\nmfc-central,3,Окно 3 (приём юрлиц),1004,да\nmfc-central,5,Окно 5,,нет\n';
    const res = await admin.upload('/api/org/import/windows', fileForm(csv, 'windows.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 1, updated: 1, dryRun: false });
    const list = (await admin.get('/api/org/windows?sort=number')).body.items;
    expect(list.find((w: { number: string }) => w.number === '3')).toMatchObject({
      name: 'Окно 3 (приём юрлиц)',
      employeeName: 'Волков Павел Андреевич',
    });
    expect(list.find((w: { number: string }) => w.number === '5')).toMatchObject({ isActive: false, employeeId: null });
  });

  it('given structure errors in a units file, then each is reported on its row', async () => {
    const csv = [
      'code;name;kind;parentCode',
      'loop-a;Цикл А;division;loop-b',
      'loop-b;Цикл Б;division;loop-a',
      'orphan-div;Отдел;division;',
      'in-office;Отдел в МФЦ;division;mfc-central',
      'dep-it;Дубль;department;',
      'dep-it;Дубль 2;department;',
    ].join('\n');
    const res = await admin.upload('/api/org/import/units', fileForm(csv, 'units.csv'));
    expect(res.status).toBe(400);
    const rows = res.body.error.details.rows as { row: number; field: string }[];
    expect(rows.map((r) => `${r.row}:${r.field}`)).toEqual(
      expect.arrayContaining(['3:parentCode', '4:parentCode', '5:parentCode', '7:code']),
    );
    expect(await knex()('org_units').whereIn('code', ['loop-a', 'loop-b', 'orphan-div', 'in-office'])).toHaveLength(0);
  });

  it('given unknown or missing columns, then 400 on row 1', async () => {
    const res = await admin.upload(
      '/api/org/import/units',
      fileForm('code;название;цвет\nx-y;Имя;красный\n', 'units.csv'),
    );
    expect(res.status).toBe(400);
    const rows = res.body.error.details.rows as { row: number; field: string }[];
    expect(rows.every((r) => r.row === 1)).toBe(true);
    expect(rows.map((r) => r.field).sort()).toEqual(['kind', 'цвет']);
  });

  it('given no file, a file over 5 MB, or a bad entity, then 400, 413 and 400', async () => {
    const empty = new FormData();
    empty.append('note', 'no file');
    const none = await admin.upload('/api/org/import/units', empty);
    expect(none.status).toBe(400);
    expect(none.body.error.details.fields[0].path).toBe('file');
    const big = await admin.upload(
      '/api/org/import/units',
      fileForm(Buffer.alloc(5 * 1024 * 1024 + 10, 'a'), 'big.csv'),
    );
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const entity = await admin.upload('/api/org/import/planets', fileForm('code\n', 'x.csv'));
    expect(entity.status).toBe(400);
    expect(entity.body.error.details.fields[0].path).toBe('entity');
  });

  it('given an operator or no session, when importing, then 403 or 401', async () => {
    const operator = await okno.signIn('operator@okno.local');
    expect((await operator.upload('/api/org/import/units', fileForm('code\n', 'x.csv'))).status).toBe(403);
    expect((await okno.anonymous().upload('/api/org/import/units', fileForm('code\n', 'x.csv'))).status).toBe(401);
  });

  it('given the template download, then an XLSX whose header row a re-upload accepts', async () => {
    const res = await admin.get('/api/org/import/employees/template');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as Buffer as unknown as ExcelJS.Buffer);
    const headers = (wb.worksheets[0].getRow(1).values as unknown[]).filter(Boolean);
    expect(headers).toContain('Табельный номер');
    expect(wb.worksheets[1].name).toBe('Описание колонок');
    wb.worksheets[0].addRow(['5001', 'Шаблонов Иван', 'Специалист', 'dep-it']);
    const again = await admin.upload(
      '/api/org/import/employees',
      fileForm(Buffer.from(await wb.xlsx.writeBuffer()), 't.xlsx'),
    );
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(1);
    const columns = await admin.get('/api/org/import/units/columns');
    expect(columns.body.items.find((c: { key: string }) => c.key === 'code')).toMatchObject({
      title: 'Код',
      required: true,
    });
  });
});
