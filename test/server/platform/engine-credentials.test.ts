import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { startTestOkno } from '../../helpers/okno.js';

/** Topology through an SDK client on the app's embedded engine with the given auth settings: 'ok' or the gRPC status code. */
async function topologyWith(grpcAddress: string, auth: Record<string, string>): Promise<'ok' | number | undefined> {
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: grpcAddress,
    CAMUNDA_LOG_LEVEL: 'none',
    ...auth,
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false },
  } as unknown as ConstructorParameters<typeof Camunda8>[0]);
  const zeebe = c8.getZeebeGrpcApiClient();
  try {
    await zeebe.topology();
    return 'ok';
  } catch (e) {
    return (e as { code?: number }).code;
  } finally {
    await zeebe.close(500).catch(() => undefined);
  }
}

/** A TCP port that was free a moment ago (for ENGINE_GRPC_PORT, so the test knows where the engine listens). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe("the app's embedded engine requires credentials", () => {
  it('given no CAMUNDA_BASIC_AUTH_* variables, when Okno starts, then a password is generated into DATA_DIR (0600), the app uses it (health: engine up), an SDK client with it connects and one without is refused', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okno-enginepw-'));
    const port = await freePort();
    const okno = await startTestOkno({ DATA_DIR: dataDir, ENGINE_GRPC_PORT: String(port) });
    try {
      const file = path.join(dataDir, 'engine-password');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const password = fs.readFileSync(file, 'utf8').trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect((await okno.anonymous().get('/api/health')).body).toMatchObject({ engine: 'up' });
      const grpcAddress = `grpc://127.0.0.1:${port}`;
      expect(
        await topologyWith(grpcAddress, {
          CAMUNDA_AUTH_STRATEGY: 'BASIC',
          CAMUNDA_BASIC_AUTH_USERNAME: 'okno',
          CAMUNDA_BASIC_AUTH_PASSWORD: password,
        }),
      ).toBe('ok');
      expect(await topologyWith(grpcAddress, { CAMUNDA_AUTH_STRATEGY: 'NONE' })).toBe(16);
    } finally {
      await okno.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('given CAMUNDA_BASIC_AUTH_USERNAME and _PASSWORD, when Okno starts, then the engine accepts exactly those and writes no password file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okno-enginepw-'));
    const env = { CAMUNDA_BASIC_AUTH_USERNAME: 'city-ops', CAMUNDA_BASIC_AUTH_PASSWORD: 'correct-horse-battery' };
    const port = await freePort();
    const okno = await startTestOkno({ DATA_DIR: dataDir, ENGINE_GRPC_PORT: String(port), ...env });
    try {
      expect(fs.existsSync(path.join(dataDir, 'engine-password'))).toBe(false);
      expect((await okno.anonymous().get('/api/health')).body).toMatchObject({ engine: 'up' });
      const grpcAddress = `grpc://127.0.0.1:${port}`;
      expect(await topologyWith(grpcAddress, { CAMUNDA_AUTH_STRATEGY: 'BASIC', ...env })).toBe('ok');
      expect(
        await topologyWith(grpcAddress, {
          CAMUNDA_AUTH_STRATEGY: 'BASIC',
          ...env,
          CAMUNDA_BASIC_AUTH_USERNAME: 'okno',
        }),
      ).toBe(16);
    } finally {
      await okno.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('given only one of the two variables, or a short password for the embedded engine, then the configuration is refused', () => {
    expect(() => loadConfig({ CAMUNDA_BASIC_AUTH_USERNAME: 'okno' })).toThrow(/CAMUNDA_BASIC_AUTH_PASSWORD/);
    expect(() => loadConfig({ CAMUNDA_BASIC_AUTH_USERNAME: 'okno', CAMUNDA_BASIC_AUTH_PASSWORD: 'short' })).toThrow(
      /12 characters/,
    );
    // A cluster's basic auth may be anything it was given (Camunda's compose file uses demo/demo).
    expect(() =>
      loadConfig({
        ENGINE: 'external',
        ZEEBE_GRPC_ADDRESS: 'grpc://z:26500',
        CAMUNDA_BASIC_AUTH_USERNAME: 'demo',
        CAMUNDA_BASIC_AUTH_PASSWORD: 'demo',
      }),
    ).not.toThrow();
  });
});
