/**
 * The browser benchmarks (compare, heatmap) and the browser tests see the app as `npm start`
 * serves it: the same `vite preview` server with scripts/vite.config.ts (its MIME types, e.g.
 * `.mjs` as JavaScript so maplibre's worker loads, and its CSP headers), on a free port of its
 * own. A hand-written static server once served `.mjs` as octet-stream, the map worker failed and
 * the bench measured a lighter page than users get.
 *
 * The build they use is `npm start`'s production build plus the window handles they read
 * (`__gridatlasMap`, the bench hooks: src/lib/instrumented.ts), built with GRIDATLAS_BENCH=1; the
 * production build has none of them (scripts/check-bundle.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Where the built site lives: `.build/$GRIDATLAS_OUT/build` (see svelte.config.js) or `build/`. */
export function builtDir(): string {
  return process.env.GRIDATLAS_OUT ? `.build/${process.env.GRIDATLAS_OUT}/build` : 'build';
}

/**
 * The folder `vite preview` serves the site's files from: Kit's client output (the built app and
 * a copy of static/), not the adapter's `builtDir()`. A file put here before the preview starts is
 * served (the e2e province test puts a small province here).
 */
export function servedDir(): string {
  return process.env.GRIDATLAS_OUT
    ? `.build/${process.env.GRIDATLAS_OUT}/.svelte-kit/output/client`
    : '.svelte-kit/output/client';
}

/** The name every window handle of the instrumented build starts with. */
export const HANDLE_PREFIX = '__gridatlas';

/** The built code files (JS, HTML, source maps) under `dir` that name a window handle; [] when none or no `dir`. */
export function filesWithHandles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(m?js|cjs|html|map)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => readFileSync(f, 'utf8').includes(HANDLE_PREFIX));
}

/** True when the built app has the window handles the bench and the browser tests read. */
export function isInstrumented(): boolean {
  return filesWithHandles(builtDir()).length > 0;
}

/**
 * Builds the app, instrumented (GRIDATLAS_BENCH=1, otherwise a production build as `npm start`
 * makes), when it is missing, a production build, or `rebuild` is set.
 */
export function ensureBuilt(rebuild: boolean): void {
  if (!rebuild && existsSync(`${builtDir()}/index.html`) && isInstrumented()) return;
  execFileSync('npx', ['vite', 'build', '--config', 'scripts/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', GRIDATLAS_BENCH: '1' }
  });
}

/** A port nobody listens on now, so two benches (or a bench and a test run) never share a server. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, server: ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.exitCode != null) throw new Error(`vite preview exited with code ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

export interface Preview {
  base: string;
  close(): void;
}

/** Starts `vite preview` (what `npm start` runs) over the built app; `close()` stops it. */
export async function startPreview(): Promise<Preview> {
  const port = await freePort();
  const server = spawn(
    'npx',
    [
      'vite',
      'preview',
      '--config',
      'scripts/vite.config.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort'
    ],
    { stdio: 'ignore', detached: true, env: { ...process.env, NODE_ENV: 'production' } }
  );
  const base = `http://127.0.0.1:${port}`;
  const close = () => {
    if (server.pid && server.exitCode == null) process.kill(-server.pid, 'SIGTERM');
  };
  try {
    await waitFor(`${base}/`, server, 60_000);
  } catch (e) {
    close();
    throw e;
  }
  return { base, close };
}
