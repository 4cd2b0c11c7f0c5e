import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestOkno } from '../helpers/okno.js';
import { formatLoad, runLoad } from './load.js';

const CONNECTIONS = 50;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);

/** Bench `api`: GET /api/health and an authenticated list endpoint under 50 connections, against a bare node:http baseline. */
export async function run(): Promise<void> {
  // Baseline: the cheapest possible JSON answer from node:http in this same process and machine.
  const bare = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

  const okno = await startTestOkno({ ENGINE: 'embedded' });
  const admin = await okno.signIn('admin@okno.local');
  const cookie = admin.cookieHeader();
  const listPath = process.env.BENCH_LIST_PATH ?? '/api/org/employees?pageSize=50';
  const probe = await admin.get(listPath);
  const list = probe.status === 200 ? listPath : '/api/auth/me';

  console.log(`database: ${okno.deps.db.kind}, ${CONNECTIONS} connections, ${DURATION_MS} ms per run`);
  await runLoad({ url: bareUrl, connections: 10, durationMs: 1000 }); // warm-up
  const base = await runLoad({ url: bareUrl, connections: CONNECTIONS, durationMs: DURATION_MS });
  const health = await runLoad({ url: `${okno.url}/api/health`, connections: CONNECTIONS, durationMs: DURATION_MS });
  const authed = await runLoad({
    url: `${okno.url}${list}`,
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    headers: { cookie },
  });

  console.log(formatLoad('baseline node:http JSON', base));
  console.log(formatLoad('GET /api/health', health));
  console.log(formatLoad(`GET ${list} (signed in)`, authed));
  console.log(
    `ratio to baseline (throughput): health ${(health.rps / base.rps).toFixed(3)}, list ${(authed.rps / base.rps).toFixed(3)}`,
  );

  await okno.stop();
  bare.close();
}
