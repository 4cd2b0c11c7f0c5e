import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger (JSON lines; pipe through pino-pretty in development if wanted). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'okno' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', 'password'], remove: true },
  });
}
