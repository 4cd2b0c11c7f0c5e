import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../../../server/contract/cases.js';
import { buildBpmn, jobExtensions } from '../../../../server/features/services/bpmn.builder.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';
import type { ApiClient } from '../../../helpers/api.js';

/** An archive certificate: start → a job (the test completes it as the external system would, with `decision`) → end. */
const ARCHIVE = buildBpmn({
  id: 'archive-certificate',
  name: 'Выдача архивной справки',
  extensions: [
    '      <okno:service code="archive-certificate" title="Выдача архивной справки" department="mfc-central" fee="0">',
    '        <okno:deadline value="15" unit="workingDays" />',
    '        <okno:result code="issued" title="Архивная справка" />',
    '      </okno:service>',
    '      <okno:situations><okno:situation code="EPredstav" title="Через представителя" /></okno:situations>',
    '      <okno:questionnaire><okno:question id="Q_Rep" text="Кто подаёт запрос?"><okno:option id="O_Self" text="Лично" /><okno:option id="O_Rep" text="Представитель" situations="EPredstav" /></okno:question></okno:questionnaire>',
    '      <okno:documents><okno:document code="D_Request" kind="archive-request" title="Запрос" /><okno:document code="D_Poa" kind="power-of-attorney" title="Доверенность" requiredFor="EPredstav" /></okno:documents>',
  ].join('\n'),
  nodes: [
    { id: 'StartEvent_Request', kind: 'startEvent', name: 'Запрос поступил' },
    { id: 'Task_Decide', kind: 'serviceTask', name: 'Решение архива', extensions: jobExtensions('notify-applicant') },
    { id: 'EndEvent_Done', kind: 'endEvent', name: 'Готово' },
  ],
  flows: [
    { from: 'StartEvent_Request', to: 'Task_Decide' },
    { from: 'Task_Decide', to: 'EndEvent_Done' },
  ],
});

describe('given a published service whose process ends after an external decision', () => {
  let okno: TestOkno;
  let operator: ApiClient;
  beforeAll(async () => {
    okno = await startTestOkno();
    const analyst = await okno.signIn('analyst@okno.local');
    const created = await analyst.post('/api/services', {
      code: 'archive-certificate',
      title: 'Выдача архивной справки',
      department: 'mfc-central',
      xml: ARCHIVE,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const published = await analyst.post('/api/services/archive-certificate/publish', { comment: 'v1' });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    operator = await okno.signIn('operator@okno.local');
  }, 120_000);
  afterAll(async () => {
    await okno?.stop();
  });

  /** Registers a case, lets the archive decide through the engine and reports the step to cases. */
  async function decided(decision: string): Promise<CaseDetail> {
    const res = await operator.post<CaseDetail>('/api/cases', {
      service: 'archive-certificate',
      answers: { Q_Rep: 'O_Self' },
      applicant: { kind: 'individual', name: 'Архипов Архип' },
      documents: [{ code: 'D_Request', form: 'original' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const zeebe = okno.deps.engine.sdk()!.getZeebeGrpcApiClient();
    let job: { key: string; variables: { caseId?: number } } | undefined;
    for (let i = 0; i < 50 && !job; i++) {
      const jobs = await zeebe.activateJobs({
        type: 'notify-applicant',
        worker: 'test',
        maxJobsToActivate: 10,
        timeout: 60_000,
      });
      job = jobs.find((j) => (j.variables as { caseId?: number }).caseId === res.body.id) as typeof job;
      if (!job) await new Promise((r) => setTimeout(r, 100));
    }
    expect(job, 'the case’s job').toBeDefined();
    await zeebe.completeJob({ jobKey: job!.key, variables: { decision } });
    const cases = okno.deps.features.cases;
    for (let i = 0; i < 50; i++) {
      await cases.stepCompleted(res.body.id, { taskId: 0, elementId: 'Task_Decide', variables: { decision } }, null);
      const view = (await operator.get<CaseDetail>(`/api/cases/${res.body.id}`)).body;
      if (view.status !== 'inProgress') return view;
      await new Promise((r) => setTimeout(r, 100));
    }
    return (await operator.get<CaseDetail>(`/api/cases/${res.body.id}`)).body;
  }

  it('when the process ends with an approval, then the case is resultReady', async () => {
    const view = await decided('approve');
    expect(view.status).toBe('resultReady');
    expect(view.result).toBe('result');
    expect(view.deadline?.daysLeft).toBeNull();
    expect(view.timeline.filter((e) => e.kind === 'statusChanged').map((e) => e.data.to)).toEqual([
      'inProgress',
      'resultReady',
    ]);
  });

  it('when the process ends with another decision, then the case is refused and closed', async () => {
    const view = await decided('reject');
    expect(view.status).toBe('refused');
    expect(view.closedAt).not.toBeNull();
    expect((await operator.post(`/api/cases/${view.id}/suspend`, { reason: 'x' })).status).toBe(409);
  });
});
