import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  COMPARABLE,
  PUBLISHED,
  PUBLISHED_CSV_HEADER,
  comparePublished,
  parseCsv,
  parsePublished,
  publishedCsvRows,
  publishedText,
  type ComputedCounts
} from '../../src/lib/data/published';
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
    expect(PUBLISHED.find((f) => f.district === '370881' && f.key === 'red_sail_stations')).toMatchObject({
      value: 83,
      year: 2023
    });
    expect(PUBLISHED.find((f) => f.key === 'featured_party_centres')?.note).toBe(
      'e.g. 富力江湾, 顾新路 communities; "5+N" services'
    );
    for (const f of PUBLISHED) {
      expect(f.source.length).toBeGreaterThan(5);
      expect(f.year).toBeGreaterThanOrEqual(2020);
      // Every item has its Chinese wording, with no English word left in the Chinese texts.
      for (const zh of [f.figureZh, f.unitZh, f.sourceZh]) expect(zh).toMatch(/[\u4e00-\u9fff]/);
      for (const zh of [f.figureZh, f.unitZh, f.noteZh, f.sourceZh]) expect(zh).not.toMatch(/[A-Za-z]{2,}/);
      // "+" is the at_least field now, never a note prefix or an item's last character.
      expect(f.note.startsWith('+')).toBe(false);
      expect(f.figure.endsWith('+') || f.figureZh.endsWith('+')).toBe(false);
      // A phone card shows the source, not the year column: both sources name the year.
      expect(f.sourceZh).toContain(String(f.year));
      expect(f.source).toContain(String(f.year));
    }
  });

  it('"300+" is a lower bound field; the texts follow the language', () => {
    const solved = PUBLISHED.find((f) => f.district === '230102' && f.key === 'compound_problems_solved')!;
    expect(solved).toMatchObject({ value: 300, atLeast: true, figureZh: '解决的小区问题', unitZh: '个' });
    expect(PUBLISHED.find((f) => f.district === '370881' && f.key === 'red_sail_stations')).toMatchObject({
      atLeast: false,
      figureZh: '红帆驿站'
    });
    expect(PUBLISHED.filter((f) => f.atLeast).map((f) => `${f.district}/${f.key}`)).toEqual([
      '230102/compound_problems_solved',
      '370881/building_unit_heads',
      '370881/volunteers',
      '370881/paired_party_members',
      '370881/paired_activities',
      '370881/video_feeds',
      '370881/incidents_since_2022',
      '370881/patrols_since_2022',
      '371602/building_heads'
    ]);
    const qufu = PUBLISHED.find((f) => f.district === '370881' && f.key === 'incidents_since_2022')!;
    expect(publishedText(qufu, 'zh')).toEqual({
      figure: '2022年以来网格员上报的民生事件',
      unit: '件',
      note: '巡查走访185,000次以上',
      source: '曲阜市党建工作报道，中文媒体，2023年'
    });
    expect(publishedText(qufu, 'en')).toMatchObject({
      figure: 'livelihood incidents reported by grid workers since 2022',
      unit: 'incidents'
    });
  });

  it('a bad cell is refused naming the file, row and column', () => {
    const head = 'district,key,figure,value,at_least,unit,note,source,year,figure_zh,unit_zh,note_zh,source_zh';
    const good = '230102,grids,grids,2048,false,grids,,"report, 2023",2023,网格,个,,报道，2023年';
    expect(parsePublished(`${head}\n${good}\n`, 'f.csv')).toHaveLength(1);
    expect(() => parsePublished(`${head}\n${good}\n${good.replace('false', 'yes')}\n`, 'f.csv')).toThrow(
      'f.csv row 3, column at_least: "yes" is not true or false'
    );
    expect(() => parsePublished(`${head}\n${good.replace('2048', '2k')}\n`, 'f.csv')).toThrow(
      'f.csv row 2, column value: "2k" is not a number'
    );
    expect(() => parsePublished(`${head}\n${good.replace('网格,个', ',个')}\n`, 'f.csv')).toThrow(
      'f.csv row 2, column figure_zh: empty'
    );
    expect(() => parsePublished(`${head.replace(',source_zh', '')}\n${good}\n`, 'f.csv')).toThrow(
      'f.csv: no column source_zh'
    );
  });

  it('the CSV export keeps both languages and the lower-bound flag', () => {
    const rows = comparePublished(
      PUBLISHED.filter((f) => f.key === 'compound_problems_solved'),
      {}
    );
    const text = toCsv(PUBLISHED_CSV_HEADER, publishedCsvRows(rows));
    expect(text).toBe(
      'district,key,figure,figure_zh,published,at_least,unit,unit_zh,note,note_zh,source,source_zh,year,computed,difference\r\n' +
        '230102,compound_problems_solved,residential-compound problems solved,解决的小区问题,300,true,problems,个,,,"道里区 party-building report, Chinese press, 2023",道里区党建工作报道，中文媒体，2023年,2023,,\r\n'
    );
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
    expect(
      toCsv(
        ['名称', 'n'],
        [
          ['a,b', 1],
          ['say "hi"', null],
          ['x\ny', 2.5]
        ]
      )
    ).toBe('名称,n\r\n"a,b",1\r\n"say ""hi""",\r\n"x\ny",2.5\r\n');
    expect(objectsToCsv(['b', 'a'], [{ a: 1, b: 2 }])).toBe('b,a\r\n2,1\r\n');
  });
});
