import { vi } from 'vitest';

export interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Replaces fetch with a router of canned answers; returns the calls it saw. */
export function mockFetch(
  handler: (call: RecordedCall) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>,
) {
  const calls: RecordedCall[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body;
    const call = { url: String(input), method: init.method ?? 'GET', headers, body };
    calls.push(call);
    const answer = await handler(call);
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return new Response(answer.status === 204 ? null : text, {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

/** A user as /api/auth answers it. */
export function userWith(roles: string[], extra: Record<string, unknown> = {}) {
  return {
    id: 7,
    fullName: 'Иванова Ирина',
    email: 'i@okno.local',
    phone: null,
    roles,
    locale: 'ru',
    employeeId: null,
    unitId: null,
    ...extra,
  };
}
