// Vite config lives in scripts/ to keep the repository's top level to the agreed set;
// every npm script passes `--config scripts/vite.config.ts`.
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import svelteConfig from '../svelte.config.js';
import { serialize, sitePolicy } from './csp.js';

const policy = sitePolicy();

/**
 * `vite preview` (what `npm start` serves) sends the site's policy as a header on every
 * response. A page gets its own <meta> policy (with Kit's script hashes) plus `frame-ancestors`,
 * which a <meta> tag cannot carry. Everything else gets the policy without hashes: that is what
 * governs the app's workers and the service worker, which never see a page's <meta> tag.
 */
function cspHeaders(): Plugin {
  const pages = join(svelteConfig.kit?.outDir ?? '.svelte-kit', 'output/prerendered/pages');
  const base = serialize(policy.directives);
  const frameAncestors = serialize({ 'frame-ancestors': policy.directives['frame-ancestors'] });
  return {
    name: 'gridatlas-csp-headers',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const meta = pagePolicy(pages, new URL(req.url ?? '/', 'http://x').pathname);
        res.setHeader('content-security-policy', meta ? `${meta}; ${frameAncestors}` : base);
        next();
      });
    }
  };
}

/** The <meta http-equiv="content-security-policy"> of the prerendered page a path serves, if any. */
function pagePolicy(pages: string, pathname: string): string | null {
  const name = decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = [name.endsWith('/') || !name ? `${name}index.html` : `${name}.html`, name]
    .map((f) => join(pages, f))
    .find((f) => f.startsWith(pages) && f.endsWith('.html') && existsSync(f));
  if (!file) return null;
  // Kit escapes only & and " in the attribute; the policy (keywords, hashes, origins) has neither.
  const m = /<meta http-equiv="content-security-policy" content="([^"]*)">/.exec(readFileSync(file, 'utf8'));
  return m ? m[1] : null;
}

export default defineConfig({
  root: process.cwd(),
  plugins: [sveltekit(), cspHeaders()],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
  // The tile origins the policy allows, for the basemap settings (see scripts/csp.js).
  // GRIDATLAS_BENCH=1: the instrumented build of the bench and the browser tests (window handles,
  // src/lib/instrumented.ts); `npm run build` leaves it unset and scripts/check-bundle.ts checks that.
  define: {
    'import.meta.env.GRIDATLAS_TILE_ORIGINS': JSON.stringify(policy.tiles),
    'import.meta.env.GRIDATLAS_BENCH': JSON.stringify(process.env.GRIDATLAS_BENCH === '1')
  },
  build: { chunkSizeWarningLimit: 2500 }
});
