import { z } from 'zod';
import { endpointOf } from '../../server/contract/index.js';

/** A response as tests see it. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A successful answer that does not match the API contract (server/contract/): the server and the client's types have drifted apart. */
export class ContractDrift extends Error {
  constructor(method: string, path: string, error: z.ZodError) {
    super(`${method} ${path} answered outside the API contract (server/contract/):\n${z.prettifyError(error)}`);
    this.name = 'ContractDrift';
  }
}

/**
 * Checks a successful answer against the contract's response schema of its endpoint: every test that
 * calls the API through ApiClient is also a check that the server sends what the client's types say.
 */
export function checkContract(method: string, path: string, status: number, body: unknown): void {
  if (status < 200 || status >= 300 || status === 204) return;
  const schema = endpointOf(method, path)?.response;
  if (!schema) return;
  const result = schema.safeParse(body);
  if (!result.success) throw new ContractDrift(method, path, result.error);
}

/** Parses a value with a contract schema, failing with the schema's own message (for answers not fetched through ApiClient). */
export function expectShape<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`not the contract's shape:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * A tiny HTTP client for tests: keeps the session cookie and sends the CSRF token like the web client
 * does, and checks every successful JSON answer against the API contract (`checkContract`).
 */
export class ApiClient {
  private cookies = new Map<string, string>();
  csrfToken?: string;

  constructor(readonly baseUrl: string) {}

  /** Signs in and remembers the session; throws if it fails. */
  async signIn(login: string, password: string): Promise<void> {
    const res = await this.post('/api/auth/login', { login, password });
    if (res.status !== 200) throw new Error(`sign-in as ${login} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Sends a raw body (e.g. a file upload). */
  async upload<T = any>(path: string, form: FormData): Promise<ApiResponse<T>> {
    return this.send<T>('POST', path, form, {});
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...extraHeaders };
    let payload: string | FormData | undefined;
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    return this.send<T>(method, path, payload, headers);
  }

  private async send<T>(
    method: string,
    path: string,
    payload: string | FormData | undefined,
    headers: Record<string, string>,
  ): Promise<ApiResponse<T>> {
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrfToken && method !== 'GET') headers['x-csrf-token'] ??= this.csrfToken;
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json')
      ? await res.json()
      : type.startsWith('text/')
        ? await res.text()
        : Buffer.from(await res.arrayBuffer());
    if (
      body &&
      typeof body === 'object' &&
      'csrfToken' in body &&
      typeof (body as { csrfToken: unknown }).csrfToken === 'string'
    ) {
      this.csrfToken = (body as { csrfToken: string }).csrfToken;
    }
    if (type.includes('json')) checkContract(method, path, res.status, body);
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** The raw cookie header this client sends (for browser tests that reuse a session). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
