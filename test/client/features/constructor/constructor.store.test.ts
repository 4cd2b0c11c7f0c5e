import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setCsrfToken } from '../../../../client/src/api/http';
import { problemsOf, useConstructorStore } from '../../../../client/src/features/constructor/constructor.store';
import { mockFetch, type RecordedCall } from '../../helpers';

const detail = (revision: number, extra: Record<string, unknown> = {}) => ({
  code: 'advert-permit',
  title: 'Реклама',
  department: 'dep-arch',
  kind: 'service',
  status: 'draft',
  latestVersion: null,
  draftRevision: revision,
  publishedAt: null,
  createdAt: '2026-11-22T10:00:00Z',
  updatedAt: '2026-11-22T10:00:00Z',
  draft: { xml: '<xml/>', forms: [{ id: 'advert-intake', type: 'default', components: [] }], revision },
  hasUnpublishedChanges: true,
  ...extra,
});

const invalid = {
  status: 400,
  body: {
    error: {
      code: 'service_invalid',
      message: 'Модель содержит ошибки',
      details: {
        problems: [{ elementId: 'Q_1', field: 'next', code: 'tree_cycle', severity: 'error', message: 'Цикл' }],
      },
    },
  },
};

describe('constructor store', () => {
  let calls: RecordedCall[];
  let revision: number;
  let failSave: boolean;

  beforeEach(() => {
    setActivePinia(createPinia());
    setCsrfToken('csrf-1');
    revision = 3;
    failSave = false;
    calls = mockFetch((c) => {
      if (c.method === 'GET' && c.url === '/api/services/advert-permit') return { status: 200, body: detail(revision) };
      if (c.method === 'PUT') {
        if (failSave) return invalid;
        revision++;
        return { status: 200, body: detail(revision) };
      }
      if (c.url.endsWith('/validate'))
        return {
          status: 200,
          body: {
            valid: false,
            problems: [
              {
                elementId: 'Task_Intake',
                field: 'okno:step.deadline',
                code: 'step_deadline_missing',
                severity: 'error',
                message: 'Нет срока',
              },
              { elementId: 'Flow_1', field: '', code: 'lint.x', severity: 'warning', message: 'w' },
            ],
            coverage: null,
          },
        };
      if (c.url.endsWith('/try'))
        return {
          status: 200,
          body: {
            situations: ['EReklBol'],
            documents: [],
            variant: { code: 'large', title: '' },
            matchingVariants: ['large'],
            deadline: null,
            members: [],
            asked: [],
            problems: [],
            route: { elements: ['StartEvent_1'], undetermined: [] },
          },
        };
      if (c.url.endsWith('/publish'))
        return {
          status: 201,
          body: { code: 'advert-permit', version: 1, processDefinitionKey: '1', processVersion: 1, warnings: [] },
        };
      if (c.url.endsWith('/versions'))
        return {
          status: 200,
          body: { items: [{ version: 1, comment: 'Первая', publishedAt: '2026-11-22T11:00:00Z' }] },
        };
      return { status: 404, body: { error: { code: 'not_found', message: 'Not found' } } };
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts empty: pickers, problems and forms are lists (its id is not mistaken for hydration state)', () => {
    const store = useConstructorStore();
    expect(store.departmentOptions).toEqual([]);
    expect(store.groupOptions).toEqual([]);
    expect(store.errors).toEqual([]);
    expect(store.forms).toEqual([]);
  });

  it('opens a service with its draft and forms, not dirty', async () => {
    const store = useConstructorStore();
    const opened = await store.open('advert-permit');
    expect(opened?.draft.xml).toBe('<xml/>');
    expect(store.forms.map((f) => f.id)).toEqual(['advert-intake']);
    expect(store.dirty).toBe(false);
  });

  it('saves the XML with the forms and the revision it loaded, then is clean again', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    store.markDirty();
    expect(await store.save('<new/>')).toBe(true);
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.url).toBe('/api/services/advert-permit/draft');
    expect(put.body).toEqual({
      xml: '<new/>',
      forms: [{ id: 'advert-intake', type: 'default', components: [] }],
      revision: 3,
    });
    expect(put.headers['x-csrf-token']).toBe('csrf-1');
    expect(store.dirty).toBe(false);
    expect(store.service?.draft.revision).toBe(4);
  });

  it('a refused save keeps the draft dirty and shows the server’s problems', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    store.markDirty();
    failSave = true;
    expect(await store.save('<bad/>')).toBe(false);
    expect(store.dirty).toBe(true);
    expect(store.problems.map((p) => p.code)).toEqual(['tree_cycle']);
    expect(problemsOf(store.saveError)).toHaveLength(1);
  });

  it('validates the unsaved XML and splits errors from warnings', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    await store.validate('<current/>');
    expect(calls.find((c) => c.url.endsWith('/validate'))!.body).toMatchObject({ xml: '<current/>' });
    expect(store.errors.map((p) => p.elementId)).toEqual(['Task_Intake']);
    expect(store.warnings).toHaveLength(1);
    expect(store.validated).toBe(true);
  });

  it('validates the stored draft when no XML is given (right after opening)', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    await store.validate();
    expect(calls.find((c) => c.url.endsWith('/validate'))!.body).toEqual({});
    expect(store.errors.map((p) => p.elementId)).toEqual(['Task_Intake']);
  });

  it('a slow answer of an older validation does not overwrite a newer one', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    vi.unstubAllGlobals();
    const answers: ((problems: unknown[]) => void)[] = [];
    mockFetch(
      () =>
        new Promise((resolve) => {
          answers.push((problems) => resolve({ status: 200, body: { valid: true, problems, coverage: null } }));
        }),
    );
    const older = store.validate('<old/>');
    const newer = store.validate('<new/>');
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[1]([]);
    await newer;
    answers[0]([{ elementId: 'Old', field: '', code: 'x', severity: 'error', message: 'old' }]);
    await older;
    expect(store.problems).toEqual([]);
    expect(store.validating).toBe(false);
  });

  it('"Try it" with unsaved changes sends the editor\'s XML along and saves nothing', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    store.markDirty();
    const result = await store.tryIt({ Q_Size: 'O_Large' }, async () => '<dirty/>');
    expect(result?.variant?.code).toBe('large');
    const order = calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.url}`);
    expect(order).toEqual(['POST /api/services/advert-permit/try']);
    expect(calls.find((c) => c.url.endsWith('/try'))!.body).toEqual({
      answers: { Q_Size: 'O_Large' },
      xml: '<dirty/>',
    });
    expect(store.dirty).toBe(true);
  });

  it('publishes with a comment and reloads the service and its versions', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    const result = await store.publish('Первая');
    expect(result.version).toBe(1);
    expect(calls.find((c) => c.url.endsWith('/publish'))!.body).toEqual({ comment: 'Первая' });
    expect(store.versions.map((v) => v.version)).toEqual([1]);
  });

  it('edits forms and marks the draft dirty', async () => {
    const store = useConstructorStore();
    await store.open('advert-permit');
    store.upsertForm({ id: 'advert-intake', type: 'default', components: [{ type: 'textfield', key: 'name' }] });
    store.upsertForm({ id: 'new-form', type: 'default', components: [] });
    expect(store.forms.map((f) => [f.id, f.components.length])).toEqual([
      ['advert-intake', 1],
      ['new-form', 0],
    ]);
    store.removeForm('new-form');
    expect(store.forms).toHaveLength(1);
    expect(store.dirty).toBe(true);
  });
});
