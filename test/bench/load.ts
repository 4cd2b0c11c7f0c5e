import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  url: string;
  connections: number;
  durationMs: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

// The load loop runs in a worker thread so it does not share the event loop with the server under test.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, connections, durationMs, headers } = workerData;
const latencies = [];
let errors = 0;
const end = Date.now() + durationMs;
async function loop() {
  while (Date.now() < end) {
    const t = performance.now();
    try {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status >= 400) errors++;
    } catch { errors++; }
    latencies.push(performance.now() - t);
  }
}
const started = performance.now();
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  parentPort.postMessage({ latencies, errors, elapsed: performance.now() - started });
});
`;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs a closed-loop GET load with N concurrent connections and returns throughput and latency percentiles (ms). */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: opts });
    worker.once('error', reject);
    worker.once('message', (m: { latencies: number[]; errors: number; elapsed: number }) => {
      void worker.terminate();
      const sorted = m.latencies.sort((a, b) => a - b);
      resolve({
        requests: sorted.length,
        errors: m.errors,
        rps: sorted.length / (m.elapsed / 1000),
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
      });
    });
  });
}

/** Formats a result as one aligned line. */
export function formatLoad(name: string, r: LoadResult): string {
  return `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   errors ${r.errors}`;
}
