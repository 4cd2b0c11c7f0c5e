import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { createMatrices, recompute, type EmployeeSnapshot } from '../../server/features/scorecard/matrix.calculator.js';
import { computeMatrix, type RowInput } from '../../server/features/scorecard/scorecard.formulas.js';
import { defaultProviders } from '../../server/features/scorecard/scorecard.providers.js';
import type { InsertOf } from '../../server/platform/tables.js';
import { startTestOkno } from '../helpers/okno.js';

const EMPLOYEES = Number(process.env.BENCH_EMPLOYEES ?? 2000);
const DEPARTMENTS = 40;
const MONTH = '2026-10';
const INCREMENTAL_RUNS = 20;

const ms = (t: number) => `${t.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Creates 40 departments, the employees, their annual plans (5 tasks each) and indicator facts for the month. */
async function seedStaff(knex: Knex): Promise<EmployeeSnapshot[]> {
  const units = (await knex('org_units')
    .insert(
      Array.from({ length: DEPARTMENTS }, (_, i) => ({
        code: `bench-dep-${i}`,
        name: `Bench department ${i}`,
        kind: 'department',
      })),
    )
    .returning('id')) as { id: number }[];
  const employees: EmployeeSnapshot[] = [];
  for (let i = 0; i < EMPLOYEES; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, EMPLOYEES - i) }, (_, j) => ({
      fullName: `Bench employee ${i + j}`,
      position: 'Специалист',
      unitId: units[(i + j) % DEPARTMENTS].id,
      salary: 50000,
      maxBonusSalaries: 1.2,
    }));
    employees.push(
      ...((await knex('employees')
        .insert(chunk)
        .returning(['id', 'position', 'unitId', 'salary', 'maxBonusSalaries'])) as EmployeeSnapshot[]),
    );
  }
  const ind = (await knex('sc_indicators')
    .insert([
      { code: 'bench-processed', name: 'Processed applications', unit: 'count', direction: 'higher', source: 'manual' },
      { code: 'bench-late', name: 'Late cases', unit: 'count', direction: 'lower', source: 'import' },
    ])
    .returning(['id', 'code'])) as { id: number; code: string }[];
  const discipline = (await knex('sc_indicators').where({ code: 'executive-discipline' }).first('id')) as {
    id: number;
  };
  const monthly = (v: number | string) => JSON.stringify(Array(12).fill(v));
  const items = employees.flatMap((e): InsertOf<'sc_plan_items'>[] => [
    {
      employeeId: e.id,
      year: 2026,
      kind: 'kpi',
      title: 'Processed applications',
      indicatorId: ind[0].id,
      unit: 'count',
      direction: 'higher',
      monthly: monthly(40),
    },
    {
      employeeId: e.id,
      year: 2026,
      kind: 'kpi',
      title: 'Late cases',
      indicatorId: ind[1].id,
      unit: 'count',
      direction: 'lower',
      monthly: monthly(2),
    },
    {
      employeeId: e.id,
      year: 2026,
      kind: 'kpi',
      title: 'Consultations',
      indicatorId: null,
      unit: 'count',
      direction: 'higher',
      monthly: monthly(20),
    },
    {
      employeeId: e.id,
      year: 2026,
      kind: 'smart_constant',
      title: 'Monthly report',
      indicatorId: null,
      unit: 'date',
      direction: 'higher',
      monthly: monthly('2026-10-25'),
    },
    {
      employeeId: e.id,
      year: 2026,
      kind: 'smart_constant',
      title: 'Queue reduction',
      indicatorId: null,
      unit: 'count',
      direction: 'higher',
      monthly: monthly(10),
    },
  ]);
  for (let i = 0; i < items.length; i += 2000) await knex('sc_plan_items').insert(items.slice(i, i + 2000));
  const facts = employees.flatMap((e, i) => [
    { employeeId: e.id, indicatorId: ind[0].id, month: `${MONTH}-01`, value: 30 + (i % 20), source: 'manual' },
    { employeeId: e.id, indicatorId: ind[1].id, month: `${MONTH}-01`, value: i % 4, source: 'import' },
    { employeeId: e.id, indicatorId: discipline.id, month: `${MONTH}-01`, value: 80 + (i % 20), source: 'manual' },
  ]);
  for (let i = 0; i < facts.length; i += 3000) await knex('sc_facts').insert(facts.slice(i, i + 3000));
  return employees;
}

/** Bench `scorecard`: all matrices of 2,000 employees for a month, then one fact change (incremental), against the pure formula in memory. */
export async function run(): Promise<void> {
  const okno = await startTestOkno({ ENGINE: 'none' });
  try {
    const knex = okno.deps.db.knex;
    const employees = await seedStaff(knex);
    console.log(
      `database: ${okno.deps.db.kind}; ${employees.length} employees in ${DEPARTMENTS} departments, 7 rows per matrix, month ${MONTH}`,
    );

    // 1. Create and compute every matrix of the month (rules, plans, provider facts, computed columns stored).
    let t = performance.now();
    const ids = await knex.transaction((trx) => createMatrices(trx, defaultProviders(), employees, MONTH, 'RU'));
    const create = performance.now() - t;

    // 2. Full recompute of the same matrices (read rows, compute, bulk update).
    t = performance.now();
    await knex.transaction((trx) => recompute(trx, ids));
    const full = performance.now() - t;

    // Baseline: the pure formula over the very same rows, in memory (no I/O).
    const rows = (await knex('sc_matrix_rows')
      .whereIn('matrixId', ids)
      .orderBy(['matrixId', 'sort', 'id'])
      .select(
        'matrixId',
        'section',
        'weight',
        'unit',
        'direction',
        'planValue',
        'factValue',
        'planDate',
        'factDate',
        't0',
        'tmax',
      )) as (RowInput & { matrixId: number })[];
    const byMatrix = new Map<number, RowInput[]>();
    for (const r of rows) byMatrix.set(r.matrixId, [...(byMatrix.get(r.matrixId) ?? []), r]);
    t = performance.now();
    let checksum = 0;
    for (const list of byMatrix.values())
      checksum += computeMatrix(
        list,
        { kpi: 30, smart: 30, discipline: 30, evaluation: 10 },
        { maxBonusSalaries: 1.2, workedDays: 21, plannedWorkingDays: 22 },
      ).result;
    const pure = performance.now() - t;

    // 3. One fact changes, through the HTTP API as a manager would enter it: only the affected matrix is recomputed.
    const admin = await okno.signIn('admin@okno.local');
    const times: number[] = [];
    let recomputed = 0;
    for (let i = 0; i < INCREMENTAL_RUNS; i++) {
      const employee = employees[(i * 97) % employees.length];
      t = performance.now();
      const res = await admin.post('/api/scorecard/facts', {
        facts: [{ employeeId: employee.id, indicatorCode: 'bench-processed', month: MONTH, value: 41 + i }],
      });
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`fact update failed: ${res.status} ${JSON.stringify(res.body)}`);
      recomputed = res.body.recomputed;
    }
    const check = (await knex('sc_matrices')
      .where({ employeeId: employees[0].id, month: `${MONTH}-01` })
      .first('result')) as { result: number };

    const stored = (await knex('sc_matrices').whereIn('id', ids).count({ n: '*' }).first()) as { n: number };
    console.log(
      `matrices stored: ${stored.n}, rows: ${rows.length}, sum of results ${checksum.toFixed(2)} (first matrix now ${check.result.toFixed(2)} %)`,
    );
    console.log(`baseline: pure computeMatrix over the same ${rows.length} rows in memory   ${ms(pure)}`);
    console.log(
      `create + compute all ${ids.length} matrices of the month (target < 5000 ms)   ${ms(create)}  ${create < 5000 ? 'OK' : 'OVER TARGET'}`,
    );
    console.log(
      `full recompute of all ${ids.length} matrices                              ${ms(full)}  (${(full / pure).toFixed(0)}× the in-memory baseline)`,
    );
    console.log(
      `one fact changed via POST /api/scorecard/facts, ${recomputed} matrix recomputed (target < 1000 ms): median ${ms(median(times))}, max ${ms(Math.max(...times))}  ${Math.max(...times) < 1000 ? 'OK' : 'OVER TARGET'}`,
    );
  } finally {
    await okno.stop();
  }
}
