import multer from '@koa/multer';
import { AppError, ValidationError } from '../../platform/errors.js';
import type { AppContext } from '../../platform/http/context.js';
import type { ImportFile } from './import.service.js';

/** Largest import file accepted. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

// Browsers send non-ASCII file names as raw UTF-8 (multer supports the option; its typings lag behind).
const uploadOptions = {
  storage: multer.memoryStorage(),
  defParamCharset: 'utf8',
  limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 20, parts: 30 },
};
const single = multer(uploadOptions).single('file');

const missingFile = () =>
  new ValidationError('Attach a CSV or XLSX file', [
    { path: 'file', message: 'Send the file as multipart/form-data in the field "file"' },
  ]);

/** Reads the multipart field `file` into memory (5 MB at most: larger → 413). */
export async function receiveFile(ctx: AppContext): Promise<ImportFile> {
  if (!ctx.is('multipart/form-data')) throw missingFile();
  try {
    await single(ctx as unknown as Parameters<typeof single>[0], async () => undefined);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE')
      throw new AppError(413, 'payload_too_large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
    if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT')
      throw new ValidationError('Send one file in the field "file"', [
        { path: 'file', message: 'Send exactly one file in the field "file"' },
      ]);
    // Anything else here is a malformed upload (busboy parse errors, limits on parts and fields).
    throw new AppError(400, 'bad_request', 'The upload could not be read');
  }
  const file = (ctx.request as { file?: { buffer: Buffer; originalname: string } }).file;
  if (!file) throw missingFile();
  return { buffer: file.buffer, name: file.originalname };
}
