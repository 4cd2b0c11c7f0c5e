import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, http, onUnauthorized, setCsrfToken } from '../../../client/src/api/http';
import { mockFetch } from '../helpers';

describe('http wrapper', () => {
  beforeEach(() => setCsrfToken(null));
  afterEach(() => {
    vi.unstubAllGlobals();
    onUnauthorized(null);
  });

  it('sends the CSRF token on writes but not on reads', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { ok: true } }));
    setCsrfToken('tok-123');
    await http.get('/api/things', { q: 'x' });
    await http.post('/api/things', { name: 'a' });
    await http.patch('/api/things/1', { name: 'b' });
    await http.delete('/api/things/1');

    expect(calls.map((c) => [c.method, c.headers['x-csrf-token']])).toEqual([
      ['GET', undefined],
      ['POST', 'tok-123'],
      ['PATCH', 'tok-123'],
      ['DELETE', 'tok-123'],
    ]);
    expect(calls[1].headers['content-type']).toBe('application/json');
    expect(calls[1].body).toEqual({ name: 'a' });
  });

  it('builds query strings without empty values', () => {
    expect(buildUrl('/api/x', { page: 2, q: '', unitId: null, active: false, sort: undefined })).toBe(
      '/api/x?page=2&active=false',
    );
    expect(buildUrl('/api/x')).toBe('/api/x');
  });

  it('maps an error answer to ApiError with code, message and field errors', async () => {
    mockFetch(() => ({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'Invalid input',
          details: { fields: [{ path: 'email', message: 'Enter a valid e-mail address' }] },
        },
      },
    }));
    const err = await http.post('/api/auth/register', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const apiError = err as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('validation_failed');
    expect(apiError.message).toBe('Invalid input');
    expect(apiError.fields).toEqual([{ path: 'email', message: 'Enter a valid e-mail address' }]);
    expect(apiError.fieldMessage('email')).toBe('Enter a valid e-mail address');
  });

  it('carries import row errors', async () => {
    mockFetch(() => ({
      status: 400,
      body: {
        error: {
          code: 'import_failed',
          message: 'bad rows',
          details: { rows: [{ row: 3, field: 'code', message: 'Required' }] },
        },
      },
    }));
    const err = (await http
      .upload('/api/org/import/units', new File(['a'], 'a.csv'), { dryRun: true })
      .catch((e: unknown) => e)) as ApiError;
    expect(err.rows).toEqual([{ row: 3, field: 'code', message: 'Required' }]);
  });

  it('gives non-JSON failures and network errors a code', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502 })),
    );
    await expect(http.get('/api/x')).rejects.toMatchObject({ status: 502, code: 'http_502' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(http.get('/api/x')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('reports a lost session (401) unless the caller expects it', async () => {
    mockFetch(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'Sign in first' } } }));
    const lost = vi.fn();
    onUnauthorized(lost);
    await expect(http.get('/api/org/units')).rejects.toMatchObject({ status: 401 });
    expect(lost).toHaveBeenCalledTimes(1);
    await expect(http.post('/api/auth/login', {}, { allowUnauthorized: true })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('answers 204 with undefined', async () => {
    mockFetch(() => ({ status: 204 }));
    await expect(http.post('/api/auth/logout')).resolves.toBeUndefined();
  });
});
