/**
 * Cutting a big input into units of work and merging their results (#13,
 * src/lib/geo/partition/split-input.ts), and the CLI's worker-thread pool (scripts/grid.ts
 * --workers): by community polygons, by the buildings' community property, else into compact
 * clusters; no building lost or duplicated, households kept, every cluster one convex piece,
 * the merged result equal to one call over the whole input, the same grids with 1 or 2 workers,
 * a determinate progress line and Ctrl-C writing nothing.
 * Fixture: tests/fixtures/partition-city/ (4 communities of 100 buildings in 2 districts, written
 * by scripts/generate/city-buildings.ts with seed 7).
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/grid';
import { localProjection } from '../../src/lib/geo/crs';
import { partitionGeoJSON } from '../../src/lib/geo/partition/geojson';
import type { PartitionOutput } from '../../src/lib/geo/partition/output';
import { convexHull, isConvex, pointInRing, ringArea, type XY } from '../../src/lib/geo/partition/planar';
import { clusterBuildings, partitionInUnits, splitInput } from '../../src/lib/geo/partition/split-input';
import { bufferedHull } from '../../src/lib/geo/partition/planar';
import { mulberry32 } from '../../src/lib/geo/random';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/partition-city/${name}.geojson`, import.meta.url));
const read = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as FeatureCollection<Polygon>;
const buildings = read('buildings');
const communities = read('communities');
/** The same buildings with no community known. */
const anonymous: FeatureCollection<Polygon> = {
  type: 'FeatureCollection',
  features: buildings.features.map((f) => {
    const { community: _c, ...properties } = f.properties!;
    void _c;
    return { ...f, properties };
  })
};
const ids = buildings.features.map((f) => String(f.properties!.id)).sort();
const households = buildings.features.reduce((s, f) => s + Number(f.properties!.households), 0);

const dir = mkdtempSync(join(tmpdir(), 'partition-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The output without its timings. */
const timeless = (o: PartitionOutput) => ({ ...o, communities: o.communities.map((c) => ({ ...c, ms: 0 })) });

describe('units of work', () => {
  it('cuts by the community polygons, each building in exactly one unit', () => {
    const r = splitInput({ buildings: anonymous, communities });
    if (!r.ok) throw new Error(r.errors[0].message);
    const { units, clusters } = r.value;
    expect(clusters).toBe(0);
    expect(units.map((u) => u.community)).toEqual(communities.features.map((f) => f.properties!.code).sort());
    expect(units.every((u) => u.cut === 'boundary')).toBe(true);
    const listed = units.flatMap((u) => u.request.buildings.features.map((f) => String(f.properties!.id)));
    expect(listed.sort()).toEqual(ids);
    expect(units.reduce((s, u) => s + u.households, 0)).toBe(households);
    // A unit carries its own polygon and its buildings know their community.
    for (const u of units) {
      expect(u.request.communities!.features.map((f) => f.properties!.code)).toEqual([u.community]);
      expect(u.request.buildings.features.every((f) => f.properties!.community === u.community)).toBe(true);
      expect(u.buildings).toBe(100);
    }
  });

  it("cuts by the buildings' community property when there are no polygons", () => {
    const r = splitInput({ buildings });
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.units.map((u) => [u.community, u.cut, u.buildings])).toEqual(
      communities.features.map((f) => [f.properties!.code, 'community', 100]).sort()
    );
  });

  it('cuts buildings of no known community into compact clusters with placeholder codes', () => {
    // At most 3 grids a cluster, so that these 6,956 households make several.
    const r = splitInput({ buildings: anonymous }, 3);
    if (!r.ok) throw new Error(r.errors[0].message);
    const { units, clusters } = r.value;
    expect(clusters).toBe(units.length);
    expect(clusters).toBeGreaterThanOrEqual(6);
    expect(units.map((u) => u.community)).toEqual(units.map((_, k) => String(k + 1).padStart(12, '0')));
    const listed = units.flatMap((u) => u.request.buildings.features.map((f) => String(f.properties!.id)));
    expect(listed.sort()).toEqual(ids);
    expect(units.reduce((s, u) => s + u.households, 0)).toBe(households);
    // Whole grids of the input's mean size: each cluster within 1–3 grids' worth of 300–500.
    for (const u of units) {
      expect(u.households).toBeGreaterThanOrEqual(300);
      expect(u.households).toBeLessThanOrEqual(3 * 500);
    }
    // Each cluster's region is one convex piece holding its buildings; the regions do not overlap.
    const proj = localProjection(126.62, 45.76);
    const regions = units.map((u) =>
      (u.request.communities!.features[0].geometry as Polygon).coordinates[0]
        .slice(0, -1)
        .map(([lon, lat]) => proj.forward(lon, lat) as XY)
    );
    regions.forEach((ring, k) => {
      // Convex but for the 7-decimal rounding of its corners (about 1 cm): its hull adds no area.
      expect(Math.abs(ringArea(convexHull(ring))) / Math.abs(ringArea(ring)), `cluster ${k + 1} convex`).toBeCloseTo(
        1,
        5
      );
      for (const f of units[k].request.buildings.features) {
        const ring0 = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : [];
        const c = ring0
          .slice(0, -1)
          .reduce((s, p) => [s[0] + p[0] / (ring0.length - 1), s[1] + p[1] / (ring0.length - 1)], [0, 0]);
        expect(
          regions.filter((r2) => pointInRing(proj.forward(c[0], c[1]) as XY, r2)).length,
          `building ${String(f.properties!.id)} in its cluster only`
        ).toBe(1);
        expect(pointInRing(proj.forward(c[0], c[1]) as XY, ring)).toBe(true);
      }
    });
  });

  it('clusters of random layouts are convex, tile the frame, and lose no building', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = mulberry32(seed);
      // Clusters with gaps, a dense core and duplicate points.
      const pts: XY[] = [];
      const hh: number[] = [];
      for (let k = 0; k < 1500; k++) {
        const centre = Math.floor(rng() * 5);
        const p: XY = k % 50 === 1 ? pts[k - 1] : [centre * 900 + rng() * 500, (centre % 2) * 700 + rng() * 600];
        pts.push([p[0], p[1]]);
        hh.push(4 + Math.floor(rng() * 40));
      }
      const frame = bufferedHull(pts, 30);
      const found = clusterBuildings(pts, hh, frame, 400, 6);
      const members = found.flatMap((c) => c.members).sort((a, b) => a - b);
      expect(members).toEqual([...pts.keys()]);
      const area = found.reduce((s, c) => s + Math.abs(ringArea(c.region)), 0);
      expect(area / Math.abs(ringArea(frame))).toBeCloseTo(1, 6);
      for (const c of found) {
        expect(isConvex(c.region)).toBe(true);
        expect(Math.round(c.members.reduce((s, i) => s + hh[i], 0) / 400)).toBeLessThanOrEqual(6);
        for (const i of c.members) expect(pointInRing(pts[i], c.region)).toBe(true);
      }
    }
  });

  it('merged units give what one call over the whole input gives', () => {
    const whole = partitionGeoJSON({ buildings: anonymous, communities, seed: 3 });
    const parts = partitionInUnits({ buildings: anonymous, communities, seed: 3 });
    if (!whole.ok || !parts.ok) throw new Error('refused');
    const { units, clusters, ...merged } = parts.value;
    expect([units, clusters]).toEqual([4, 0]);
    expect(timeless(merged)).toEqual(timeless(whole.value));
  });

  it('clusters partitioned and merged: distinct grid codes, every building once, households kept', () => {
    const r = partitionInUnits({ buildings: anonymous });
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.clusters).toBeGreaterThanOrEqual(2);
    const codes = r.value.grids.features.map((f) => f.properties.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(r.value.buildings.map((b) => b.id)).toEqual(ids);
    expect(r.value.grids.features.reduce((s, f) => s + f.properties.households, 0)).toBe(households);
    expect(r.value.grids.features.filter((f) => f.properties.inRange).length / codes.length).toBeGreaterThan(0.9);
  });

  it('a community too big for its codes is refused before any unit runs; the same buildings without a community are cut into clusters', () => {
    // 1,200 buildings of 1,000 households: at least 2,400 grids of at most 500, more than the 999 a community can number.
    const big: FeatureCollection = {
      type: 'FeatureCollection',
      features: [...buildings.features, ...buildings.features, ...buildings.features].map((f, k) => ({
        ...f,
        properties: { ...f.properties, id: `b${k}`, households: 1000, units: 1, community: '230101001001' }
      }))
    };
    const r = splitInput({ buildings: big });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.layer, e.feature, e.field, e.msg?.key])).toEqual([
        ['buildings', -1, 'community', 'partition.err.tooManyGrids']
      ]);
      expect(r.errors[0].message).toMatch(/community 230101001001 has 1,?200,?000 households/);
    }
    const anon = splitInput({
      buildings: {
        ...big,
        features: big.features.map((f) => ({ ...f, properties: { ...f.properties, community: undefined } }))
      }
    });
    expect(anon.ok && anon.value.clusters).toBeGreaterThan(200);
  });

  it('bad input fails before any unit runs, naming the feature and field', () => {
    const bad: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        ...buildings.features.slice(0, 5),
        { ...buildings.features[5], properties: { ...buildings.features[5].properties, households: -3 } } as Feature
      ]
    };
    const r = splitInput({ buildings: bad });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => [e.feature, e.field])).toEqual([[5, 'households']]);
  });
});

describe('grid partition CLI: workers', () => {
  async function run(argv: string[], opts: { onErr?: (line: string) => void; signals?: EventEmitter } = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      out: (l) => out.push(l),
      err: (l) => {
        err.push(l);
        opts.onErr?.(l);
      },
      cwd: dir,
      ...(opts.signals ? { signals: opts.signals as unknown as NodeJS.Process } : {})
    });
    return { code, out, err };
  }
  const args = (out: string, workers: number) => [
    'partition',
    '--in',
    fixture('buildings'),
    '--boundary',
    fixture('communities'),
    '--out',
    out,
    '--workers',
    String(workers),
    '--seed',
    '5'
  ];

  it('the same grids with 1 and 2 workers, and a progress line to 4/4', async () => {
    const one = await run(args('one.geojson', 1));
    const two = await run([...args('two.geojson', 2), '--progress']);
    expect([one.code, two.code], [...one.err, ...two.err].join('\n')).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'one.geojson'), 'utf8')).toBe(readFileSync(join(dir, 'two.geojson'), 'utf8'));
    const s1 = JSON.parse(one.out[0]);
    const s2 = JSON.parse(two.out[0]);
    expect([s1.workers, s2.workers, s2.units, s2.communities, s2.households]).toEqual([1, 2, 4, 4, households]);
    // Determinate: never goes back, ends at all communities done.
    const pct = two.err.filter((l) => l.startsWith('partition: ')).map((l) => Number(/, ([\d.]+) %/.exec(l)![1]));
    expect(pct.length).toBeGreaterThan(2);
    expect(pct).toEqual([...pct].sort((a, b) => a - b));
    expect(two.err.at(-1)).toBe('partition: 4/4 communities, 100.0 %');
    // No progress line unless asked for (stderr is no terminal here).
    expect(one.err.some((l) => l.startsWith('partition: '))).toBe(false);
  }, 120_000);

  it('Ctrl-C stops the workers and writes nothing (exit 130)', async () => {
    const signals = new EventEmitter();
    let sent = false;
    const r = await run([...args('cancelled.geojson', 2), '--progress'], {
      signals,
      onErr: (l) => {
        if (!sent && l.startsWith('partition: ')) {
          sent = true;
          signals.emit('SIGINT');
        }
      }
    });
    expect(r.code).toBe(130);
    expect(r.err.at(-1)).toBe('cancelled (Ctrl-C): nothing written');
    expect(existsSync(join(dir, 'cancelled.geojson'))).toBe(false);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  }, 120_000);

  it('--workers must be a whole number of at least 1', async () => {
    const r = await run(args('w0.geojson', 0));
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--workers must be a whole number of at least 1, got 0/);
    expect(existsSync(join(dir, 'w0.geojson'))).toBe(false);
  });
});
