/**
 * The baseline grid partition (recursive household-weighted bisection) on small fixtures:
 * tests/fixtures/partition/in/*.geojson → out/*.json (golden). A missing golden file fails the
 * test; `REGEN=1` rewrites them on purpose (never silently).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  type PartitionGrid,
  type PartitionItem,
  assignment,
  bisect,
  gridCount,
  itemsFromFeatures
} from '../../src/lib/geo/partition/bisection';

const DIR = fileURLToPath(new URL('../fixtures/partition/', import.meta.url));
const REGEN = process.env.REGEN === '1';

interface Fixture extends FeatureCollection<Polygon> {
  description: string;
  expect: { withinBounds: boolean; compoundsWhole?: boolean; grids?: number; clusters?: number };
}

const names = readdirSync(join(DIR, 'in'))
  .filter((f) => f.endsWith('.geojson'))
  .map((f) => f.replace(/\.geojson$/, ''))
  .sort();

function load(name: string): { fx: Fixture; items: PartitionItem[] } {
  const fx = JSON.parse(readFileSync(join(DIR, 'in', `${name}.geojson`), 'utf8')) as Fixture;
  return { fx, items: itemsFromFeatures(fx) };
}

function total(items: PartitionItem[]): number {
  return items.reduce((s, it) => s + it.households, 0);
}

describe('bisection fixtures', () => {
  it('has the fixtures', () => {
    expect(names).toEqual([
      'big-compound',
      'compounds',
      'rows',
      'small-community',
      'staggered-compounds',
      'towers',
      'two-clusters'
    ]);
  });

  for (const name of names) {
    describe(name, () => {
      const { fx, items } = load(name);
      const grids = bisect(items);

      it('puts every building in exactly one grid (buildings are never split)', () => {
        const ids = grids.flatMap((g) => g.ids);
        expect(ids.length).toBe(items.length);
        expect(new Set(ids).size).toBe(items.length);
        expect(new Set(ids)).toEqual(new Set(items.map((it) => it.id)));
        for (const g of grids) expect(g.ids.length).toBeGreaterThan(0);
      });

      it('makes round(total / 400) grids with the right household sums', () => {
        expect(grids.length).toBe(fx.expect.grids ?? gridCount(total(items)));
        const hh = new Map(items.map((it) => [it.id, it.households]));
        for (const g of grids) expect(g.households).toBe(g.ids.reduce((s, id) => s + hh.get(id)!, 0));
        expect(grids.map((g) => g.seq)).toEqual(grids.map((_, i) => i + 1));
      });

      if (fx.expect.withinBounds) {
        it('keeps every grid within 300–500 households', () => {
          for (const g of grids) {
            expect(g.households).toBeGreaterThanOrEqual(300);
            expect(g.households).toBeLessThanOrEqual(500);
          }
        });
      }

      if (fx.expect.compoundsWhole) {
        it('keeps compounds whole', () => {
          const of = assignment(grids);
          const gridsOfCompound = new Map<string, Set<number>>();
          for (const it of items) {
            const s = gridsOfCompound.get(it.group!) ?? new Set<number>();
            s.add(of.get(it.id)!);
            gridsOfCompound.set(it.group!, s);
          }
          for (const [, s] of gridsOfCompound) expect(s.size).toBe(1);
        });
      }

      if (fx.expect.clusters) {
        it('never makes a grid span two distant clusters', () => {
          const xs = items.map((it) => it.x);
          const mid = (Math.min(...xs) + Math.max(...xs)) / 2;
          const byId = new Map(items.map((it) => [it.id, it]));
          for (const g of grids) {
            const sides = new Set(g.ids.map((id) => byId.get(id)!.x < mid));
            expect(sides.size).toBe(1);
          }
        });
      }

      it('is contiguous-ish: each grid is connected at twice the typical spacing of compounds', () => {
        const d = (a: PartitionItem, b: PartitionItem) => Math.hypot(a.x - b.x, a.y - b.y);
        const same = (a: PartitionItem, b: PartitionItem) => a.group != null && a.group === b.group;
        // Spacing to the nearest building of another compound (of any other building without compounds).
        const nn = items
          .map((it) => Math.min(...items.filter((o) => o !== it && !same(it, o)).map((o) => d(it, o))))
          .filter(Number.isFinite)
          .sort((a, b) => a - b);
        const reach = 2 * nn[Math.floor(nn.length / 2)];
        const byId = new Map(items.map((it) => [it.id, it]));
        for (const g of grids) {
          const members = g.ids.map((id) => byId.get(id)!);
          const seen = new Set([members[0]]);
          const queue = [members[0]];
          while (queue.length > 0) {
            const a = queue.pop()!;
            for (const b of members)
              if (!seen.has(b) && (same(a, b) || d(a, b) <= reach)) {
                seen.add(b);
                queue.push(b);
              }
          }
          expect(seen.size, `grid ${g.seq} is in pieces`).toBe(members.length);
        }
      });

      it('is deterministic and does not depend on input order', () => {
        const again = bisect(items);
        expect(again).toEqual(grids);
        const reversed = bisect([...items].reverse());
        expect(reversed).toEqual(grids);
      });

      it('matches the golden output', () => {
        const file = join(DIR, 'out', `${name}.json`);
        const actual = {
          description: fx.description,
          grids: grids.map((g: PartitionGrid) => ({ seq: g.seq, households: g.households, ids: g.ids }))
        };
        if (REGEN) writeFileSync(file, JSON.stringify(actual, null, 1) + '\n');
        // Without its golden file the test would only compare the output with itself.
        expect(existsSync(file), `missing golden output ${file}; run with REGEN=1 to write it`).toBe(true);
        expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      });
    });
  }
});

describe('bisect edge cases', () => {
  it('returns no grid for no buildings', () => {
    expect(bisect([])).toEqual([]);
  });

  it('rejects duplicate ids and bad numbers', () => {
    expect(() =>
      bisect([
        { id: 'a', households: 10, x: 0, y: 0 },
        { id: 'a', households: 10, x: 1, y: 0 }
      ])
    ).toThrow(/duplicate/);
    expect(() => bisect([{ id: 'a', households: Number.NaN, x: 0, y: 0 }])).toThrow(/bad item/);
    expect(() => bisect([{ id: 'a', households: 1, x: 0, y: 0 }], { min: 500, max: 300 })).toThrow(/bounds/);
  });

  it('never makes more grids than buildings', () => {
    const grids = bisect([{ id: 'tower', households: 1200, x: 0, y: 0 }]);
    expect(grids).toHaveLength(1);
    expect(grids[0].households).toBe(1200);
  });

  it('splits a row of equal buildings into equal grids', () => {
    const items = Array.from({ length: 20 }, (_, i) => ({
      id: `b${String(i).padStart(2, '0')}`,
      households: 40,
      x: i * 50,
      y: 0
    }));
    const grids = bisect(items);
    expect(grids.map((g) => g.households)).toEqual([400, 400]);
    expect(grids[0].ids).toEqual(items.slice(0, 10).map((it) => it.id));
  });

  it('repairs a greedy split that the bisection alone leaves out of bounds', () => {
    const { items } = load('compounds');
    const raw = bisect(items, { repair: false });
    const fixed = bisect(items);
    const outOf = (gs: PartitionGrid[]) => gs.filter((g) => g.households < 300 || g.households > 500).length;
    expect(outOf(fixed)).toBeLessThanOrEqual(outOf(raw));
    expect(outOf(fixed)).toBe(0);
  });
});
