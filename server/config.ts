import os from 'node:os';
import { z } from 'zod';
import { isTimeZone } from './platform/clock.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every environment variable Okno reads; `.env.example` documents the same list. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(200).default(10),
    DATA_DIR: z.string().min(1).default('./data'),
    SEED_DEMO: bool.optional(),
    SEED_DEMO_PUBLISH: bool.optional(),
    /** Demo accounts (with the password the README prints) are refused in production unless this forces them. */
    SEED_DEMO_IN_PRODUCTION: bool.default(false),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
    COOKIE_SECURE: bool.optional(),
    /** Behind a reverse proxy: trust its X-Forwarded-For/-Proto/-Host (client IPs for lock-outs, audit). Never otherwise. */
    TRUST_PROXY: bool.default(false),
    LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
    LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
    ENGINE: z.enum(['embedded', 'external', 'none']).default('embedded'),
    ENGINE_GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(26500),
    ENGINE_REST_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    ZEEBE_GRPC_ADDRESS: z
      .string()
      .regex(/^grpcs?:\/\/[^/]+$/, 'expected grpc://host:port (plain) or grpcs://host:port (TLS)')
      .optional(),
    ZEEBE_REST_ADDRESS: z.string().optional(),
    CAMUNDA_AUTH_STRATEGY: z.enum(['NONE', 'OAUTH', 'BASIC', 'BEARER', 'COOKIE']).optional(),
    // The embedded engine accepts exactly these (the SDK's BASIC strategy); unset: a password generated
    // into DATA_DIR/engine-password. With ENGINE=external they go to the SDK for a cluster's basic auth.
    CAMUNDA_BASIC_AUTH_USERNAME: z.string().min(1).optional(),
    CAMUNDA_BASIC_AUTH_PASSWORD: z.string().min(1).optional(),
    CLIENT_DIST: z.string().default('dist/client'),
    // Service models (constructor): limits, and the worker threads that parse, lint and check them.
    SERVICE_MODEL_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(10_000)
      .max(50_000_000)
      .default(3 * 1024 * 1024),
    SERVICE_MODEL_MAX_ELEMENTS: z.coerce.number().int().min(10).max(200_000).default(6_000),
    VALIDATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
    VALIDATION_WORKERS: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .default(Math.max(1, Math.min(4, os.availableParallelism() - 1))),
    CALENDAR_COUNTRY: z.enum(['RU', 'UA']).default('RU'),
    TIME_ZONE: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Moscow or Europe/Kyiv')
      .default('Europe/Moscow'),
    ENGINE_CLOCK_CONTROLLED: bool.optional(),
  })
  .refine((c) => !c.CAMUNDA_BASIC_AUTH_USERNAME === !c.CAMUNDA_BASIC_AUTH_PASSWORD, {
    message:
      'set both CAMUNDA_BASIC_AUTH_USERNAME and CAMUNDA_BASIC_AUTH_PASSWORD, or neither (the embedded engine then generates a password into DATA_DIR)',
    path: ['CAMUNDA_BASIC_AUTH_PASSWORD'],
  })
  .refine(
    (c) => c.ENGINE !== 'embedded' || !c.CAMUNDA_BASIC_AUTH_PASSWORD || c.CAMUNDA_BASIC_AUTH_PASSWORD.length >= 12,
    {
      message: 'the embedded engine needs a password of at least 12 characters (or unset it to have one generated)',
      path: ['CAMUNDA_BASIC_AUTH_PASSWORD'],
    },
  )
  .refine((c) => c.ENGINE !== 'external' || !!c.ZEEBE_GRPC_ADDRESS, {
    message: 'ENGINE=external needs ZEEBE_GRPC_ADDRESS (grpc://host:port or grpcs://host:port of the Zeebe gateway)',
    path: ['ZEEBE_GRPC_ADDRESS'],
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<
  RawConfig,
  'SEED_DEMO' | 'SEED_DEMO_PUBLISH' | 'COOKIE_SECURE' | 'LOG_FORMAT' | 'ENGINE_CLOCK_CONTROLLED'
> {
  ENGINE_CLOCK_CONTROLLED: boolean;
  SEED_DEMO_PUBLISH: boolean;
  LOG_FORMAT: 'json' | 'pretty';
  SEED_DEMO: boolean;
  COOKIE_SECURE: boolean;
  isProduction: boolean;
  version: string;
  /** Every ZEEBE_* and CAMUNDA_* variable, passed unchanged to @camunda8/sdk for ENGINE=external. */
  sdkEnv: Record<string, string>;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates configuration from an environment object (defaults to process.env). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const raw = parsed.data;
  const isProduction = raw.NODE_ENV === 'production';
  if (isProduction && (raw.SEED_DEMO || raw.SEED_DEMO_PUBLISH) && !raw.SEED_DEMO_IN_PRODUCTION) {
    throw new ConfigError([
      'SEED_DEMO: demo accounts share a published password and must never exist in production ' +
        '(NODE_ENV=production); remove SEED_DEMO/SEED_DEMO_PUBLISH, or set SEED_DEMO_IN_PRODUCTION=true for a throw-away evaluation',
    ]);
  }
  return {
    ...raw,
    SEED_DEMO: raw.SEED_DEMO ?? !isProduction,
    SEED_DEMO_PUBLISH: raw.SEED_DEMO_PUBLISH ?? raw.SEED_DEMO ?? !isProduction,
    LOG_FORMAT: raw.LOG_FORMAT ?? (raw.NODE_ENV === 'development' ? 'pretty' : 'json'),
    COOKIE_SECURE: raw.COOKIE_SECURE ?? isProduction,
    ENGINE_CLOCK_CONTROLLED: raw.ENGINE_CLOCK_CONTROLLED ?? raw.NODE_ENV === 'test',
    isProduction,
    version: env.npm_package_version ?? '0.1.0',
    sdkEnv: Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => /^(ZEEBE|CAMUNDA)_/.test(e[0]) && e[1] !== undefined),
    ),
  };
}

/** For command-line entry points: loads the config, or prints what is wrong and exits with status 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
