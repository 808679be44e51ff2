/**
 * `npm run bench -- [case ...] [--json] [case options]`: runs the named benchmark cases (all by default) and
 * prints one JSON line: the case's result when one case is named, else {case: result}; without
 * --json also a readable summary on stderr.
 * Cases need the built dataset (`npm run data`). `--help` lists the cases and their options; an
 * unknown case or flag: exit code 2.
 */
import type { BenchCase } from './bench/harness';
import { helpText, parseFlags } from './lib/cli-args';
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
  'compare-province': (argv) => import('./bench/compare-province').then((m) => m.benchCompareProvince(argv)),
  queries: benchQueries,
  edit: (argv) => import('./bench/edit').then((m) => m.benchEdit(argv)),
  'plan-move': () => import('./bench/recorded').then((m) => m.benchPlanMove()),
  rider: () => import('./bench/recorded').then((m) => m.benchRider()),
  import: (argv) => import('./bench/import').then((m) => m.benchImport(argv))
};

// Each case reads its own options from the argv it is given; they are listed here so that a
// mistyped flag is refused instead of silently measuring the default.
const FLAGS = {
  json: { type: 'boolean', help: 'print only the JSON line (without it, also a readable summary on stderr)' },
  build: { type: 'boolean', help: 'heatmap, compare, compare-province: build the app first even when a build exists' },
  runs: {
    type: 'string',
    arg: 'N',
    help: 'heatmap (default 7), compare (default 5), edit (default 50): timed runs per figure; medians reported'
  },
  loads: { type: 'string', arg: 'N', help: 'compare: page loads (default 2); compare-province: per size (default 3)' },
  scales: {
    type: 'string',
    arg: 'K,K,…',
    help: 'heatmap: the demo with K times the incidents each (1 = the demo, 1 M; 5 = 5 M; made once into .build/scales/xK)'
  },
  rows: { type: 'string', arg: 'N', help: 'import: rows of the generated incident CSV (default 1,000,000)' },
  case: {
    type: 'string',
    arg: 'NAME',
    help: 'partition: only this case (community-3000, district-<adcode>, osm-daoli, buildings-60000, city-300000)'
  },
  city: { type: 'boolean', help: 'partition: also the city-300000 case (about 10 minutes)' },
  long: {
    type: 'string',
    arg: 'all|none|a,b',
    help: 'partition: cases with a long run (50 × the search) for gapToBestPct (default community-3000,district-370881)'
  },
  district: { type: 'string', arg: 'ADCODE', help: 'partition: only this district' }
} as const;

const USAGE = ['npm run bench -- [case ...] [--json] [case options]'];

async function main(argv: string[]): Promise<number> {
  const args = parseFlags(argv, FLAGS, true);
  if (args.help) {
    console.log(
      helpText(USAGE, FLAGS, [
        `Cases (all by default): ${Object.keys(CASES).join(', ')}. They need the built dataset (npm run data).`
      ])
    );
    return 0;
  }
  // Case names come first; everything from the first --flag on belongs to the cases.
  const firstFlag = argv.findIndex((a) => a.startsWith('-'));
  const names = firstFlag < 0 ? argv : argv.slice(0, firstFlag);
  const problems = [
    ...names.filter((n) => !(n in CASES)).map((n) => `unknown benchmark ${n}; known: ${Object.keys(CASES).join(', ')}`),
    ...args.positionals.slice(names.length).map((p) => `${JSON.stringify(p)}: case names come before the options`),
    ...args.errors.map((e) => e.message)
  ];
  if (problems.length) {
    for (const p of problems) console.error(p);
    console.error(`usage: ${USAGE[0]} (--help for the options)`);
    return 2;
  }
  const run = names.length ? names : Object.keys(CASES);
  // The cases look for `--runs 3`, so `--runs=3` reaches them in that form.
  const caseArgv = [
    ...names,
    ...Object.entries(args.values).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]))
  ];
  const results: Record<string, unknown> = {};
  for (const name of run) results[name] = await CASES[name](caseArgv);
  const out = names.length === 1 ? results[names[0]] : results;
  if (!args.values.json) console.error(JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out));
  return 0;
}

main(process.argv.slice(2)).then(
  (c) => process.exit(c),
  // A case that cannot run (an unknown --case, a missing dataset) says why in one line, not a stack trace.
  (e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
);
