import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger: JSON lines, or human-readable lines (pino-pretty) when format is 'pretty'. */
export function createLogger(level: string, format: 'json' | 'pretty' = 'json'): Logger {
  return pino({
    level,
    transport:
      format === 'pretty' && level !== 'silent'
        ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' } }
        : undefined,
    base: { app: 'okno' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', 'password'], remove: true },
  });
}
