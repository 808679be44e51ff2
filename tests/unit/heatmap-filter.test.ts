/**
 * The GPU filter's attributes and props (src/lib/map/heatmap-filter.ts): evaluated the way
 * DataFilterExtension's shader does, they keep exactly what the CPU filter pass keeps
 * (filterIncidents, itself checked against the KPI SQL): on a small fixture with the edge cases
 * (first and last day, a street, a community, nothing kept), and on Qufu's 350,000 real rows
 * for every street and community and a set of briefing filters.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../scripts/lib/node-db';
import {
  INCIDENT_DAYS,
  dateToDay,
  districtCommunities,
  districtGrids,
  incidentFilterColumns,
  parquetSource,
  type IncidentFilter,
  allIncidents
} from '../../src/lib/data/queries';
import { filterIncidents, type IncidentColumns } from '../../src/lib/map/heatmap-data';
import {
  GPU_MAX_BINS,
  gpuBinCount,
  gpuFilterProps,
  gpuFilterValues,
  gpuKeptCount
} from '../../src/lib/map/heatmap-filter';

const all = allIncidents();

function fixture(): IncidentColumns {
  const j = JSON.parse(readFileSync('tests/fixtures/heatmap-filter/columns.json', 'utf8')) as {
    communities: IncidentColumns['communities'];
    grids: string[];
    incidents: { lon: number; lat: number; cat: number; st: number; day: number; ci: number; gi: number }[];
  };
  const r = j.incidents;
  return {
    length: r.length,
    lon: Float64Array.from(r, (x) => x.lon),
    lat: Float64Array.from(r, (x) => x.lat),
    cat: Int8Array.from(r, (x) => x.cat),
    st: Int8Array.from(r, (x) => x.st),
    day: Int16Array.from(r, (x) => x.day),
    ci: Int16Array.from(r, (x) => x.ci),
    gi: Int16Array.from(r, (x) => x.gi),
    communities: j.communities,
    grids: j.grids
  };
}

/** What the GPU keeps for `f`, and what the CPU pass keeps. */
function both(c: IncidentColumns, values: Float32Array, f: IncidentFilter) {
  const p = gpuFilterProps(f, c.communities);
  expect(p, 'a place of one run of communities').not.toBeNull();
  return { gpu: gpuKeptCount(c, values, p!), cpu: filterIncidents(c, f).length };
}

describe('GPU filter attributes (fixture)', () => {
  const c = fixture();
  const values = gpuFilterValues(c);

  it('interleaves day and community index per incident, exactly in float32', () => {
    expect([...values]).toEqual([0, 0, 59, 0, 60, 1, 90, 1, 90, 2, 425, 2, 730, 2, 455, 0]);
  });

  it('a month is [first day, last day]: half-open day ranges become inclusive ones', () => {
    const march = { ...all, from: dateToDay('2024-03-01'), to: dateToDay('2024-04-01') };
    expect(gpuFilterProps(march, c.communities)!.filterRange[0]).toEqual([60, 90]);
    expect(both(c, values, march)).toEqual({ gpu: 3, cpu: 3 });
    // The period's first and last day.
    expect(both(c, values, { ...all, to: 1 })).toEqual({ gpu: 1, cpu: 1 });
    expect(both(c, values, { ...all, from: 730 })).toEqual({ gpu: 1, cpu: 1 });
  });

  it('categories and statuses are index sets; an empty one keeps nothing', () => {
    const f = { ...all, categories: ['sanitation' as const], statuses: ['open' as const, 'closed' as const] };
    expect(gpuFilterProps(f, c.communities)!.filterCategories).toEqual([[2], [0, 2]]);
    expect(both(c, values, f)).toEqual({ gpu: 2, cpu: 2 });
    expect(both(c, values, { ...all, categories: [] })).toEqual({ gpu: 0, cpu: 0 });
  });

  it('a street is the run of its communities, a community one index, an unknown place nothing', () => {
    expect(gpuFilterProps({ ...all, street: '370881001' }, c.communities)!.filterRange[1]).toEqual([0, 1]);
    expect(both(c, values, { ...all, street: '370881001' })).toEqual({ gpu: 5, cpu: 5 });
    expect(both(c, values, { ...all, street: '370881001', community: '370881001002' })).toEqual({ gpu: 2, cpu: 2 });
    expect(both(c, values, { ...all, street: '370881009' })).toEqual({ gpu: 0, cpu: 0 });
  });

  it('bins over the extent: a district fits the GPU aggregation, districts in three provinces do not', () => {
    // The fixture spans ≈ 2.4 × 1.7 km: 13 × 10 cells of 200 m.
    expect(gpuBinCount(c, 200)).toBe(13 * 10);
    const far = { length: 2, lon: Float64Array.of(116.98, 126.62), lat: Float64Array.of(35.58, 45.75) };
    expect(gpuBinCount(far, 200)).toBeGreaterThan(GPU_MAX_BINS);
  });

  it('communities not ordered by code (a street in two runs): null, the caller filters on the CPU', () => {
    const shuffled = [c.communities[0], c.communities[2], c.communities[1]];
    expect(gpuFilterProps({ ...all, street: '370881001' }, shuffled)).toBeNull();
    expect(gpuFilterProps({ ...all, community: '370881001002' }, shuffled)).not.toBeNull();
  });
});

describe("GPU filter attributes on Qufu's real incidents", () => {
  const QUFU = '370881';
  let db: NodeDb;
  let c: IncidentColumns;

  beforeAll(async () => {
    db = await openNodeDb();
    const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
    const rows = await db.all<{
      lon: number;
      lat: number;
      cat: number;
      st: number;
      day: number;
      ci: number;
      gi: number;
    }>(incidentFilterColumns(src, QUFU));
    const comms = await db.all<{ code: string; street: string }>(districtCommunities(src, QUFU));
    const grids = await db.all<{ code: string }>(districtGrids(src, QUFU));
    c = {
      length: rows.length,
      lon: Float64Array.from(rows, (x) => x.lon),
      lat: Float64Array.from(rows, (x) => x.lat),
      cat: Int8Array.from(rows, (x) => x.cat),
      st: Int8Array.from(rows, (x) => x.st),
      day: Int16Array.from(rows, (x) => x.day),
      ci: Int16Array.from(rows, (x) => x.ci),
      gi: Int16Array.from(rows, (x) => x.gi),
      communities: comms.map((x) => ({ code: x.code, street: x.street })),
      grids: grids.map((g) => g.code)
    };
  }, 120_000);
  afterAll(() => db?.close());

  it('keeps what the CPU pass keeps for every month, street and community and the briefing filters', () => {
    const values = gpuFilterValues(c);
    expect(c.length).toBe(350_000);
    const filters: IncidentFilter[] = [
      all,
      { ...all, categories: ['sanitation'], from: dateToDay('2025-03-01'), to: dateToDay('2025-04-01') },
      { ...all, categories: ['safety', 'dispute'], statuses: ['open', 'dispatched'] },
      { ...all, from: dateToDay('2025-01-01') }
    ];
    for (let m = 0; m < 24; m++) {
      const from = dateToDay(`${2024 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`);
      const to =
        m === 23
          ? INCIDENT_DAYS
          : dateToDay(`${2024 + Math.floor((m + 1) / 12)}-${String(((m + 1) % 12) + 1).padStart(2, '0')}-01`);
      filters.push({ ...all, from, to });
    }
    for (const s of new Set(c.communities.map((x) => x.street))) filters.push({ ...all, street: s });
    for (const x of c.communities) filters.push({ ...all, street: x.street, community: x.code });
    for (const f of filters) {
      const { gpu, cpu } = both(c, values, f);
      expect(gpu, JSON.stringify(f)).toBe(cpu);
    }
    expect(filters.length).toBeGreaterThan(60);
  }, 120_000);
});
