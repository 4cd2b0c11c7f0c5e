import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { AppError } from '../../../server/platform/errors.js';
import { zipOf } from '../../helpers/zip.js';
import { checkArchive, inertText, loadWorkbook, neutraliseFormulas } from '../../../server/platform/xlsx.js';

async function statusOf(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof AppError ? err.status : -1;
  }
}

describe('given uploaded workbooks', () => {
  it('when a small archive inflates past the limit (a zip bomb), then 413 before ExcelJS reads it', async () => {
    const bomb = await zipOf([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await statusOf(checkArchive(bomb))).toBe(413);
  });

  it('when an archive has more parts than allowed, then 413', async () => {
    const many = await zipOf(Array.from({ length: 30 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.from('x') })));
    expect(await statusOf(checkArchive(many, { maxEntries: 20, maxUncompressedBytes: 1e6 }))).toBe(413);
  });

  it('when the file is not an archive, then 400', async () => {
    expect(await statusOf(loadWorkbook(Buffer.from('not a zip')))).toBe(400);
  });

  it('when a real workbook is within the limits, then it loads', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('s').addRow(['Иванов', 5]);
    const loaded = await loadWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(loaded.worksheets[0].getRow(1).getCell(1).value).toBe('Иванов');
  });
});

describe('given a workbook to export', () => {
  it('when text cells begin like a formula, then they are made inert and everything else stays', () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['=HYPERLINK("http://x")', '+7 900', '-1', '@SUM(A1)', '\tx', 'Иванов', -5, { formula: 'SUM(1,2)' }]);
    neutraliseFormulas(wb);
    const values = (ws.getRow(1).values as unknown[]).slice(1);
    expect(values.slice(0, 7)).toEqual([
      '\'=HYPERLINK("http://x")',
      "'+7 900",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      'Иванов',
      -5,
    ]);
    expect(values[7]).toMatchObject({ formula: 'SUM(1,2)' });
    expect(inertText('обычный текст')).toBe('обычный текст');
  });
});
