import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadSampleServices,
  publishServicesDemo,
  seedServicesDemo,
  WORKFLOWS_DIR,
} from '../../../../server/features/services/services.seed.js';
import { ServicesService } from '../../../../server/features/services/services.service.js';
import { buildBpmn, jobExtensions } from '../../../../server/features/services/bpmn.builder.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import type { ApiClient } from '../../../helpers/api.js';

const advertXml = fs.readFileSync(path.join(WORKFLOWS_DIR, 'advert-permit.bpmn'), 'utf8');

/** An archive certificate: a regulation without user tasks, so an engine that deploys service tasks can run it. */
function archiveCertificate(
  applicationTitle = 'Запрос о выдаче архивной справки',
  code = 'archive-certificate',
  title = 'Выдача архивной справки',
): string {
  return buildBpmn({
    id: code,
    name: title,
    extensions: [
      `      <okno:service code="${code}" title="${title}" department="mfc-central" fee="0">`,
      '        <okno:deadline value="15" unit="workingDays" />',
      '        <okno:result code="issued" title="Архивная справка" />',
      '        <okno:channel kind="portal" title="Портал госуслуг" />',
      '      </okno:service>',
      '      <okno:situations><okno:situation code="EPredstav" title="Через представителя" /></okno:situations>',
      '      <okno:questionnaire><okno:question id="Q_Rep" text="Кто подаёт запрос?"><okno:option id="O_Self" text="Лично" /><okno:option id="O_Rep" text="Представитель" situations="EPredstav" /></okno:question></okno:questionnaire>',
      `      <okno:documents><okno:document code="D_Request" kind="archive-request" title="${applicationTitle}" /><okno:document code="D_Poa" kind="power-of-attorney" title="Доверенность" requiredFor="EPredstav" /></okno:documents>`,
    ].join('\n'),
    nodes: [
      { id: 'StartEvent_Request', kind: 'startEvent', name: 'Запрос поступил' },
      {
        id: 'Task_Notify',
        kind: 'serviceTask',
        name: 'Уведомить заявителя',
        extensions: jobExtensions('notify-applicant'),
      },
      { id: 'EndEvent_Done', kind: 'endEvent', name: 'Справка выдана' },
    ],
    flows: [
      { from: 'StartEvent_Request', to: 'Task_Notify' },
      { from: 'Task_Notify', to: 'EndEvent_Done' },
    ],
  });
}

describe('publishing through the embedded engine', () => {
  let okno: TestOkno;
  let analyst: ApiClient;
  beforeAll(async () => {
    okno = await startTestOkno();
    analyst = await okno.signIn('analyst@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given a valid service, when published twice, then v1 and v2 are recorded with who/when/comment and engine keys, the catalogue serves v2 and a case started on v1 stays on v1', async () => {
    expect(
      (
        await analyst.post('/api/services', {
          code: 'archive-certificate',
          title: 'Выдача архивной справки',
          department: 'mfc-central',
          xml: archiveCertificate(),
        })
      ).status,
    ).toBe(201);
    const v1 = await analyst.post('/api/services/archive-certificate/publish', { comment: 'Первая редакция' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({
      code: 'archive-certificate',
      version: 1,
      processVersion: 1,
      processDefinitionKey: expect.stringMatching(/^\d+$/),
    });
    expect((await okno.anonymous().get('/api/catalogue/services')).body.items).toEqual([
      expect.objectContaining({
        code: 'archive-certificate',
        version: 1,
        deadline: { value: 15, unit: 'workingDays' },
        fee: 0,
        departmentName: 'МФЦ «Центральный»',
      }),
    ]);

    // A case started on v1, through the same SDK the front office uses.
    const zeebe = okno.deps.engine.sdk()!.getZeebeGrpcApiClient();
    const caseOnV1 = await zeebe.createProcessInstance({
      bpmnProcessId: 'archive-certificate',
      variables: { caseId: 'C-1', situations: [] },
    });
    expect(caseOnV1.version).toBe(1);

    const draft = (await analyst.get('/api/services/archive-certificate')).body;
    expect(draft).toMatchObject({ status: 'published', latestVersion: 1, hasUnpublishedChanges: false });
    await analyst.put('/api/services/archive-certificate/draft', {
      xml: archiveCertificate('Запрос о выдаче архивной справки (по форме № 1)'),
      forms: [],
    });
    expect((await analyst.get('/api/services/archive-certificate')).body.hasUnpublishedChanges).toBe(true);
    const v2 = await analyst.post('/api/services/archive-certificate/publish', { comment: 'Уточнена форма запроса' });
    expect(v2.body).toMatchObject({ version: 2, processVersion: 2 });
    expect(v2.body.processDefinitionKey).not.toBe(v1.body.processDefinitionKey);

    // The case started before stays on v1; a new case starts on v2.
    const caseOnV2 = await zeebe.createProcessInstance({
      bpmnProcessId: 'archive-certificate',
      variables: { caseId: 'C-2', situations: [] },
    });
    expect(caseOnV2).toMatchObject({ version: 2, processDefinitionKey: v2.body.processDefinitionKey });
    const jobs = await zeebe.activateJobs({
      type: 'notify-applicant',
      worker: 'services-test',
      timeout: 60_000,
      maxJobsToActivate: 10,
    });
    const versionOf = (instanceKey: string) =>
      jobs.find((j) => j.processInstanceKey === instanceKey)?.processDefinitionVersion;
    expect(versionOf(caseOnV1.processInstanceKey)).toBe(1);
    expect(versionOf(caseOnV2.processInstanceKey)).toBe(2);

    const operator = await okno.signIn('operator@okno.local');
    const versions = await operator.get('/api/services/archive-certificate/versions');
    expect(
      versions.body.items.map(
        (v: { version: number; comment: string; publishedByName: string; processVersion: number }) => [
          v.version,
          v.comment,
          v.publishedByName,
          v.processVersion,
        ],
      ),
    ).toEqual([
      [2, 'Уточнена форма запроса', 'Морозов Дмитрий Сергеевич', 2],
      [1, 'Первая редакция', 'Морозов Дмитрий Сергеевич', 1],
    ]);
    const one = await operator.get('/api/services/archive-certificate/versions/1');
    expect(one.body.xml).not.toContain('по форме № 1');
    expect(one.body.card.documents.map((d: { code: string }) => d.code)).toEqual(['D_Request', 'D_Poa']);
    expect((await operator.get('/api/services/archive-certificate/versions/9')).status).toBe(404);

    const checklist = await okno
      .anonymous()
      .post('/api/catalogue/services/archive-certificate/checklist', { answers: { Q_Rep: 'O_Rep' } });
    expect(checklist.status).toBe(200);
    expect(checklist.body).toMatchObject({
      situations: ['EPredstav'],
      variant: { code: 'default' },
      variables: { situations: ['EPredstav'], variant: 'default' },
    });
    expect(checklist.body.documents.map((d: { title: string }) => d.title)).toEqual([
      'Запрос о выдаче архивной справки (по форме № 1)',
      'Доверенность',
    ]);
    const bad = await okno
      .anonymous()
      .request(
        'POST',
        '/api/catalogue/services/archive-certificate/checklist',
        { answers: { Q_Rep: 'O_Nope' } },
        { 'accept-language': 'en' },
      );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toMatchObject({
      elementId: 'Q_Rep',
      code: 'answer_unknown_option',
      message: 'Option "O_Nope" does not belong to question "Q_Rep"',
    });
    const card = await okno.anonymous().get('/api/catalogue/services/archive-certificate');
    expect(card.body.questions[0].options.map((o: { id: string }) => o.id)).toEqual(['O_Self', 'O_Rep']);

    const audits = await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'service', action: 'publish' })
      .count({ n: '*' })
      .first();
    expect(Number((audits as { n: number }).n)).toBe(2);
  });

  it('given two published services, when composing a package, then its draft validates and "Try it" gives members and one merged checklist', async () => {
    const second = archiveCertificate(
      'Запрос о копии архивного документа',
      'archive-copy',
      'Выдача копии архивного документа',
    );
    expect(
      (
        await analyst.post('/api/services', {
          code: 'archive-copy',
          title: 'Выдача копии архивного документа',
          department: 'mfc-central',
          xml: second,
        })
      ).status,
    ).toBe(201);
    expect((await analyst.post('/api/services/archive-copy/publish', {})).status).toBe(201);
    const res = await analyst.post('/api/services/packages', {
      code: 'archive-package',
      title: 'Архивные документы',
      department: 'mfc-central',
      members: ['archive-certificate', 'archive-copy'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'package', status: 'draft' });
    expect(res.body.draft.forms.map((f: { id: string }) => f.id)).toEqual([
      'archive-package-intake',
      'archive-package-issue',
    ]);
    const v = await analyst.post('/api/services/archive-package/validate', {});
    expect(v.body.problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    const tried = await analyst.post('/api/services/archive-package/try', {
      answers: { Q_Rep: 'O_Rep', Q_Services: ['O_archive-certificate', 'O_archive-copy'] },
    });
    expect(tried.status).toBe(200);
    expect(tried.body.problems).toEqual([]);
    // Both members ask "who applies" alike: the package asks it once.
    expect(tried.body.asked).toEqual(['Q_Rep', 'Q_Services']);
    expect(
      tried.body.members.map((m: { service: string; processId: string; variant: string; version: number }) => [
        m.service,
        m.processId,
        m.variant,
        m.version,
      ]),
    ).toEqual([
      ['archive-certificate', 'archive-certificate', 'default', 2],
      ['archive-copy', 'archive-copy', 'default', 1],
    ]);
    // Both members ask for a document of kind archive-request: the package's checklist lists it once.
    expect(tried.body.documents.map((d: { kind: string }) => d.kind)).toEqual(['archive-request', 'power-of-attorney']);
    expect(tried.body.variables.members).toEqual([
      { service: 'archive-certificate', processId: 'archive-certificate', variant: 'default' },
      { service: 'archive-copy', processId: 'archive-copy', variant: 'default' },
    ]);
    const onlyCopy = await analyst.post('/api/services/archive-package/try', {
      answers: { Q_Rep: 'O_Self', Q_Services: ['O_archive-copy'] },
    });
    expect(onlyCopy.body.members.map((m: { service: string }) => m.service)).toEqual(['archive-copy']);
    expect(onlyCopy.body.documents.map((d: { kind: string }) => d.kind)).toEqual(['archive-request']);
  });
});

describe('publishing without an engine', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given no engine, when publishing a valid service, then 503 and nothing is recorded', async () => {
    const analyst = await okno.signIn('analyst@okno.local');
    expect(
      (
        await analyst.post('/api/services', {
          code: 'archive-certificate',
          title: 'Выдача архивной справки',
          department: 'mfc-central',
          xml: archiveCertificate(),
        })
      ).status,
    ).toBe(201);
    const res = await analyst.post('/api/services/archive-certificate/publish', { comment: 'v1' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('engine_unavailable');
    expect(await okno.deps.db.knex('service_versions').count({ n: '*' }).first()).toEqual({ n: 0 });
    expect((await analyst.get('/api/services/archive-certificate')).body.status).toBe('draft');
  });
});

describe('publishing when the engine does not answer', () => {
  let okno: TestOkno;
  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'external', ZEEBE_GRPC_ADDRESS: 'grpc://127.0.0.1:1' });
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given an unreachable engine, when publishing a valid draft, then 502 and nothing is recorded', async () => {
    const analyst = await okno.signIn('analyst@okno.local');
    const res = await analyst.post('/api/services/advert-permit/publish', { comment: 'v1' });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('engine_deploy_failed');
    expect(await okno.deps.db.knex('service_versions').count({ n: '*' }).first()).toEqual({ n: 0 });
    expect((await analyst.get('/api/services/advert-permit')).body.status).toBe('draft');
    expect((await okno.anonymous().get('/api/catalogue/services')).body.items).toEqual([]);
  }, 60_000);
});

describe('services API', () => {
  let okno: TestOkno;
  let analyst: ApiClient;
  let operator: ApiClient;
  const count = async (table: string) =>
    Number(((await okno.deps.db.knex(table).count({ n: '*' }).first()) as { n: number }).n);

  beforeAll(async () => {
    okno = await startTestOkno();
    analyst = await okno.signIn('analyst@okno.local');
    operator = await okno.signIn('operator@okno.local');
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given the demo seed ran at start, when run again, then the seven samples exist once as drafts', async () => {
    expect(await seedServicesDemo(okno.deps.db.knex)).toEqual([]);
    const codes = (await okno.deps.db.knex('services').orderBy('code').pluck('code')) as string[];
    expect(codes).toEqual([
      'advert-permit',
      'child-birth',
      'construction-permit',
      'housing-need',
      'housing-subsidy',
      'land-plot-large-family',
      'relocation',
    ]);
    const list = await operator.get('/api/services?status=draft&pageSize=50');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { code: string }) => s.code)).toEqual(
      expect.arrayContaining(['advert-permit', 'child-birth', 'housing-need', 'housing-subsidy', 'relocation']),
    );
  });

  it('given services, when listing with search, department and paging, then items and total follow the filters', async () => {
    const byDept = await analyst.get('/api/services?department=dep-housing');
    expect(byDept.body.items.map((s: { code: string }) => s.code).sort()).toEqual(['housing-need', 'housing-subsidy']);
    const packages = await analyst.get('/api/services?kind=package');
    expect(packages.body.items.map((s: { code: string }) => s.code).sort()).toEqual(['child-birth', 'relocation']);
    const search = await analyst.get(`/api/services?search=${encodeURIComponent('рекламной конструкции')}`);
    expect(search.body).toMatchObject({
      total: 1,
      page: 1,
      items: [{ code: 'advert-permit', status: 'draft', kind: 'service', latestVersion: null }],
    });
    const page2 = await analyst.get('/api/services?pageSize=3&page=2');
    expect(page2.body).toMatchObject({ page: 2, pageSize: 3 });
    expect(page2.body.items.length).toBe(Math.min(3, page2.body.total - 3));
    expect(page2.body.total).toBe(7);
    expect((await analyst.get('/api/services?pageSize=1000')).status).toBe(400);
  });

  it('given an analyst, when creating a service without XML, then a valid skeleton draft is made; an operator may not create', async () => {
    const res = await analyst.post('/api/services', {
      code: 'land-plot',
      title: 'Предоставление земельного участка многодетной семье',
      department: 'dep-arch',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'land-plot', status: 'draft', draft: { revision: 1 } });
    expect(res.body.draft.xml).toContain('<okno:service code="land-plot"');
    const v = await analyst.post('/api/services/land-plot/validate', {});
    expect(v.body.problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    const quoted = await analyst.post('/api/services', {
      code: 'family-info',
      title: 'Справка "о составе семьи" & выписка <из домовой книги>',
      department: 'mfc-central',
    });
    expect(quoted.status).toBe(201);
    expect(quoted.body.title).toBe('Справка "о составе семьи" & выписка <из домовой книги>');
    expect(
      (await operator.post('/api/services', { code: 'x-service', title: 'Нет', department: 'dep-arch' })).status,
    ).toBe(403);
    expect(
      (await analyst.post('/api/services', { code: 'land-plot', title: 'Дубль', department: 'dep-arch' })).status,
    ).toBe(409);
  });

  it('given malformed XML, an unknown element, a FEEL syntax error or a broken tree, when saving a draft, then 400 with element, field and message and nothing is saved', async () => {
    const before = (await analyst.get('/api/services/advert-permit')).body.draft;
    const cases: [string, string, string][] = [
      ['<bpmn:definitions', 'xml_malformed', '(document)'],
      [advertXml.replace('<okno:documents>', '<okno:documents><okno:bogus />'), 'xml_unknown_element', 'advert-permit'],
      [
        advertXml.replace('=decision = &quot;approve&quot;', '=decision = = ('),
        'feel_syntax',
        'Flow_Decision_PrepareResult_',
      ],
      [
        advertXml.replace(
          '<okno:option id="O_Small"',
          '<okno:option id="O_Large" text="x" /><okno:option id="O_Small"',
        ),
        'id_duplicate',
        'O_Large',
      ],
    ];
    for (const [xml, code, elementId] of cases) {
      const res = await analyst.put('/api/services/advert-permit/draft', { xml, forms: before.forms });
      expect(res.status, code).toBe(400);
      expect(res.body.error.code).toBe('service_invalid');
      const problem = res.body.error.details.problems.find((p: { code: string }) => p.code === code);
      expect(problem, code).toMatchObject({ field: expect.any(String), message: expect.any(String) });
      expect(problem.elementId.startsWith(elementId), `${code}: ${problem.elementId}`).toBe(true);
    }
    const after = (await analyst.get('/api/services/advert-permit')).body.draft;
    expect(after.revision).toBe(before.revision);
    expect(after.xml).toBe(before.xml);
  });

  it('given English in Accept-Language, when a draft is invalid, then messages are in English; Ukrainian likewise', async () => {
    const xml = advertXml.replace(/candidateGroups="arch-permits"/g, 'candidateGroups="ghosts"');
    const en = await analyst.request(
      'POST',
      '/api/services/advert-permit/validate',
      { xml },
      { 'accept-language': 'en-GB,en;q=0.9' },
    );
    expect(en.body.valid).toBe(false);
    expect(en.body.problems.find((p: { code: string }) => p.code === 'candidate_group_unknown').message).toBe(
      'Group "ghosts" is not in the org structure',
    );
    const uk = await analyst.request(
      'POST',
      '/api/services/advert-permit/validate',
      { xml },
      { 'accept-language': 'uk' },
    );
    expect(uk.body.problems.find((p: { code: string }) => p.code === 'candidate_group_unknown').message).toMatch(
      /^Групу «ghosts»/,
    );
  });

  it('given a draft edit with a stale revision, then 409; with the current one, then saved and revision bumped', async () => {
    const cur = (await analyst.get('/api/services/housing-subsidy')).body.draft;
    const xml = cur.xml.replace('Платёжные документы', 'Квитанции');
    expect(
      (await analyst.put('/api/services/housing-subsidy/draft', { xml, forms: cur.forms, revision: cur.revision + 5 }))
        .status,
    ).toBe(409);
    const ok = await analyst.put('/api/services/housing-subsidy/draft', {
      xml,
      forms: cur.forms,
      revision: cur.revision,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.draft.revision).toBe(cur.revision + 1);
    const audit = await okno.deps.db
      .knex('audit_log')
      .where({ entity: 'service', action: 'update_draft' })
      .count({ n: '*' })
      .first();
    expect(Number((audit as { n: number }).n)).toBeGreaterThan(0);
  });

  it('given "Try it" on the draft, when answering as a large structure through a representative, then documents and variant follow', async () => {
    const res = await analyst.post('/api/services/advert-permit/try', {
      answers: {
        Q_ApplicantType: 'O_LegalEntity',
        Q_Representative: 'O_Representative',
        Q_Owner: 'O_NotOwner',
        Q_ApartmentBuilding: 'O_ApartmentBuilding',
        Q_Size: 'O_Large',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.variant).toEqual({
      code: 'large',
      title: 'Крупная конструкция: согласование с комиссией по наружной рекламе',
    });
    expect(res.body.situations).toEqual(['EZayavYr', 'EPredstav', 'EZayavNeSoblm', 'EIsplmDom', 'EReklBol']);
    const docs = res.body.documents.map((d: { code: string }) => d.code);
    expect(docs).toEqual(
      expect.arrayContaining([
        'D_PowerOfAttorney',
        'D_Egrul',
        'D_OwnerConsent',
        'D_MeetingMinutes',
        'D_StrengthReport',
      ]),
    );
    expect(docs).not.toContain('D_Egrip');
    expect(res.body.deadline).toEqual({ value: 30, unit: 'workingDays' });
    // The route: the commission's approval is on it; the decision is not known yet, so both outcomes are.
    expect(res.body.route.elements).toEqual(
      expect.arrayContaining([
        'Task_CommissionApproval',
        'Task_PrepareResult',
        'Task_PrepareRefusal',
        'Task_ReplyOverdue',
        'EndEvent_Done',
      ]),
    );
    expect(res.body.route.undetermined).toEqual([expect.stringMatching(/^Flow_Decision_PrepareResult/)]);
    const small = await analyst.post('/api/services/advert-permit/try', {
      answers: { Q_ApplicantType: 'O_Individual', Q_Representative: 'O_Self', Q_Owner: 'O_Owner', Q_Size: 'O_Small' },
    });
    expect(small.body.variant.code).toBe('standard');
    expect(small.body.route.elements).not.toContain('Task_CommissionApproval');
    expect(small.body.route.elements).toContain('Gateway_VariantJoin');
  });

  it('given unsaved editor XML, when trying it, then the answers are evaluated on that XML and the stored draft is unchanged; malformed XML gives 400 with field details', async () => {
    const before = (await analyst.get('/api/services/advert-permit')).body.draft;
    const answers = {
      Q_ApplicantType: 'O_Individual',
      Q_Representative: 'O_Self',
      Q_Owner: 'O_Owner',
      Q_Size: 'O_Large',
    };
    // The analyst's unsaved change: "more than 15 m²" now also switches on a lighting situation that requires a new document.
    const xml = before.xml
      .replace(/(<okno:option id="O_Large"[^>]*situations=")([^"]*)"/, '$1$2 ELight"')
      .replace(
        '</okno:situations>',
        '<okno:situation code="ELight" title="Конструкция с подсветкой" /></okno:situations>',
      )
      .replace(
        '</okno:documents>',
        '<okno:document code="D_LightProject" kind="light-project" title="Проект подсветки рекламной конструкции" requiredFor="ELight" /></okno:documents>',
      );
    expect(xml).toContain('ELight"');
    const stored = await analyst.post('/api/services/advert-permit/try', { answers });
    expect(stored.status).toBe(200);
    expect(stored.body.documents.map((d: { code: string }) => d.code)).not.toContain('D_LightProject');
    const unsaved = await analyst.post('/api/services/advert-permit/try', { answers, xml });
    expect(unsaved.status).toBe(200);
    expect(unsaved.body.situations).toContain('ELight');
    expect(unsaved.body.documents.map((d: { code: string }) => d.code)).toContain('D_LightProject');
    expect(unsaved.body.variant.code).toBe('large');
    expect(unsaved.body.route.elements).toContain('Task_CommissionApproval');

    const malformed = await analyst.post('/api/services/advert-permit/try', { answers, xml: '<bpmn:definitions' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('service_invalid');
    expect(malformed.body.error.details.problems[0]).toMatchObject({
      elementId: '(document)',
      field: 'xml',
      code: 'xml_malformed',
      message: expect.any(String),
    });
    const otherService = await analyst.post('/api/services/advert-permit/try', {
      answers,
      xml: xml.replaceAll('advert-permit', 'other-permit'),
    });
    expect(otherService.status).toBe(400);
    expect(otherService.body.error.details.problems.map((p: { code: string }) => p.code)).toContain('code_mismatch');
    const notText = await analyst.post('/api/services/advert-permit/try', { answers, xml: 42 });
    expect(notText.status).toBe(400);
    expect(notText.body.error.details.fields).toEqual([expect.objectContaining({ path: 'xml' })]);
    expect((await operator.post('/api/services/advert-permit/try', { answers, xml })).status).toBe(403);

    const after = (await analyst.get('/api/services/advert-permit')).body.draft;
    expect(after.revision).toBe(before.revision);
    expect(after.xml).toBe(before.xml);
  });

  it('given a draft with errors, when publishing, then 400 with the problems and no version is recorded', async () => {
    const cur = (await analyst.get('/api/services/land-plot')).body.draft;
    await analyst.put('/api/services/land-plot/draft', {
      xml: cur.xml.replace('candidateGroups="mfc-operators"', 'candidateGroups="nobody"'),
      forms: [],
    });
    const res = await analyst.post('/api/services/land-plot/publish', { comment: 'не должно пройти' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems.map((p: { code: string }) => p.code)).toContain('candidate_group_unknown');
    expect(await count('service_versions')).toBe(0);
  });

  it('given a valid draft and a deploying engine, when publishing twice, then v1 and v2 are recorded with the engine keys and the catalogue shows v2', async () => {
    const v1 = await analyst.post('/api/services/advert-permit/publish', { comment: 'Первая редакция' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({
      version: 1,
      processVersion: expect.any(Number),
      processDefinitionKey: expect.any(String),
    });
    const cur = (await analyst.get('/api/services/advert-permit')).body.draft;
    await analyst.put('/api/services/advert-permit/draft', {
      xml: cur.xml.replace('Эскиз рекламной конструкции', 'Эскиз (дизайн-проект) рекламной конструкции'),
      forms: cur.forms,
    });
    const v2 = await analyst.post('/api/services/advert-permit/publish', { comment: 'Уточнён перечень' });
    expect(v2.body.version).toBe(2);
    const versions = await operator.get('/api/services/advert-permit/versions');
    expect(
      versions.body.items.map((v: { version: number; comment: string; publishedByName: string }) => [
        v.version,
        v.comment,
        v.publishedByName,
      ]),
    ).toEqual([
      [2, 'Уточнён перечень', 'Морозов Дмитрий Сергеевич'],
      [1, 'Первая редакция', 'Морозов Дмитрий Сергеевич'],
    ]);
    const one = await operator.get('/api/services/advert-permit/versions/1');
    expect(one.body.xml).not.toContain('дизайн-проект');
    const catalogue = await okno.anonymous().get('/api/catalogue/services');
    expect(catalogue.body.items).toEqual([expect.objectContaining({ code: 'advert-permit', version: 2 })]);
    const bySituation = await okno
      .anonymous()
      .get(`/api/catalogue/services?search=${encodeURIComponent('многоквартирного дома')}`);
    expect(bySituation.body.items.map((s: { code: string }) => s.code)).toEqual(['advert-permit']);
    const checklist = await okno.anonymous().post('/api/catalogue/services/advert-permit/checklist', {
      answers: { Q_ApplicantType: 'O_Individual', Q_Representative: 'O_Self', Q_Owner: 'O_Owner', Q_Size: 'O_Small' },
    });
    expect(checklist.body.variant.code).toBe('standard');
    expect(checklist.body.documents.map((d: { title: string }) => d.title)).toContain(
      'Эскиз (дизайн-проект) рекламной конструкции с привязкой к месту установки (фотомонтаж)',
    );
  });

  it('given a service, when cloning it, then a draft with the new code, process id and title exists and validates', async () => {
    const res = await analyst.post('/api/services/advert-permit/clone', {
      code: 'advert-permit-temp',
      title: 'Разрешение на временную рекламную конструкцию',
    });
    expect(res.status).toBe(201);
    expect(res.body.draft.xml).toContain(
      '<bpmn:process id="advert-permit-temp" name="Разрешение на временную рекламную конструкцию"',
    );
    expect(res.body.draft.xml).toContain('code="advert-permit-temp"');
    const v = await analyst.post('/api/services/advert-permit-temp/validate', {});
    expect(v.body.problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    expect(
      (await analyst.post('/api/services/advert-permit/clone', { code: 'advert-permit-temp', title: 'Ещё раз' }))
        .status,
    ).toBe(409);
  });

  it('given an exported service file, when imported under a new code or over its own draft, then it round-trips; a bad file gives 400 and nothing saved', async () => {
    const exp = await analyst.get('/api/services/housing-need/export');
    expect(exp.status).toBe(200);
    expect(exp.headers.get('content-disposition')).toBe('attachment; filename="housing-need.okno.json"');
    expect(exp.body).toMatchObject({ format: 'okno-service', formatVersion: 1, code: 'housing-need' });
    expect(exp.body.forms.map((f: { id: string }) => f.id)).toContain('housing-intake');
    expect((await analyst.post('/api/services/import', exp.body)).status).toBe(409);
    const replaced = await analyst.post('/api/services/import?replace=true', exp.body);
    expect(replaced.status).toBe(201);
    expect(replaced.body.draft.xml).toBe(exp.body.xml);
    const before = await count('services');
    const bad = await analyst.post('/api/services/import', { ...exp.body, code: 'housing-need-copy' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toMatchObject({ code: 'code_mismatch', field: 'okno:service.code' });
    expect((await analyst.post('/api/services/import', { format: 'zip', code: 'x' })).status).toBe(400);
    expect(await count('services')).toBe(before);
  });

  it('given member services that are not published, when composing a package, then 400 names them', async () => {
    const res = await analyst.post('/api/services/packages', {
      code: 'birth',
      title: 'Рождение ребёнка',
      department: 'mfc-central',
      members: ['housing-need', 'no-such-service'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems.map((p: { message: string }) => p.message).join(' ')).toMatch(
      /no-such-service/,
    );
  });

  it('given published members, when composing a package and asking its checklist, then members, merged documents and variants come back', async () => {
    for (const code of ['housing-need', 'housing-subsidy'])
      expect((await analyst.post(`/api/services/${code}/publish`, { comment: 'для пакета' })).status).toBe(201);
    const res = await analyst.post('/api/services/packages', {
      code: 'relocation-2',
      title: 'Смена места жительства (копия)',
      department: 'mfc-central',
      members: ['housing-need', 'housing-subsidy'],
    });
    expect(res.status).toBe(201);
    expect((await analyst.post('/api/services/relocation-2/publish', {})).status).toBe(201);
    const checklist = await okno.anonymous().post('/api/catalogue/services/relocation-2/checklist', {
      answers: {
        Q_Representative: 'O_Self',
        Q_Services: ['O_housing-need', 'O_housing-subsidy'],
        housing_need__Q_Grounds: ['housing_need__O_Unfit'],
        housing_need__Q_Property: 'housing_need__O_NoProperty',
        housing_subsidy__Q_Tenure: 'housing_subsidy__O_Lease',
        housing_subsidy__Q_Benefits: 'housing_subsidy__O_NoBenefits',
      },
    });
    expect(checklist.status).toBe(200);
    expect(
      checklist.body.members.map((m: { service: string; variant: string | null }) => [m.service, m.variant]),
    ).toEqual([
      ['housing-need', 'priority'],
      ['housing-subsidy', 'default'],
    ]);
    const kinds = checklist.body.documents.map((d: { kind: string }) => d.kind);
    expect(kinds.filter((k: string) => k === 'passport')).toHaveLength(1);
  });

  it('given the public catalogue, when a service is unknown or unpublished, then 404; bad answers give 400', async () => {
    expect((await okno.anonymous().get('/api/catalogue/services/land-plot')).status).toBe(404);
    expect((await okno.anonymous().post('/api/catalogue/services/land-plot/checklist', { answers: {} })).status).toBe(
      404,
    );
    expect((await okno.anonymous().post('/api/catalogue/services/land-plot/checklist', { answers: 5 })).status).toBe(
      400,
    );
  });

  it('given a deploying engine, then every sample in workflows/ publishes (members before packages)', async () => {
    const actor = { userId: null, requestId: 'test', ip: '127.0.0.1' };
    await publishServicesDemo(
      new ServicesService(okno.deps.db.knex, okno.deps.engine, okno.clock, okno.deps.validation),
      okno.deps.db.knex,
      actor,
    );
    const list = await analyst.get('/api/services?pageSize=100');
    for (const code of [
      'advert-permit',
      'child-birth',
      'construction-permit',
      'housing-need',
      'housing-subsidy',
      'land-plot-large-family',
      'relocation',
    ]) {
      expect(list.body.items.find((s: { code: string }) => s.code === code)?.status, code).toBe('published');
    }
  });

  it('given the sample package, then its questionnaire is loaded from workflows/ with its members', async () => {
    const pkg = (await loadSampleServices()).find((s) => s.code === 'relocation')!;
    expect(pkg).toMatchObject({
      kind: 'package',
      members: ['housing-need', 'housing-subsidy'],
      department: 'mfc-central',
    });
    expect(pkg.forms.map((f) => f.id).sort()).toEqual(['relocation-intake', 'relocation-issue']);
  });
});
