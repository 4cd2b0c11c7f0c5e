import { validateService } from '../../server/features/services/services.validation.js';
import { startTestOkno } from '../helpers/okno.js';
import { formatLoad, runLoad, type LoadResult } from './load.js';
import { largeService } from './services.js';

const CONNECTIONS = 4;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 8000);
const ELEMENTS = 5000;

/**
 * Bench `validation-isolation`: API p95 of a cheap request (GET /api/health and the public catalogue)
 * alone, then while 5,000-element service models validate back to back through the API (in the
 * validation worker pool), and — for comparison, what the server did before — while the same
 * validation runs on the server's event loop. Prints each and the ratios to the idle p95.
 */
export async function run(): Promise<void> {
  const okno = await startTestOkno({ VALIDATION_WORKERS: '1' });
  const analyst = await okno.signIn('analyst@okno.local');
  await analyst.post('/api/services', { code: 'large-service', title: 'Большая услуга', department: 'dep-arch' });
  const xml = largeService(ELEMENTS);
  const bytes = Buffer.byteLength(xml);
  const health = `${okno.url}/api/health`;
  const catalogue = `${okno.url}/api/catalogue/services`;

  // Warm-up: JIT, the worker thread and its modules.
  const warm = await analyst.post('/api/services/large-service/validate', { xml });
  if (warm.status !== 200)
    throw new Error(
      `validation of the ${ELEMENTS}-element model failed: ${warm.status} ${JSON.stringify(warm.body).slice(0, 300)}`,
    );
  await runLoad({ url: health, connections: CONNECTIONS, durationMs: 1000 });

  /** Keeps `validate` busy until the load is over; counts the validations done. */
  const whileBusy = async (validate: () => Promise<void>, load: () => Promise<LoadResult[]>) => {
    let busy = true;
    let count = 0;
    let ms = 0;
    const loop = (async () => {
      while (busy) {
        const t = performance.now();
        await validate();
        ms += performance.now() - t;
        count++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = await load();
    busy = false;
    await loop;
    return { results, count, avg: ms / Math.max(count, 1) };
  };
  const measure = async () => [
    await runLoad({ url: health, connections: CONNECTIONS, durationMs: DURATION_MS }),
    await runLoad({ url: catalogue, connections: CONNECTIONS, durationMs: DURATION_MS }),
  ];

  const idle = await measure();
  const pooled = await whileBusy(async () => {
    const res = await analyst.post('/api/services/large-service/validate', { xml });
    if (res.status !== 200) throw new Error(`validation failed: ${res.status}`);
  }, measure);
  const ctx = {
    staffGroups: new Set(['arch-permits', 'mfc-operators']),
    departments: new Set(['dep-arch']),
    publishedServices: new Set<string>(),
    locale: 'ru' as const,
  };
  const onLoop = await whileBusy(async () => {
    await validateService(xml, [], ctx);
  }, measure);

  console.log(
    `database: ${okno.deps.db.kind}; ${CONNECTIONS} connections, ${DURATION_MS} ms per run; model: ${ELEMENTS} elements, ${(bytes / 1e6).toFixed(2)} MB; 1 validation worker; load generator in a worker thread`,
  );
  const names = ['GET /api/health', 'GET /api/catalogue/services'];
  for (let i = 0; i < names.length; i++) {
    console.log(formatLoad(`${names[i]} alone`, idle[i]));
    console.log(formatLoad(`${names[i]} while validating (worker pool)`, pooled.results[i]));
    console.log(formatLoad(`${names[i]} while validating on the event loop (before)`, onLoop.results[i]));
    console.log(
      `  p95 ratio to alone: worker pool ${(pooled.results[i].p95 / idle[i].p95).toFixed(2)}, event loop ${(onLoop.results[i].p95 / idle[i].p95).toFixed(2)}`,
    );
  }
  console.log(
    `validations during the runs: ${pooled.count} through the API (avg ${pooled.avg.toFixed(0)} ms each), ${onLoop.count} on the event loop (avg ${onLoop.avg.toFixed(0)} ms each)`,
  );
  await okno.stop();
}
