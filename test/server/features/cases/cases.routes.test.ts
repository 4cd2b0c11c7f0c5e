import { ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CreateCaseRequest } from '../../../../server/contract/cases.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import type { ApiClient } from '../../../helpers/api.js';

/** The advertising permit for a legal entity through a representative, a structure over 15 m² (EZayavYr, EPredstav, EReklBol). */
const LARGE_BY_REPRESENTATIVE = {
  Q_ApplicantType: 'O_LegalEntity',
  Q_Representative: 'O_Representative',
  Q_Owner: 'O_Owner',
  Q_Size: 'O_Large',
};
/** Real check digits: ИНН and ОГРН of one organisation. */
const LEGAL_ENTITY = {
  kind: 'legalEntity' as const,
  name: 'ООО «Рекламные конструкции»',
  inn: '7707083893',
  ogrn: '1027700132195',
  phone: '+7 900 000-00-00',
  representative: { name: 'Иванов Иван Иванович', document: 'Доверенность № 15 от 01.06.2026' },
};

function advertCase(over: Partial<CreateCaseRequest> = {}): CreateCaseRequest {
  return {
    service: 'advert-permit',
    answers: LARGE_BY_REPRESENTATIVE,
    applicant: LEGAL_ENTITY,
    documents: [
      { code: 'D_Application', form: 'original', sheets: 2 },
      { code: 'D_RepresentativeId', form: 'original', sheets: 1 },
      { code: 'D_PowerOfAttorney', form: 'original', sheets: 1 },
      { code: 'D_Sketch', form: 'copy', sheets: 3 },
    ],
    ...over,
  };
}

async function publishAdvert(okno: TestOkno): Promise<void> {
  const analyst = await okno.signIn('analyst@okno.local');
  const res = await analyst.post('/api/services/advert-permit/publish', { comment: 'v1' });
  expect(res.status).toBe(201);
}

describe('given the advertising permit published on the embedded engine', () => {
  let okno: TestOkno;
  let operator: ApiClient;
  let registered: CaseDetail;
  beforeAll(async () => {
    okno = await startTestOkno();
    okno.clock.pin(new Date('2026-06-15T07:00:00Z'));
    await publishAdvert(okno);
    operator = await okno.signIn('operator@okno.local');
    const res = await operator.post<CaseDetail>('/api/cases', advertCase());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    registered = res.body;
  }, 120_000);
  afterAll(async () => {
    await okno?.stop();
  });

  it('when an operator registers a legal entity through a representative with a large structure, then the checklist, variant, deadline and number are right', () => {
    expect(registered.number).toBe('2026-000001');
    expect(registered.status).toBe('registered');
    expect(registered.variant).toBe('large');
    expect(registered.situations).toEqual(['EZayavYr', 'EPredstav', 'EReklBol']);
    expect(Object.fromEntries(registered.checklist.map((d) => [d.code, d.state]))).toEqual({
      D_Application: 'original',
      D_RepresentativeId: 'original',
      D_PowerOfAttorney: 'original',
      D_Egrul: 'requested',
      D_Egrn: 'requested',
      D_Sketch: 'copy',
      D_StrengthReport: 'missing',
      D_FeePaid: 'requested',
    });
    // 30 working days after Monday 15 June 2026 (the term starts the next day, art. 191).
    expect(registered.deadline).toMatchObject({ due: '2026-07-27', unit: 'workingDays', days: 30, overdue: false });
    expect(registered.deadline?.daysLeft).toBe(30);
    expect(registered.office?.name).toBe('МФЦ «Центральный»');
    expect(registered.timeline.map((e) => e.kind)).toEqual(['registered', 'documents', 'processStarted']);
    expect(registered.timeline[1].data).toMatchObject({ missing: ['D_StrengthReport'] });
    expect(registered.applicant).toMatchObject({ inn: '7707083893', ogrn: '1027700132195', snils: null });
  });

  it('when the case is registered, then its process instance runs on the engine with the agreed variables', async () => {
    const key = registered.processInstanceKey!;
    expect(key).toMatch(/^\d+$/);
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClient();
    const vars = await rest.searchVariables(
      { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(key) }, page: { limit: 100 } },
      { consistency: { waitUpToMs: 5000 } },
    );
    const byName = Object.fromEntries((vars.items ?? []).map((v) => [v.name, JSON.parse(String(v.value))]));
    expect(byName).toMatchObject({
      caseId: registered.id,
      caseNumber: '2026-000001',
      serviceCode: 'advert-permit',
      serviceVersion: 1,
      applicantName: LEGAL_ENTITY.name,
      applicantKind: 'legalEntity',
      officeId: registered.officeId,
      answers: LARGE_BY_REPRESENTATIVE,
      situations: ['EZayavYr', 'EPredstav', 'EReklBol'],
      variant: 'large',
    });
    expect(byName.documents).toContainEqual({ code: 'D_StrengthReport', title: expect.any(String), state: 'missing' });
    const instance = await rest.getProcessInstance(
      { processInstanceKey: ProcessInstanceKey.assumeExists(key) },
      { consistency: { waitUpToMs: 5000 } },
    );
    expect(String(instance.state)).toBe('ACTIVE');
  });

  it('when identifiers have wrong check digits or are missing, then 400 names the field and nothing is registered', async () => {
    const before = await okno.deps.db.knex('cases').count({ n: '*' }).first();
    const cases: [CreateCaseRequest['applicant'], string][] = [
      [{ ...LEGAL_ENTITY, inn: '7707083894' }, 'applicant.inn'],
      [{ ...LEGAL_ENTITY, ogrn: '1027700132196' }, 'applicant.ogrn'],
      [{ ...LEGAL_ENTITY, ogrn: undefined }, 'applicant.ogrn'],
      [{ kind: 'individual', name: 'Петров Пётр Петрович', snils: '112-233-445 96' }, 'applicant.snils'],
      [{ kind: 'soleTrader', name: 'ИП Сидоров', inn: '500100732259', ogrn: '304500116000158' }, 'applicant.ogrn'],
      [{ kind: 'soleTrader', name: 'ИП Сидоров', inn: '7707083893', ogrn: '304500116000157' }, 'applicant.inn'],
    ];
    for (const [applicant, path] of cases) {
      const res = await operator.post('/api/cases', advertCase({ applicant }));
      expect(res.status, path).toBe(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    const ok = await operator.post('/api/cases', {
      ...advertCase({
        answers: { ...LARGE_BY_REPRESENTATIVE, Q_ApplicantType: 'O_Individual' },
        applicant: { kind: 'individual', name: 'Петров Пётр Петрович', snils: '112-233-445 95' },
      }),
      documents: [],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.applicant.snils).toBe('11223344595');
    const after = await okno.deps.db.knex('cases').count({ n: '*' }).first();
    expect(Number(after!.n)).toBe(Number(before!.n) + 1);
  });

  it('when the wrong role calls, then 403; when staff outside the scope ask, then 404', async () => {
    const specialist = await okno.signIn('specialist2@okno.local');
    expect((await specialist.post('/api/cases', advertCase())).status).toBe(403);
    const citizen = await okno.signIn('citizen@okno.local');
    expect((await citizen.get('/api/cases')).status).toBe(403);
    expect((await citizen.get(`/api/cases/${registered.id}`)).status).toBe(403);
    expect((await operator.post(`/api/cases/${registered.id}/extend`, { days: 5, reason: 'x' })).status).toBe(403);

    // The arch-permits specialist works in the advert department: sees it; the housing specialist and manager do not.
    expect((await specialist.get(`/api/cases/${registered.id}`)).status).toBe(200);
    expect((await (await okno.signIn('specialist@okno.local')).get(`/api/cases/${registered.id}`)).status).toBe(404);
    const manager = await okno.signIn('manager@okno.local');
    expect((await manager.get(`/api/cases/${registered.id}`)).status).toBe(404);
    expect((await manager.get('/api/cases')).body.total).toBe(0);

    // An operator of another office.
    const knex = okno.deps.db.knex;
    const [north] = await knex('org_units')
      .insert({ code: 'mfc-north', name: 'МФЦ «Северный»', kind: 'office', address: 'ул. Северная, 5' })
      .returning('id');
    const user = await knex('users').where({ email: 'operator2@okno.local' }).first('employeeId');
    await knex('employees').where({ id: user!.employeeId! }).update({ unitId: north.id });
    const other = await okno.signIn('operator2@okno.local');
    expect((await other.get(`/api/cases/${registered.id}`)).status).toBe(404);
    expect((await other.get(`/api/cases/${registered.id}/receipt.pdf`)).status).toBe(404);
    expect((await other.get('/api/cases')).body.items).toEqual([]);
    expect((await operator.get('/api/cases?number=2026-000001')).body.items.map((c: { id: number }) => c.id)).toEqual([
      registered.id,
    ]);
    const admin = await okno.signIn('admin@okno.local');
    expect((await admin.get(`/api/cases/${registered.id}`)).status).toBe(200);
  });

  it('when the list is filtered, then number, applicant (name or identifier), service, status and dates narrow it', async () => {
    const admin = await okno.signIn('admin@okno.local');
    const ids = async (q: string) =>
      (await admin.get(`/api/cases?${q}`)).body.items.map((c: { number: string }) => c.number) as string[];
    expect(await ids('applicant=рекламные')).toContain('2026-000001');
    expect(await ids('applicant=7707083893')).toContain('2026-000001');
    expect(await ids('applicant=нет-такого')).toEqual([]);
    expect(await ids('service=advert-permit&status=registered')).toContain('2026-000001');
    expect(await ids('status=refused')).toEqual([]);
    expect(await ids('registeredFrom=2026-06-15&registeredTo=2026-06-15')).toContain('2026-000001');
    expect(await ids('registeredFrom=2026-06-16')).toEqual([]);
    expect(await ids('overdue=true')).toEqual([]);
    expect((await admin.get('/api/cases?sort=bogus')).status).toBe(400);
  });

  it('when staff comment, then the comment and its event are on the case', async () => {
    const res = await operator.post(`/api/cases/${registered.id}/comments`, { text: 'Заявитель просил позвонить' });
    expect(res.status).toBe(201);
    const view = (await operator.get<CaseDetail>(`/api/cases/${registered.id}`)).body;
    expect(view.comments.map((c) => [c.text, c.author?.name])).toEqual([
      ['Заявитель просил позвонить', 'Кузнецова Елена Игоревна'],
    ]);
    expect(view.timeline.at(-1)?.kind).toBe('comment');
    expect((await operator.post(`/api/cases/${registered.id}/comments`, { text: '  ' })).status).toBe(400);
  });

  it('when the receipt is asked for, then the JSON and a PDF with Cyrillic text and the number come back', async () => {
    const json = await operator.get(`/api/cases/${registered.id}/receipt`);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      number: '2026-000001',
      date: '2026-06-15',
      deadline: { due: '2026-07-27', unit: 'workingDays', days: 30 },
      office: { name: 'МФЦ «Центральный»', address: 'ул. Ленина, 1' },
      operator: 'Кузнецова Елена Игоревна',
    });
    expect(
      json.body.documents.map((d: { code: string; form: string; sheets: number }) => [d.code, d.form, d.sheets]),
    ).toEqual([
      ['D_Application', 'original', 2],
      ['D_RepresentativeId', 'original', 1],
      ['D_PowerOfAttorney', 'original', 1],
      ['D_Sketch', 'copy', 3],
    ]);
    expect(json.body.missing.map((d: { code: string }) => d.code)).toEqual(['D_StrengthReport']);

    const pdf = await operator.get<Buffer>(`/api/cases/${registered.id}/receipt.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const disposition = pdf.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment;/);
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('Расписка 2026-000001.pdf')}`);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(pdf.body) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain('2026-000001');
    expect(text).toContain('РАСПИСКА');
    expect(text).toContain('ООО «Рекламные конструкции»');
    expect(text).toContain('МФЦ «Центральный»');
    expect(text).toContain('27.07.2026');
  });

  it('when the diagram is asked for, then the deployed XML comes with the intake step current', async () => {
    const res = await operator.get(`/api/cases/${registered.id}/diagram`);
    expect(res.status).toBe(200);
    expect(res.body.xml).toContain('Task_Intake');
    expect(res.body.done).toEqual([]);
    expect(res.body.current).toEqual(['Task_Intake']);
  });

  it('when several operators register at once, then every number is unique and consecutive', async () => {
    const second = await okno.signIn('operator@okno.local');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? operator : second).post('/api/cases', advertCase())),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const numbers = results.map((r) => r.body.number as string).sort();
    expect(new Set(numbers).size).toBe(8);
    const all = (await okno.deps.db.knex('cases').orderBy('number').pluck('number')) as string[];
    expect(all).toEqual(all.map((_, i) => `2026-${String(i + 1).padStart(6, '0')}`));
  });

  it('when the clock turns the year in Moscow, then numbering starts again at 000001', async () => {
    okno.clock.pin(new Date('2026-12-31T20:59:00Z')); // 23:59 on 31 December in Moscow
    const operator = await okno.signIn('operator@okno.local'); // sessions expire on the same clock
    const last = await operator.post('/api/cases', advertCase());
    expect(last.body.number).toMatch(/^2026-\d{6}$/);
    okno.clock.pin(new Date('2026-12-31T21:00:00Z')); // 00:00 on 1 January 2027 in Moscow
    const first = await operator.post('/api/cases', advertCase());
    expect(first.body.number).toBe('2027-000001');
    const second = await operator.post('/api/cases', advertCase());
    expect(second.body.number).toBe('2027-000002');
    okno.clock.pin(new Date('2026-06-15T07:00:00Z'));
  });

  it('when the clock is suspended over a weekend and a holiday, then the deadline moves by the working time it stood still', async () => {
    okno.clock.pin(new Date('2026-09-22T07:00:00Z'));
    let operator = await okno.signIn('operator@okno.local'); // sessions expire on the same clock
    const c = (await operator.post<CaseDetail>('/api/cases', advertCase())).body;
    expect(c.deadline?.due).toBe('2026-11-03');
    okno.clock.pin(new Date('2026-10-30T11:00:00Z')); // Friday 14:00
    operator = await okno.signIn('operator@okno.local');
    const suspended = await operator.post<CaseDetail>(`/api/cases/${c.id}/suspend`, { reason: 'Ждём заявителя' });
    expect(suspended.status).toBe(200);
    expect(suspended.body.deadline).toMatchObject({ suspended: true, overdue: false });
    expect((await operator.post(`/api/cases/${c.id}/suspend`, { reason: 'ещё раз' })).status).toBe(409);
    okno.clock.pin(new Date('2026-11-02T11:00:00Z')); // Monday 14:00: 4 h on Friday + 4 h on Monday
    operator = await okno.signIn('operator@okno.local');
    const resumed = await operator.post<CaseDetail>(`/api/cases/${c.id}/resume`);
    expect(resumed.status).toBe(200);
    // One working day: Tuesday 3 November → Thursday 5 November (4 November is a public holiday).
    expect(resumed.body.deadline).toMatchObject({ due: '2026-11-05', suspended: false, suspendedMinutes: 480 });
    expect(resumed.body.timeline.at(-1)).toMatchObject({
      kind: 'resumed',
      data: { workingMinutes: 480, oldDue: '2026-11-03', newDue: '2026-11-05' },
    });
    const suspension = await okno.deps.db.knex('case_suspensions').where({ caseId: c.id }).first();
    expect(suspension).toMatchObject({ workingMinutes: 480, reason: 'Ждём заявителя' });

    const admin = await okno.signIn('admin@okno.local');
    const extended = await admin.post<CaseDetail>(`/api/cases/${c.id}/extend`, {
      days: 5,
      reason: 'Запрос дополнительных сведений',
    });
    expect(extended.status).toBe(200);
    expect(extended.body.deadline?.due).toBe('2026-11-12');
    expect((await admin.post(`/api/cases/${c.id}/extend`, { days: 0, reason: 'x' })).status).toBe(400);
    okno.clock.pin(new Date('2026-11-13T07:00:00Z'));
    const admin2 = await okno.signIn('admin@okno.local');
    const late = (await admin2.get<CaseDetail>(`/api/cases/${c.id}`)).body;
    expect(late.deadline).toMatchObject({ overdue: true, daysLeft: -1 });
    expect((await admin2.get('/api/cases?overdue=true')).body.items.map((x: { id: number }) => x.id)).toContain(c.id);
    okno.clock.pin(new Date('2026-06-15T07:00:00Z'));
  });

  it('when a step asks for corrections and the applicant resubmits, then only the asked parts change and the clock resumes', async () => {
    okno.clock.pin(new Date('2026-06-15T07:00:00Z'));
    operator = await okno.signIn('operator@okno.local');
    const c = (await operator.post<CaseDetail>('/api/cases', advertCase())).body;
    const cases = okno.deps.features.cases;
    okno.clock.pin(new Date('2026-06-16T07:00:00Z')); // Tuesday 10:00
    operator = await okno.signIn('operator@okno.local');
    await okno.deps.db.knex.transaction((trx) =>
      cases.correctionsRequested(
        c.id,
        {
          taskId: 1,
          reason: 'Нет заключения о прочности',
          fields: ['applicant.phone'],
          documents: ['D_StrengthReport'],
        },
        { userId: null, requestId: 'test', ip: '127.0.0.1' },
        trx,
      ),
    );
    const waiting = (await operator.get<CaseDetail>(`/api/cases/${c.id}`)).body;
    expect(waiting.status).toBe('waitingForCorrections');
    expect(waiting.deadline?.suspended).toBe(true);
    expect(waiting.corrections).toMatchObject({ fields: ['applicant.phone'], documents: ['D_StrengthReport'] });
    expect((await operator.post(`/api/cases/${c.id}/resume`)).status).toBe(409);

    const wrong = await operator.post(`/api/cases/${c.id}/resubmit`, {
      applicant: { name: 'Другое имя' },
      documents: [{ code: 'D_Sketch', form: 'original' }],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'applicant.name',
      'documents.0.code',
    ]);

    okno.clock.pin(new Date('2026-06-17T07:00:00Z')); // Wednesday 10:00: 8 working hours later
    operator = await okno.signIn('operator@okno.local');
    const ok = await operator.post<CaseDetail>(`/api/cases/${c.id}/resubmit`, {
      applicant: { phone: '+7 900 111-11-11' },
      documents: [{ code: 'D_StrengthReport', form: 'original', sheets: 4 }],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('inProgress');
    expect(ok.body.corrections).toBeNull();
    expect(ok.body.applicant.phone).toBe('+7 900 111-11-11');
    expect(ok.body.checklist.find((d) => d.code === 'D_StrengthReport')).toMatchObject({
      state: 'original',
      sheets: 4,
    });
    expect(ok.body.deadline).toMatchObject({ suspended: false, suspendedMinutes: 480, due: '2026-07-28' });
    expect(ok.body.timeline.map((e) => e.kind).slice(-4)).toEqual([
      'suspended',
      'correctionsRequested',
      'resubmitted',
      'resumed',
    ]);
    expect((await operator.post(`/api/cases/${c.id}/resubmit`, {})).status).toBe(409);
    okno.clock.pin(new Date('2026-06-15T07:00:00Z'));
  });

  it('when a step is completed, then the case moves to inProgress with the step on its timeline', async () => {
    operator = await okno.signIn('operator@okno.local');
    const c = (await operator.post<CaseDetail>('/api/cases', advertCase())).body;
    await okno.deps.features.cases.stepCompleted(
      c.id,
      { taskId: 7, elementId: 'Task_Intake', variables: {} },
      { userId: null, requestId: 'test', ip: '127.0.0.1' },
    );
    const view = (await operator.get<CaseDetail>(`/api/cases/${c.id}`)).body;
    expect(view.status).toBe('inProgress');
    expect(view.timeline.filter((e) => e.kind === 'stepCompleted').map((e) => e.data.elementId)).toEqual([
      'Task_Intake',
    ]);
  });

  it('when a package is registered, then a parent case and one member case per chosen member get their own numbers, deadlines and departments', async () => {
    okno.clock.pin(new Date('2026-06-15T07:00:00Z'));
    const analyst = await okno.signIn('analyst@okno.local');
    for (const code of ['housing-need', 'housing-subsidy', 'relocation'])
      expect((await analyst.post(`/api/services/${code}/publish`, { comment: 'v1' })).status, code).toBe(201);
    operator = await okno.signIn('operator@okno.local');
    const res = await operator.post<CaseDetail>('/api/cases', {
      service: 'relocation',
      answers: {
        Q_Representative: 'O_Self',
        Q_Services: ['O_housing-need', 'O_housing-subsidy'],
        housing_need__Q_Grounds: ['housing_need__O_BelowNorm'],
        housing_need__Q_Property: 'housing_need__O_NoProperty',
        housing_subsidy__Q_Tenure: 'housing_subsidy__O_Own',
        housing_subsidy__Q_Benefits: 'housing_subsidy__O_NoBenefits',
      },
      applicant: { kind: 'individual', name: 'Семёнова Мария Петровна', snils: '112-233-445 95' },
      documents: [],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const parent = res.body;
    expect(parent.members.map((m) => [m.serviceCode, m.due, m.parentId])).toEqual([
      ['housing-need', '2026-07-27', parent.id],
      ['housing-subsidy', '2026-06-29', parent.id],
    ]);
    const numbers = [parent.number, ...parent.members.map((m) => m.number)];
    expect(new Set(numbers).size).toBe(3);
    const housing = await okno.deps.db.knex('org_units').where({ code: 'dep-housing' }).first('id');
    expect(parent.members.map((m) => m.departmentUnitId)).toEqual([housing!.id, housing!.id]);

    // The package's process carries each member's case into its call activity.
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClient();
    const vars = await rest.searchVariables(
      {
        filter: { processInstanceKey: ProcessInstanceKey.assumeExists(parent.processInstanceKey!), name: 'members' },
      },
      { consistency: { waitUpToMs: 5000 } },
    );
    const members = JSON.parse(String(vars.items?.[0]?.value)) as { caseId: number; caseNumber: string }[];
    expect(members.map((m) => [m.caseId, m.caseNumber])).toEqual(parent.members.map((m) => [m.id, m.number]));

    // The housing manager's scope is the housing department: the member cases, not the office's parent case.
    const manager = await okno.signIn('manager@okno.local');
    expect((await manager.get(`/api/cases/${parent.members[0].id}`)).status).toBe(200);
    expect((await manager.get(`/api/cases/${parent.id}`)).status).toBe(404);
  }, 120_000);
});

describe('given the engine does not answer', () => {
  let okno: TestOkno;
  let source: TestOkno;
  beforeAll(async () => {
    // The published version comes from an Okno whose engine deployed it; this one's engine is unreachable.
    source = await startTestOkno();
    await publishAdvert(source);
    okno = await startTestOkno({ ENGINE: 'external', ZEEBE_GRPC_ADDRESS: 'grpc://127.0.0.1:1' });
    const from = await source.deps.db.knex('service_versions').first();
    const knex = okno.deps.db.knex;
    const service = await knex('services').where({ code: 'advert-permit' }).first('id');
    const { id: _id, serviceId: _s, publishedBy: _p, ...version } = from!;
    await knex('service_versions').insert({
      ...version,
      serviceId: service!.id,
      forms: JSON.stringify(version.forms),
      card: version.card,
    });
    await knex('services').where({ id: service!.id }).update({ latestVersion: 1, publishedAt: version.publishedAt });
  }, 120_000);
  afterAll(async () => {
    await okno?.stop();
    await source?.stop();
  });

  it('when an operator registers a case, then 503 and nothing is written', async () => {
    const operator = await okno.signIn('operator@okno.local');
    const res = await operator.post('/api/cases', advertCase());
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('engine_unavailable');
    const knex = okno.deps.db.knex;
    for (const table of ['cases', 'case_events', 'case_counters'] as const)
      expect(await knex(table).count({ n: '*' }).first(), table).toEqual({ n: 0 });
    expect(await knex('audit_log').where({ entity: 'case' }).count({ n: '*' }).first()).toEqual({ n: 0 });
  }, 60_000);
});
