// Vite config lives in scripts/ to keep the repository's top level to the agreed set;
// every npm script passes `--config scripts/vite.config.ts`.
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: process.cwd(),
  plugins: [sveltekit()],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
  build: { chunkSizeWarningLimit: 2500 }
});
