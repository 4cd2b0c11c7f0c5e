import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_ONLY, EXTERNAL, startTestEngine, type TestEngine } from '../helpers/engine.js';

// The engine keeps each active element's state as JSON (engine_element_instances.data) with a
// version (ELEMENT_DATA_VERSION in server/engine/state/instance.ts); rows written before the
// version existed (version 1, no `v`) must still be read after an upgrade.
describe('engine: persisted element state is versioned', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await t.deploy('one-task.bpmn');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const elementData = async (processInstanceKey: string) =>
    (
      (await t.db.knex.raw('select data from engine_element_instances where process_instance_key = ? order by key', [
        processInstanceKey,
      ])) as { rows: { data: Record<string, unknown> }[] }
    ).rows.map((r) => r.data);

  it.skipIf(EXTERNAL)(
    `given a waiting instance, then its element rows carry the current version ${EMBEDDED_ONLY.internals}`,
    async () => {
      const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
      await t.job(t.id('do-work'));
      const rows = await elementData(pi.processInstanceKey);
      expect(rows.length).toBeGreaterThan(0);
      for (const data of rows) expect(data.v).toBe(2);
      await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
    },
  );

  it.skipIf(EXTERNAL)(
    `given element rows written by the previous shape (no version), when the job completes, then the instance continues and completes ${EMBEDDED_ONLY.internals}`,
    async () => {
      const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: { n: 1 } });
      const job = await t.job(t.id('do-work'));
      await t.db.knex.raw(`update engine_element_instances set data = data - 'v' where process_instance_key = ?`, [
        pi.processInstanceKey,
      ]);
      for (const data of await elementData(pi.processInstanceKey)) expect(data).not.toHaveProperty('v');
      await t.zeebe.completeJob({ jobKey: job.key, variables: { done: true } });
      await t.waitState(pi.processInstanceKey, 'COMPLETED');
    },
  );
});
