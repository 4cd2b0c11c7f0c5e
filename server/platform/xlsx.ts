import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { AppError } from './errors.js';

/**
 * Workbooks in and out, safely.
 *
 * In: an XLSX file is a ZIP archive, and a small one can inflate to gigabytes (a "zip bomb": 0.6 MB
 * became 600 MB in ExcelJS). Before ExcelJS sees a file, `loadWorkbook` reads the archive with yauzl,
 * counts its entries and inflates every entry while counting bytes, stopping at the limits (yauzl also
 * refuses an entry whose data is longer than the size its directory declares).
 *
 * Out: a cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
 * when the sheet is opened or exported to CSV by a spreadsheet program (OWASP "CSV injection").
 * `neutraliseFormulas` prefixes such text with an apostrophe in every exported workbook; numbers,
 * dates and real formulas Okno writes itself are untouched.
 */
export interface ArchiveLimits {
  /** Total bytes of all entries once inflated. */
  maxUncompressedBytes: number;
  /** Entries in the archive. */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxUncompressedBytes: 50 * 1024 * 1024, maxEntries: 2_000 };

const tooLarge = (what: string) =>
  new AppError(413, 'file_too_large', `The workbook is too large once unpacked (${what}); split it into smaller files`);

/** Checks an XLSX archive against the limits without keeping what it inflates; throws 413, or 400 for a broken archive. */
export async function checkArchive(buffer: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
      err ? reject(err) : resolve(z),
    ),
  ).catch(() => {
    throw new AppError(400, 'bad_file', 'The file is not a readable XLSX workbook');
  });
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw tooLarge(`${zip.entryCount} parts, at most ${limits.maxEntries}`);
  }
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      zip.close();
      reject(err);
    };
    zip.on('error', () => fail(new AppError(400, 'bad_file', 'The file is not a readable XLSX workbook')));
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      total += entry.uncompressedSize;
      if (total > limits.maxUncompressedBytes) return fail(tooLarge(`over ${limits.maxUncompressedBytes} bytes`));
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(new AppError(400, 'bad_file', 'The file is not a readable XLSX workbook'));
        let inflated = 0;
        stream.on('data', (chunk: Buffer) => {
          inflated += chunk.length;
          if (
            inflated > entry.uncompressedSize ||
            total - entry.uncompressedSize + inflated > limits.maxUncompressedBytes
          ) {
            stream.destroy();
            fail(tooLarge(`over ${limits.maxUncompressedBytes} bytes`));
          }
        });
        stream.on('error', () => fail(new AppError(400, 'bad_file', 'The file is not a readable XLSX workbook')));
        stream.on('end', () => zip.readEntry());
      });
    });
    zip.readEntry();
  });
}

/** Loads an uploaded workbook after `checkArchive`; a file ExcelJS cannot read → 400 with `message`. */
export async function loadWorkbook(
  buffer: Buffer,
  message = 'The file is not a readable XLSX workbook',
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ExcelJS.Workbook> {
  await checkArchive(buffer, limits);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new AppError(400, 'bad_file', message);
  }
  return wb;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text a spreadsheet would run as a formula, made inert by a leading apostrophe. */
export function inertText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Neutralises every text cell of a workbook that a spreadsheet would read as a formula (call before writing it). */
export function neutraliseFormulas(wb: ExcelJS.Workbook): void {
  wb.eachSheet((ws) =>
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (typeof cell.value === 'string') cell.value = inertText(cell.value);
        else if (cell.value && typeof cell.value === 'object' && 'richText' in cell.value) {
          const [first, ...rest] = cell.value.richText;
          if (first) cell.value = { richText: [{ ...first, text: inertText(first.text) }, ...rest] };
        }
      }),
    ),
  );
}
