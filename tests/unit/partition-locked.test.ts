/**
 * Locked grids: buildings of a locked grid are held out of the engine's problem and keep their
 * code, so a re-run returns them byte-identical; the rest is partitioned as usual (in range,
 * contiguous) and never takes a locked code. On a real community of the built dataset (Daoli
 * 省报社社区, 230102001001, 34 OSM buildings, 2,514 estimated households).
 */
import { describe, expect, it } from 'vitest';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { partitionGeoJSON } from '$lib/geo/partition/geojson';
import type { PartitionRequest } from '$lib/geo/partition/input';
import { stableSequence } from '$lib/geo/partition/codes';
import type { Phase } from '$lib/geo/partition/engine';
import { BARRIER_CLASSES, CommunityPlan, communityData, type Assignment } from '$lib/plan/community-plan';
import { readDistrictLayers } from '../../scripts/lib/district-layers';

const layers = readDistrictLayers('230102');
const CODE = '230102001001';
const data = communityData(layers, CODE)!;

function request(a: Assignment, locked: string[]): PartitionRequest {
  return {
    buildings: {
      type: 'FeatureCollection',
      features: data.buildings.map((b) => ({ ...b, properties: { ...b.properties, grid: a[b.properties.id] } }))
    },
    communities: { type: 'FeatureCollection', features: [data.boundary as Feature<Polygon | MultiPolygon>] },
    barriers: data.roads,
    barrierClasses: BARRIER_CLASSES,
    community: CODE,
    min: 300,
    max: 500,
    target: 400,
    locked
  };
}

function run(a: Assignment, locked: string[]): Assignment {
  const r = partitionGeoJSON(request(a, locked));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return Object.fromEntries(r.value.buildings.map((b) => [b.id, b.grid]));
}

const of = (a: Assignment, codes: readonly string[]) =>
  JSON.stringify(
    Object.entries(a)
      .filter(([, c]) => codes.includes(c))
      .sort()
  );

describe('locked grids in the engine', () => {
  const start = new CommunityPlan(data, { min: 300, max: 500 }).assignment();
  const codes = [...new Set(Object.values(start))].sort();

  it('re-runs keep locked grids byte-identical and the rest valid, without locked codes', () => {
    // Lock two grids, then move a building out of a third by hand so the run has work to do.
    const locked = [codes[0], codes[2]];
    const edited = { ...start };
    const loose = Object.keys(edited).find((b) => edited[b] === codes[1])!;
    edited[loose] = codes[3];
    const first = run(edited, locked);
    expect(of(first, locked)).toBe(of(edited, locked));
    const second = run(first, locked);
    expect(of(second, locked)).toBe(of(edited, locked));
    expect(second).toEqual(first);
    // Every building still has a grid; no unlocked building took a locked code.
    expect(Object.keys(second).sort()).toEqual(Object.keys(start).sort());
    for (const [b, c] of Object.entries(second)) expect(locked.includes(c)).toBe(locked.includes(edited[b]));
    // The plan as a whole: all grids within 300–500 and contiguous.
    const v = new CommunityPlan(data, { min: 300, max: 500 }, second).validation;
    expect(v.households).toBe(2514);
    for (const g of v.grids) {
      expect(g.households, `grid ${g.grid}`).toBeGreaterThanOrEqual(300);
      expect(g.households, `grid ${g.grid}`).toBeLessThanOrEqual(500);
      expect(g.pieces).toBe(1);
    }
  });

  it('a community whose grids are all locked comes back unchanged', () => {
    expect(run(start, codes)).toEqual(start);
  });

  it('a lock naming another community is ignored', () => {
    const a = run(start, ['230102001002001']);
    expect(Object.keys(a).length).toBe(data.buildings.length);
  });

  it('the progress callback with locked grids: fractions non-decreasing to 1, every phase, the same output', () => {
    const locked = [codes[1]];
    const plain = partitionGeoJSON(request(start, locked), () => 0);
    const calls: { phase: Phase; fraction: number }[] = [];
    const heard = partitionGeoJSON(
      request(start, locked),
      () => 0,
      (phase, fraction) => calls.push({ phase, fraction })
    );
    for (let k = 1; k < calls.length; k++) expect(calls[k].fraction).toBeGreaterThanOrEqual(calls[k - 1].fraction);
    expect(calls.at(-1)!.fraction).toBe(1);
    expect(new Set(calls.map((c) => c.phase))).toEqual(new Set(['growing', 'local-search', 'recombination']));
    expect(JSON.stringify(heard)).toBe(JSON.stringify(plain));
  });

  it('stableSequence never hands out a reserved number', () => {
    const seq = stableSequence([new Map([[1, 10]]), new Map(), new Map()], [1, 2, 3], new Set([1, 2]));
    expect(seq).toEqual([3, 4, 5]);
  });
});
