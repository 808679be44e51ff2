import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A static site: every page is prerendered as a shell and runs in the browser.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
    files: { serviceWorker: 'src/service-worker' }
  }
};

export default config;
