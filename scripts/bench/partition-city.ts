/**
 * The grid engine on a whole city at once (#13), cases of `npm run bench -- partition`:
 *   buildings-60000  one file of 60,000 buildings, no community known and no boundaries: the CLI
 *                    cuts it into compact clusters (split-input.ts); targets < 60 s, < 2 GB peak;
 *   city-300000      300,000 buildings in 5 districts × 300 communities with their boundaries;
 *                    targets < 5 min, < 4 GB; run with 1 worker and with all cores for `speedup`.
 * Inputs come from scripts/generate/city-buildings.ts (fixed seed), written once into a cache
 * folder under the system's temp folder (never committed) and reused. Each run is
 * `npm run grid -- partition` in a child process: wall time measured here, `peakMB` the child's
 * peak resident memory (process.resourceUsage().maxRSS, which covers its worker threads).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeCity, type CityOptions } from '../generate/city-buildings';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
/** Bump when the generator changes, so that a cached input is not reused. */
const GENERATOR_VERSION = 1;

export interface ScaleCase {
  name: string;
  /** Wall time of the run with `workers` threads (ms). */
  ms: number;
  workers: number;
  peakMB: number;
  /** CPU time of the child, all threads (ms), and the machine's 1-minute load average when the run began. */
  cpuMs: number;
  loadAvg: number;
  targetMs: number;
  targetMB: number;
  metTarget: boolean;
  buildings: number;
  households: number;
  /** Units of work: communities, or clusters where none is known. */
  communities: number;
  clusters: number;
  grids: number;
  pctInRange: number;
  contiguous: boolean;
  meanPolsbyPopper: number;
  unmet: number;
  unmetInfeasible: number;
  /** City only: the same input on 1 worker, its time and peak, and ms(1 worker) / ms(workers). */
  oneWorker?: { ms: number; peakMB: number; cpuMs: number; loadAvg: number };
  speedup?: number;
  /** The cached input (not committed). */
  input: string;
}

export const SCALE_CASES = {
  'buildings-60000': {
    city: { districts: 1, communitiesPerDistrict: 1, buildingsPerCommunity: 60000, communityProperty: false },
    boundaries: false,
    targetMs: 60_000,
    targetMB: 2048,
    speedup: false
  },
  'city-300000': {
    city: { districts: 5, communitiesPerDistrict: 300, buildingsPerCommunity: 200 },
    boundaries: true,
    targetMs: 300_000,
    targetMB: 4096,
    speedup: true
  }
} satisfies Record<
  string,
  { city: CityOptions; boundaries: boolean; targetMs: number; targetMB: number; speedup: boolean }
>;
export type ScaleCaseName = keyof typeof SCALE_CASES;

/** The case's input files, generated once (seeded) into the cache folder. */
function inputFor(name: ScaleCaseName): { buildings: string; boundary?: string } {
  const spec = SCALE_CASES[name];
  const dir = join(tmpdir(), 'gridatlas-bench', `${name}-v${GENERATOR_VERSION}`);
  const buildings = join(dir, 'buildings.geojson');
  const boundary = spec.boundaries ? join(dir, 'communities.geojson') : undefined;
  if (!existsSync(buildings) || (boundary && !existsSync(boundary))) {
    mkdirSync(dir, { recursive: true });
    const city = makeCity(spec.city);
    // Written beside and renamed, so that an interrupted run leaves no half file to be reused.
    const write = (path: string, data: unknown) => {
      writeFileSync(`${path}.tmp`, JSON.stringify(data));
      renameSync(`${path}.tmp`, path);
    };
    if (boundary) write(boundary, city.communities);
    write(buildings, city.buildings);
  }
  return { buildings, boundary };
}

interface Summary {
  grids: number;
  households: number;
  inRange: number;
  contiguous: boolean;
  meanPolsbyPopper: number;
  unmet: { infeasible: boolean }[];
  communities: number;
  buildingCount: number;
  clusters: number;
  workers: number;
  peakMB: number;
  cpuMs: number;
}

/** One CLI run in a child process: its summary and wall time. */
function runCli(
  files: { buildings: string; boundary?: string },
  workers: number,
  out: string
): Promise<{ ms: number; s: Summary; loadAvg: number }> {
  const argv = [
    '--import',
    'tsx',
    join(ROOT, 'scripts/grid.ts'),
    'partition',
    '--in',
    files.buildings,
    ...(files.boundary ? ['--boundary', files.boundary] : []),
    '--out',
    out,
    '--workers',
    String(workers)
  ];
  return new Promise((resolvePromise, reject) => {
    const loadAvg = Math.round(loadavg()[0] * 10) / 10;
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0)
        return reject(new Error(`grid partition --workers ${workers} exited with ${code}: ${stderr.slice(-2000)}`));
      resolvePromise({ ms, loadAvg, s: JSON.parse(stdout.trim().split('\n').at(-1)!) as Summary });
    });
  });
}

export async function runScaleCase(name: ScaleCaseName): Promise<ScaleCase> {
  const spec = SCALE_CASES[name];
  const files = inputFor(name);
  const tmp = mkdtempSync(join(tmpdir(), 'gridatlas-bench-out-'));
  try {
    const workers = availableParallelism();
    const one = spec.speedup && workers > 1 ? await runCli(files, 1, join(tmp, 'one.geojson')) : undefined;
    const { ms, s, loadAvg } = await runCli(files, workers, join(tmp, 'grids.geojson'));
    const r = (x: number) => Math.round(x);
    return {
      name,
      ms: r(ms),
      workers: s.workers,
      peakMB: s.peakMB,
      cpuMs: s.cpuMs,
      loadAvg,
      targetMs: spec.targetMs,
      targetMB: spec.targetMB,
      metTarget: ms < spec.targetMs && s.peakMB < spec.targetMB,
      buildings: s.buildingCount,
      households: s.households,
      communities: s.communities,
      clusters: s.clusters,
      grids: s.grids,
      pctInRange: s.grids ? Math.round((10000 * s.inRange) / s.grids) / 100 : 100,
      contiguous: s.contiguous,
      meanPolsbyPopper: s.meanPolsbyPopper,
      unmet: s.unmet.length,
      unmetInfeasible: s.unmet.filter((u) => u.infeasible).length,
      ...(one
        ? {
            oneWorker: { ms: r(one.ms), peakMB: one.s.peakMB, cpuMs: one.s.cpuMs, loadAvg: one.loadAvg },
            speedup: Math.round((100 * one.ms) / ms) / 100
          }
        : {}),
      input: files.buildings
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
