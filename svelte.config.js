import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { sitePolicy } from './scripts/csp.js';

// GRIDATLAS_OUT=<name> builds into .build/<name>/ instead of build/ and .svelte-kit/, so two
// test runs in one checkout (e.g. two developers' agents) don't overwrite each other's build.
const out = process.env.GRIDATLAS_OUT ? `.build/${process.env.GRIDATLAS_OUT}` : null;

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A static site: every page is prerendered as a shell and runs in the browser.
    adapter: adapter({
      pages: out ? `${out}/build` : 'build',
      assets: out ? `${out}/build` : 'build',
      fallback: undefined,
      strict: true
    }),
    ...(out ? { outDir: `${out}/.svelte-kit` } : {}),
    files: { serviceWorker: 'src/service-worker' },
    // Prerendered pages get the policy as a <meta> tag; 'hash' adds the hashes of Kit's inline
    // bootstrap script (no 'unsafe-inline' for scripts). The preview server repeats it as a header.
    csp: { mode: 'hash', directives: sitePolicy().directives }
  }
};

export default config;
