import ExcelJS from 'exceljs';
import { neutraliseFormulas } from '../../platform/xlsx.js';
import { IMPORT_COLUMNS } from './import.columns.js';
import type { ImportEntity } from './org.schemas.js';

const SHEET_TITLES: Record<ImportEntity, string> = {
  units: 'Подразделения',
  employees: 'Сотрудники',
  groups: 'Группы',
  windows: 'Окна',
};

/** Builds the XLSX template of an import: a sheet with the header row and a sheet describing each column. */
export async function importTemplate(entity: ImportEntity): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Okno';
  const columns = IMPORT_COLUMNS[entity];
  const data = wb.addWorksheet(SHEET_TITLES[entity]);
  data.columns = columns.map((c) => ({ header: c.title, key: c.key, width: Math.max(14, c.title.length + 4) }));
  data.getRow(1).font = { bold: true };
  data.views = [{ state: 'frozen', ySplit: 1 }];

  const doc = wb.addWorksheet('Описание колонок');
  doc.columns = [
    { header: 'Колонка', key: 'title', width: 32 },
    { header: 'Также принимается', key: 'aliases', width: 40 },
    { header: 'Обязательная', key: 'required', width: 14 },
    { header: 'Описание', key: 'description', width: 70 },
    { header: 'Пример', key: 'example', width: 28 },
  ];
  doc.getRow(1).font = { bold: true };
  for (const c of columns) {
    doc.addRow({
      title: c.title,
      aliases: [c.key, ...c.aliases].join(', '),
      required: c.required ? 'да' : 'нет',
      description: c.description,
      example: c.example,
    });
  }
  doc.addRow({});
  doc.addRow({
    title:
      'Rows are matched by the key column(s); existing records are updated, new ones created. An empty cell leaves a stored value unchanged. Any error: nothing is imported.',
  });
  neutraliseFormulas(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
