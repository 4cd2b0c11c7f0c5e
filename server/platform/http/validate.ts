import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

/** Converts zod issues to field-level details ({ path: 'a.b', message }). */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
    code: i.code,
  }));
}

/** Parses input with a zod schema; throws a 400 ValidationError with field details on failure. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'Request'): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(`${what} is invalid`, toFieldIssues(result.error));
  }
  return result.data;
}
