import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOkno, type TestOkno } from '../../helpers/okno.js';

describe('GET /api/health', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno();
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given a running Okno, then health reports database and engine up with the version', async () => {
    const res = await okno.anonymous().get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      db: 'up',
      engine: 'up',
      engineMode: 'embedded',
      engineMessageInconsistencies: 0,
      version: expect.any(String),
    });
  });

  it('given the engine stops, then health stays 200 but says degraded', async () => {
    const other = await startTestOkno({ ENGINE: 'external', ZEEBE_GRPC_ADDRESS: 'grpc://127.0.0.1:1' });
    try {
      const res = await other.anonymous().get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'degraded', db: 'up', engine: 'down' });
    } finally {
      await other.stop();
    }
  });

  it('given an unknown API path, then 404 in the error format', async () => {
    const res = await okno.anonymous().get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('given any response, then it carries a request id', async () => {
    const res = await okno.anonymous().get('/api/health');
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
  });
});
