import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What the embedded engine accepts: the SDK's BASIC strategy (`Authorization: Basic base64(user:password)`). */
export interface EngineCredentials {
  username: string;
  password: string;
  /** Where the password came from: the environment, or the generated file in DATA_DIR (its path). */
  source: { kind: 'env' } | { kind: 'file'; path: string };
}

/** The user name when CAMUNDA_BASIC_AUTH_USERNAME is not set. */
export const DEFAULT_ENGINE_USERNAME = 'okno';
/** The file in DATA_DIR that keeps the generated password (mode 0600). */
export const ENGINE_PASSWORD_FILE = 'engine-password';

/**
 * The credentials of the embedded engine. With both CAMUNDA_BASIC_AUTH_USERNAME and
 * CAMUNDA_BASIC_AUTH_PASSWORD given (read by config.ts), exactly those. Otherwise the password in
 * `<dataDir>/engine-password`, generated (random, mode 0600) on first use, so the app, `npm run engine`
 * and any SDK client pointed at that file agree. A password file others can read is refused, as ssh
 * refuses an unprotected key.
 */
export function engineCredentials(opts: { username?: string; password?: string; dataDir: string }): EngineCredentials {
  if (opts.username && opts.password)
    return { username: opts.username, password: opts.password, source: { kind: 'env' } };
  const dir = path.resolve(opts.dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, ENGINE_PASSWORD_FILE);
  try {
    // 'wx': the first of two processes starting on one DATA_DIR writes it, the other reads it.
    fs.writeFileSync(file, `${crypto.randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(
      `${file} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\` or delete it to generate a new engine password`,
    );
  }
  const password = fs.readFileSync(file, 'utf8').trim();
  if (!password) throw new Error(`${file} is empty; delete it to generate a new engine password`);
  return { username: opts.username || DEFAULT_ENGINE_USERNAME, password, source: { kind: 'file', path: file } };
}

/** The value of the Authorization header (gRPC metadata and HTTP) the SDK sends for these credentials. */
export function basicAuthorization(c: Pick<EngineCredentials, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

/** A constant-time check of a presented Authorization value against the expected one. */
export function authorizationChecker(
  c: Pick<EngineCredentials, 'username' | 'password'>,
): (presented: unknown) => boolean {
  const expected = crypto.createHash('sha256').update(basicAuthorization(c)).digest();
  return (presented) => {
    if (typeof presented !== 'string' || !presented) return false;
    return crypto.timingSafeEqual(crypto.createHash('sha256').update(presented).digest(), expected);
  };
}

/** The SDK settings (Camunda8 constructor or environment) that authenticate against these credentials. */
export function sdkAuthSettings(c: Pick<EngineCredentials, 'username' | 'password'>): Record<string, string> {
  return {
    CAMUNDA_AUTH_STRATEGY: 'BASIC',
    CAMUNDA_BASIC_AUTH_USERNAME: c.username,
    CAMUNDA_BASIC_AUTH_PASSWORD: c.password,
  };
}
