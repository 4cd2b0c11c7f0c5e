import ExcelJS from 'exceljs';
import { loadWorkbook, neutraliseFormulas } from '../../platform/xlsx.js';
import { AppError } from '../../platform/errors.js';
import type { MatrixView } from './matrix.service.js';
import type { IndicatorFactInput } from './scorecard.schemas.js';

const SECTION_TITLES: Record<string, string> = {
  kpi: 'Ключевые показатели эффективности (KPI)',
  smart: 'SMART-задачи (постоянные и переменные)',
  discipline: 'Исполнительская дисциплина',
  evaluation: 'Оценка руководителя',
};
const UNIT_TITLES: Record<string, string> = { count: 'шт.', percent: '%', date: 'дата', score: 'балл' };
const MONTHS = [
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
];
const STATUS_TITLES: Record<string, string> = {
  draft: 'черновик',
  confirmed: 'подтверждена сотрудником',
  agreed: 'согласована',
  approved: 'утверждена',
  locked: 'закрыта',
};

const ru = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

/** The report matrix as an XLSX sheet laid out like the paper form, with signature lines. */
export async function matrixToXlsx(m: MatrixView): Promise<{ filename: string; buffer: Buffer }> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Okno';
  const ws = wb.addWorksheet('Отчетная матрица', {
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
  });
  ws.columns = [
    { width: 5 },
    { width: 48 },
    { width: 9 },
    { width: 8 },
    { width: 12 },
    { width: 12 },
    { width: 12 },
    { width: 8 },
    { width: 8 },
    { width: 14 },
    { width: 10 },
  ];
  const [year, month] = m.month.split('-');
  const title = ws.addRow([`ОТЧЕТНАЯ МАТРИЦА за ${MONTHS[Number(month) - 1]} ${year} г.`]);
  ws.mergeCells(title.number, 1, title.number, 11);
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  ws.addRow([
    '',
    `Сотрудник: ${m.employee.fullName}${m.employee.personnelNumber ? ` (таб. № ${m.employee.personnelNumber})` : ''}`,
  ]);
  ws.addRow(['', `Должность: ${m.employee.position}`]);
  ws.addRow(['', `Подразделение: ${m.employee.unitName}`]);
  ws.addRow(['', `Статус: ${STATUS_TITLES[m.status] ?? m.status}`]);
  ws.addRow([]);
  const header = ws.addRow([
    '№',
    'Показатель / задача',
    'Вес, %',
    'Ед.',
    'План',
    'Факт',
    'Выполнение, %',
    'T0, %',
    'Tmax, %',
    'С учетом T0/Tmax, %',
    'Итог, %',
  ]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  const border: Partial<ExcelJS.Borders> = {
    top: { style: 'thin' },
    left: { style: 'thin' },
    bottom: { style: 'thin' },
    right: { style: 'thin' },
  };
  const boxed = (row: ExcelJS.Row) =>
    row.eachCell({ includeEmpty: true }, (c, col) => col <= 11 && (c.border = border));
  boxed(header);
  let n = 0;
  for (const section of ['kpi', 'smart', 'discipline', 'evaluation'] as const) {
    const rows = m.rows.filter((r) => r.section === section);
    const head = ws.addRow(['', `${SECTION_TITLES[section]} — ${m.sections[section]} %`]);
    ws.mergeCells(head.number, 2, head.number, 11);
    head.font = { bold: true, italic: true };
    boxed(head);
    for (const r of rows) {
      const plan = r.unit === 'date' ? (r.planDate ? ru(r.planDate) : '') : r.planValue;
      const fact = r.unit === 'date' ? (r.factDate ? ru(r.factDate) : '') : r.factValue;
      const label =
        r.kind === 'smart_variable'
          ? `${r.title} (переменная)`
          : r.kind === 'smart_constant'
            ? `${r.title} (постоянная)`
            : r.title;
      const row = ws.addRow([
        ++n,
        label,
        r2(r.effectiveWeight),
        UNIT_TITLES[r.unit] ?? r.unit,
        plan,
        fact,
        r2(r.completion),
        r.t0,
        r.tmax,
        r2(r.completionAdjusted),
        r2(r.total),
      ]);
      row.getCell(2).alignment = { wrapText: true };
      boxed(row);
    }
  }
  const total = ws.addRow(['', 'ИТОГО результат матрицы, %', 100, '', '', '', '', '', '', '', r2(m.result)]);
  total.font = { bold: true };
  boxed(total);
  ws.addRow([]);
  ws.addRow(['', 'Максимальный размер премии, окладов', m.maxBonusSalaries]);
  ws.addRow(['', 'Премия по результату матрицы, окладов', Math.round(m.bonusSalaries * 10000) / 10000]);
  ws.addRow([
    '',
    `Коэффициент отработанного времени (${m.workedDays} из ${m.plannedWorkingDays} раб. дн.)`,
    Math.round(m.workedTimeCoefficient * 10000) / 10000,
  ]);
  const pay = ws.addRow(['', 'Премия к выплате, окладов (округлено до 0,1)', m.bonusToPay]);
  pay.font = { bold: true };
  ws.addRow([]);
  const signature = (role: string, step: keyof MatrixView['workflow']) => {
    const s = m.workflow[step];
    ws.addRow([
      '',
      role,
      '',
      '_______________',
      '',
      s?.by?.fullName ?? '_______________________',
      '',
      '',
      s ? ru(s.at.slice(0, 10)) : '«___» __________ 20__ г.',
    ]);
  };
  const captions = ws.addRow(['', '', '', '(подпись)', '', '(расшифровка подписи)', '', '', '(дата)']);
  captions.font = { italic: true, size: 8 };
  signature('С матрицей ознакомлен(а), результат подтверждаю (сотрудник)', 'confirmed');
  signature('Согласовано (непосредственный руководитель)', 'agreed');
  signature('Утверждено (руководитель)', 'approved');
  neutraliseFormulas(wb);
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return { filename: `matrix-${m.employee.personnelNumber ?? m.employee.id}-${m.month}.xlsx`, buffer };
}

const FACT_HEADERS: Record<string, keyof IndicatorFactInput> = {
  employeeid: 'employeeId',
  'id сотрудника': 'employeeId',
  indicator: 'indicatorCode',
  indicatorcode: 'indicatorCode',
  'код показателя': 'indicatorCode',
  month: 'month',
  месяц: 'month',
  value: 'value',
  значение: 'value',
  date: 'dateValue',
  дата: 'dateValue',
};

/** A fact row of an import file, still unvalidated, with its row number. */
export interface RawFactRow {
  row: number;
  fact: Record<string, unknown>;
}

/** Reads an XLSX of indicator facts: columns employeeId, indicator, month (YYYY-MM), value or date. */
export async function readFactsXlsx(buffer: Buffer): Promise<RawFactRow[]> {
  const wb = await loadWorkbook(buffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError(400, 'bad_file', 'The workbook has no sheets');
  const cols = new Map<number, keyof IndicatorFactInput>();
  ws.getRow(1).eachCell((c, col) => {
    const key =
      FACT_HEADERS[
        String(c.value ?? '')
          .trim()
          .toLowerCase()
      ];
    if (key) cols.set(col, key);
  });
  for (const need of ['employeeId', 'indicatorCode', 'month'] as const) {
    if (![...cols.values()].includes(need))
      throw new AppError(
        400,
        'bad_file',
        `Missing column ${need} (headers: employeeId, indicator, month, value, date)`,
      );
  }
  const out: RawFactRow[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const fact: Record<string, unknown> = {};
    for (const [col, key] of cols) {
      let v: unknown = row.getCell(col).value;
      if (v instanceof Date) v = key === 'month' ? v.toISOString().slice(0, 7) : v.toISOString().slice(0, 10);
      if (typeof v === 'string') v = v.trim();
      if (v === '' || v === undefined) v = null;
      if (key === 'value' && typeof v === 'string') v = Number(v.replace(',', '.'));
      if (key === 'month' && typeof v === 'string') v = v.slice(0, 7);
      fact[key] = v;
    }
    if (Object.values(fact).some((v) => v !== null)) out.push({ row: n, fact });
  });
  return out;
}
