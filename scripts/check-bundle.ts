/**
 * Run by `npm run build` after `vite build`: the production build (what `npm start` serves) must
 * not carry the bench's and the browser tests' window handles (`__gridatlas…`, src/lib/instrumented.ts).
 * They are in a build made with GRIDATLAS_BENCH=1 only (scripts/lib/preview.ts makes that one).
 * Checks the served site and Kit's client and server output; exit 1 with one line naming a file.
 */
import { join } from 'node:path';
import svelteConfig from '../svelte.config.js';
import { builtDir, filesWithHandles, HANDLE_PREFIX } from './lib/preview';

const kitOutput = join(svelteConfig.kit?.outDir ?? '.svelte-kit', 'output');
const found = [builtDir(), kitOutput].flatMap(filesWithHandles);
if (found.length) {
  console.error(
    `check-bundle: the production build contains ${HANDLE_PREFIX}* (bench/test handles) in ${found.length} file(s), e.g. ${found[0]}; build without GRIDATLAS_BENCH=1`
  );
  process.exit(1);
}
