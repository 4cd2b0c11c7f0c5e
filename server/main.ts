import { loadConfigOrExit } from './config.js';
import { startOkno } from './bootstrap.js';
import { createLogger } from './platform/logger.js';

/** Process entry point: start Okno and stop it cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  const okno = await startOkno(config, logger);
  logger.info(
    { url: okno.url, db: okno.deps.db.kind, engine: okno.deps.engine.mode },
    `Okno is running at ${okno.url}`,
  );

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    okno
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('Okno failed to start:', err);
  process.exit(1);
});
