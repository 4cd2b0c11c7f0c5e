import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../platform/db.js';
import { createLogger } from '../platform/logger.js';
import { migrateLatest } from '../platform/migrate.js';
import { engineCredentials } from './credentials.js';
import { startEmbeddedEngine } from './index.js';

/** `npm run engine`: the embedded engine alone (gRPC on ENGINE_GRPC_PORT, REST on ENGINE_REST_PORT, loopback). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.DATABASE_POOL_MAX,
  });
  await migrateLatest(db.knex, db.schema);
  const credentials = engineCredentials({
    username: config.CAMUNDA_BASIC_AUTH_USERNAME,
    password: config.CAMUNDA_BASIC_AUTH_PASSWORD,
    dataDir: config.DATA_DIR,
  });
  const engine = await startEmbeddedEngine({
    knex: db.knex,
    host: '127.0.0.1',
    grpcPort: config.ENGINE_GRPC_PORT,
    restPort: config.ENGINE_REST_PORT,
    logger: logger.child({ component: 'engine' }),
    clockControlled: config.ENGINE_CLOCK_CONTROLLED,
    credentials,
  });
  logger.info({ grpc: engine.grpcAddress, rest: engine.restAddress, db: db.kind }, 'Okno engine listening');
  // How to connect: the SDK's own variables (the password is not printed: it is in the environment or the file).
  const password =
    credentials.source.kind === 'file'
      ? `"$(cat '${credentials.source.path}')"`
      : '<the CAMUNDA_BASIC_AUTH_PASSWORD this engine was started with>';
  console.log(
    [
      '',
      'Connect a Zeebe / Camunda 8 SDK client with:',
      `  ZEEBE_GRPC_ADDRESS=grpc://${engine.grpcAddress}`,
      `  ZEEBE_REST_ADDRESS=${engine.restAddress}`,
      '  CAMUNDA_AUTH_STRATEGY=BASIC',
      `  CAMUNDA_BASIC_AUTH_USERNAME=${credentials.username}`,
      `  CAMUNDA_BASIC_AUTH_PASSWORD=${password}`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    engine
      .stop()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
