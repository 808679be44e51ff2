import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { COMPARABLE, PUBLISHED, comparePublished, parseCsv, type ComputedCounts } from '../../src/lib/data/published';
import { compareStationKinds, compareSummary, parquetSource } from '../../src/lib/data/queries';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import type { DistrictCode, StationKind } from '../../src/lib/data/schema';
import { openNodeDb } from '../../scripts/lib/node-db';
import { objectsToCsv, toCsv } from '../../src/lib/export/csv';

describe('published figures', () => {
  it('parses quoted CSV fields with commas and doubled quotes', () => {
    expect(parseCsv('a,b\r\n"x, ""y""",2\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', '2']
    ]);
  });

  it('every row of data/published-figures.csv is loaded with its source and year', () => {
    const lines = readFileSync('data/published-figures.csv', 'utf8').trim().split('\n').length - 1;
    expect(PUBLISHED).toHaveLength(lines);
    expect(PUBLISHED.find((f) => f.district === '370881' && f.key === 'red_sail_stations')).toMatchObject({ value: 83, year: 2023 });
    expect(PUBLISHED.find((f) => f.key === 'featured_party_centres')?.note).toBe('e.g. 富力江湾, 顾新路 communities; "5+N" services');
    for (const f of PUBLISHED) {
      expect(f.source.length).toBeGreaterThan(5);
      expect(f.year).toBeGreaterThanOrEqual(2020);
    }
  });

  it('computes the comparable figures from the dataset; the rest stay null', async () => {
    const db = await openNodeDb();
    const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
    const computed: Partial<Record<DistrictCode, ComputedCounts>> = {};
    for (const d of DISTRICT_CODES) {
      const [s] = await db.all(compareSummary(src, d));
      const kinds = await db.all<{ kind: StationKind; n: number }>(compareStationKinds(src, d));
      computed[d] = {
        communities: s.communities as number,
        grids: s.grids as number,
        compounds: s.compounds as number,
        incidents: s.incidents as number,
        stations: Object.fromEntries(kinds.map((k) => [k.kind, k.n]))
      };
    }
    db.close();
    const rows = comparePublished(PUBLISHED, computed);
    const row = (d: string, k: string) => rows.find((r) => r.district === d && r.key === k)!;
    // Calibrated to the published counts (data/README.md).
    expect(row('230102', 'warm_heart_stations')).toMatchObject({ computed: 80, diff: 0 });
    expect(row('370881', 'red_sail_stations')).toMatchObject({ computed: 83, diff: 0 });
    expect(row('371602', 'compounds')).toMatchObject({ computed: 856, diff: 0 });
    expect(row('371602', 'compound_stations')).toMatchObject({ computed: 570, diff: 0 });
    // Not the same rule: Daoli redrew 2,048 grids of ≈ 200 households.
    const g = row('230102', 'grids');
    expect(g.computed).toBe(computed['230102']!.grids);
    expect(g.diff).toBe(computed['230102']!.grids - 2048);
    expect(g.diffShare).toBeCloseTo((computed['230102']!.grids - 2048) / 2048, 10);
    expect(row('371602', 'urban_communities')).toMatchObject({ computed: 124, diff: 29 });
    expect(row('370881', 'volunteers')).toMatchObject({ computed: null, diff: null, diffShare: null });
    expect(rows.filter((r) => r.computed != null)).toHaveLength(PUBLISHED.filter((f) => f.key in COMPARABLE).length);
  });
});

describe('CSV export', () => {
  it('quotes cells with commas, quotes and newlines; empty for null', () => {
    expect(toCsv(['名称', 'n'], [['a,b', 1], ['say "hi"', null], ['x\ny', 2.5]])).toBe('名称,n\r\n"a,b",1\r\n"say ""hi""",\r\n"x\ny",2.5\r\n');
    expect(objectsToCsv(['b', 'a'], [{ a: 1, b: 2 }])).toBe('b,a\r\n2,1\r\n');
  });
});
