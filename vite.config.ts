import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

/**
 * The only ways the client reaches into server/: the API contract (zod schemas and the types inferred
 * from them) and Okno's BPMN extension. Mirrored in client/tsconfig.json `paths`; ESLint forbids
 * relative imports of server/ from the client.
 */
export const clientAliases = {
  '@contract': fileURLToPath(new URL('./server/contract', import.meta.url)),
  '@okno-moddle': fileURLToPath(new URL('./server/okno-moddle', import.meta.url)),
};

/** Builds the Vue client from client/ into dist/client; the dev server proxies /api to the Koa server. */
export default defineConfig({
  root: 'client',
  plugins: [vue()],
  resolve: { alias: clientAliases },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
