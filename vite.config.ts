import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

/** Builds the Vue client from client/ into dist/client; the dev server proxies /api to the Koa server. */
export default defineConfig({
  root: 'client',
  plugins: [vue()],
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
