import type { FieldIssue, RowIssue } from '@contract/common';

/** A field-level validation message from the server (`details.fields`): the API contract's. */
export type FieldError = FieldIssue;

/** A row-level import error from the server (`details.rows`): the API contract's. */
export type RowError = RowIssue;

/** A page of a list endpoint: the API contract's (server/contract/common.ts). */
export type { Page } from '@contract/common';

/** An error answered by the API (`{ error: { code, message, details } }`) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly fields: FieldError[];
  readonly rows: RowError[];

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.fields = Array.isArray(details.fields) ? (details.fields as unknown[]).filter(isFieldError) : [];
    this.rows = Array.isArray(details.rows) ? (details.rows as unknown[]).filter(isRowError) : [];
  }

  /** The first server message for a form field, if any (paths like `email` or `items.0.name`). */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

function isFieldError(v: unknown): v is FieldError {
  return typeof v === 'object' && v !== null && typeof (v as FieldError).message === 'string' && 'path' in v;
}

function isRowError(v: unknown): v is RowError {
  return typeof v === 'object' && v !== null && typeof (v as RowError).message === 'string' && 'row' in v;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as "session ended" (sign-in form, session probe). */
  allowUnauthorized?: boolean;
}

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** Remembers the CSRF token sent with every non-GET request (from login, register or /me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The CSRF token currently in use. */
export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Registers what happens when the server says the session is gone (normally: go to the login page). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/** Builds `/path?a=1&b=2`, skipping empty values. */
export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** Sends one API request: JSON in and out, CSRF header on writes, errors as `ApiError`. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'The server cannot be reached');
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }
  if (!response.ok) {
    const error = toApiError(response.status, payload);
    if (response.status === 401 && !options.allowUnauthorized) unauthorizedHandler?.();
    throw error;
  }
  return payload as T;
}

function toApiError(status: number, payload: unknown): ApiError {
  const err = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (err && typeof err === 'object') {
    const details = err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : {};
    return new ApiError(
      status,
      typeof err.code === 'string' ? err.code : `http_${status}`,
      typeof err.message === 'string' ? err.message : `HTTP ${status}`,
      details,
    );
  }
  return new ApiError(status, `http_${status}`, `HTTP ${status}`);
}

/** Shorthands for the API verbs. */
export const http = {
  get: <T>(path: string, query?: Record<string, QueryValue>, opts: Omit<RequestOptions, 'query'> = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PATCH', path, { ...opts, body }),
  delete: <T = void>(path: string, opts: RequestOptions = {}) => request<T>('DELETE', path, opts),
  /** Uploads a file as multipart field `file`. */
  upload: <T>(path: string, file: File, query?: Record<string, QueryValue>) => {
    const form = new FormData();
    form.append('file', file);
    return request<T>('POST', path, { body: form, query });
  },
};
