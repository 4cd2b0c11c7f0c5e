import { spawn, type ChildProcess } from 'node:child_process';

/** `npm run dev`: the API server with reload (tsx watch) and the Vite dev server with /api proxied to it. */
const children: ChildProcess[] = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/main.ts'], { stdio: 'inherit' }),
  spawn('npx', ['vite', '--port', '5173'], { stdio: 'inherit' }),
];

const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) {
  c.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
}
console.log('Okno dev: UI http://localhost:5173 (proxying /api to http://127.0.0.1:3000)');
