import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

// The engine's command transactions (server/engine/state/transaction.ts) group several commands in
// one transaction with bind parameters; values that look like SQL must arrive unchanged.
describe('engine: command transactions', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    await t.deploy('mappings.bpmn');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const tricky = {
    text: `O'Brien said "hi" \\ back\\slash '' $1 $2 ? \\? E'x' -- not a comment /* nor this */ ; COMMIT; ünïcødé ✓ 😀\n\ttabs`,
    list: ["it's", '{a,b}', 'NULL', null, 1.5, -0, 9007199254740991],
    nested: { "k'ey": { deep: ['$3', '\\x00'] }, empty: '' },
  };

  it('given several job completions at once whose variables hold quotes, backslashes, $n, semicolons and unicode, when they commit (grouped or alone), then every value arrives unchanged', async () => {
    const started = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        t.zeebe.createProcessInstance({ bpmnProcessId: t.id('mappings'), variables: { orderId: `T-${i}` } }),
      ),
    );
    const jobs = await Promise.all(started.map(() => t.job(t.id('map-inputs'))));
    await Promise.all(
      jobs.map((job, i) =>
        t.zeebe.completeJob({ jobKey: job.key, variables: { result: JSON.stringify({ ...tricky, i }) } }),
      ),
    );
    const next = await Promise.all(started.map(() => t.job(t.id('map-outputs'))));
    const results = next.map((j) => JSON.parse(j.variables.result as string) as typeof tricky & { i: number });
    expect(results.map((r) => r.i).sort()).toEqual([0, 1, 2, 3]);
    for (const r of results)
      expect(r).toEqual({ ...tricky, list: tricky.list.map((v) => (Object.is(v, -0) ? 0 : v)), i: r.i });
    await Promise.all(started.map((pi) => t.zeebe.cancelProcessInstance(pi.processInstanceKey)));
  });

  it('given a completion of an unknown job among valid ones, when they arrive together, then only the unknown one is rejected and the others commit', async () => {
    const pi = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('mappings'), variables: { orderId: 'R-1' } });
    const job = await t.job(t.id('map-inputs'));
    const [bad, good] = await Promise.all([
      grpcCode(t.zeebe.completeJob({ jobKey: '2251799813999999', variables: {} })),
      grpcCode(t.zeebe.completeJob({ jobKey: job.key, variables: { result: "it's done" } })),
    ]);
    expect(bad).toBe(5); // NOT_FOUND
    expect(good).toBe('ok');
    expect((await t.job(t.id('map-outputs'))).variables.result).toBe("it's done");
    await t.zeebe.cancelProcessInstance(pi.processInstanceKey);
  });
});
