import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_METHODOLOGY, seedScorecardDemo } from '../../../../server/features/scorecard/scorecard.seed.js';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, TEST_NOW, type TestOkno } from '../../../helpers/okno.js';

const fieldPaths = (res: any): string[] => res.body.error.details.fields.map((f: { path: string }) => f.path);
const level = (code: string, points: number, min: number | null, max: number | null) => ({
  code,
  description: `level ${code}`,
  points,
  min,
  max,
});
const small = (code: string) => ({
  code,
  name: 'Тестовая методика',
  groups: [
    {
      code: 'services',
      name: 'Услуги',
      weight: 0.6,
      indicators: [
        {
          code: 'satisfaction',
          name: 'Удовлетворенность',
          weight: 1,
          mode: 'range',
          levels: [level('L1', 1, null, 50), level('L2', 100, 50, 90), level('L3', 300, 90, null)],
        },
      ],
    },
    {
      code: 'openness',
      name: 'Открытость',
      weight: 0.4,
      indicators: [
        {
          code: 'open-data',
          name: 'Открытые данные',
          weight: 0.5,
          mode: 'expert',
          levels: [level('L1', 1, null, null), level('L2', 200, null, null)],
        },
        {
          code: 'site',
          name: 'Сайт',
          weight: 0.5,
          mode: 'range',
          levels: [level('L1', 1, null, 3), level('L2', 100, 3, null)],
        },
      ],
    },
  ],
});
const upload = (buffer: ArrayBuffer | Buffer | string, name: string) => {
  const form = new FormData();
  form.append('file', new Blob([buffer as any]), name);
  return form;
};

describe('organisation methodology over HTTP', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  let manager: ApiClient;
  let units: Record<string, number>;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    await seedScorecardDemo(okno.deps.db.knex, okno.clock.now(), okno.deps.config.TIME_ZONE);
    admin = await okno.signIn('admin@okno.local');
    manager = await okno.signIn('manager@okno.local');
    units = Object.fromEntries(
      (await okno.deps.db.knex('org_units').select('code', 'id')).map((u: any) => [u.code, u.id]),
    );
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given group weights that add up to 0.9 and indicator weights to 1.1, then 400 names both places and nothing is stored', async () => {
    const doc = small('bad-weights');
    doc.groups[0].weight = 0.5;
    doc.groups[1].indicators[0].weight = 0.6;
    const res = await admin.post('/api/scorecard/methodologies', doc);
    expect(res.status).toBe(400);
    expect(fieldPaths(res).sort()).toEqual(['groups', 'groups.1.indicators']);
    expect(await okno.deps.db.knex('sc_methodologies').where({ code: 'bad-weights' }).first()).toBeUndefined();
  });

  it('given weights off by less than 0.0001, then they are accepted', async () => {
    const doc = small('almost');
    doc.groups[0].weight = 0.60005;
    expect((await admin.post('/api/scorecard/methodologies', doc)).status).toBe(201);
  });

  it('given overlapping ranges or a computed level without a range, then 400 on the levels', async () => {
    const doc = small('overlap');
    doc.groups[0].indicators[0].levels[1] = level('L2', 100, 40, 90);
    doc.groups[1].indicators[1].levels[0] = level('L1', 1, null, null);
    const res = await admin.post('/api/scorecard/methodologies', doc);
    expect(res.status).toBe(400);
    expect(fieldPaths(res)).toEqual(
      expect.arrayContaining(['groups.0.indicators.0.levels', 'groups.1.indicators.1.levels.0']),
    );
  });

  it('given a methodology, when exported as XLSX and imported with a changed weight, then the import is rejected; unchanged it round-trips', async () => {
    const created = await admin.post('/api/scorecard/methodologies', small('roundtrip'));
    const xlsx = await admin.get(`/api/scorecard/methodologies/${created.body.id}/export?format=xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    wb.getWorksheet('methodology')!.getRow(1).getCell(2).value = 'roundtrip-2';
    const good = await admin.upload(
      '/api/scorecard/methodologies/import',
      upload(await wb.xlsx.writeBuffer(), 'm.xlsx'),
    );
    expect(good.status).toBe(201);
    expect(good.body.groups).toEqual(created.body.groups);
    const levels = wb.getWorksheet('levels')!;
    levels.getRow(2).getCell(3).value = 0.7; // group weight of "services"
    wb.getWorksheet('methodology')!.getRow(1).getCell(2).value = 'roundtrip-3';
    const bad = await admin.upload(
      '/api/scorecard/methodologies/import',
      upload(await wb.xlsx.writeBuffer(), 'm.xlsx'),
    );
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad)).toContain('groups');
  });

  it('given a methodology, when exported as JSON and imported under a new code, then it is the same document', async () => {
    const created = await admin.post('/api/scorecard/methodologies', small('json-1'));
    const json = await admin.get(`/api/scorecard/methodologies/${created.body.id}/export?format=json`);
    expect(json.headers.get('content-disposition')).toContain('methodology-json-1.json');
    const doc = { ...json.body, code: 'json-2' };
    const imported = await admin.upload('/api/scorecard/methodologies/import', upload(JSON.stringify(doc), 'm.json'));
    expect(imported.status).toBe(201);
    expect(imported.body.groups).toEqual(created.body.groups);
    expect((await admin.upload('/api/scorecard/methodologies/import', upload('not a file', 'x.txt'))).status).toBe(400);
  });

  it('given inputs for a department, then the score is Σ group weight × Σ indicator weight × points, with a breakdown', async () => {
    const m = await admin.post('/api/scorecard/methodologies', small('eval'));
    const res = await admin.post(`/api/scorecard/methodologies/${m.body.id}/evaluations`, {
      unitId: units['dep-housing'],
      year: 2025,
      inputs: { satisfaction: { value: 91 }, 'open-data': { level: 'L2' }, site: { value: 2 } },
    });
    expect(res.status).toBe(200);
    // 0.6 × 300 + 0.4 × (0.5 × 200 + 0.5 × 1) = 180 + 40.2 = 220.2
    expect(res.body.score).toBeCloseTo(220.2, 6);
    expect(res.body.breakdown[1].indicators.map((i: any) => [i.code, i.points])).toEqual([
      ['open-data', 200],
      ['site', 1],
    ]);
    const again = await admin.post(`/api/scorecard/methodologies/${m.body.id}/evaluations`, {
      unitId: units['dep-housing'],
      year: 2025,
      inputs: { satisfaction: { value: 40 }, 'open-data': { level: 'L1' }, site: { value: 5 } },
    });
    expect(again.body.id).toBe(res.body.id);
    const list = await manager.get(`/api/scorecard/methodologies/${m.body.id}/evaluations?year=2025`);
    expect(list.body).toMatchObject({
      total: 1,
      items: [{ unitName: 'Жилищное управление', score: again.body.score }],
    });
  });

  it('given bad evaluation inputs or a division, then 400 per indicator', async () => {
    const m = await admin.post('/api/scorecard/methodologies', small('eval-bad'));
    const res = await admin.post(`/api/scorecard/methodologies/${m.body.id}/evaluations`, {
      unitId: units['dep-housing'],
      year: 2025,
      inputs: { satisfaction: { value: 91 }, 'open-data': { value: 3 }, extra: { value: 1 } },
    });
    expect(res.status).toBe(400);
    expect(fieldPaths(res).sort()).toEqual(['inputs.extra', 'inputs.open-data', 'inputs.site']);
    const division = await admin.post(`/api/scorecard/methodologies/${m.body.id}/evaluations`, {
      unitId: units['dep-housing-accounting'],
      year: 2025,
      inputs: {},
    });
    expect(fieldPaths(division)).toEqual(['unitId']);
  });

  it('given an evaluated methodology, then it can be neither replaced nor deleted (409), so old scores never change', async () => {
    const id = (await admin.get('/api/scorecard/methodologies?pageSize=200')).body.items.find(
      (x: any) => x.code === DEMO_METHODOLOGY.code,
    ).id;
    expect((await admin.put(`/api/scorecard/methodologies/${id}`, small(DEMO_METHODOLOGY.code))).status).toBe(409);
    expect((await admin.delete(`/api/scorecard/methodologies/${id}`)).status).toBe(409);
    const ratings = await admin.get(`/api/scorecard/methodologies/${id}/evaluations`);
    expect(ratings.body.items.map((r: any) => r.unitName)).toEqual([
      'Департамент архитектуры, строительства и землепользования',
      'Жилищное управление',
      'Департамент муниципальной собственности',
    ]);
  });

  it('given a manager, then they read methodologies (list, one, export) but every write is refused (403)', async () => {
    expect((await manager.post('/api/scorecard/methodologies', small('mgr'))).status).toBe(403);
    const list = await manager.get('/api/scorecard/methodologies?pageSize=200');
    expect(list.status).toBe(200);
    const demo = list.body.items.find((x: any) => x.code === DEMO_METHODOLOGY.code);
    const one = await manager.get(`/api/scorecard/methodologies/${demo.id}`);
    expect(one.body).toMatchObject({ code: DEMO_METHODOLOGY.code, groups: expect.any(Array) });
    expect((await manager.get(`/api/scorecard/methodologies/${demo.id}/export?format=json`)).status).toBe(200);
    expect((await manager.put(`/api/scorecard/methodologies/${demo.id}`, small(DEMO_METHODOLOGY.code))).status).toBe(
      403,
    );
    expect((await manager.delete(`/api/scorecard/methodologies/${demo.id}`)).status).toBe(403);
    expect(
      (await manager.post(`/api/scorecard/methodologies/${demo.id}/evaluations`, { unitId: 1, year: 2025, inputs: {} }))
        .status,
    ).toBe(403);
  });
});

describe('roadmap over HTTP', () => {
  let okno: TestOkno;
  let admin: ApiClient;
  let manager: ApiClient;
  let specialist: ApiClient;

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    await seedScorecardDemo(okno.deps.db.knex, okno.clock.now(), okno.deps.config.TIME_ZONE);
    admin = await okno.signIn('admin@okno.local');
    manager = await okno.signIn('manager@okno.local');
    specialist = await okno.signIn('specialist@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the demo roadmap, then the series has plan and fact per year with achievement respecting direction', async () => {
    const res = await manager.get('/api/scorecard/roadmap/series');
    expect(res.status).toBe(200);
    const year = Number(TEST_NOW.slice(0, 4));
    expect(res.body.years).toEqual([year - 2, year - 1, year, year + 1]);
    const queue = res.body.indicators.find((i: any) => i.code === 'queue-wait');
    expect(queue).toMatchObject({
      direction: 'lower',
      plan: [15, 15, 15, 12],
      fact: [17, 14.2, 12.8, null],
      achieved: [false, true, true, null],
    });
  });

  it('given an admin, when they add an indicator and its values, then the list shows them; bad values give 400', async () => {
    const created = await admin.post('/api/scorecard/roadmap/indicators', {
      code: 'mfc-windows',
      name: 'Число окон МФЦ',
      unit: 'шт.',
    });
    expect(created.status).toBe(201);
    const set = await admin.put(`/api/scorecard/roadmap/indicators/${created.body.id}/values`, {
      values: [
        { year: 2026, plan: 50, fact: 48 },
        { year: 2027, plan: 55 },
      ],
    });
    expect(set.body.values).toEqual([
      { year: 2026, plan: 50, fact: 48 },
      { year: 2027, plan: 55, fact: null },
    ]);
    const factOnly = await admin.put(`/api/scorecard/roadmap/indicators/${created.body.id}/values`, {
      values: [{ year: 2027, fact: 53 }],
    });
    expect(factOnly.body.values[1]).toEqual({ year: 2027, plan: 55, fact: 53 });
    const bad = await admin.put(`/api/scorecard/roadmap/indicators/${created.body.id}/values`, {
      values: [{ year: 1900, plan: 'x' }],
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad).sort()).toEqual(['values.0.plan', 'values.0.year']);
    const list = await manager.get('/api/scorecard/roadmap/indicators?pageSize=100');
    expect(list.body.total).toBe(8);
    const series = await manager.get('/api/scorecard/roadmap/series?from=2026&to=2027');
    expect(series.body.indicators.find((i: any) => i.code === 'mfc-windows')).toMatchObject({
      plan: [50, 55],
      fact: [48, 53],
      achieved: [false, false],
    });
  });

  it('given a manager or a specialist, then writes are refused (403) and a specialist cannot read (403)', async () => {
    expect((await manager.post('/api/scorecard/roadmap/indicators', { code: 'x', name: 'x', unit: '%' })).status).toBe(
      403,
    );
    expect((await specialist.get('/api/scorecard/roadmap/series')).status).toBe(403);
  });

  it('given a duplicate code, then 409; deleting removes the indicator and its values', async () => {
    expect(
      (await admin.post('/api/scorecard/roadmap/indicators', { code: 'satisfaction', name: 'dup', unit: '%' })).status,
    ).toBe(409);
    const id = (await manager.get('/api/scorecard/roadmap/indicators?pageSize=100')).body.items.find(
      (i: any) => i.code === 'mfc-windows',
    ).id;
    expect((await admin.delete(`/api/scorecard/roadmap/indicators/${id}`)).status).toBe(204);
    expect((await manager.get(`/api/scorecard/roadmap/indicators/${id}`)).status).toBe(404);
  });
});
