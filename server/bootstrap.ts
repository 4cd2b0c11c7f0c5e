import { createWorkingCalendar } from './platform/working-time.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { AppDeps, BaseDeps } from './deps.js';
import { createFeatureServices } from './composition.js';
import { createApp } from './app.js';
import { AuthService } from './features/auth/auth.service.js';
import { seedDemo } from './features/demo/demo.seed.js';
import { seedScorecardDemo } from './features/scorecard/scorecard.seed.js';
import { publishServicesDemo, seedServicesDemo } from './features/services/services.seed.js';
import { ValidationPool } from './features/services/validation.pool.js';
import { connectEngine, type EngineConnection } from './platform/camunda.js';
import { systemClock, type AdjustableClock } from './platform/clock.js';
import { openDatabase } from './platform/db.js';
import type { Logger } from './platform/logger.js';
import { migrateLatest } from './platform/migrate.js';
import { engineCredentials, sdkAuthSettings } from './engine/credentials.js';
import { startEmbeddedEngine, type EmbeddedEngine } from './engine/index.js';
import { startWorkers } from './workers.js';

export interface RunningOkno {
  deps: AppDeps;
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Database schema to use (tests use one per file). */
  schema?: string;
  /** The product's clock (tests pin or move it); the system clock by default. */
  clock?: AdjustableClock;
}

/** Starts the whole product: database (+migrations), engine, demo seed, HTTP server. */
export async function startOkno(config: Config, logger: Logger, opts: StartOptions = {}): Promise<RunningOkno> {
  const clock = opts.clock ?? systemClock();
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.DATABASE_POOL_MAX,
    schema: opts.schema,
  });
  let embedded: EmbeddedEngine | undefined;
  let engine: EngineConnection | undefined;
  let server: http.Server | undefined;
  let workers: ReturnType<typeof startWorkers> | undefined;
  const validation = new ValidationPool({
    threads: config.VALIDATION_WORKERS,
    limits: {
      maxBytes: config.SERVICE_MODEL_MAX_BYTES,
      maxElements: config.SERVICE_MODEL_MAX_ELEMENTS,
      timeoutMs: config.VALIDATION_TIMEOUT_MS,
    },
  });
  try {
    const applied = await migrateLatest(db.knex, db.schema);
    if (applied.length) logger.info({ applied }, 'migrations applied');

    if (config.ENGINE === 'embedded') {
      const credentials = engineCredentials({
        username: config.CAMUNDA_BASIC_AUTH_USERNAME,
        password: config.CAMUNDA_BASIC_AUTH_PASSWORD,
        dataDir: config.DATA_DIR,
      });
      embedded = await startEmbeddedEngine({
        knex: db.knex,
        host: '127.0.0.1',
        grpcPort: config.ENGINE_GRPC_PORT,
        restPort: config.ENGINE_REST_PORT,
        logger: logger.child({ component: 'engine' }),
        clock,
        clockControlled: config.ENGINE_CLOCK_CONTROLLED,
        credentials,
      });
    }
    engine = connectEngine({
      mode: config.ENGINE,
      grpcAddress: embedded?.grpcAddress ?? config.ZEEBE_GRPC_ADDRESS,
      restAddress: embedded?.restAddress ?? config.ZEEBE_REST_ADDRESS,
      // The embedded engine takes the SDK's BASIC strategy with its credentials; a cluster gets every ZEEBE_*/CAMUNDA_* variable.
      sdkConfig: embedded
        ? sdkAuthSettings(embedded.credentials)
        : config.ENGINE === 'external'
          ? config.sdkEnv
          : undefined,
    });

    const auth = new AuthService(db.knex, clock, {
      sessionTtlHours: config.SESSION_TTL_HOURS,
      loginMaxAttempts: config.LOGIN_MAX_ATTEMPTS,
      loginWindowMinutes: config.LOGIN_WINDOW_MINUTES,
      country: config.CALENDAR_COUNTRY,
    });
    const running = embedded;
    const base: BaseDeps = {
      config,
      db,
      logger,
      engine,
      auth,
      clock,
      calendar: createWorkingCalendar({ country: config.CALENDAR_COUNTRY, timeZone: config.TIME_ZONE }),
      validation,
      engineHealth: running ? () => running.health() : undefined,
    };
    const deps: AppDeps = { ...base, features: createFeatureServices(base) };
    // Administrators' calendar overrides apply to every deadline from the first request and job on.
    await deps.features.calendar.load();

    if (config.SEED_DEMO) {
      const seeded = await seedDemo(db.knex);
      const services = await seedServicesDemo(db.knex);
      await seedScorecardDemo(db.knex, clock.now(), config.TIME_ZONE);
      if (seeded || services.length) logger.info({ services }, 'demo data seeded');
    }
    if (config.SEED_DEMO_PUBLISH && config.ENGINE !== 'none') {
      // Publish the sample services that have no version yet, so the portal and task lists have something to run.
      const analyst = (await db.knex('users').where({ email: 'analyst@okno.local' }).first('id')) as
        { id: number } | undefined;
      try {
        const published = await publishServicesDemo(deps.features.services, db.knex, {
          userId: analyst?.id ?? null,
          requestId: 'demo-seed',
          ip: '127.0.0.1',
        });
        if (published.length) logger.info({ published }, 'demo services published');
      } catch (err) {
        logger.warn({ err }, 'demo services could not be published; publish them from the constructor');
      }
    }

    workers = startWorkers(deps);
    const app = createApp(deps);
    server = http.createServer(app.callback());
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(config.PORT, config.HOST, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
    const url = `http://${host}:${port}`;
    const sessionSweep = setInterval(() => {
      auth.purgeExpiredSessions().catch((err: unknown) => logger.warn({ err }, 'session purge failed'));
    }, 3600_000);
    sessionSweep.unref();

    let stopped = false;
    return {
      deps,
      url,
      async stop() {
        if (stopped) return;
        stopped = true;
        clearInterval(sessionSweep);
        await workers!.stop();
        await new Promise<void>((resolve) => {
          server!.close(() => resolve());
          server!.closeAllConnections();
        });
        await validation.close();
        await engine!.close();
        await embedded?.stop();
        await db.close();
      },
    };
  } catch (err) {
    if (server?.listening) server.close();
    await workers?.stop().catch(() => undefined);
    await validation.close().catch(() => undefined);
    await engine?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}
