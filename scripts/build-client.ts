import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm start`'s first step: builds the web client only when `dist/client` is missing or older than
 * anything it is built from (the client, the server code it imports, the build configuration and
 * the installed packages), so a second start skips the build.
 */
const OUTPUT = 'dist/client/index.html';
const INPUT_DIRS = ['client', 'server', 'forms'];
const INPUT_FILES = [
  'vite.config.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'node_modules/.package-lock.json',
];

/** The newest modification time (ms) among the inputs, and the file that has it. */
function newestInput(): { mtime: number; file: string } {
  let newest = { mtime: 0, file: '' };
  const consider = (file: string) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile() && stat.mtimeMs > newest.mtime) newest = { mtime: stat.mtimeMs, file };
  };
  for (const dir of INPUT_DIRS) {
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) consider(path.join(entry.parentPath, entry.name));
    }
  }
  INPUT_FILES.forEach(consider);
  return newest;
}

const built = fs.statSync(OUTPUT, { throwIfNoEntry: false });
const newest = newestInput();
if (built && built.mtimeMs >= newest.mtime) {
  console.log('web client is up to date (dist/client); skipping the build');
} else {
  console.log(built ? `building the web client (${newest.file} changed)…` : 'building the web client (first start)…');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
