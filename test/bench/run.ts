import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `npm run bench -- <name>`: runs test/bench/<name>.ts's exported run(). */
async function main(): Promise<void> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const available = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !['run.ts', 'load.ts'].includes(f))
    .map((f) => f.replace(/\.ts$/, ''));
  // Options such as --quick or --tasks 2000000 stay in process.argv for the bench to read.
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!names.length || names.some((n) => !available.includes(n))) {
    console.error(`usage: npm run bench -- <${available.join('|')}> [--quick]`);
    process.exit(2);
  }
  for (const name of names) {
    const mod = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as { run(): Promise<void> };
    console.log(`\n=== bench: ${name} ===`);
    await mod.run();
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
