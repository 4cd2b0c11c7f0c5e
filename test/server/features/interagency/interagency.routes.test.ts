import { ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteragencyPage, InteragencyRequest } from '../../../../server/contract/interagency.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import type { ApiClient } from '../../../helpers/api.js';

const NOW = { consistency: { waitUpToMs: 0 } };
const DAY = 24 * 3600_000;

/** Polls until `check` returns a value (not undefined) or the time is up. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const started = performance.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('given the advertising permit published and a case of a legal entity waiting at its inter-agency step', () => {
  let okno: TestOkno;
  let specialist: ApiClient;
  let operator: ApiClient;
  let officeId: number;
  let nextCase = 101;

  /** Starts a case's process at the send task with the front office's variables (as the cases feature does). */
  async function startCase(opts: {
    situations: string[];
    officeId?: number | null;
    documents?: { code: string; title: string; state: string }[];
  }) {
    const caseId = nextCase++;
    const zeebe = okno.deps.engine.sdk()!.getZeebeGrpcApiClient();
    const pi = await zeebe.createProcessInstance({
      bpmnProcessId: 'advert-permit',
      variables: {
        caseId,
        caseNumber: `2026-000${caseId}`,
        serviceCode: 'advert-permit',
        serviceVersion: 1,
        serviceTitle: 'Выдача разрешения на установку и эксплуатацию рекламной конструкции',
        applicantName: 'ООО «Ромашка»',
        applicantKind: 'legalEntity',
        // The SDK's variables carry no null: a case without an office leaves the variable out.
        ...(opts.officeId === null ? {} : { officeId: opts.officeId ?? officeId }),
        answers: {},
        situations: opts.situations,
        variant: opts.situations.includes('EReklBol') ? 'large' : 'standard',
        documents: opts.documents ?? [
          { code: 'D_Application', title: 'Заявление', state: 'original' },
          { code: 'D_Egrul', title: 'Выписка из ЕГРЮЛ', state: 'requested' },
        ],
      },
      startInstructions: [{ elementId: 'Task_SendInteragency' }],
    });
    return { caseId, processInstanceKey: String(pi.processInstanceKey) };
  }

  async function journalOf(client: ApiClient, caseId: number, expected: number): Promise<InteragencyRequest[]> {
    return eventually(async () => {
      const res = await client.get<InteragencyPage>(`/api/interagency/requests?caseId=${caseId}&sort=caseNumber`);
      expect(res.status).toBe(200);
      // Recorded first ('pending'), then handed to the adapter ('sent'): wait until the adapter has them all.
      const sent = res.body.items.every((r) => r.status !== 'pending');
      return res.body.total >= expected && sent ? res.body.items : undefined;
    }, `${expected} journal rows of case ${caseId}, sent`);
  }

  async function elementStates(processInstanceKey: string): Promise<Map<string, string>> {
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClient();
    const r = await rest.searchElementInstances(
      { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } },
      NOW,
    );
    return new Map((r.items ?? []).map((e) => [String(e.elementId), String(e.state)]));
  }

  beforeAll(async () => {
    okno = await startTestOkno();
    const analyst = await okno.signIn('analyst@okno.local');
    const published = await analyst.post('/api/services/advert-permit/publish', { comment: 'v1' });
    expect(published.status).toBe(201);
    specialist = await okno.signIn('specialist2@okno.local');
    operator = await okno.signIn('operator@okno.local');
    officeId = (await okno.deps.db.knex('org_units').where({ code: 'mfc-central' }).first('id'))!.id;
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('when the process reaches the send task, then the journal has one sent request per document from another agency (ЕГРЮЛ, ЕГРН, fee), due in 5 working days', async () => {
    const { caseId } = await startCase({ situations: ['EZayavYr', 'EPredstav', 'EReklBol'] });
    const rows = await journalOf(specialist, caseId, 3);
    expect(rows.map((r) => r.documentCode).sort()).toEqual(['D_Egrn', 'D_Egrul', 'D_FeePaid']);
    expect(Object.fromEntries(rows.map((r) => [r.documentCode, r.agencyCode]))).toEqual({
      D_Egrul: 'fns',
      D_Egrn: 'rosreestr',
      D_FeePaid: 'treasury',
    });
    for (const r of rows) {
      expect(r).toMatchObject({
        caseNumber: `2026-000${caseId}`,
        serviceCode: 'advert-permit',
        status: 'sent',
        overdue: false,
        adapter: 'builtin',
        result: null,
      });
      // Monday 15 June 2026, 10:00 in Moscow + 5 working days → Monday 22 June, end of the working day (18:00 MSK).
      expect(r.dueAt).toBe('2026-06-22T15:00:00.000Z');
    }
  });

  it('when the same job is delivered again, then no request is recorded twice', async () => {
    const { caseId, processInstanceKey } = await startCase({ situations: ['EZayavYr'] });
    const rows = await journalOf(specialist, caseId, 3);
    const jobKey = (await okno.deps.db.knex('interagency_requests').where({ caseId }).first('jobKey'))!.jobKey;
    const again = await okno.deps.features.interagency.record({
      jobKey,
      processInstanceKey,
      variables: {
        caseId,
        caseNumber: `2026-000${caseId}`,
        serviceCode: 'advert-permit',
        serviceVersion: 1,
        situations: ['EZayavYr'],
        officeId,
      },
      customHeaders: {},
    });
    expect(again.created).toBe(0);
    expect(again.requestIds.sort()).toEqual(rows.map((r) => r.id).sort());
    expect(await okno.deps.db.knex('interagency_requests').where({ caseId }).count({ n: '*' })).toEqual([{ n: 3 }]);
  });

  it('when the applicant brought a document himself or is a sole trader, then only what is missing is requested', async () => {
    const { caseId } = await startCase({
      situations: ['EZayavIndPred'],
      documents: [{ code: 'D_FeePaid', title: 'Квитанция', state: 'original' }],
    });
    const rows = await journalOf(specialist, caseId, 2);
    expect(rows.map((r) => r.documentCode).sort()).toEqual(['D_Egrip', 'D_Egrn']);
  });

  it('when every request is answered, then interagency-reply is published with the replies, correlated on the numeric caseId, and the case moves past the receive task', async () => {
    const { caseId, processInstanceKey } = await startCase({ situations: ['EZayavYr'] });
    const rows = await journalOf(specialist, caseId, 3);
    // The job completes once its requests are recorded and sent; the receive task then waits.
    await eventually(
      async () => ((await elementStates(processInstanceKey)).get('Task_AwaitReply') === 'ACTIVE' ? true : undefined),
      'the receive task',
    );

    const first = await specialist.post<InteragencyRequest>(`/api/interagency/requests/${rows[0].id}/reply`, {
      result: 'found',
      text: 'Сведения найдены',
      documentNumber: 'ФНС-2026-15',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'answered', result: 'found', replyPublished: false });
    expect(first.body.answeredByName).toBe('Смирнов Алексей Петрович');
    // One open request left: the process still waits.
    await new Promise((r) => setTimeout(r, 300));
    expect((await elementStates(processInstanceKey)).get('Task_AwaitReply')).toBe('ACTIVE');

    await specialist.post(`/api/interagency/requests/${rows[1].id}/reply`, { result: 'found', text: 'Выписка' });
    const last = await specialist.post<InteragencyRequest>(`/api/interagency/requests/${rows[2].id}/reply`, {
      result: 'notFound',
      text: 'Платёж не найден',
    });
    expect(last.body.replyPublished).toBe(true);

    const states = await eventually(async () => {
      const s = await elementStates(processInstanceKey);
      return s.get('Task_Review') === 'ACTIVE' ? s : undefined;
    }, 'the case to reach Task_Review');
    // The engine lists the elements that are active now: the receive task is left behind, no timer fired.
    expect(states.has('Task_AwaitReply')).toBe(false);
    expect(states.has('Task_ReplyOverdue')).toBe(false);
    const rest = okno.deps.engine.sdk()!.getOrchestrationClusterApiClient();
    const vars = await rest.searchVariables(
      { filter: { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) } },
      NOW,
    );
    const byName = new Map(vars.items.map((v) => [v.name, JSON.parse(String(v.value)) as unknown]));
    expect(byName.get('caseId')).toBe(caseId); // a number in the process, "<caseId>" as the key
    expect(byName.get('interagencyAllFound')).toBe(false);
    expect(byName.get('interagencyReplies')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ documentCode: rows[0].documentCode, result: 'found', documentNumber: 'ФНС-2026-15' }),
        expect.objectContaining({ documentCode: rows[2].documentCode, result: 'notFound', text: 'Платёж не найден' }),
      ]),
    );

    // A second answer to the same request is refused.
    const twice = await specialist.post(`/api/interagency/requests/${rows[0].id}/reply`, {
      result: 'found',
      text: 'ещё раз',
    });
    expect(twice.status).toBe(409);
  });

  it('when the applicant brought every such document, then nothing is requested and the case goes straight on', async () => {
    const { caseId, processInstanceKey } = await startCase({
      situations: ['EZayavYr'],
      documents: ['D_Egrul', 'D_Egrn', 'D_FeePaid'].map((code) => ({ code, title: code, state: 'copy' })),
    });
    await eventually(async () => {
      const s = await elementStates(processInstanceKey);
      return s.get('Task_Review') === 'ACTIVE' ? s : undefined;
    }, 'the case to reach Task_Review without requests');
    const journal = await specialist.get<InteragencyPage>(`/api/interagency/requests?caseId=${caseId}`);
    expect(journal.body.total).toBe(0);
  });

  it('when a reply is empty or its result unknown, then 400 names the field', async () => {
    const { caseId } = await startCase({ situations: ['EZayavYr'] });
    const [row] = await journalOf(specialist, caseId, 3);
    const res = await specialist.post(`/api/interagency/requests/${row.id}/reply`, { result: 'maybe', text: ' ' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['result', 'text']);
  });

  it('when the wrong role calls, then 403; an operator reads only the requests of their office', async () => {
    const { caseId } = await startCase({ situations: ['EZayavYr'] });
    const other = await startCase({ situations: ['EZayavYr'], officeId: null });
    const [row] = await journalOf(specialist, caseId, 3);
    const [foreign] = await journalOf(specialist, other.caseId, 3);

    expect((await operator.get(`/api/interagency/requests/${row.id}`)).status).toBe(200);
    expect((await operator.get(`/api/interagency/requests/${foreign.id}`)).status).toBe(404);
    const seen = await operator.get<InteragencyPage>('/api/interagency/requests?pageSize=200');
    expect(seen.body.items.every((r) => r.caseId !== other.caseId)).toBe(true);
    expect(
      (await operator.post(`/api/interagency/requests/${row.id}/reply`, { result: 'found', text: 'x' })).status,
    ).toBe(403);
    const analyst = await okno.signIn('analyst@okno.local');
    expect((await analyst.get('/api/interagency/requests')).status).toBe(403);
    const citizen = await okno.signIn('citizen@okno.local');
    expect((await citizen.get('/api/interagency/requests')).status).toBe(403);
    expect((await okno.anonymous().get('/api/interagency/requests')).status).toBe(401);
  });

  it('when the clock passes the due time without an answer, then the requests show as overdue and the filter finds them', async () => {
    const { caseId } = await startCase({ situations: ['EZayavYr'] });
    await journalOf(specialist, caseId, 3);
    okno.clock.advance(8 * DAY);
    // A week later the session has expired: sign in again.
    specialist = await okno.signIn('specialist2@okno.local');
    try {
      const overdue = await specialist.get<InteragencyPage>(`/api/interagency/requests?overdue=true&caseId=${caseId}`);
      expect(overdue.status, JSON.stringify(overdue.body)).toBe(200);
      expect(overdue.body.total).toBe(3);
      expect(overdue.body.items.every((r) => r.status === 'overdue' && r.overdue)).toBe(true);
      const byStatus = await specialist.get<InteragencyPage>(
        `/api/interagency/requests?status=overdue&caseNumber=2026-000${caseId}`,
      );
      expect(byStatus.body.total).toBe(3);
      const sent = await specialist.get<InteragencyPage>(`/api/interagency/requests?status=sent&caseId=${caseId}`);
      expect(sent.body.total).toBe(0);
      const fns = await specialist.get<InteragencyPage>(`/api/interagency/requests?agency=fns&caseId=${caseId}`);
      expect(fns.body.items.map((r) => r.documentCode)).toEqual(['D_Egrul']);
    } finally {
      okno.clock.advance(-8 * DAY);
    }
  });
});
