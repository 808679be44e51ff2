/**
 * `npm run grid -- partition --in … --out …` (scripts/grid.ts), run in-process on the engine
 * fixtures (tests/fixtures/partition-engine/in). Checks the issue's contract: the one-line summary
 * {grids, households, inRange, minHouseholds, maxHouseholds, contiguous, meanPolsbyPopper, unmet, ms}
 * (in that order, extra keys after), grid features with code, households, buildings (ids) and
 * polsbyPopper, and bad input refused on stderr naming file, feature and field, exit 2, no file.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from 'geojson';
import { main } from '../../scripts/grid';

const fixtures = fileURLToPath(new URL('../fixtures/partition-engine/in/', import.meta.url));
const fixture = (name: string) => join(fixtures, `${name}.geojson`);
const dir = mkdtempSync(join(tmpdir(), 'grid-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir });
  return { code, out, err };
}

const KEYS = [
  'grids',
  'households',
  'inRange',
  'minHouseholds',
  'maxHouseholds',
  'contiguous',
  'meanPolsbyPopper',
  'unmet',
  'ms'
];

interface Summary {
  grids: number;
  households: number;
  inRange: number;
  minHouseholds: number;
  maxHouseholds: number;
  contiguous: boolean;
  meanPolsbyPopper: number;
  unmet: { building?: string; grid?: string; reason: string; rule: string }[];
  ms: number;
}

type Grids = FeatureCollection<never, { code: string; households: number; buildings: string[]; polsbyPopper: number }>;

/** Runs the CLI on a fixture and checks the contract every successful run must keep. */
async function partition(
  name: string,
  out: string,
  ...extra: string[]
): Promise<{ summary: Summary; grids: Grids; input: FeatureCollection }> {
  const r = await run('partition', '--in', fixture(name), '--out', out, ...extra);
  expect(r.code, r.err.join('\n')).toBe(0);
  expect(r.out).toHaveLength(1);
  const summary = JSON.parse(r.out[0]) as Summary;
  expect(Object.keys(summary).slice(0, KEYS.length)).toEqual(KEYS);
  const grids = JSON.parse(readFileSync(join(dir, out), 'utf8')) as Grids;
  const input = JSON.parse(readFileSync(fixture(name), 'utf8')) as FeatureCollection;
  const buildings = input.features.filter((f: Feature) => !f.properties?.role);
  const hh = grids.features.map((f) => f.properties.households);
  // The summary agrees with the file.
  expect(summary.grids).toBe(grids.features.length);
  expect(summary.households).toBe(hh.reduce((s, h) => s + h, 0));
  expect(summary.inRange).toBe(hh.filter((h) => h >= 300 && h <= 500).length);
  expect([summary.minHouseholds, summary.maxHouseholds]).toEqual([Math.min(...hh), Math.max(...hh)]);
  expect(summary.meanPolsbyPopper).toBeCloseTo(
    grids.features.reduce((s, f) => s + f.properties.polsbyPopper, 0) / grids.features.length,
    3
  );
  expect(summary.ms).toBeGreaterThanOrEqual(0);
  // Each grid: a code of the community's 12 digits + a 3-digit sequence, its households and building ids.
  for (const f of grids.features) {
    expect(f.properties.code).toMatch(/^\d{15}$/);
    expect(Array.isArray(f.properties.buildings)).toBe(true);
    expect(f.properties.polsbyPopper).toBeGreaterThan(0);
    expect(f.properties.polsbyPopper).toBeLessThanOrEqual(1);
  }
  // Every input building is in some grid (a building divided by unit may be in several).
  const listed = new Set(grids.features.flatMap((f) => f.properties.buildings));
  expect([...listed].sort()).toEqual(buildings.map((f) => String(f.properties!.id ?? f.id)).sort());
  // Every grid out of range is named in unmet with a reason.
  for (const f of grids.features)
    if (f.properties.households < 300 || f.properties.households > 500)
      expect(
        summary.unmet.some((u) => u.grid === f.properties.code && u.reason.length > 20),
        `grid ${f.properties.code} not in unmet`
      ).toBe(true);
  if (summary.inRange === summary.grids && summary.contiguous) expect(summary.unmet).toEqual([]);
  return { summary, grids, input };
}

describe('grid partition CLI: the issue format', () => {
  it('river-split community: all grids in range and contiguous, nothing unmet', async () => {
    const { summary } = await partition('river-split', 'river.geojson', '--min', '300', '--max', '500', '--seed', '1');
    expect(summary).toMatchObject({ grids: 14, households: 5520, inRange: 14, contiguous: true, unmet: [] });
  });

  it('oversized tower without units: its grid and the building are both in unmet, with the reason', async () => {
    const { summary } = await partition('tower-700', 'tower.geojson');
    expect(summary.inRange).toBe(summary.grids - 1);
    expect(summary.maxHouseholds).toBe(700);
    expect(summary.unmet).toEqual([
      expect.objectContaining({
        grid: expect.stringMatching(/^230102001002\d{3}$/),
        rule: 'above-max',
        reason: expect.stringMatching(/building tower alone has 700 households/)
      }),
      expect.objectContaining({
        building: 'tower',
        rule: 'oversized-building',
        reason: expect.stringMatching(/no units/)
      })
    ]);
  });

  it('oversized tower with units: divided by unit, listed in each of its grids, all in range', async () => {
    const { summary, grids } = await partition('tower-700-units', 'units.geojson');
    expect(summary).toMatchObject({ grids: 5, households: 1948, inRange: 5, contiguous: true, unmet: [] });
    expect(grids.features.map((f) => f.properties.code)).toEqual([
      '230102001002001',
      '230102001002002',
      '230102001002003',
      '230102001002004',
      '230102001002005'
    ]);
    expect(grids.features.filter((f) => f.properties.buildings.includes('tower')).length).toBeGreaterThan(1);
  });

  it('tiny community: one grid, below the minimum, flagged in unmet with the reason', async () => {
    const { summary, grids } = await partition('tiny-community', 'tiny.geojson');
    expect(summary).toMatchObject({
      grids: 1,
      households: 180,
      inRange: 0,
      minHouseholds: 180,
      maxHouseholds: 180,
      contiguous: true
    });
    expect(grids.features[0].properties.code).toBe('230102001003001');
    expect(summary.unmet).toEqual([
      expect.objectContaining({
        grid: '230102001003001',
        rule: 'below-min',
        reason: expect.stringMatching(/whole community has only 180 households/)
      })
    ]);
  });

  it('GCJ-02 input with --crs gcj02: the same grids as the WGS-84 original, written in WGS-84', async () => {
    const a = await partition('river-split', 'wgs.geojson');
    const b = await partition('gcj02-input', 'gcj.geojson', '--crs', 'gcj02');
    // Timings and memory differ from run to run.
    const same = { ms: 0, peakMB: 0, cpuMs: 0 };
    expect({ ...b.summary, ...same }).toMatchObject({ ...a.summary, ...same, out: expect.any(String) });
    expect(b.grids.features.map((f) => f.properties)).toEqual(a.grids.features.map((f) => f.properties));
    const pa = (a.grids.features[0].geometry as unknown as { coordinates: number[][][] }).coordinates.flat(3);
    const pb = (b.grids.features[0].geometry as unknown as { coordinates: number[][][] }).coordinates.flat(3);
    for (let k = 0; k < pa.length; k++) expect(Math.abs(pa[k] - pb[k])).toBeLessThan(1e-6);
  });

  it('reads households from --households-field and building ids from the feature id', async () => {
    const src = JSON.parse(readFileSync(fixture('tower-700-units'), 'utf8')) as FeatureCollection;
    for (const f of src.features) {
      if (f.properties?.role) continue;
      f.id = f.properties!.id as string;
      f.properties!.hh = f.properties!.households;
      delete f.properties!.id;
      delete f.properties!.households;
    }
    writeFileSync(join(dir, 'hh.geojson'), JSON.stringify(src));
    const r = await run(
      'partition',
      '--in',
      join(dir, 'hh.geojson'),
      '--households-field',
      'hh',
      '--out',
      'hh-grids.geojson'
    );
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({ grids: 5, households: 1948, inRange: 5 });
    const grids = JSON.parse(readFileSync(join(dir, 'hh-grids.geojson'), 'utf8')) as Grids;
    expect(grids.features.some((f) => f.properties.buildings.includes('tower'))).toBe(true);
  });

  it('takes the community polygon from --boundary and barriers from --barriers', async () => {
    const src = JSON.parse(readFileSync(fixture('river-split'), 'utf8')) as FeatureCollection;
    const layer = (role?: string): FeatureCollection => ({
      type: 'FeatureCollection',
      features: src.features.filter((f) => f.properties?.role === role)
    });
    writeFileSync(join(dir, 'b.geojson'), JSON.stringify(layer(undefined)));
    writeFileSync(join(dir, 'c.geojson'), JSON.stringify(layer('community')));
    writeFileSync(join(dir, 'l.geojson'), JSON.stringify(layer('barrier')));
    const split = await run(
      'partition',
      '--in',
      'b.geojson',
      '--boundary',
      'c.geojson',
      '--barriers',
      'l.geojson',
      '--out',
      'split.geojson'
    );
    const whole = await run('partition', '--in', fixture('river-split'), '--out', 'whole.geojson');
    expect([split.code, whole.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'split.geojson'), 'utf8')).toBe(readFileSync(join(dir, 'whole.geojson'), 'utf8'));
    // Without a community code anywhere, the community part of the grid code is 12 zeros.
    const uncoded = layer('community');
    delete uncoded.features[0].properties!.code;
    writeFileSync(join(dir, 'c0.geojson'), JSON.stringify(uncoded));
    const nocode = await run(
      'partition',
      '--in',
      'b.geojson',
      '--boundary',
      'c0.geojson',
      '--barriers',
      'l.geojson',
      '--out',
      'nocode.geojson'
    );
    expect(nocode.code).toBe(0);
    const codes = (JSON.parse(readFileSync(join(dir, 'nocode.geojson'), 'utf8')) as Grids).features.map(
      (f) => f.properties.code
    );
    expect(codes[0]).toBe('000000000000001');
  });

  it('runs the baselines with --method (the bisection ignores the river: not contiguous, and unmet says so)', async () => {
    const r = await run('partition', '--in', fixture('river-split'), '--out', 'bis.geojson', '--method', 'bisection');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out[0]) as Summary;
    expect(s.contiguous).toBe(false);
    expect(s.unmet.some((u) => u.rule === 'not-contiguous' && u.grid)).toBe(true);
  });

  it('keeps the positional input, assignments, report and baselines', async () => {
    const r = await run(
      'partition',
      fixture('tower-700-units'),
      '--out',
      'g.geojson',
      '--assignments',
      'a.json',
      '--report',
      'r.json',
      '--baselines'
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({
      grids: 5,
      inRange: 5,
      method: 'engine',
      communities: 1,
      buildingCount: 41
    });
    const assignments = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(assignments.find((a: { id: string }) => a.id === 'tower').units).toBeDefined();
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    // The bisection splits a grid on the map here (drawn in pieces): the engine's grids are each one piece.
    expect(report[0].contiguous).toBe(true);
    const bis = report[0].baselines.bisection;
    expect(!bis.contiguous || report[0].meanPolsbyPopper > bis.meanPolsbyPopper).toBe(true);
  });
});

describe('grid partition CLI: bad input', () => {
  const refused = async (out: string, ...argv: string[]) => {
    const r = await run('partition', ...argv, '--out', out);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(existsSync(join(dir, out))).toBe(false);
    return r.err;
  };

  it('duplicate building ids: names file, feature and field', async () => {
    expect(await refused('dup.geojson', '--in', fixture('duplicate-ids'))).toEqual([
      `${fixture('duplicate-ids')}: buildings feature 2 (id d1), field id: duplicate id d1 (first used by feature 0)`
    ]);
  });

  it('invalid polygons: one line per feature, naming file, feature and field', async () => {
    const err = await refused('bad.geojson', '--in', fixture('invalid-polygon'));
    expect(err).toEqual([
      `${fixture('invalid-polygon')}: buildings feature 1 (id v2), field geometry: ring 0 crosses itself`,
      `${fixture('invalid-polygon')}: buildings feature 2 (id v3), field geometry: ring 0 is not closed (first and last positions differ)`
    ]);
  });

  it('empty input: nothing to partition, named', async () => {
    const err = await refused('empty.geojson', '--in', fixture('empty'));
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(fixture('empty'));
    expect(err[0]).toMatch(/no building features/);
  });

  it('a bad households value names the field given by --households-field', async () => {
    const src = JSON.parse(readFileSync(fixture('tiny-community'), 'utf8')) as FeatureCollection;
    src.features[2].properties!.hh = 'many';
    writeFileSync(join(dir, 'badhh.geojson'), JSON.stringify(src));
    const err = await refused('badhh-out.geojson', '--in', join(dir, 'badhh.geojson'), '--households-field', 'hh');
    expect(err).toEqual([
      `${join(dir, 'badhh.geojson')}: buildings feature 2 (id s2), field hh: hh must be a number ≥ 0, got "many"`
    ]);
  });

  it('unreadable files and bad options', async () => {
    expect((await refused('x1.geojson', '--in', join(dir, 'missing.geojson')))[0]).toMatch(/does not exist/);
    writeFileSync(join(dir, 'notjson.geojson'), '{ nope');
    expect((await refused('x2.geojson', '--in', join(dir, 'notjson.geojson')))[0]).toMatch(
      /notjson\.geojson: not JSON/
    );
    expect((await refused('x3.geojson', '--in', fixture('tiny-community'), '--crs', 'mars'))[0]).toMatch(
      /--crs must be wgs84, gcj02 or bd09/
    );
    expect((await refused('x4.geojson', '--in', fixture('tiny-community'), '--min', 'many'))[0]).toMatch(
      /--min must be a number/
    );
    expect((await refused('x5.geojson', '--in', fixture('tiny-community'), '--min', '600'))[0]).toMatch(
      /--min\/--target\/--max/
    );
    expect(
      (await refused('x6.geojson', '--in', fixture('tiny-community'), '--boundary', join(dir, 'none.geojson')))[0]
    ).toMatch(/none\.geojson does not exist/);
    expect((await run('divide')).code).toBe(2);
  });
});

describe('grid partition CLI: --plan and --locked', () => {
  it('locked grids of an earlier plan come back with the same buildings when the rest is redrawn', async () => {
    const first = await partition('river-split', 'plan-1.geojson');
    const locked = [first.grids.features[2], first.grids.features[9]];
    const codes = locked.map((f) => f.properties.code);
    // Other bounds and seed: the unlocked grids change, the locked ones must not.
    const second = await run(
      'partition',
      '--in',
      fixture('river-split'),
      '--plan',
      join(dir, 'plan-1.geojson'),
      '--locked',
      codes.join(','),
      '--min',
      '250',
      '--max',
      '450',
      '--seed',
      '7',
      '--out',
      'plan-2.geojson'
    );
    expect(second.code, second.err.join('\n')).toBe(0);
    const after = (JSON.parse(readFileSync(join(dir, 'plan-2.geojson'), 'utf8')) as Grids).features;
    for (const f of locked) {
      const kept = after.find((g) => g.properties.code === f.properties.code);
      expect(kept?.properties.buildings).toEqual(f.properties.buildings);
      expect(kept?.properties.households).toBe(f.properties.households);
    }
    const key = (fs: Grids['features']) => JSON.stringify(fs.map((g) => [g.properties.code, g.properties.buildings]));
    expect(key(after)).not.toBe(key(first.grids.features));
    for (const g of after.filter((g) => !codes.includes(g.properties.code)))
      expect(g.properties.households).toBeLessThanOrEqual(450);
  });

  it('bad --locked codes and a bad --plan: exit 2, a clear message, no file', async () => {
    await partition('river-split', 'plan-3.geojson');
    const refused = async (out: string, ...args: string[]) => {
      const r = await run('partition', '--in', fixture('river-split'), '--out', out, ...args);
      expect(r.code).toBe(2);
      expect(existsSync(join(dir, out))).toBe(false);
      return r.err;
    };
    const plan = join(dir, 'plan-3.geojson');
    expect((await refused('l1.geojson', '--plan', plan, '--locked', '2301'))[0]).toBe(
      '--locked 2301: not a 15-digit grid code (12-digit community code + 3-digit sequence)'
    );
    expect((await refused('l2.geojson', '--plan', plan, '--locked', '230102001001999'))[0]).toBe(
      `--locked 230102001001999: no building of the input is in this grid (previous grids come from --plan ${plan})`
    );
    // Without --plan the buildings carry no grid: nothing to lock.
    expect((await refused('l3.geojson', '--locked', '230102001001001'))[0]).toMatch(
      /no building of the input is in this grid \(previous grids come from the buildings' grid property\)/
    );
    writeFileSync(
      join(dir, 'bad-plan.geojson'),
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { code: '230102001001001', buildings: 'b1' }, geometry: null }]
      })
    );
    expect(
      (await refused('l4.geojson', '--plan', join(dir, 'bad-plan.geojson'), '--locked', '230102001001001'))[0]
    ).toMatch(
      /bad-plan\.geojson: plan feature 0 \(code 230102001001001\), field buildings: a list of building ids is needed/
    );
  });
});

describe('grid partition CLI: the output file', () => {
  it("--out a folder, or a place that cannot be written: exit 2 before any work, the folder and the user's notes untouched", async () => {
    const folder = mkdtempSync(join(dir, 'out-folder-'));
    writeFileSync(join(folder, 'notes.txt'), 'my notes\n');
    for (const [out, message] of [
      [folder, /^--out .*out-folder-.*: refused, it is a folder; give a file name$/],
      ['/sys/grids.geojson', /^--out \/sys\/grids\.geojson: cannot write in \/sys/],
      [join(folder, 'notes.txt', 'grids.geojson'), /^--out .*notes\.txt\/grids\.geojson: cannot write in .*notes\.txt/]
    ] as const) {
      const r = await run('partition', '--in', fixture('tiny-community'), '--out', out);
      expect(r.code, out).toBe(2);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
    }
    expect(readdirSync(folder)).toEqual(['notes.txt']);
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  it('a second run replaces the file whole, with nothing beside it but the files already there', async () => {
    const folder = mkdtempSync(join(dir, 'out-file-'));
    writeFileSync(join(folder, 'notes.txt'), 'my notes\n');
    await partition('tiny-community', relative(dir, join(folder, 'grids.geojson')));
    await partition('river-split', relative(dir, join(folder, 'grids.geojson')));
    expect(readdirSync(folder).sort()).toEqual(['grids.geojson', 'notes.txt']);
    expect((JSON.parse(readFileSync(join(folder, 'grids.geojson'), 'utf8')) as Grids).features).toHaveLength(14);
  });
});
