import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ApiError, setCsrfToken } from '../../../../client/src/api/http';
import { useScorecardStore } from '../../../../client/src/features/scorecard/scorecard.store';
import { mockFetch } from '../../helpers';

const matrix = (over: Record<string, unknown> = {}) => ({
  id: 41,
  month: '2026-11',
  status: 'draft',
  rows: [],
  allowedActions: ['confirm'],
  editable: 'own',
  ...over,
});

describe('scorecard store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setCsrfToken('csrf-1');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('finds the own matrix of the chosen month through the list of that year', async () => {
    const calls = mockFetch(({ url }) => {
      if (url.startsWith('/api/scorecard/matrices/mine'))
        return {
          status: 200,
          body: {
            items: [
              { id: 40, month: '2026-10' },
              { id: 41, month: '2026-11' },
            ],
            total: 2,
            page: 1,
            pageSize: 50,
          },
        };
      if (url === '/api/scorecard/matrices/41') return { status: 200, body: matrix() };
      return { status: 404 };
    });
    const store = useScorecardStore();
    await store.loadMine('2026-11');
    expect(calls[0].url).toBe('/api/scorecard/matrices/mine?year=2026&pageSize=50');
    expect(store.matrix?.id).toBe(41);
    expect(store.missing).toBe(false);
    expect(store.loading).toBe(false);
  });

  it('says the matrix is missing when the month has none', async () => {
    mockFetch(() => ({
      status: 200,
      body: { items: [{ id: 40, month: '2026-10' }], total: 1, page: 1, pageSize: 50 },
    }));
    const store = useScorecardStore();
    await store.loadMine('2026-12');
    expect(store.matrix).toBeNull();
    expect(store.missing).toBe(true);
  });

  it('keeps the load error for the retry panel', async () => {
    mockFetch(() => ({ status: 500, body: { error: { code: 'internal', message: 'boom' } } }));
    const store = useScorecardStore();
    await store.load(41);
    expect(store.error).toBeInstanceOf(ApiError);
    expect(store.matrix).toBeNull();
  });

  it('ignores an older answer that arrives after a newer one', async () => {
    let release: (() => void) | null = null;
    mockFetch(async ({ url }) => {
      if (url.endsWith('/40')) {
        await new Promise<void>((r) => (release = r));
        return { status: 200, body: matrix({ id: 40 }) };
      }
      return { status: 200, body: matrix({ id: 41 }) };
    });
    const store = useScorecardStore();
    const slow = store.load(40);
    await store.load(41);
    release!();
    await slow;
    expect(store.matrix?.id).toBe(41);
  });

  it('saves facts with the CSRF token and adopts the recomputed matrix', async () => {
    const calls = mockFetch(({ url, method }) => {
      if (method === 'PUT') return { status: 200, body: matrix({ result: 67.1 }) };
      if (url === '/api/scorecard/matrices/41') return { status: 200, body: matrix() };
      return { status: 404 };
    });
    const store = useScorecardStore();
    await store.load(41);
    await store.saveFacts([{ rowId: 7, factValue: 9 }]);
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.url).toBe('/api/scorecard/matrices/41/facts');
    expect(put.headers['x-csrf-token']).toBe('csrf-1');
    expect(put.body).toEqual({ facts: [{ rowId: 7, factValue: 9 }] });
    expect((store.matrix as unknown as { result: number }).result).toBe(67.1);
  });

  it('passes field errors of refused facts to the screen and keeps the matrix', async () => {
    mockFetch(({ method }) =>
      method === 'PUT'
        ? {
            status: 400,
            body: {
              error: {
                code: 'validation',
                message: 'Facts are invalid',
                details: {
                  fields: [{ path: 'facts.0.factValue', message: 'This fact comes from the "import" source' }],
                },
              },
            },
          }
        : { status: 200, body: matrix() },
    );
    const store = useScorecardStore();
    await store.load(41);
    const err = await store.saveFacts([{ rowId: 7, factValue: 9 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).fieldMessage('facts.0.factValue')).toContain('import');
    expect(store.matrix?.id).toBe(41);
    expect(store.busy).toBe(false);
  });

  it('moves the matrix through the workflow; a return carries the comment', async () => {
    const calls = mockFetch(({ url }) => {
      if (url.endsWith('/confirm')) return { status: 200, body: matrix({ status: 'confirmed', allowedActions: [] }) };
      if (url.endsWith('/return')) return { status: 200, body: matrix({ status: 'draft' }) };
      return { status: 200, body: matrix() };
    });
    const store = useScorecardStore();
    await store.load(41);
    await store.transition('confirm');
    expect(store.matrix?.status).toBe('confirmed');
    await store.transition('return', 'Уточните факт');
    expect(calls.at(-1)).toMatchObject({
      url: '/api/scorecard/matrices/41/return',
      method: 'POST',
      body: { comment: 'Уточните факт' },
    });
    expect(calls.find((c) => c.url.endsWith('/confirm'))!.body).toEqual({});
  });

  it('adds a task of the month and removes it, adopting the recomputed matrix each time', async () => {
    const calls = mockFetch(({ method }) => {
      if (method === 'POST') return { status: 201, body: matrix({ rows: [{ id: 9, kind: 'smart_variable' }] }) };
      if (method === 'DELETE') return { status: 200, body: matrix({ rows: [] }) };
      return { status: 200, body: matrix() };
    });
    const store = useScorecardStore();
    await store.load(41);
    await store.addRow({
      kind: 'smart_variable',
      title: 'Сверка',
      unit: 'count',
      weight: null,
      planValue: 1,
      planDate: null,
    });
    expect(calls.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/scorecard/matrices/41/rows',
      body: { kind: 'smart_variable', title: 'Сверка', planValue: 1 },
    });
    expect(store.matrix?.rows).toHaveLength(1);
    await store.deleteRow(9);
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/scorecard/matrices/41/rows/9' });
    expect(store.matrix?.rows).toHaveLength(0);
  });

  it('knows which indicators come from people', async () => {
    mockFetch(() => ({
      status: 200,
      body: {
        items: [
          { id: 1, code: 'visits-served', source: 'import' },
          { id: 2, code: 'cases-late', source: 'manual' },
        ],
      },
    }));
    const store = useScorecardStore();
    await store.loadIndicators();
    expect(store.sourceOf('visits-served')).toBe('import');
    expect(store.sourceOf('cases-late')).toBe('manual');
    expect(store.sourceOf('unknown')).toBeUndefined();
  });
});
