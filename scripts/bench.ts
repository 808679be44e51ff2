/**
 * `npm run bench -- [case ...] [--json] [case options]`: runs the named benchmark cases (all by default) and
 * prints one JSON line: the case's result when one case is named, else {case: result}; without
 * --json also a readable summary on stderr.
 * Cases need the built dataset (`npm run data`).
 */
import type { BenchCase } from './bench/harness';
import { benchCompare } from './bench/compare';
import { benchHeatmap } from './bench/heatmap';
import { benchNearest } from './bench/nearest';
import { benchPartition } from './bench/partition';
import { benchQueries } from './bench/queries';

const CASES: Record<string, BenchCase> = {
  partition: benchPartition,
  nearest: benchNearest,
  heatmap: benchHeatmap,
  compare: benchCompare,
  queries: benchQueries,
  'plan-move': () => import('./bench/recorded').then((m) => m.benchPlanMove()),
  rider: () => import('./bench/recorded').then((m) => m.benchRider()),
  import: (argv) => import('./bench/import').then((m) => m.benchImport(argv))
};

async function main(argv: string[]): Promise<number> {
  // Case names come first; everything from the first --flag on belongs to the cases.
  const firstFlag = argv.findIndex((a) => a.startsWith('--'));
  const names = firstFlag < 0 ? argv : argv.slice(0, firstFlag);
  const unknown = names.filter((n) => !(n in CASES));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}`);
    return 2;
  }
  const run = names.length ? names : Object.keys(CASES);
  const results: Record<string, unknown> = {};
  for (const name of run) results[name] = await CASES[name](argv);
  const out = names.length === 1 ? results[names[0]] : results;
  if (!argv.includes('--json')) console.error(JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out));
  return 0;
}

main(process.argv.slice(2)).then((c) => process.exit(c));
