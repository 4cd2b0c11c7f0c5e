import type { FeatureServices } from './composition.js';
import type { Config } from './config.js';
import type { AuthService } from './features/auth/auth.service.js';
import type { Clock } from './platform/clock.js';
import type { Database } from './platform/db.js';
import type { EngineHealth } from './engine/engine.js';
import type { EngineConnection } from './platform/camunda.js';
import type { Logger } from './platform/logger.js';
import type { WorkingCalendar } from './platform/working-time.js';
import type { ValidationPool } from './features/services/validation.pool.js';

/** The platform's parts, built first in the composition root (bootstrap.ts). */
export interface BaseDeps {
  config: Config;
  db: Database;
  logger: Logger;
  engine: EngineConnection;
  auth: AuthService;
  /** The one clock every time decision reads (the embedded engine shares it). */
  clock: Clock;
  /** Deadlines and working time on the production calendar, in the configured time zone. */
  calendar: WorkingCalendar;
  /** Worker threads that parse, lint and check service models off the event loop. */
  validation: ValidationPool;
  /** The embedded engine's own findings (message consistency); absent for an external engine. */
  engineHealth?: () => EngineHealth;
}

/** Everything routes and workers are given; built once in bootstrap.ts (or a test) and passed in. */
export interface AppDeps extends BaseDeps {
  /** Every feature's services, built once (composition.ts). */
  features: FeatureServices;
}
