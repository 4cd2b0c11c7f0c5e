import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('config', () => {
  it('given an empty environment, then the single-machine defaults apply', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      ENGINE: 'embedded',
      SEED_DEMO: true,
      COOKIE_SECURE: false,
      DATA_DIR: './data',
    });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('given production, then cookies are secure and demo data is off, refused when asked for unless forced', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ COOKIE_SECURE: true, SEED_DEMO: false });
    expect(() => loadConfig({ NODE_ENV: 'production', SEED_DEMO: 'true' })).toThrow(/SEED_DEMO/);
    expect(() => loadConfig({ NODE_ENV: 'production', SEED_DEMO_PUBLISH: 'true' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production', SEED_DEMO: 'true', SEED_DEMO_IN_PRODUCTION: 'true' }).SEED_DEMO).toBe(
      true,
    );
    expect(loadConfig({ NODE_ENV: 'production' }).SEED_DEMO_PUBLISH).toBe(false);
    expect(loadConfig({ SEED_DEMO_PUBLISH: 'false' })).toMatchObject({ SEED_DEMO: true, SEED_DEMO_PUBLISH: false });
  });

  it('given bad values, then a ConfigError names every bad variable', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', ENGINE: 'zeebe' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('DATABASE_URL');
      expect(msg).toContain('ENGINE');
    }
  });

  it('given an external engine without an address, then it is refused', () => {
    expect(() => loadConfig({ ENGINE: 'external' })).toThrow(/ZEEBE_GRPC_ADDRESS/);
    expect(() => loadConfig({ ENGINE: 'external', ZEEBE_GRPC_ADDRESS: 'zeebe:26500' })).toThrow(/grpc:\/\/host:port/);
  });

  it('given ZEEBE_/CAMUNDA_ variables, then they are passed through for the SDK', () => {
    const c = loadConfig({
      ENGINE: 'external',
      ZEEBE_GRPC_ADDRESS: 'grpcs://z:443',
      ZEEBE_CLIENT_ID: 'id',
      CAMUNDA_OAUTH_URL: 'https://auth',
      OTHER: 'x',
    });
    expect(c.sdkEnv).toEqual({
      ZEEBE_GRPC_ADDRESS: 'grpcs://z:443',
      ZEEBE_CLIENT_ID: 'id',
      CAMUNDA_OAUTH_URL: 'https://auth',
    });
  });
});
