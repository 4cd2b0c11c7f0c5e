import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, signInThroughUi } from '../e2e/browser.js';
import { startTestOkno } from '../helpers/okno.js';
import { largeService } from './services.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 1500;
const LARGE = 'large-service';
const SMALL = 'small-service';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} (${xs.length} runs)`;

/**
 * Browser-side check (a string: the bench is compiled without DOM types): the editor is interactive when the
 * diagram's last element is drawn, the properties panel is rendered and the editor's actions are enabled.
 */
const interactive = (lastId: string) => `(() => {
  const drawn = document.querySelector('[data-test="bpmn-canvas"] .djs-element[data-element-id="${lastId}"]');
  const panel = document.querySelector('[data-test="properties-panel"] .bio-properties-panel');
  const save = document.querySelector('[data-test="editor-save"]');
  return Boolean(drawn && panel && save && !save.disabled) && performance.now() - (window.__oknoT0 || 0);
})()`;
const validated = `(() => Boolean(document.querySelector('[data-test="problems-counts"]')) && performance.now() - (window.__oknoT0 || 0))()`;

/** Milliseconds until the browser-side expression gives a number (polled on every animation frame). */
async function until(page: Page, expression: string): Promise<number> {
  const handle = await page.waitForFunction(expression, undefined, { polling: 'raf', timeout: 60_000 });
  return Number(await handle.jsonValue());
}

/** The editor's own marks (service loaded, diagram imported, editor ready) in ms since the start of the measurement. */
async function marks(page: Page): Promise<{ loaded: number; imported: number; ready: number }> {
  return page.evaluate(`(() => {
    const at = (name) => { const all = performance.getEntriesByName('okno-editor-' + name); return all.length ? all[all.length - 1].startTime - (window.__oknoT0 || 0) : NaN; };
    return { loaded: at('loaded'), imported: at('imported'), ready: at('ready') };
  })()`);
}

interface Timing {
  /** From the click in the service list to an interactive editor (diagram drawn, properties panel, actions enabled). */
  open: number;
  /** From the click to the problems panel filled by the server's validation. */
  problems: number;
  /** From a click on a task to the properties panel showing it. */
  select: number;
  /** Where the opening time goes: the service fetched, the diagram imported, the editor ready. */
  phases: { loaded: number; imported: number; ready: number };
}

/** Opens a service from the list (in-app navigation, warm caches), selects one of its tasks, then goes back to the list. */
async function openFromList(
  page: Page,
  code: string,
  lastId: string,
  taskId: string,
  taskName: string,
): Promise<Timing> {
  await page.locator(`[data-test="service-${code}"]`).waitFor();
  await page.evaluate(
    `(() => { window.__oknoT0 = performance.now(); document.querySelector('[data-test="service-${code}"]').click(); })()`,
  );
  const open = await until(page, interactive(lastId));
  const phases = await marks(page);
  const problems = await until(page, validated);
  // Interaction: click a task, wait until the properties panel shows its name.
  const shape = page.locator(`[data-test="bpmn-canvas"] .djs-element[data-element-id="${taskId}"]`).first();
  await shape.scrollIntoViewIfNeeded();
  const box = await shape.boundingBox();
  if (!box) throw new Error(`${taskId} is not visible on the canvas`);
  await page.evaluate('window.__oknoT0 = performance.now()');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const select = await until(
    page,
    `(() => { const h = document.querySelector('[data-test="properties-panel"] .bio-properties-panel-header-label'); return Boolean(h && h.textContent.includes(${JSON.stringify(taskName)})) && performance.now() - window.__oknoT0; })()`,
  );
  await page.locator('.editor__back').click();
  await page.locator('[data-test="services-table"]').waitFor();
  return { open, problems, select, phases };
}

/** Loads the editor's URL as a full page load (HTML, scripts from the HTTP cache, API calls, import). */
async function openByUrl(
  page: Page,
  baseUrl: string,
  code: string,
  lastId: string,
): Promise<{ open: number; phases: Timing['phases'] }> {
  await page.goto(`${baseUrl}/constructor/services/${code}`, { waitUntil: 'commit' });
  const open = await until(page, interactive(lastId));
  return { open, phases: await marks(page) };
}

const phaseLine = (xs: Timing['phases'][]) =>
  `service loaded ${median(xs.map((x) => x.loaded)).toFixed(0)} ms → diagram imported ${median(xs.map((x) => x.imported)).toFixed(0)} ms → editor ready ${median(xs.map((x) => x.ready)).toFixed(0)} ms (medians)`;

/**
 * Bench `constructor`: opening a 300-element service in the constructor in Debian Chromium (target < 1.5 s until the
 * diagram and panels are interactive), against a 3-element service measured in the same run. Needs the built client
 * (`npm run build`).
 */
export async function run(): Promise<void> {
  const dist = path.resolve(process.env.OKNO_CLIENT_DIST ?? 'dist/client');
  if (!fs.existsSync(path.join(dist, 'index.html')))
    throw new Error(`No built client in ${dist}: run \`npm run build\` first`);
  const [okno, browser] = await Promise.all([startTestOkno(), launchBrowser()]);
  try {
    const analyst = await okno.signIn('analyst@okno.local');
    const xml = largeService(300);
    const created = await analyst.post('/api/services', {
      code: LARGE,
      title: 'Большая услуга',
      department: 'dep-arch',
      xml,
    });
    if (created.status !== 201)
      throw new Error(`cannot create the large service: ${created.status} ${JSON.stringify(created.body)}`);
    const small = await analyst.post('/api/services', { code: SMALL, title: 'Малая услуга', department: 'dep-arch' });
    if (small.status !== 201)
      throw new Error(`cannot create the small service: ${small.status} ${JSON.stringify(small.body)}`);
    const elements = (xml.match(/<bpmn:(?:startEvent|endEvent|userTask|serviceTask|sequenceFlow)\b/g) ?? []).length;
    console.log(
      `large service: ${elements} BPMN elements (${(xml.length / 1024).toFixed(0)} KiB of XML); small service: 5 elements`,
    );

    const page = await browser.newPage();
    // Browser errors would make the figures meaningless: report them.
    page.on('pageerror', (e) => console.log(`[browser error] ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('401'))
        console.log(`[browser console] ${m.text().split('\n')[0]}`);
    });
    await signInThroughUi(page, okno.url, 'analyst@okno.local');
    await page.goto(`${okno.url}/constructor`);
    // Warm-up: scripts and styles cached, modeler chunks loaded.
    await openFromList(page, SMALL, 'EndEvent_Done', 'Task_Intake', 'Приём заявления');
    const timings: Record<string, Timing[]> = { [SMALL]: [], [LARGE]: [] };
    for (let i = 0; i < RUNS; i++) {
      timings[SMALL].push(await openFromList(page, SMALL, 'EndEvent_Done', 'Task_Intake', 'Приём заявления'));
      timings[LARGE].push(await openFromList(page, LARGE, 'EndEvent_1', 'Task_0', 'Шаг 0'));
    }
    const byUrl: Record<string, { open: number; phases: Timing['phases'] }[]> = { [SMALL]: [], [LARGE]: [] };
    for (let i = 0; i < Math.min(RUNS, 5); i++) {
      for (const [code, last] of [
        [SMALL, 'EndEvent_Done'],
        [LARGE, 'EndEvent_1'],
      ] as const) {
        byUrl[code].push(await openByUrl(page, okno.url, code, last));
      }
    }
    for (const [code, label] of [
      [SMALL, 'small (5 elements, baseline)'],
      [LARGE, 'large (300 elements)'],
    ] as const) {
      const t = timings[code];
      console.log(`${label}:`);
      console.log(`  open from the list → interactive: ${fmt(t.map((x) => x.open))}`);
      console.log(`    ${phaseLine(t.map((x) => x.phases))}`);
      console.log(`  open from the list → problems panel validated: ${fmt(t.map((x) => x.problems))}`);
      console.log(`  click a task → properties panel shows it: ${fmt(t.map((x) => x.select))}`);
      console.log(
        `  full page load of the editor URL (HTTP cache warm) → interactive: ${fmt(byUrl[code].map((x) => x.open))}`,
      );
      console.log(`    ${phaseLine(byUrl[code].map((x) => x.phases))}`);
    }
    const large = median(timings[LARGE].map((x) => x.open));
    const baseline = median(timings[SMALL].map((x) => x.open));
    console.log(
      `opening 300 elements: ${large.toFixed(0)} ms (target < ${TARGET_MS} ms: ${large < TARGET_MS ? 'met' : 'NOT met'}); baseline 5 elements ${baseline.toFixed(0)} ms; the 300 elements add ${(large - baseline).toFixed(0)} ms`,
    );
    await page.close();
  } finally {
    await browser.close();
    await okno.stop();
  }
}
