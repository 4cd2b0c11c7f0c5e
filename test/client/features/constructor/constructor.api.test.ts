import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bundleFileName,
  constructorApi,
  readBundleFile,
} from '../../../../client/src/features/constructor/constructor.api';
import { diffMarkers } from '../../../../client/src/features/constructor/versionDiff';
import { createTranslate } from '../../../../client/src/features/constructor/modeler/translate';
import { mockFetch } from '../../helpers';

describe('constructor API', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists services with search, department and status, skipping empty filters', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { items: [], total: 0, page: 2, pageSize: 20 } }));
    await constructorApi.list({
      page: 2,
      pageSize: 20,
      search: 'реклама',
      department: 'dep-arch',
      status: 'published',
      kind: null,
    });
    expect(calls[0].url).toBe(
      `/api/services?page=2&pageSize=20&search=${encodeURIComponent('реклама')}&department=dep-arch&status=published`,
    );
  });

  it('imports a service file, with replace when asked', async () => {
    const calls = mockFetch(() => ({ status: 201, body: {} }));
    const bundle = {
      format: 'okno-service' as const,
      formatVersion: 1 as const,
      code: 'advert-permit',
      xml: '<x/>',
      forms: [],
    };
    await constructorApi.importBundle(bundle, true);
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/services/import?replace=true', body: bundle });
  });

  it('composes a package from published services', async () => {
    const calls = mockFetch(() => ({ status: 201, body: {} }));
    await constructorApi.composePackage({
      code: 'new-life',
      title: 'Новая жизнь',
      department: 'mfc-central',
      members: ['a', 'b'],
    });
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/services/packages', body: { members: ['a', 'b'] } });
  });

  it('reads an uploaded service file and refuses other files', async () => {
    const good = new Blob([
      JSON.stringify({ format: 'okno-service', formatVersion: 1, code: 'x-service', xml: '<x/>', title: 'T' }),
    ]);
    await expect(readBundleFile(good)).resolves.toEqual({
      format: 'okno-service',
      formatVersion: 1,
      code: 'x-service',
      xml: '<x/>',
      forms: [],
    });
    await expect(readBundleFile(new Blob(['not json']))).rejects.toThrow('not_json');
    await expect(readBundleFile(new Blob(['{"format":"other"}']))).rejects.toThrow('not_bundle');
    expect(bundleFileName({ code: 'x-service', version: 2 })).toBe('x-service-v2.okno.json');
    expect(bundleFileName({ code: 'x-service', version: null })).toBe('x-service.okno.json');
  });
});

describe('version diff markers', () => {
  it('marks removed and changed elements on the old diagram, added, changed and moved ones on the new', () => {
    const m = diffMarkers({
      _added: { Task_New: { $type: 'bpmn:UserTask', id: 'Task_New' } },
      _removed: { Task_Old: { $type: 'bpmn:UserTask', id: 'Task_Old' } },
      _changed: { Task_Intake: { model: { $type: 'bpmn:UserTask', id: 'Task_Intake' }, attrs: {} } },
      _layoutChanged: {
        Task_Intake: { $type: 'bpmn:UserTask', id: 'Task_Intake' },
        Gateway_1: { $type: 'bpmn:ExclusiveGateway', id: 'Gateway_1' },
      },
    });
    expect(m.left).toEqual([
      { id: 'Task_Old', marker: 'okno-diff-removed' },
      { id: 'Task_Intake', marker: 'okno-diff-changed' },
    ]);
    expect(m.right.map((x) => x.id)).toEqual(['Task_New', 'Task_Intake', 'Gateway_1']);
    expect(m.counts).toEqual({ added: 1, removed: 1, changed: 1, layout: 1 });
  });
});

describe('modeler translation', () => {
  it('speaks Russian for ru (canvas and properties panel) and keeps English otherwise', () => {
    const ru = createTranslate('ru');
    expect(ru('Append task')).toBe('Добавить задачу');
    expect(ru('Candidate groups')).toBe('Группы кандидатов');
    expect(ru('User Task')).toBe(ru('User task'));
    expect(ru('Unknown {name}', { name: 'x' })).toBe('Unknown x');
    expect(createTranslate('en')('Append task')).toBe('Append task');
  });
});
