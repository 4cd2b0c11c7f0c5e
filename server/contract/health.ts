/** The contract of /api/health: liveness of the server, its database and its engine. */
import { z } from 'zod';
import { endpoint } from './common.js';

export const healthSchema = z.strictObject({
  status: z.enum(['ok', 'degraded', 'down']),
  db: z.enum(['up', 'down']),
  dbKind: z.enum(['postgres', 'pglite']),
  engine: z.enum(['up', 'down', 'disabled']),
  engineMode: z.enum(['embedded', 'external', 'none']),
  /** The embedded engine's consistency check: instances waiting for a message that is already buffered (absent for an external engine). */
  engineMessageInconsistencies: z.number().int().optional(),
  version: z.string(),
});
export type Health = z.infer<typeof healthSchema>;

export const healthEndpoints = [endpoint('GET', '/api/health', healthSchema)];
