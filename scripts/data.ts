/**
 * `npm run data` — builds the embedded dataset under static/data/.
 *   npm run data                      generate the synthetic demo data for the three districts
 *   npm run data -- --out <dir>       the same into another folder (new, empty or an earlier output)
 *   npm run data -- --if-missing      only when static/data/ lacks it or is from an older generator
 *   npm run data -- --osm <file.osm.pbf|buildings.geojson> [--district 230102] [--crs wgs84|gcj02|bd09] [--out dir]
 *                                     import real OpenStreetMap buildings/roads/compounds
 *   npm run data -- --package <folder> --district <adcode> [--crs wgs84|gcj02|bd09] [--out dir]
 *                                     a district's data package from its own files
 *                                     (scripts/import/package.ts)
 *   npm run data -- --scale K --out <dir>
 *                                     the demo with K times the incidents (1 M → K M; the rest as
 *                                     the demo), for the /heatmap cost curve (npm run bench -- heatmap --scales)
 *   npm run data -- --districts N [--out <dir>] [--seed S]
 *                                     the province layout: N synthetic districts as Hive-style
 *                                     partitions (scripts/generate/province.ts)
 *   npm run data -- --help            the flags of each mode
 * Output goes through scripts/lib/safe-out.ts: only files the tool wrote are replaced.
 * package.json runs the writing CLIs with `node --import tsx`: the tsx command's parent process
 * SIGKILLs a child still busy 60 ms after Ctrl-C, which leaves no chance to clean up.
 * Exit codes: 0 done, 2 bad input or a refused --out (nothing already built is overwritten),
 * 130 interrupted (Ctrl-C; temporary files removed), 1 internal error.
 */
import { resolve } from 'node:path';
import { DEFAULT_OUT_DIR, SEED, generateAll, isGeneratedDataCurrent } from './generate/index';
import { importOsmCli } from './import/osm';
import { ensureRiderData } from './rider/build';
import { type FlagValues, helpText, parseFlags } from './lib/cli-args';
import { OutputRefused } from './lib/safe-out';

const FLAGS = {
  out: {
    type: 'string',
    arg: '<dir>',
    help: 'build into this folder (new, empty or an earlier output) instead of static/data/'
  },
  'if-missing': { type: 'boolean', help: 'only when the folder lacks the dataset or it is from an older generator' },
  districts: {
    type: 'string',
    arg: '<N>',
    help: 'the province layout instead: N synthetic districts (NBS names and codes, Shandong first, in code order)\nas <out>/<table>/district=<adcode>/part-0.parquet and <out>/districts.{parquet,json}; --out defaults to static/province/ (served by npm start)'
  },
  seed: { type: 'string', arg: '<S>', help: `with --districts: the random seed (a whole number; default ${SEED})` },
  scale: {
    type: 'string',
    arg: '<K>',
    help: 'K times the incidents (0 < K ≤ 20; the demo has 1,000,000), everything else as the demo; needs --out\n(static/data keeps the demo, whose counts the pages and tests state)'
  }
} as const;

const USAGE = [
  'npm run data [-- --out <dir>] [--if-missing] [--scale <K>]',
  'npm run data -- --districts <N> [--out <dir>] [--seed <S>]'
];

const HELP = helpText(USAGE, FLAGS, [
  'Builds the demo dataset: Daoli from the OpenStreetMap extract in data/osm/, Qufu and Bincheng synthetic;',
  "replaces only the files its index.json lists, so imports and a user's own files stay.",
  '',
  'Other modes (each has its own flags):',
  '  npm run data -- --osm <file.osm.pbf|buildings.geojson> [--district 230102] [--crs wgs84|gcj02|bd09] [--out <dir>]',
  '                  import real OpenStreetMap buildings, roads and compounds (--osm --help for all its flags)',
  '  npm run data -- --package <folder> --district <adcode> [--crs wgs84|gcj02|bd09] [--out <dir>] [--demo <dir>]',
  "                  a district's data package from its own files (stations, incidents, streets, communities,",
  '                  grids, buildings); --package --help lists them',
  '',
  'Exit codes: 0 done, 2 bad arguments or a refused --out (nothing written), 130 interrupted, 1 internal error.'
]);

async function main(argv: string[]): Promise<number> {
  const help = argv.includes('--help') || argv.includes('-h');
  if (argv.includes('--package')) return (await import('./import/package')).importPackageCli(argv);
  if (argv.includes('--osm')) {
    const code = await importOsmCli(argv);
    // Imported real roads replace the synthetic ones in the rider's network.
    if (code === 0 && !help) await ensureRiderData();
    return code;
  }
  const args = parseFlags(argv, FLAGS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (args.errors.length) {
    console.error(`usage: ${USAGE[0]}; ${args.errors.map((e) => e.message).join('; ')} (--help for more)`);
    return 2;
  }
  if (args.values.districts !== undefined || args.values.seed !== undefined) return provinceMode(args.values);
  const outDir = args.values.out !== undefined ? resolve(args.values.out) : DEFAULT_OUT_DIR;
  const scale = args.values.scale === undefined ? 1 : Number(args.values.scale);
  if (args.values.scale !== undefined) {
    const refuse = (m: string) => (console.error(`usage: ${USAGE[0]}; ${m} (--help for more)`), 2);
    if (!/^\d+(\.\d+)?$/.test(args.values.scale) || !(scale > 0) || scale > 20)
      return refuse(`--scale must be a number above 0 and at most 20, got ${JSON.stringify(args.values.scale)}`);
    if (args.values.out === undefined || outDir === DEFAULT_OUT_DIR)
      return refuse('--scale needs --out <dir> other than static/data (the demo stays as it is)');
    if (args.values['if-missing']) return refuse('--if-missing does not go with --scale');
  }
  if (args.values['if-missing'] && (await isGeneratedDataCurrent(outDir))) {
    console.log(`${outDir} is current`);
  } else {
    try {
      await generateAll({ outDir, scale, log: (m) => console.log(m) });
    } catch (e) {
      if (!(e instanceof OutputRefused)) throw e;
      console.error(e.message);
      return 2;
    }
  }
  await ensureRiderData(outDir);
  return 0;
}

/** `--districts N`: the province layout (scripts/generate/province.ts), which the home page and /compare read. */
async function provinceMode(values: FlagValues<typeof FLAGS>): Promise<number> {
  const refuse = (message: string) => {
    console.error(`usage: ${USAGE[1]}; ${message} (--help for more)`);
    return 2;
  };
  if (values.districts === undefined) return refuse('--seed goes with --districts');
  if (values['if-missing']) return refuse('--if-missing does not go with --districts');
  if (!/^\d+$/.test(values.districts) || Number(values.districts) < 1)
    return refuse(`--districts must be a whole number of at least 1, got ${JSON.stringify(values.districts)}`);
  if (values.seed !== undefined && !/^\d{1,9}$/.test(values.seed))
    return refuse(`--seed must be a whole number below 1,000,000,000, got ${JSON.stringify(values.seed)}`);
  const { availableCounties, generateProvince } = await import('./generate/province');
  const available = availableCounties();
  const n = Number(values.districts);
  if (n > available.length)
    return refuse(`--districts ${n} is more than the ${available.length} NBS districts with residents' committees`);
  try {
    await generateProvince({
      districts: n,
      available,
      outDir: values.out !== undefined ? resolve(values.out) : undefined,
      seed: values.seed !== undefined ? Number(values.seed) : undefined,
      log: (m) => console.log(m)
    });
  } catch (e) {
    if (!(e instanceof OutputRefused)) throw e;
    console.error(e.message);
    return 2;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  }
);
