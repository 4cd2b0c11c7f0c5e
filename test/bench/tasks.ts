import os from 'node:os';
import type { TaskItemDto } from '../../server/contract/tasks.js';
import type { ApiClient } from '../helpers/api.js';
import { startTestOkno, type TestOkno } from '../helpers/okno.js';

// `npm run bench -- tasks [--tasks N] [--seconds S] [--quick]` (issue 13): the staff task list at scale.
// A whole Okno (HTTP, listeners' worker, embedded engine) on DATABASE_URL; `tasks` seeded with N rows
// (default 200,000; the figure is 2,000,000 = 400,000 cases × 5 steps) by one generate_series
// INSERT — the `cases` table is not on this branch, so the denormalised task rows are seeded alone.
// Then: (1) 50 concurrent staff querying the list over HTTP (views, filters, sorts, pages), next to
// the same rows read by a plain indexed SELECT; (2) claim and complete over HTTP, each including the
// engine round trip; (3) the time from the engine creating a user task to its row being visible.

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const QUICK = process.argv.includes('--quick');
const TASKS = arg('tasks', QUICK ? 50_000 : 200_000);
const SECONDS = arg('seconds', QUICK ? 5 : 15);
const STAFF = 50;
const CLAIMS = arg('claims', QUICK ? 50 : 200);
const CREATIONS = arg('creations', QUICK ? 50 : 150);
const TARGET = { listP95: 100, actionP95: 200, visibleP95: 250 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const r = { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), n: s.length };
  return { ...r, text: `p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.n})` };
}
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

const INTAKE = {
  applicantName: 'Иванов Иван',
  installationAddress: 'ул. Ленина, 1',
  infoFieldArea: 12,
  documentsChecked: true,
};

/** Seeds `tasks` with n rows: 5 steps per case (4 completed, the last open), spread over groups, departments and assignees. */
async function seed(okno: TestOkno, n: number): Promise<void> {
  const knex = okno.deps.db.knex;
  const units = (await knex('org_units').pluck('id')) as number[];
  const users = (await knex('users').whereNotNull('employeeId').pluck('id')) as number[];
  const groups = ['mfc-operators', 'arch-permits', 'housing-accounting', 'housing-managers'];
  for (let i = groups.length; i < 50; i++) groups.push(`group-${i}`);
  const started = performance.now();
  const now = okno.clock.now().toISOString();
  await knex.raw(
    `insert into tasks (user_task_key, process_instance_key, process_definition_key, bpmn_process_id, element_id, name,
       form_id, status, candidate_groups, candidate_users, assignee_id, priority, created_at, due_at, completed_at,
       completed_by, case_id, case_number, applicant_name, service_code, service_title, department_id)
     select 'seed-' || i, 'seed-pi-' || (i / 5), 'seed-def', 'seed-service-' || (i / 5) % 40, 'Task_Step' || (i % 5),
       'Шаг ' || (i % 5), 'seed-form',
       case when i % 5 < 4 then 'completed' when i % 15 = 4 then 'assigned' else 'created' end,
       array[(?::text[])[1 + (i / 5) % 50]], '{}',
       case when i % 5 < 4 or i % 15 = 4 then (?::int[])[1 + (i / 5) % ?] end,
       (i * 7) % 101,
       ?::timestamptz - ((? - i) / 5) * interval '90 seconds' - (5 - i % 5) * interval '1 hour',
       ?::timestamptz + ((i / 5) % 400 - 100) * interval '1 hour',
       case when i % 5 < 4 then ?::timestamptz - ((? - i) / 5) * interval '90 seconds' end,
       case when i % 5 < 4 then (?::int[])[1 + (i / 5) % ?] end,
       1000000 + i / 5, '2025-' || lpad((i / 5)::text, 6, '0'),
       (array['Иванов','Петров','Сидорова','Кузнецов','Смирнова','Попов','Васильева','Соколов'])[1 + (i / 5) % 8]
         || ' ' || (array['Иван','Анна','Олег','Мария','Пётр','Елена'])[1 + (i / 7) % 6] || ' ' || (i / 5) % 997,
       'seed-service-' || (i / 5) % 40, 'Услуга ' || (i / 5) % 40, (?::int[])[1 + (i / 5) % ?]
     from generate_series(0, ? - 1) as i`,
    [groups, users, users.length, now, n, now, now, n, users, users.length, units, units.length, n],
  );
  await knex.raw('vacuum analyze tasks');
  const open = await knex('tasks').whereIn('status', ['created', 'assigned']).count({ n: '*' }).first();
  console.log(
    `seeded ${n.toLocaleString('en')} task rows (${(n / 5).toLocaleString('en')} cases × 5 steps, ${Number(open?.n).toLocaleString('en')} open) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

export async function run(): Promise<void> {
  if (!process.env.DATABASE_URL)
    console.log('DATABASE_URL is unset: the embedded PGlite (the targets are for PostgreSQL)');
  const okno = await startTestOkno({ LOG_LEVEL: 'silent' });
  const knex = okno.deps.db.knex;
  try {
    console.log(
      `database: ${okno.deps.db.kind}; ${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; Okno (HTTP, listeners' worker, engine) and the load in this process`,
    );
    const analyst = await okno.signIn('analyst@okno.local');
    const published = await analyst.post('/api/services/advert-permit/publish', { comment: 'bench' });
    if (published.status !== 201) throw new Error(`publish failed: ${JSON.stringify(published.body)}`);
    await seed(okno, TASKS);

    // ---- 1. the task list under 50 concurrent staff ----
    const logins = [
      'operator@okno.local',
      'operator2@okno.local',
      'specialist2@okno.local',
      'manager@okno.local',
      'admin@okno.local',
    ];
    const clients: ApiClient[] = [];
    for (let i = 0; i < STAFF; i++) clients.push(await okno.signIn(logins[i % logins.length]));
    const queries = [
      '/api/tasks?view=mine',
      '/api/tasks?view=group',
      '/api/tasks?view=group&sort=-priority',
      '/api/tasks?view=group&due=overdue',
      '/api/tasks?view=group&due=atRisk',
      '/api/tasks?view=group&applicant=петров',
      '/api/tasks?view=group&caseNumber=2025-0001',
      '/api/tasks?view=completed&sort=-created',
      '/api/tasks?view=group&page=3&pageSize=20',
    ];
    const scopeQueries = ['/api/tasks?view=scope', '/api/tasks?view=scope&service=seed-service-7&sort=-created'];
    const latencies: number[] = [];
    const byQuery = new Map<string, number[]>();
    let errors = 0;
    let stop = false;
    const loops = clients.map(async (c, i) => {
      const manages = i % logins.length >= 3;
      for (let k = i; !stop; k++) {
        const pool = manages ? [...queries, ...scopeQueries] : queries;
        const q = pool[k % pool.length];
        const t0 = performance.now();
        const res = await c.get(q);
        const ms = performance.now() - t0;
        if (res.status !== 200) errors++;
        latencies.push(ms);
        const key = q.replace(/^\/api\/tasks\?/, '');
        byQuery.set(key, [...(byQuery.get(key) ?? []), ms]);
      }
    });
    await sleep(SECONDS * 1000);
    stop = true;
    await Promise.all(loops);
    const list = stats(latencies);
    console.log(
      `task list, ${STAFF} concurrent staff for ${SECONDS} s: ${list.text}; ${errors} errors — ${verdict(list.p95 < TARGET.listP95)} (target p95 < ${TARGET.listP95} ms)`,
    );
    for (const [q, xs] of byQuery) console.log(`  ${q.padEnd(48)} ${stats(xs).text}`);

    // The same rows by a plain indexed SELECT (the group view's first page), sequentially, as the baseline.
    const operator = clients[0];
    const groupsOf = ['mfc-operators'];
    const sql: number[] = [];
    const http: number[] = [];
    for (let i = 0; i < 100; i++) {
      let t0 = performance.now();
      await knex('tasks')
        .where('status', 'created')
        .whereNull('assigneeId')
        .whereRaw('candidate_groups && ?::text[]', [groupsOf])
        .orderByRaw('due_at asc nulls last, id asc')
        .limit(50)
        .select('*');
      sql.push(performance.now() - t0);
      t0 = performance.now();
      await operator.get('/api/tasks?view=group');
      http.push(performance.now() - t0);
    }
    const s = stats(sql);
    const h = stats(http);
    console.log(
      `group view first page, sequential: HTTP ${h.text}; plain SELECT ${s.text}; ratio p50 ${(h.p50 / s.p50).toFixed(1)}×, p95 ${(h.p95 / s.p95).toFixed(1)}×`,
    );
    const plan = await knex.raw<{ rows: { 'QUERY PLAN': string }[] }>(
      `explain analyze select * from tasks where status = 'created' and assignee_id is null
         and (candidate_groups && '{mfc-operators}'::text[]) order by due_at asc nulls last, id asc limit 50`,
    );
    console.log('  EXPLAIN ANALYZE (group view):');
    for (const r of plan.rows.slice(0, 8)) console.log(`    ${r['QUERY PLAN']}`);

    // ---- 3. visible after engine creation ----
    const zeebe = okno.deps.engine.sdk()!.getZeebeGrpcApiClient();
    const visible: number[] = [];
    let caseId = 1;
    const variables = (id: number) =>
      ({
        caseId: id,
        caseNumber: `2026-${String(id).padStart(6, '0')}`,
        serviceCode: 'advert-permit',
        serviceTitle: 'Реклама',
        applicantName: `Заявитель ${id}`,
      }) as Record<string, string | number>;
    const watchers: Promise<void>[] = [];
    for (let i = 0; i < CREATIONS; i++) {
      const id = caseId++;
      watchers.push(
        (async () => {
          const pi = await zeebe.createProcessInstance({ bpmnProcessId: 'advert-permit', variables: variables(id) });
          const t0 = performance.now();
          for (;;) {
            const row = await knex('tasks').where({ processInstanceKey: pi.processInstanceKey }).first('id');
            if (row) break;
            if (performance.now() - t0 > 30_000) throw new Error('a task never appeared');
            await sleep(5);
          }
          visible.push(performance.now() - t0);
        })(),
      );
      await sleep(50);
    }
    await Promise.all(watchers);
    const v = stats(visible);
    console.log(
      `task visible after the engine created it (20 new tasks/s): ${v.text} — ${verdict(v.p95 < TARGET.visibleP95)} (target p95 < ${TARGET.visibleP95} ms)`,
    );

    // ---- 2. claim and complete ----
    for (let i = 0; i < CLAIMS; i++)
      await zeebe.createProcessInstance({ bpmnProcessId: 'advert-permit', variables: variables(caseId++) });
    const ours = await (async () => {
      for (;;) {
        const rows = await knex('tasks').where({ bpmnProcessId: 'advert-permit', status: 'created' }).pluck('id');
        if (rows.length >= CLAIMS) return rows as number[];
        await sleep(100);
      }
    })();
    const operators = clients.filter((_, i) => i % logins.length < 2);
    // One operator alone first (the cost of the path itself), then all operators at once.
    const alone = { claims: [] as number[], completes: [] as number[] };
    for (const id of ours.splice(0, 20)) {
      let t0 = performance.now();
      await operators[0].post(`/api/tasks/${id}/claim`);
      alone.claims.push(performance.now() - t0);
      t0 = performance.now();
      await operators[0].post(`/api/tasks/${id}/complete`, { variables: INTAKE });
      alone.completes.push(performance.now() - t0);
    }
    console.log(`claim, one operator alone: ${stats(alone.claims).text}; complete: ${stats(alone.completes).text}`);
    const claims: number[] = [];
    const completes: number[] = [];
    let failed = 0;
    let next = 0;
    await Promise.all(
      operators.map(async (c) => {
        for (let id = ours[next++]; id !== undefined; id = ours[next++]) {
          let t0 = performance.now();
          const claimed = await c.post<TaskItemDto>(`/api/tasks/${id}/claim`);
          claims.push(performance.now() - t0);
          if (claimed.status !== 200) {
            failed++;
            continue;
          }
          t0 = performance.now();
          const done = await c.post(`/api/tasks/${id}/complete`, { variables: INTAKE });
          completes.push(performance.now() - t0);
          if (done.status !== 200) failed++;
        }
      }),
    );
    const cl = stats(claims);
    const co = stats(completes);
    console.log(
      `claim (HTTP → engine → row), ${operators.length} concurrent: ${cl.text} — ${verdict(cl.p95 < TARGET.actionP95)}`,
    );
    console.log(
      `complete (HTTP → form check → engine → row + step fact): ${co.text} — ${verdict(co.p95 < TARGET.actionP95)}; ${failed} failed`,
    );
  } finally {
    await okno.stop();
  }
}
