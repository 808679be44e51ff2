/**
 * `npm run grid -- partition …`: partitions buildings into grids from the command line.
 *
 *   npm run grid -- partition --in <buildings.geojson> [--boundary <community.geojson>] [--barriers <lines.geojson>]
 *                            --out <grids.geojson> [--min 300] [--max 500] [--households-field households]
 *                            [--crs wgs84|gcj02|bd09] [--seed N]
 *   npm run grid -- partition --district 230102 [options]     (the built dataset, static/data/<adcode>/)
 *
 * Options: FLAGS below, printed by `npm run grid -- --help`.
 * A buildings file may also carry the community polygons and barrier lines, marked with
 * properties.role = 'community' | 'barrier'.
 *
 * Prints one JSON line on stdout:
 *   {"grids","households","inRange","minHouseholds","maxHouseholds","contiguous","meanPolsbyPopper",
 *    "unmet":[{"building"|"grid","reason","rule","community","infeasible"}],"ms", then method, communities, buildingCount,
 *    pctInRange, out}
 * Bad input (unreadable file, no buildings, a bad feature or option) or an output that cannot be
 * written (a folder, an unwritable place; checked before the work): one line per problem on
 * stderr naming file, feature, field; exit code 2; nothing written. Each output file is written
 * beside its target and renamed over it (scripts/lib/safe-out.ts), so it is whole or untouched.
 * The input is cut into communities (or, with none known, compact clusters: split-input.ts) that
 * run in parallel on `--workers` threads (default all cores), with a progress line on stderr when
 * it is a terminal (or with --progress); Ctrl-C stops the threads, writes nothing, exit code 130.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Feature, FeatureCollection } from 'geojson';
import { isCrs, type Crs } from '../src/lib/geo/crs';
import { decodeText } from '../src/lib/data/text-decode';
import type { InputError, Method, PartitionRequest } from '../src/lib/geo/partition/input';
import { CLUSTER_MAX_GRIDS, mergeOutputs, splitInput } from '../src/lib/geo/partition/split-input';
import { Cancelled, UnitRefused, runPool } from './lib/partition-pool';
import { poolSize } from '../src/lib/workers/queue';
import { helpText, parseFlags } from './lib/cli-args';
import { OutputRefused, checkOutFile, writeFileAtomic } from './lib/safe-out';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
  /** stderr is a terminal: the progress line is shown, redrawn in place with `write`. */
  tty?: boolean;
  write?: (text: string) => void;
  /** Where Ctrl-C is heard (default process). */
  signals?: Pick<NodeJS.Process, 'once' | 'off'>;
}

const DEFAULT_ROAD_BARRIERS = ['motorway', 'trunk', 'primary', 'secondary', 'railway', 'rail', 'river'];

class UsageError extends Error {}

const FLAGS = {
  in: { type: 'string', arg: '<file>', help: 'buildings (GeoJSON); a positional file is the same' },
  district: { type: 'string', arg: '<adcode>', help: 'the built dataset (static/data/<adcode>/) instead of a file' },
  boundary: {
    type: 'string',
    arg: '<file>',
    help: "community polygon(s) (properties.code: the community's 12-digit code);\nelse the buildings' `community` property"
  },
  communities: { type: 'string', arg: '<file>', help: 'the same as --boundary' },
  barriers: {
    type: 'string',
    arg: '<file>',
    help: 'lines grids must not cross (all of them, or those of --barrier-classes)'
  },
  'barrier-classes': {
    type: 'string',
    arg: 'a,b',
    help: 'keep barrier lines whose class/highway/railway/waterway is listed'
  },
  'street-classes': {
    type: 'string',
    arg: 'a,b',
    help: 'with --barrier-classes: lines of these classes are streets, which grids may cross but whose centrelines grid outlines follow (default tertiary,residential,unclassified,living_street and links)'
  },
  'households-field': {
    type: 'string',
    arg: '<name>',
    help: "the buildings' property holding households (default households)"
  },
  crs: {
    type: 'string',
    arg: 'wgs84|gcj02|bd09',
    help: 'CRS of every input file (default wgs84); output is always WGS-84'
  },
  community: {
    type: 'string',
    arg: '<code>',
    help: 'with --district: only this community; with a file: code for buildings\n(and an uncoded boundary) without one'
  },
  target: { type: 'string', arg: 'N', help: 'households per grid aimed at (default 400)' },
  min: { type: 'string', arg: 'N', help: 'fewest households per grid (default 300)' },
  max: { type: 'string', arg: 'N', help: 'most households per grid (default 500)' },
  method: { type: 'string', arg: 'engine|bisection|kmeans', help: 'default engine' },
  seed: { type: 'string', arg: 'N', help: 'default 1' },
  out: {
    type: 'string',
    arg: '<file>',
    help: 'grid polygons (GeoJSON): properties code, households, buildings (ids), polsbyPopper, …;\ndefault grids.geojson'
  },
  assignments: { type: 'string', arg: '<file>', help: "each building's grid (JSON)" },
  report: { type: 'string', arg: '<file>', help: 'per-community reports (JSON)' },
  baselines: { type: 'boolean', help: 'also score the bisection and k-means baselines per community' },
  plan: {
    type: 'string',
    arg: '<file>',
    help: "an existing plan: grids GeoJSON with properties code and buildings (ids), as this command or the\nplanner's export writes it; sets each building's previous grid (codes then stay stable, see the README)"
  },
  locked: {
    type: 'string',
    arg: 'CODE[,CODE…]',
    help: "grids kept exactly as they are (their buildings' previous grid, from --plan, the buildings' `grid`\nproperty or the built dataset); a code that is not a 15-digit code or holds no building of the input: exit 2"
  },
  workers: {
    type: 'string',
    arg: 'N',
    help: `communities partitioned in parallel on N worker threads (default: all cores, os.availableParallelism());\n1 runs them in this thread. The result is the same for any N. Input without communities is cut\ninto compact clusters of at most ${CLUSTER_MAX_GRIDS} grids (see the engine's README)`
  },
  progress: {
    type: 'boolean',
    help: 'a progress line on stderr (communities done / total) even when stderr is not a terminal'
  },
  json: { type: 'boolean', help: 'accepted for symmetry with bench; the summary is always one JSON line' }
} as const;

const USAGE = [
  'npm run grid -- partition --in <buildings.geojson> [--boundary <community.geojson>] [--barriers <lines.geojson>] --out <grids.geojson> [options]',
  'npm run grid -- partition --district <adcode> [options]'
];

const HELP = helpText(USAGE, FLAGS, [
  'Prints one JSON line: grids, households, inRange, min/maxHouseholds, contiguous, meanPolsbyPopper, unmet, ms, … .',
  'Exit codes: 0 done (or --help); 2 bad input or options (one line per problem, nothing written); 130 Ctrl-C (nothing written); 1 internal error.'
]);

function readJson(path: string, what: string): FeatureCollection {
  if (!existsSync(path)) throw new UsageError(`${what}: ${path} does not exist`);
  // UTF-8 or GBK, as the planner's import reads it.
  const text = decodeText(readFileSync(path), path);
  if (!text.ok) throw new UsageError(`${path}: ${text.errors[0].message}`);
  let data: unknown;
  try {
    data = JSON.parse(text.value.text);
  } catch (e) {
    throw new UsageError(`${path}: not JSON (${(e as Error).message})`);
  }
  const fc = data as FeatureCollection;
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    throw new UsageError(`${path}: not a GeoJSON FeatureCollection`);
  return fc;
}

/** Building id → grid code from a plan file (features with properties code and buildings). */
function readPlan(path: string): Map<string, string> {
  const fc = readJson(path, 'plan');
  const grid = new Map<string, string>();
  fc.features.forEach((f, k) => {
    const code = f.properties?.code;
    const ids = f.properties?.buildings;
    if (typeof code !== 'string' || !/^\d{15}$/.test(code))
      throw new UsageError(
        `${path}: plan feature ${k}, field code: a 15-digit grid code is needed, got ${JSON.stringify(code)}`
      );
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' && typeof id !== 'number'))
      throw new UsageError(
        `${path}: plan feature ${k} (code ${code}), field buildings: a list of building ids is needed`
      );
    // A building divided by unit is listed in each of its grids: the first listing wins.
    for (const id of ids) if (!grid.has(String(id))) grid.set(String(id), code);
  });
  return grid;
}

/** Checks --locked against the buildings' previous grids; every code must hold at least one building. */
function lockedCodes(value: string, buildings: readonly Feature[], from: string): string[] {
  const codes = value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (!codes.length) throw new UsageError('--locked needs one or more 15-digit grid codes, comma-separated');
  const held = new Set(buildings.map((b) => b.properties?.grid).filter((g): g is string => typeof g === 'string'));
  for (const c of codes) {
    if (!/^\d{15}$/.test(c))
      throw new UsageError(`--locked ${c}: not a 15-digit grid code (12-digit community code + 3-digit sequence)`);
    if (!held.has(c))
      throw new UsageError(
        `--locked ${c}: no building of the input is in this grid (previous grids come from ${from})`
      );
  }
  return codes;
}

function num(flags: Map<string, string | true>, name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n))
    throw new UsageError(`--${name} must be a number, got ${String(v)}`);
  return n;
}

/** Buildings, communities and roads of a built district, as GeoJSON. */
export async function loadDistrict(
  root: string,
  adcode: string,
  community?: string
): Promise<Pick<PartitionRequest, 'buildings' | 'communities' | 'barriers'>> {
  const dir = resolve(root, 'static/data', adcode);
  const file = resolve(dir, 'buildings.parquet');
  if (!existsSync(file)) throw new UsageError(`${file} does not exist: build the dataset first (npm run data)`);
  const { openNodeDb, readParquet, sqlString } = await import('./lib/node-db');
  const db = await openNodeDb();
  try {
    const where = community ? `WHERE community = ${sqlString(community)}` : '';
    const rows = await db.all<{
      id: string;
      community: string;
      compound: string | null;
      grid: string | null;
      units: number;
      households: number;
      estimated: boolean;
      footprint: string;
    }>(
      `SELECT id, community, compound, grid, units, households, estimated, footprint FROM ${readParquet(file)} ${where} ORDER BY id`
    );
    const buildings: Feature[] = rows.map((r) => ({
      type: 'Feature',
      properties: {
        id: r.id,
        community: r.community,
        compound: r.compound,
        grid: r.grid,
        units: r.units,
        households: r.households,
        estimated: r.estimated
      },
      geometry: JSON.parse(r.footprint)
    }));
    const read = (name: string) => {
      const f = resolve(dir, 'map', name);
      return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as FeatureCollection) : undefined;
    };
    const communities = read('communities.geojson');
    if (communities && community)
      communities.features = communities.features.filter((f) => f.properties?.code === community);
    return {
      buildings: { type: 'FeatureCollection', features: buildings },
      communities,
      barriers: read('roads.geojson')
    };
  } finally {
    db.close();
  }
}

/**
 * The progress line: communities (units) done of all, and the percentage with the running ones'
 * fractions. On a terminal it is redrawn in place (at most every 100 ms); else one line per
 * whole percent.
 */
function progressLine(io: Io, total: number): (done: number, n: number) => void {
  let lastPct = -1;
  let lastAt = 0;
  return (done) => {
    const pct = Math.floor((1000 * done) / total) / 10;
    const text = `partition: ${Math.floor(done)}/${total} communities, ${pct.toFixed(1)} %`;
    if (io.tty && io.write) {
      const now = performance.now();
      if (done < total && now - lastAt < 100) return;
      lastAt = now;
      io.write(`\r${text}\x1b[K${done >= total ? '\n' : ''}`);
    } else if (Math.floor(pct) !== lastPct) {
      lastPct = Math.floor(pct);
      io.err(text);
    }
  };
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const args = parseFlags(argv, FLAGS, true);
    if (args.help) {
      io.out(HELP);
      return 0;
    }
    const [command, ...positional] = args.positionals;
    if (command !== 'partition')
      throw new UsageError(
        `unknown command ${command ?? '(none)'}; usage: npm run grid -- partition <buildings.geojson> | --district <adcode> [options] (--help for all)`
      );
    if (args.errors.length)
      throw new UsageError(
        `${args.errors.map((e) => e.message).join('; ')}; usage: npm run grid -- partition … (--help for all options)`
      );
    const flags = new Map<string, string | true>(Object.entries(args.values));
    const crs = (flags.get('crs') as string | undefined) ?? 'wgs84';
    if (!isCrs(crs)) throw new UsageError(`--crs must be wgs84, gcj02 or bd09, got ${crs}`);
    const method = ((flags.get('method') as string | undefined) ?? 'engine') as Method;
    if (!['engine', 'bisection', 'kmeans'].includes(method))
      throw new UsageError(`--method must be engine, bisection or kmeans, got ${method}`);
    const district = flags.get('district') as string | undefined;
    if (flags.has('communities') && flags.has('boundary'))
      throw new UsageError('give --boundary or --communities, not both');
    const boundaryFlag = flags.has('boundary') ? 'boundary' : 'communities';
    const community = flags.get('community') as string | undefined;
    const classes = (flags.get('barrier-classes') as string | undefined)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const path = (name: string) => resolve(io.cwd, flags.get(name) as string);
    const out = resolve(io.cwd, (flags.get('out') as string | undefined) ?? 'grids.geojson');
    checkOutFile(out);
    for (const name of ['assignments', 'report']) if (flags.has(name)) checkOutFile(path(name), `--${name}`);

    let input: Pick<PartitionRequest, 'buildings' | 'communities' | 'barriers'>;
    // Where a layer came from the buildings file, its features' indices in that file (for messages).
    const fileIndex: Record<string, number[]> = {};
    let source: string;
    let barrierClasses = classes;
    if (district) {
      if (positional.length || flags.has('in'))
        throw new UsageError('give either a buildings file (--in) or --district, not both');
      input = await loadDistrict(io.cwd, district, community);
      barrierClasses ??= DEFAULT_ROAD_BARRIERS;
      source = `static/data/${district}`;
    } else {
      const inputs = [...(flags.has('in') ? [flags.get('in') as string] : []), ...positional];
      if (inputs.length !== 1)
        throw new UsageError(
          'usage: npm run grid -- partition --in <buildings.geojson> [--boundary <community.geojson>] [--barriers <lines.geojson>] --out <grids.geojson> [options]'
        );
      source = resolve(io.cwd, inputs[0]);
      const fc = readJson(source, 'buildings');
      const role = (f: Feature) => (f.properties?.role as string | undefined) ?? 'building';
      const of = (r: string): Feature[] => fc.features.filter((f) => role(f) === r);
      const indices = (r: string): number[] => fc.features.flatMap((f, k) => (role(f) === r ? [k] : []));
      fileIndex.buildings = indices('building');
      if (!flags.has(boundaryFlag)) fileIndex.communities = indices('community');
      if (!flags.has('barriers')) fileIndex.barriers = indices('barrier');
      const communities = flags.has(boundaryFlag) ? readJson(path(boundaryFlag), 'boundary').features : of('community');
      const barriers = flags.has('barriers') ? readJson(path('barriers'), 'barriers').features : of('barrier');
      if (!of('building').length)
        throw new UsageError(
          `${source}: no building features (a FeatureCollection of building polygons is needed; nothing to partition)`
        );
      input = {
        buildings: { type: 'FeatureCollection', features: of('building') },
        communities: communities.length ? { type: 'FeatureCollection', features: communities } : undefined,
        barriers: barriers.length ? { type: 'FeatureCollection', features: barriers } : undefined
      };
    }
    if (flags.has('plan')) {
      const grid = readPlan(path('plan'));
      const features = input.buildings.features.map((f) => {
        const id = String(f.properties?.id ?? f.id ?? '');
        return grid.has(id) ? { ...f, properties: { ...f.properties, grid: grid.get(id) } } : f;
      });
      input = { ...input, buildings: { type: 'FeatureCollection', features } };
    }
    const locked = flags.has('locked')
      ? lockedCodes(
          flags.get('locked') as string,
          input.buildings.features,
          flags.has('plan')
            ? `--plan ${path('plan')}`
            : district
              ? `static/data/${district}`
              : "the buildings' grid property"
        )
      : undefined;
    const workersFlag = num(flags, 'workers');
    if (workersFlag !== undefined && !(Number.isInteger(workersFlag) && workersFlag >= 1))
      throw new UsageError(`--workers must be a whole number of at least 1, got ${String(flags.get('workers'))}`);
    const t0 = performance.now();
    // The input is read and checked whole, then cut into communities (or clusters) run in parallel.
    const r = splitInput({
      locked,
      ...input,
      crs: crs as Crs,
      method,
      seed: num(flags, 'seed'),
      target: num(flags, 'target'),
      min: num(flags, 'min'),
      max: num(flags, 'max'),
      community: district ? undefined : community,
      barrierClasses,
      streetClasses: (flags.get('street-classes') as string | undefined)
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      baselines: flags.has('baselines'),
      householdsField: flags.get('households-field') as string | undefined
    });
    const files: Record<string, string> = {
      buildings: source,
      communities: flags.has(boundaryFlag) ? path(boundaryFlag) : source,
      barriers: flags.has('barriers') ? path('barriers') : source,
      options: 'options'
    };
    const refuse = (errors: readonly InputError[], community?: string) => {
      for (const e of errors)
        io.err(
          e.layer === 'options'
            ? `options --min/--target/--max: ${e.message}`
            : e.feature < 0
              ? `${files[e.layer] ?? e.layer}: ${community ? `community ${community}, ` : ''}${e.layer}, field ${e.field}: ${e.message}`
              : `${files[e.layer] ?? e.layer}: ${e.layer} feature ${fileIndex[e.layer]?.[e.feature] ?? e.feature}${e.id ? ` (id ${e.id})` : ''}, field ${e.field}: ${e.message}`
        );
      return 2;
    };
    if (!r.ok) return refuse(r.errors);
    const { units, clusters } = r.value;
    const workers = poolSize(units.length, workersFlag ?? availableParallelism());
    const progress = flags.has('progress') || io.tty ? progressLine(io, units.length) : undefined;
    const pool = runPool(units, workers, progress);
    const signals = io.signals ?? process;
    const onSigint = () => pool.cancel();
    signals.once('SIGINT', onSigint);
    let outputs;
    try {
      outputs = await pool.done;
    } catch (e) {
      if (e instanceof UnitRefused) {
        if (io.tty) io.write?.('\n');
        return refuse(e.errors, e.community);
      }
      if (e instanceof Cancelled) {
        if (io.tty) io.write?.('\n');
        io.err('cancelled (Ctrl-C): nothing written');
        return 130;
      }
      throw e;
    } finally {
      signals.off('SIGINT', onSigint);
    }
    const value = mergeOutputs(outputs);
    const ms = performance.now() - t0;
    for (const w of r.warnings) io.err(`warning: ${w}`);
    writeFileAtomic(out, JSON.stringify(value.grids) + '\n');
    if (flags.has('assignments')) writeFileAtomic(path('assignments'), JSON.stringify(value.buildings, null, 1) + '\n');
    if (flags.has('report')) writeFileAtomic(path('report'), JSON.stringify(value.communities, null, 1) + '\n');
    const cs = value.communities;
    const grids = value.grids.features;
    const hh = grids.map((g) => g.properties.households);
    io.out(
      JSON.stringify({
        grids: grids.length,
        households: cs.reduce((s, c) => s + c.households, 0),
        inRange: grids.filter((g) => g.properties.inRange).length,
        minHouseholds: hh.length ? Math.min(...hh) : 0,
        maxHouseholds: hh.length ? Math.max(...hh) : 0,
        contiguous: grids.every((g) => g.properties.contiguous),
        meanPolsbyPopper: grids.length
          ? Math.round((10000 * grids.reduce((s, g) => s + g.properties.polsbyPopper, 0)) / grids.length) / 10000
          : 0,
        unmet: value.unmet.map(({ building, grid, reason, rule, community, infeasible }) => ({
          ...(building !== undefined ? { building } : { grid }),
          reason,
          rule,
          community,
          infeasible
        })),
        ms: Math.round(ms),
        method,
        communities: cs.length,
        buildingCount: value.buildings.length,
        pctInRange: grids.length
          ? Math.round((10000 * grids.filter((g) => g.properties.inRange).length) / grids.length) / 100
          : 100,
        // When roads are known: % of the grids' area across a road from their buildings, and in blocks without buildings.
        ...(value.areaAcrossRoadsPct !== undefined
          ? { areaAcrossRoadsPct: value.areaAcrossRoadsPct, areaInEmptyBlocksPct: value.areaInEmptyBlocksPct }
          : {}),
        out,
        units: units.length,
        clusters,
        workers,
        // The process's peak resident memory: worker threads live in this process, so it covers them.
        peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
        // CPU time of the process, all threads (on a loaded machine wall time says little).
        cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000)
      })
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof OutputRefused) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // npm run sets the cwd to the package root; INIT_CWD is where the user ran it.
  main(process.argv.slice(2), {
    out: (l) => console.log(l),
    err: (l) => console.error(l),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    tty: Boolean(process.stderr.isTTY),
    write: (t) => process.stderr.write(t)
  }).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    }
  );
}
