/**
 * `npm run bench -- heatmap [--json] [--runs N] [--build]`: the /heatmap filter and aggregation
 * timings for all 1,000,000 incidents, measured in headless Chromium (tests/e2e/browser.ts) on the
 * built app served by `vite preview`: the client-side filter pass, the KPI SQL in DuckDB-wasm and
 * deck.gl's hexagon/grid re-aggregation after a filter change (medians, ms). See
 * src/routes/heatmap/bench-hook.ts for what each number times. Builds the app first when
 * `build/` (or `.build/$GRIDATLAS_OUT/build`) is missing or with --build.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { launch } from '../../tests/e2e/browser';
import type { HeatmapBenchResult } from '../../src/routes/heatmap/bench-hook';

const PORT = 4187;

async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`preview server did not answer at ${url}`);
}

export async function benchHeatmap(args: string[]): Promise<HeatmapBenchResult & { device: string }> {
  const i = args.indexOf('--runs');
  const runs = i >= 0 ? Math.max(1, Number(args[i + 1]) || 7) : 7;
  // GRIDATLAS_OUT=<name>: the build lives in .build/<name>/build and `vite preview` serves it (see svelte.config.js).
  const built = process.env.GRIDATLAS_OUT ? `.build/${process.env.GRIDATLAS_OUT}/build` : 'build';
  if (args.includes('--build') || !existsSync(`${built}/heatmap.html`)) {
    execFileSync('npx', ['vite', 'build', '--config', 'scripts/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  }
  const server = spawn(
    'npx',
    ['vite', 'preview', '--config', 'scripts/vite.config.ts', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    { stdio: 'ignore', detached: true }
  );
  const base = `http://127.0.0.1:${PORT}`;
  const browser = await launch();
  try {
    await waitFor(`${base}/`, 60_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/heatmap?d=230102`);
    await page.waitForFunction(() => typeof (window as unknown as { __gridatlasHeatmapBench?: unknown }).__gridatlasHeatmapBench === 'function', undefined, {
      timeout: 60_000
    });
    // Let the page finish its own first load of Daoli before measuring.
    await page.waitForFunction(() => !!document.querySelector('.heatmap [data-kpi=incidents]')?.getAttribute('data-value'), undefined, { timeout: 120_000 });
    const result = await page.evaluate(
      (n) => (window as unknown as { __gridatlasHeatmapBench(n: number): Promise<HeatmapBenchResult> }).__gridatlasHeatmapBench(n),
      runs
    );
    return { ...result, device: 'headless Chromium, SwiftShader WebGL (CPU)' };
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }
}
