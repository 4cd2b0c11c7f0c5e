import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL, grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

const DAY = 86_400_000;

/**
 * Camunda's clock API (PUT /v2/clock, POST /v2/clock/reset), through the SDK's REST client: tests move
 * the engine's time for timers, message TTLs and job deadlines the way they do against a cluster
 * (where the broker needs ZEEBE_CLOCK_CONTROLLED=true). Pinning changes the whole engine's time, so
 * each test resets the clock after itself.
 */
describe('engine: the controllable clock', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
    for (const f of ['timer-catch.bpmn', 'message-catch.bpmn', 'one-task.bpmn', 'clock-feel.bpmn']) await t.deploy(f);
  });
  afterEach(async () => {
    await t.rest.resetClock();
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** Pins the engine's clock to an instant (epoch ms). */
  const pin = (timestamp: number) => t.rest.pinClock({ timestamp });
  /** Where the engine's clock stands now: pinned to a known instant first, as a test cannot read it. */
  const pinnedAt = async (at: string) => {
    const ms = Date.parse(at);
    await pin(ms);
    return ms;
  };

  it('given the clock pinned, when a one-day timer waits and the clock is pinned a day and a minute later, then the timer fires', async () => {
    // Given an instance waiting one day on its first timer (the second, a date, is already past)
    const start = await pinnedAt('2027-12-31T21:30:00Z');
    const created = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('timer-catch'),
      variables: { wait: 'P1D', until: '2027-01-01T00:00:00Z' },
    });
    const key = String(created.processInstanceKey);
    // When an hour passes on the engine's clock, then it still waits (a timer never fires early)
    await pin(start + 3_600_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await t.instanceState(key)).toBe('ACTIVE');
    // When the clock moves past the day, then the instance completes
    await pin(start + DAY + 60_000);
    await t.waitState(key, 'COMPLETED');
  });

  it('given a date timer after the pinned instant, then it waits until the clock is pinned past the date (New Year in Moscow)', async () => {
    const start = await pinnedAt('2027-12-31T20:00:00Z');
    const created = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('timer-catch'),
      variables: { wait: 'PT0S', until: '2028-01-01T00:00:00+03:00' },
    });
    const key = String(created.processInstanceKey);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await t.instanceState(key)).toBe('ACTIVE');
    await pin(start + 3_600_000 + 1);
    await t.waitState(key, 'COMPLETED');
  });

  it('given a message buffered for one hour, when the clock passes the hour, then a new subscription does not get it; within the hour it does', async () => {
    const start = await pinnedAt('2028-02-28T23:30:00Z');
    await t.zeebe.publishMessage({
      name: t.id('payment-received'),
      correlationKey: 'clock-1',
      variables: { paid: 1 },
      timeToLive: 3_600_000,
    });
    await t.zeebe.publishMessage({
      name: t.id('payment-received'),
      correlationKey: 'clock-2',
      variables: { paid: 2 },
      timeToLive: 3_600_000,
    });
    // Within the hour (29 February, a leap day): the buffered message correlates
    await pin(start + 3_000_000);
    const early = await t.zeebe.createProcessInstanceWithResult({
      bpmnProcessId: t.id('message-catch'),
      variables: { orderId: 'clock-1' },
      requestTimeout: 10_000,
    });
    expect(early.variables).toMatchObject({ paid: 1 });
    // Past the hour: it has expired, the instance waits
    await pin(start + 3_600_000 + 1);
    const late = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('message-catch'),
      variables: { orderId: 'clock-2' },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await t.instanceState(String(late.processInstanceKey))).toBe('ACTIVE');
    expect(await grpcCode(t.zeebe.cancelProcessInstance(String(late.processInstanceKey)))).toBe('ok');
  });

  it('given a job activated for an hour, when the clock passes its deadline, then it can be activated again', async () => {
    const start = await pinnedAt('2028-03-01T06:00:00Z');
    const created = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('one-task'), variables: {} });
    const first = await t.job(t.id('do-work'), { timeout: 3_600_000 });
    expect(Number(first.deadline)).toBe(start + 3_600_000);
    expect(
      await t.zeebe.activateJobs({
        type: t.id('do-work'),
        worker: 'w',
        maxJobsToActivate: 1,
        timeout: 1_000,
        requestTimeout: -1,
      }),
    ).toEqual([]);
    await pin(start + 3_600_000 + 1);
    const again = await t.job(t.id('do-work'));
    expect(again.key).toBe(first.key);
    await t.zeebe.cancelProcessInstance(String(created.processInstanceKey));
  });

  it('given the clock pinned, then FEEL now() and today() read the engine clock, and a timer of now() + 1 hour waits for the clock', async () => {
    const start = await pinnedAt('2027-12-31T21:30:00Z');
    const created = await t.zeebe.createProcessInstance({ bpmnProcessId: t.id('clock-feel'), variables: {} });
    const key = String(created.processInstanceKey);
    const clock = await t.waitVariable(key, 'clock');
    expect(clock.value).toEqual({ today: '2027-12-31', tomorrow: '2028-01-01T21:30:00Z', late: true });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await t.instanceState(key)).toBe('ACTIVE');
    await pin(start + 3_600_000);
    await t.waitState(key, 'COMPLETED');
  });

  it('given a pinned clock, when it is reset, then timers follow the system time again', async () => {
    await pinnedAt('2099-01-01T00:00:00Z');
    await t.rest.resetClock();
    // A one-day timer created after the reset is due a day from the system time, not from 2099.
    const created = await t.zeebe.createProcessInstance({
      bpmnProcessId: t.id('timer-catch'),
      variables: { wait: 'P1D', until: '2020-01-01T00:00:00Z' },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await t.instanceState(String(created.processInstanceKey))).toBe('ACTIVE');
    await t.zeebe.cancelProcessInstance(String(created.processInstanceKey));
  });

  it('given a missing or negative timestamp, then 400 and the clock is unchanged', async () => {
    for (const body of [{}, { timestamp: -1 }, { timestamp: 'soon' }]) {
      const res = await fetch(`${t.restAddress}/v2/clock`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...t.authHeaders },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { title: string }).title).toBe('INVALID_ARGUMENT');
    }
  });
});

describe.skipIf(EXTERNAL)('engine: the clock API where clock control is off', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine({ clockControlled: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('given clock control off (production), when a client pins the clock, then 403 and nothing moves', async () => {
    const res = await fetch(`${t.restAddress}/v2/clock`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...t.authHeaders },
      body: JSON.stringify({ timestamp: 0 }),
    });
    expect(res.status).toBe(403);
    expect((await fetch(`${t.restAddress}/v2/clock/reset`, { method: 'POST', headers: t.authHeaders })).status).toBe(
      403,
    );
  });
});
