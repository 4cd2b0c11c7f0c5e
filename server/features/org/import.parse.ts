import ExcelJS from 'exceljs';
import { loadWorkbook } from '../../platform/xlsx.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { AppError } from '../../platform/errors.js';

/** A data row of an import file: its row number in the file (header = 1) and its cells by header. */
export interface SheetRow {
  row: number;
  cells: string[];
}

/** A parsed import file: header cells and data rows, every cell as trimmed text. */
export interface Sheet {
  headers: string[];
  rows: SheetRow[];
}

const badFile = (message: string) => new AppError(400, 'bad_file', message);

/** Reads a CSV (UTF-8, `;` or `,` separated) or XLSX file into header + rows; the type is told by content. */
export async function readSheet(buffer: Buffer): Promise<Sheet> {
  const isZip = buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50;
  const table = isZip ? await readXlsx(buffer) : readCsv(buffer);
  const [headers = [], ...rest] = table;
  const rows = rest.map((cells, i) => ({ row: i + 2, cells })).filter((r) => r.cells.some((c) => c !== ''));
  return { headers, rows };
}

function readCsv(buffer: Buffer): string[][] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw badFile('The file is neither XLSX nor UTF-8 text: save it as XLSX or as CSV in UTF-8');
  }
  text = text.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    const records = parseCsv(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    }) as string[][];
    return records;
  } catch (err) {
    throw badFile(`The CSV file cannot be read: ${(err as Error).message}`);
  }
}

async function readXlsx(buffer: Buffer): Promise<string[][]> {
  let workbook: ExcelJS.Workbook;
  try {
    workbook = await loadWorkbook(buffer);
  } catch (err) {
    if (err instanceof AppError && err.status === 413) throw err;
    throw badFile('The XLSX file cannot be read');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badFile('The XLSX file has no worksheet');
  const out: string[][] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    out[rowNumber - 1] = cells;
  });
  for (let i = 0; i < out.length; i++) out[i] ??= [];
  return out;
}

/** The text of an XLSX cell value: dates as YYYY-MM-DD, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if ('richText' in value)
    return value.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if ('formula' in value || 'sharedFormula' in value)
    return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('text' in value) return String(value.text).trim();
  return '';
}
