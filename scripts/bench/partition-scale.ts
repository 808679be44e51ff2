/**
 * How the grid engine scales on ONE big community (#13): a jittered lattice of N buildings
 * (tests/fixtures/partition-layouts/gen.ts, 3–9 households each so that it stays within 999
 * grids) with its community polygon, partitioned by `npm run grid -- partition` in a child
 * process under `/usr/bin/time -v` (wall and CPU seconds, peak RSS), per method.
 *
 *   node --import tsx scripts/bench/partition-scale.ts [--sizes 5000,15000,30000,60000]
 *        [--methods engine,bisection,kmeans] [--timeout 600] [--direct]
 *
 * `--direct` runs `partitionGeoJSON` in the child instead of the CLI (no file writing), and
 * reports the child's own `process.resourceUsage().maxRSS`. Prints one JSON line per run.
 * Timings are measured here, never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeLayout } from '../../tests/fixtures/partition-layouts/gen';
import { partitionGeoJSON } from '../../src/lib/geo/partition/geojson';
import type { Method } from '../../src/lib/geo/partition/input';

/** Households per building: 60,000 buildings × 6 ≈ 360,000 households ≈ 900 grids of 400. */
const HOUSEHOLDS: [number, number] = [3, 9];

function child(dir: string, method: Method): void {
  const buildings = JSON.parse(readFileSync(join(dir, 'buildings.geojson'), 'utf8'));
  const communities = JSON.parse(readFileSync(join(dir, 'community.geojson'), 'utf8'));
  const t0 = performance.now();
  const r = partitionGeoJSON({ buildings, communities, method });
  const ms = performance.now() - t0;
  const c = r.ok ? r.value.communities[0] : undefined;
  console.log(
    JSON.stringify({
      ok: r.ok,
      ms: Math.round(ms),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      grids: c?.gridCount,
      pctInRange: c?.pctInRange,
      meanPolsbyPopper: c?.meanPolsbyPopper,
      contiguous: c?.contiguous,
      errors: r.ok ? undefined : r.errors.slice(0, 3)
    })
  );
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '5000,15000,30000,60000' },
      methods: { type: 'string', default: 'engine' },
      timeout: { type: 'string', default: '600' },
      direct: { type: 'boolean', default: false },
      child: { type: 'string' },
      method: { type: 'string', default: 'engine' }
    }
  });
  if (values.child) return child(values.child, values.method as Method);
  const timeout = Number(values.timeout) * 1000;
  for (const n of values.sizes.split(',').map(Number)) {
    const dir = mkdtempSync(join(tmpdir(), `partition-scale-${n}-`));
    const layout = makeLayout('jittered', n, 1, { households: HOUSEHOLDS });
    writeFileSync(join(dir, 'buildings.geojson'), JSON.stringify(layout.buildings));
    writeFileSync(join(dir, 'community.geojson'), JSON.stringify(layout.community));
    const households = layout.buildings.features.reduce((s, f) => s + Number(f.properties?.households), 0);
    for (const method of values.methods.split(',')) {
      const args = values.direct
        ? ['--import', 'tsx', 'scripts/bench/partition-scale.ts', '--child', dir, '--method', method]
        : [
            '--import',
            'tsx',
            'scripts/grid.ts',
            'partition',
            '--in',
            join(dir, 'buildings.geojson'),
            '--boundary',
            join(dir, 'community.geojson'),
            '--out',
            join(dir, `grids-${method}.geojson`),
            '--method',
            method
          ];
      const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], {
        encoding: 'utf8',
        timeout,
        maxBuffer: 64 << 20
      });
      const field = (name: string) => r.stderr?.match(new RegExp(`${name}: (.*)`))?.[1]?.trim();
      const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)');
      const secs = wall ? wall.split(':').reduce((s, part) => s * 60 + Number(part), 0) : null;
      const rssKB = Number(field('Maximum resident set size \\(kbytes\\)'));
      // CPU seconds (user + system): on a shared machine wall time mostly measures the other jobs.
      const cpuS =
        Math.round((Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'))) * 100) / 100;
      let summary: Record<string, unknown>;
      try {
        summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
      } catch {
        summary = {};
      }
      const errLines = (r.stderr ?? '').split('\n').filter((l) => l && !/^\s/.test(l) && !l.startsWith('Command '));
      console.log(
        JSON.stringify({
          buildings: layout.buildings.features.length,
          households,
          method,
          mode: values.direct ? 'partitionGeoJSON' : 'cli',
          exit: r.status ?? r.signal,
          timedOut: r.error ? String(r.error) : undefined,
          wallS: secs,
          cpuS,
          peakMB: rssKB ? Math.round(rssKB / 1024) : null,
          grids: summary.grids ?? summary.gridCount,
          pctInRange: summary.pctInRange,
          meanPolsbyPopper: summary.meanPolsbyPopper,
          contiguous: summary.contiguous,
          ms: summary.ms,
          maxRssMB: summary.maxRssMB,
          stderr: r.status === 0 ? undefined : errLines.slice(0, 3)
        })
      );
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
