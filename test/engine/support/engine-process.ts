// Runs the embedded engine alone in its own process (the crash test kills it with SIGKILL).
// Env: DATABASE_URL (optional; else PGlite in DATA_DIR), DATA_DIR, SCHEMA, CAMUNDA_BASIC_AUTH_USERNAME and
// CAMUNDA_BASIC_AUTH_PASSWORD (the credentials it accepts). Prints {"grpc","rest"} once listening.
import { startEmbeddedEngine } from '../../../server/engine/index.js';
import { openDatabase } from '../../../server/platform/db.js';
import { createLogger } from '../../../server/platform/logger.js';
import { migrateLatest } from '../../../server/platform/migrate.js';

const db = await openDatabase({
  url: process.env.DATABASE_URL || undefined,
  dataDir: process.env.DATA_DIR ?? '/tmp/okno-engine-process',
  poolMax: 8,
  schema: process.env.SCHEMA,
});
await migrateLatest(db.knex, db.schema);
const engine = await startEmbeddedEngine({
  knex: db.knex,
  host: '127.0.0.1',
  grpcPort: 0,
  restPort: 0,
  logger: createLogger(process.env.ENGINE_LOG_LEVEL ?? 'error'),
  credentials: {
    username: process.env.CAMUNDA_BASIC_AUTH_USERNAME!,
    password: process.env.CAMUNDA_BASIC_AUTH_PASSWORD!,
  },
});
process.stdout.write(`${JSON.stringify({ grpc: engine.grpcAddress, rest: engine.restAddress })}\n`);
process.on('SIGTERM', () => {
  void engine
    .stop()
    .then(() => db.close())
    .then(() => process.exit(0));
});
