/**
 * /heatmap's numbers: the client-side filter (what the map draws) must agree with the named SQL
 * (what the KPI cards and the choropleth read), over Qufu's real Parquet; the legend's classes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../scripts/lib/node-db';
import {
  INCIDENT_DAYS,
  dateToDay,
  dayToDate,
  districtCommunities,
  districtGrids,
  incidentDailyCounts,
  incidentFilterColumns,
  incidentGridCounts,
  incidentHotspots,
  incidentKpis,
  incidentWhere,
  monthLabel,
  monthOf,
  monthStarts,
  parquetSource,
  periodDays,
  type IncidentFilter,
  allIncidents
} from '../../src/lib/data/queries';
import { INCIDENT_CATEGORIES } from '../../src/lib/data/schema';
import { concatColumns, filterIncidents, gridRates, type IncidentColumns } from '../../src/lib/map/heatmap-data';
import {
  classColor,
  classCounts,
  jenksStarts,
  legendModel,
  rateBreaks,
  roundBetween
} from '../../src/lib/map/heatmap-legend';
import { INCIDENT_RAMP, NO_INCIDENTS } from '../../src/lib/map/legend';
import { scaleQuantize } from 'd3';

const QUFU = '370881';
const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
const all = allIncidents();
let db: NodeDb;
let cols: IncidentColumns;

beforeAll(async () => {
  db = await openNodeDb();
  const comms = await db.all<{ code: string; street: string }>(districtCommunities(src, QUFU));
  const grids = (await db.all<{ code: string }>(districtGrids(src, QUFU))).map((g) => g.code);
  const reader = await db.connection.runAndReadAll(incidentFilterColumns(src, QUFU));
  const c = reader.getColumnsObjectJS() as unknown as Record<string, number[]>;
  cols = {
    length: c.lon.length,
    lon: Float64Array.from(c.lon),
    lat: Float64Array.from(c.lat),
    cat: Int8Array.from(c.cat),
    st: Int8Array.from(c.st),
    day: Int16Array.from(c.day),
    ci: Int16Array.from(c.ci),
    gi: Int16Array.from(c.gi),
    communities: comms.map((x) => ({ code: x.code, street: x.street })),
    grids
  };
}, 60_000);
afterAll(() => db?.close());

describe('filterIncidents agrees with the KPI SQL', () => {
  const cases: [string, Partial<IncidentFilter>][] = [
    ['everything', {}],
    [
      'one category, one month',
      { categories: ['sanitation'], from: dateToDay('2025-03-01'), to: dateToDay('2025-04-01') }
    ],
    ['open and dispatched, 2025', { statuses: ['open', 'dispatched'], from: dateToDay('2025-01-01') }],
    ['a street, two categories', { street: '370881002', categories: ['safety', 'dispute'] }],
    [
      'a community in winter',
      { community: '370881001002', from: dateToDay('2024-11-01'), to: dateToDay('2025-04-01') }
    ],
    ['no category', { categories: [] }]
  ];
  for (const [name, part] of cases) {
    it(name, async () => {
      const f = { ...all, ...part };
      const [k] = await db.all<{ incidents: number }>(incidentKpis(src, QUFU, f));
      const js = filterIncidents(cols, f);
      expect(js.length).toBe(k.incidents);
      expect(js.positions.length).toBe(2 * k.incidents);
      if (name === 'everything') expect(k.incidents).toBe(350_000);
      if (name === 'no category') expect(k.incidents).toBe(0);
      else expect(k.incidents).toBeGreaterThan(0);
    });
  }

  it('per-grid counts equal incidentGridCounts, hotspot rates follow from them', async () => {
    const f = { ...all, categories: ['property' as const], from: dateToDay('2025-06-01'), to: dateToDay('2025-09-01') };
    const sql = await db.all<{ grid: string; n: number }>(incidentGridCounts(src, QUFU, f));
    const js = filterIncidents(cols, f);
    const fromJs = new Map(cols.grids.map((g, i) => [g, js.gridCounts[i]]));
    for (const r of sql) expect(fromJs.get(r.grid), r.grid).toBe(r.n);
    expect([...fromJs.values()].reduce((a, b) => a + b, 0)).toBe(sql.reduce((a, r) => a + r.n, 0));
    const [top] = await db.all<{ grid: string; n: number; households: number; rate: number }>(
      incidentHotspots(src, QUFU, f, 1)
    );
    // June–August 2025: 92 days, so a yearly rate is the count ÷ (92 / 365.25).
    expect(top.rate).toBeCloseTo((fromJs.get(top.grid)! * 1000) / top.households / (92 / 365.25), 9);
    const grids = await db.all<{ code: string; households: number }>(districtGrids(src, QUFU));
    const choropleth = gridRates(cols.grids, js.gridCounts, new Map(grids.map((g) => [g.code, g.households])), f);
    expect(choropleth.get(top.grid)).toBeCloseTo(top.rate, 9);
  });

  it('daily counts (China time) sum to the total and cover the period', async () => {
    const daily = await db.all<{ day: number; n: number }>(
      incidentDailyCounts(src, QUFU, { ...all, categories: ['safety'] })
    );
    const [k] = await db.all<{ incidents: number }>(incidentKpis(src, QUFU, { ...all, categories: ['safety'] }));
    expect(daily.reduce((a, r) => a + r.n, 0)).toBe(k.incidents);
    expect(daily[0].day).toBe(0);
    expect(daily.at(-1)!.day).toBe(INCIDENT_DAYS - 1);
    // The JS day column says the same per day.
    const js = new Int32Array(INCIDENT_DAYS);
    for (let i = 0; i < cols.length; i++) if (cols.cat[i] === INCIDENT_CATEGORIES.indexOf('safety')) js[cols.day[i]]++;
    for (const r of daily) expect(js[r.day], dayToDate(r.day)).toBe(r.n);
  });
});

describe('dates and SQL text', () => {
  it('day indices round-trip and the period has 731 days', () => {
    expect(dateToDay('2024-01-01')).toBe(0);
    expect(dateToDay('2025-12-31')).toBe(INCIDENT_DAYS - 1);
    expect(dayToDate(dateToDay('2024-02-29'))).toBe('2024-02-29');
  });
  it('a longer period runs to the end of the last month with incidents, and the range is bounded within it', () => {
    expect(periodDays(null)).toBe(INCIDENT_DAYS);
    expect(periodDays(INCIDENT_DAYS - 1)).toBe(INCIDENT_DAYS);
    // A district's own log to 2026-06-15: the timeline runs to 2026-06-30.
    const days = periodDays(dateToDay('2026-06-15'));
    expect(dayToDate(days)).toBe('2026-07-01');
    const starts = monthStarts(days);
    expect(starts).toHaveLength(30 + 1);
    expect(starts.slice(0, 2)).toEqual([0, 31]);
    expect(starts.at(-1)).toBe(days);
    expect(monthLabel(29)).toBe('2026-06');
    expect(monthOf(dateToDay('2026-06-15'), starts)).toBe(29);
    expect(monthStarts(INCIDENT_DAYS)).toHaveLength(25);
    // All of the longer period: no time condition; up to 2026-03-01 within it: one.
    expect(incidentWhere({ ...all, to: days, days })).toBe('');
    expect(incidentWhere({ ...all, to: dateToDay('2026-03-01'), days })).toBe(
      "WHERE reported_at < TIMESTAMP '2026-03-01 00:00:00' - INTERVAL 8 HOUR"
    );
  });
  it('no condition for "everything", FALSE for an empty set, quotes escaped', () => {
    expect(incidentWhere(all)).toBe('');
    expect(incidentWhere({ ...all, statuses: [] })).toContain('FALSE');
    expect(incidentWhere({ ...all, street: "x'y" })).toContain("'x''y'");
  });
  it('concatColumns keeps community/grid indices unique per district', () => {
    const both = concatColumns([cols, cols]);
    expect(both.length).toBe(2 * cols.length);
    expect(both.grids.length).toBe(2 * cols.grids.length);
    expect(both.gi[cols.length]).toBe(cols.gi[0] + cols.grids.length);
    expect(filterIncidents(both, all).length).toBe(2 * cols.length);
  });
});

/** Total squared deviation from the class means of sorted values split at `starts`. */
function withinSsd(xs: number[], starts: number[]): number {
  const edges = [0, ...starts, xs.length];
  let t = 0;
  for (let c = 0; c + 1 < edges.length; c++) {
    const part = xs.slice(edges[c], edges[c + 1]);
    const m = part.reduce((a, b) => a + b, 0) / part.length;
    t += part.reduce((a, b) => a + (b - m) ** 2, 0);
  }
  return t;
}

describe('choropleth classes (natural breaks)', () => {
  it('Jenks equals the brute force over every split on small inputs', () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 20; trial++) {
      const xs = Array.from({ length: 12 }, () => Math.round(rnd() * 50) + (rnd() < 0.2 ? 200 : 0)).sort(
        (a, b) => a - b
      );
      const k = 2 + (trial % 3);
      const got = withinSsd(xs, jenksStarts(xs, k));
      // Brute force: every choice of k-1 cut positions between different values.
      let best = Infinity;
      const cut = (from: number, left: number, acc: number[]) => {
        if (left === 0) {
          best = Math.min(best, withinSsd(xs, acc));
          return;
        }
        for (let i = from; i < xs.length; i++) if (xs[i] !== xs[i - 1]) cut(i + 1, left - 1, [...acc, i]);
      };
      cut(1, Math.min(k, new Set(xs).size) - 1, []);
      expect(got).toBeCloseTo(best, 6);
    }
  });

  it('separates the hotspots from the body of the grids (quantile classes did not)', () => {
    // 200 grids around 2,000 per 1,000 households and 8 hotspots above 6,000: Qufu's shape (its two-year counts; the yearly rates are half, the classes scale with them).
    const body = Array.from({ length: 200 }, (_, i) => 1600 + i * 5);
    const hot = [6100, 6400, 6900, 7300, 7600, 8000, 8200, 8460];
    const b = rateBreaks([0, 0, ...body, ...hot]);
    expect(b.length).toBe(INCIDENT_RAMP.length - 1);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
    // A break falls in the gap between the body and the hotspots, and the top class holds only hotspots.
    expect(b.some((x) => x > 2595 && x <= 6100)).toBe(true);
    expect(hot.some((h) => h >= b.at(-1)!)).toBe(true);
    expect(body.every((x) => x < b.at(-1)!)).toBe(true);
    // Every grid in one class, zero grids apart.
    const counts = classCounts([0, 0, ...body, ...hot], b);
    expect(counts[0]).toBe(2);
    expect(counts.reduce((a, c) => a + c, 0)).toBe(210);
  });

  it('rounded breaks keep each value in its class', () => {
    expect(roundBetween(1992.4, 2210.7)).toBe(2000);
    expect(roundBetween(2595, 6100)).toBe(5000);
    expect(roundBetween(12.1, 12.6)).toBe(12.5);
    expect(roundBetween(3, 3)).toBe(3);
    const rates = Array.from({ length: 300 }, (_, i) => Math.exp((i % 97) / 20) * 3.3);
    const sorted = [...rates].sort((a, c) => a - c);
    const starts = jenksStarts(sorted, 6);
    const b = rateBreaks(rates);
    starts.forEach((st, i) => {
      expect(sorted[st - 1]).toBeLessThan(b[i]);
      expect(sorted[st]).toBeGreaterThanOrEqual(b[i]);
    });
  });

  it('fewer classes when there are fewer distinct rates; none without incidents', () => {
    expect(rateBreaks([5, 5, 5, 9, 9])).toEqual([9]);
    expect(rateBreaks([0, 0])).toEqual([]);
  });
});

describe('legend', () => {
  it('classes run from the lightest to the darkest colour; no incidents is grey', () => {
    const rates = Array.from({ length: 200 }, (_, i) => i * 3.7);
    const b = rateBreaks(rates);
    expect(b.length).toBe(INCIDENT_RAMP.length - 1);
    expect(classColor(0, b)).toEqual(NO_INCIDENTS);
    expect(classColor(b[0] / 2, b)).toEqual(INCIDENT_RAMP[0]);
    expect(classColor(b.at(-1)! * 2, b)).toEqual(INCIDENT_RAMP.at(-1));
  });
  it('choropleth legend: "0" plus one swatch per class, labelled by range', () => {
    const b = [10, 20, 40];
    const m = legendModel('choropleth', { breaks: b, fmt: String, low: 'low', high: 'high' });
    expect(m.swatches.map((s) => s.label)).toEqual(['0', '0–10', '10–20', '20–40', '≥ 40']);
    expect(m.swatches.at(-1)!.color).toEqual(INCIDENT_RAMP.at(-1));
    expect(new Set(m.swatches.map((s) => s.color.join())).size).toBe(5);
  });
  it('choropleth legend states grids per class and the method', () => {
    const m = legendModel('choropleth', {
      breaks: [10, 20],
      rates: [0, 5, 12, 15, 30],
      method: 'natural breaks',
      fmt: String,
      low: 'low',
      high: 'high'
    });
    expect(m.swatches.map((s) => s.label)).toEqual(['0 (1)', '0–10 (1)', '10–20 (2)', '≥ 20 (1)']);
    expect(m.note).toBe('natural breaks');
  });
  it('choropleth legend leaves out the "0" class when no grid is in it', () => {
    const m = legendModel('choropleth', {
      breaks: [10, 20],
      rates: [5, 12, 15, 30],
      fmt: String,
      low: 'low',
      high: 'high'
    });
    expect(m.swatches.map((s) => s.label)).toEqual(['0–10 (1)', '10–20 (2)', '≥ 20 (1)']);
  });
  it('hexagon legend spans the domain deck.gl reported, in whole counts that never share an edge', () => {
    const m = legendModel('hexagon', { domain: [0, 600], fmt: String, low: 'low', high: 'high' });
    expect(m.swatches).toHaveLength(INCIDENT_RAMP.length);
    expect(m.swatches[0].label).toBe('0–99');
    expect(m.swatches[1].label).toBe('100–199');
    expect(m.swatches.at(-1)!.label).toBe('≥ 500');
  });
  it('hexagon legend: every count in the domain is in the class whose colour d3’s quantize scale gives it', () => {
    const parse = (label: string): [number, number] => {
      if (label.startsWith('≥ ')) return [Number(label.slice(2)), Infinity];
      const [a, b] = label.split('–').map(Number);
      return [a, b ?? a];
    };
    for (const [lo, hi] of [
      [1, 3],
      [1, 7],
      [2, 600],
      [1, 1234],
      [5, 11],
      [0, 6]
    ] as [number, number][]) {
      const m = legendModel('grid', { domain: [lo, hi], fmt: String, low: 'low', high: 'high' });
      const scale = scaleQuantize<number>()
        .domain([lo, hi])
        .range(INCIDENT_RAMP.map((_, i) => i));
      for (let v = lo; v <= hi; v++) {
        const holding = m.swatches.filter((s) => {
          const [a, b] = parse(s.label);
          return v >= a && v <= b;
        });
        expect(holding, `${v} in [${lo}, ${hi}]`).toHaveLength(1);
        expect(holding[0].color).toEqual(INCIDENT_RAMP[scale(v)]);
      }
    }
  });
});
