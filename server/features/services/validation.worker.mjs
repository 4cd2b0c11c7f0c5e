// Entry of a validation worker thread (validation.pool.ts). Worker threads do not reliably inherit the
// TypeScript loader of their parent (tsx under `npm start`, `node --import tsx` in Docker, Vite under
// vitest), so this plain-JS file loads the TypeScript worker through tsx's API in every case.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./validation.worker.ts', import.meta.url);

export default worker.default;
