import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatrixService } from '../../../../server/features/scorecard/matrix.service.js';
import {
  defaultProviders,
  factKey,
  type FactKey,
  type FactProvider,
  type FactValue,
} from '../../../../server/features/scorecard/scorecard.providers.js';
import { seedScorecardDemo } from '../../../../server/features/scorecard/scorecard.seed.js';
import type { Actor, SessionUser } from '../../../../server/platform/http/context.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

const MONTH = '2031-03';

/** A stand-in for the coming process-steps provider: facts computed elsewhere, here from a map. */
class FakeStepsProvider implements FactProvider {
  readonly id = 'process-steps';
  readonly values = new Map<number, number>();
  calls = 0;
  async facts(
    employeeIds: readonly number[],
    _month: string,
    codes: readonly string[],
  ): Promise<Map<FactKey, FactValue>> {
    this.calls++;
    const out = new Map<FactKey, FactValue>();
    for (const id of employeeIds)
      for (const code of codes)
        if (this.values.has(id)) out.set(factKey(id, code), { value: this.values.get(id)!, dateValue: null });
    return out;
  }
}

describe('fact providers plug into the matrix calculator', () => {
  let okno: TestOkno;
  let service: MatrixService;
  const provider = new FakeStepsProvider();
  let admin: SessionUser;
  let actor: Actor;
  let operators: number[];

  beforeAll(async () => {
    okno = await startTestOkno({ ENGINE: 'none' });
    const knex = okno.deps.db.knex;
    await seedScorecardDemo(knex, okno.clock.now(), okno.deps.config.TIME_ZONE);
    service = new MatrixService(knex, defaultProviders().register(provider), { country: 'RU', clock: okno.clock });
    const user = (await knex('users').where({ email: 'admin@okno.local' }).first())!;
    admin = {
      id: user.id,
      fullName: user.fullName,
      email: user.email,
      phone: null,
      roles: ['admin'],
      locale: 'ru',
      employeeId: user.employeeId,
      unitId: null,
    };
    actor = { userId: user.id, requestId: 'test', ip: '127.0.0.1' };
    const [ind] = await knex('sc_indicators')
      .insert({
        code: 'steps-completed',
        name: 'Завершено шагов процессов',
        unit: 'count',
        direction: 'higher',
        source: 'process-steps',
      })
      .returning('id');
    operators = (
      await knex('users as u')
        .whereIn('u.email', ['operator@okno.local', 'operator2@okno.local'])
        .orderBy('u.email')
        .select('u.employeeId')
    ).map((r: any) => r.employeeId);
    for (const employeeId of operators) {
      await knex('sc_plan_items').insert({
        employeeId,
        year: 2031,
        kind: 'kpi',
        title: 'Завершено шагов',
        indicatorId: ind.id,
        unit: 'count',
        direction: 'higher',
        monthly: JSON.stringify(Array(12).fill(100)),
      });
    }
    provider.values.set(operators[0], 80).set(operators[1], 110);
  });
  afterAll(async () => {
    await okno?.stop();
  });

  it('given an indicator whose source is a registered provider, when the month is generated, then its facts come from the provider', async () => {
    await service.generate(admin, { month: MONTH }, actor);
    expect(provider.calls).toBe(1);
    const rows = await okno.deps.db
      .knex('sc_matrix_rows as r')
      .join('sc_matrices as m', 'm.id', 'r.matrixId')
      .where({ 'm.month': `${MONTH}-01`, 'r.title': 'Завершено шагов' })
      .orderBy('m.employeeId')
      .select('m.employeeId', 'r.factValue', 'r.completion');
    const byEmployee = new Map(rows.map((r: any) => [r.employeeId, [r.factValue, r.completion]]));
    expect(byEmployee.get(operators[0])).toEqual([80, 80]);
    expect(byEmployee.get(operators[1])).toEqual([110, 110]);
  });

  it('given the provider reports a change for one employee, when synced, then only that matrix is recomputed', async () => {
    const knex = okno.deps.db.knex;
    const before = new Map(
      (
        await knex('sc_matrices')
          .where({ month: `${MONTH}-01` })
          .select('id', 'computedAt')
      ).map((r: any) => [r.id, r.computedAt.getTime()]),
    );
    provider.values.set(operators[0], 95);
    const res = await service.syncFacts(MONTH, 'process-steps', actor);
    expect(res).toEqual({ checked: 2, changed: 1, recomputed: 1, frozen: 0 });
    const after = await knex('sc_matrices')
      .where({ month: `${MONTH}-01` })
      .select('id', 'employeeId', 'computedAt');
    expect(after.filter((r: any) => r.computedAt.getTime() !== before.get(r.id)).map((r: any) => r.employeeId)).toEqual(
      [operators[0]],
    );
    const fact = await knex('sc_facts')
      .where({ employeeId: operators[0], month: `${MONTH}-01` })
      .first();
    expect(fact).toMatchObject({ value: 95, source: 'process-steps' });
  });

  it('given a locked matrix, when the provider changes its fact, then the fact is kept but the locked matrix does not move', async () => {
    const knex = okno.deps.db.knex;
    const m = (await knex('sc_matrices')
      .where({ month: `${MONTH}-01`, employeeId: operators[1] })
      .first('id', 'result'))!;
    await knex('sc_matrices').where({ id: m.id }).update({ status: 'locked' });
    provider.values.set(operators[1], 50);
    const res = await service.syncFacts(MONTH, 'process-steps', actor);
    expect(res).toMatchObject({ changed: 1, recomputed: 0, frozen: 1 });
    expect((await knex('sc_matrices').where({ id: m.id }).first('result'))!.result).toBe(m.result);
    expect(
      (await knex('sc_facts')
        .where({ employeeId: operators[1], month: `${MONTH}-01` })
        .first('value'))!.value,
    ).toBe(50);
  });

  it('given an unknown source, then 400 on source', async () => {
    await expect(service.syncFacts(MONTH, 'nope', actor)).rejects.toMatchObject({
      status: 400,
      details: { fields: [{ path: 'source' }] },
    });
  });
});
