/**
 * A district's own data in the browser, the pure parts: storage keys, the index merge, the files
 * built from accepted rows (Parquet read back by Node DuckDB and by the app's own decoder), the
 * manifest, and the package zip round trip giving identical tables.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import { fileKey, localKey, mergeIndex, type LocalSummary } from '../../src/lib/data/local/keys';
import {
  EXTRA_COLUMNS,
  carryOver,
  localFiles,
  packageZip,
  readPackageZip,
  PackageError
} from '../../src/lib/data/local/package';
import { outlinePath, previewProjection, roleOf, samplePoints } from '../../src/lib/data/local/report';
import { decodeParquet as parquetToArrowIpc } from '../setup/parquet-wasm';
import { PARQUET_COLUMNS } from '../../src/lib/data/columns';
import type { Polygon } from 'geojson';
import { type DemoGeography, assembleGeography } from '../../src/lib/data/import/geography';
import type { Building, DatasetIndex, Incident, Manifest, Station, TableProvenance } from '../../src/lib/data/schema';
import { openNodeDb, readParquet } from '../../scripts/lib/node-db';

const manifest = JSON.parse(readFileSync('static/data/230102/manifest.json', 'utf8')) as Manifest;
const index = JSON.parse(readFileSync('static/data/index.json', 'utf8')) as DatasetIndex;

const stations: Station[] = [
  {
    id: '230102-R3',
    district: '230102',
    community: '230102004008',
    kind: 'warm_heart',
    name: '经纬街暖心驿站',
    address: '哈尔滨市道里区经纬街10号',
    services: ['rest', 'water', 'microwave', 'toilet'],
    opens: '00:00',
    closes: '00:00',
    lon: 126.556695,
    lat: 45.694869,
    phone: '0451-84001237'
  },
  {
    id: '230102-R4',
    district: '230102',
    community: '',
    kind: 'other',
    name: '新阳路综治中心',
    address: '',
    services: [],
    opens: '08:00',
    closes: '20:00',
    lon: 126.5383331,
    lat: 45.6992874
  }
];
const incidents: Incident[] = [
  {
    id: 10000001,
    ref: '12345-2025-10001',
    district: '230102',
    street: '230102004',
    community: '230102004008',
    grid: '230102004008003',
    category: 'dispute',
    status: 'open',
    reportedAt: Date.parse('2025-01-01T07:00:00+08:00'),
    closedAt: null,
    lon: 126.556695,
    lat: 45.694869
  },
  {
    id: 10000002,
    district: '230102',
    street: '',
    community: '',
    grid: '',
    category: 'other',
    status: 'closed',
    reportedAt: Date.parse('2025-02-08T08:01:00+08:00'),
    closedAt: Date.parse('2025-02-09T01:01:00+08:00'),
    lon: 126.538333,
    lat: 45.699287
  }
];
const prov = (source: string, read: number, accepted: number): TableProvenance => ({
  source,
  licence: 'own',
  crs: 'gcj02',
  read,
  accepted,
  refused: read - accepted,
  synthetic: false
});
const provenance = { stations: prov('stations.xlsx', 3, 2), incidents: prov('incidents.csv', 5, 2) };
const places = [{ name: '经纬街道', kind: 'street' as const, lon: 126.55, lat: 45.7 }];

describe('storage keys', () => {
  it('answers only the files an import replaces, for a six-digit district', () => {
    expect(localKey('http://127.0.0.1:4173/data/230102/incidents.parquet')).toBe('230102/incidents.parquet');
    expect(localKey('http://h/base/data/370881/map/stations.geojson')).toBe('370881/map/stations.geojson');
    expect(localKey('http://h/data/230102/rider/stations.json')).toBe('230102/rider/stations.json');
    expect(localKey('http://h/data/230102/manifest.json')).toBe('230102/manifest.json');
    // The district's own geometry replaces the tables and their map layers too.
    expect(localKey('http://h/data/230102/grids.parquet')).toBe('230102/grids.parquet');
    expect(localKey('http://h/data/230102/map/buildings.geojson')).toBe('230102/map/buildings.geojson');
    for (const url of [
      'http://h/data/index.json',
      'http://h/data/230102/map/outline.geojson',
      'http://h/data/230102/map/roads.geojson',
      'http://h/data/230102/rider/roads.json',
      'not a url :',
      'http://h/other/230102/incidents.parquet'
    ])
      expect(localKey(url), url).toBeNull();
    expect(fileKey('230102', 'map/stations.geojson')).toBe('230102/map/stations.geojson');
  });

  it('merges an imported district into index.json: its counts, and its tables no longer synthetic', () => {
    const own: LocalSummary = {
      district: '230102',
      savedAt: '2026-12-04T17:00:00Z',
      stations: 9,
      incidents: 476,
      tables: ['stations', 'incidents']
    };
    const merged = mergeIndex(index, [own]);
    const d = merged.districts.find((x) => x.code === '230102')!;
    expect(d.stations).toBe(9);
    expect(d.incidents).toBe(476);
    expect(d.syntheticTables).not.toContain('stations');
    expect(d.syntheticTables).not.toContain('incidents');
    // The rest keeps the demo's flags (Daoli's community areas are approximated, so synthetic).
    expect(d.syntheticTables).toEqual(
      index.districts
        .find((x) => x.code === '230102')!
        .syntheticTables!.filter((t) => t !== 'stations' && t !== 'incidents')
    );
    expect(merged.districts.find((x) => x.code === '370881')).toEqual(index.districts.find((x) => x.code === '370881'));
    // Only stations imported: incidents keep the demo's count and flag.
    const half = mergeIndex(index, [{ ...own, incidents: 0, tables: ['stations'] }]).districts.find(
      (x) => x.code === '230102'
    )!;
    expect(half.incidents).toBe(index.districts.find((x) => x.code === '230102')!.incidents);
    expect(half.syntheticTables).toContain('incidents');
    expect(mergeIndex(index, [])).toBe(index);
  });

  it('knows the dropped files by name, case-insensitively', () => {
    expect(roleOf('Stations.XLSX')).toBe('stations');
    expect(roleOf('incidents.csv')).toBe('incidents');
    expect(roleOf('C:\\exports\\INCIDENTS.CSV')).toBe('incidents');
    expect(roleOf('gridatlas-230102-package.zip')).toBe('package');
    expect(roleOf('stations (1).csv')).toBeNull();
    expect(roleOf('events.csv')).toBeNull();
  });
});

describe('files of an import', () => {
  const built = localFiles({ district: '230102', stations, incidents }, { manifest, places }, provenance);

  it('writes Parquet with the schema columns that Node DuckDB and the app decoder read back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridatlas-local-'));
    const db = await openNodeDb();
    try {
      for (const t of ['stations', 'incidents'] as const) {
        const path = join(dir, `${t}.parquet`);
        writeFileSync(path, built.files[`${t}.parquet`]!);
        const cols = await db.all<{ column_name: string; column_type: string }>(
          `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${readParquet(path)})`
        );
        expect(cols.map((c) => [c.column_name, c.column_type])).toEqual(
          [...PARQUET_COLUMNS[t], ...EXTRA_COLUMNS[t]].map((c) => [c.name, c.type])
        );
        const bytes = readFileSync(path);
        const ipc = tableFromIPC(
          await parquetToArrowIpc(
            bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
          )
        );
        expect(ipc.numRows).toBe(2);
      }
      const rows = await db.all(
        `SELECT id, services, opens, lon FROM ${readParquet(join(dir, 'stations.parquet'))} ORDER BY id`
      );
      expect(rows[0]).toEqual({
        id: '230102-R3',
        services: ['rest', 'water', 'microwave', 'toilet'],
        opens: '00:00',
        lon: 126.556695
      });
      expect(rows[1].services).toEqual([]);
      // As the command line writes them: the phone and the log's own number after the schema's columns; no place is NULL.
      const extra = await db.all(
        `SELECT s.phone, i.ref, i.grid, i.community FROM ${readParquet(join(dir, 'stations.parquet'))} s POSITIONAL JOIN ${readParquet(join(dir, 'incidents.parquet'))} i`
      );
      expect(extra).toEqual([
        { phone: '0451-84001237', ref: '12345-2025-10001', grid: '230102004008003', community: '230102004008' },
        { phone: null, ref: null, grid: null, community: null }
      ]);
      const inc = await db.all<{ id: number; closed_at: Date | null; reported_at: Date }>(
        `SELECT id, reported_at, closed_at FROM ${readParquet(join(dir, 'incidents.parquet'))} ORDER BY id`
      );
      expect(inc.map((r) => r.id)).toEqual([10000001, 10000002]);
      expect(inc[0].reported_at.getTime()).toBe(incidents[0].reportedAt);
      expect(inc[0].closed_at).toBeNull();
      expect(inc[1].closed_at!.getTime()).toBe(incidents[1].closedAt);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the stations layer and the rider file as the generator does, and an honest manifest', () => {
    const layer = JSON.parse(new TextDecoder().decode(built.files['map/stations.geojson']));
    expect(layer.features[1]).toEqual({
      type: 'Feature',
      properties: {
        id: '230102-R4',
        kind: 'other',
        name: '新阳路综治中心',
        services: '',
        opens: '08:00',
        closes: '20:00'
      },
      geometry: { type: 'Point', coordinates: [126.538333, 45.699287] }
    });
    const rider = JSON.parse(new TextDecoder().decode(built.files['rider/stations.json']));
    expect(rider.stations[0].address).toBe('哈尔滨市道里区经纬街10号');
    expect(rider.places).toEqual(places);
    const m = JSON.parse(new TextDecoder().decode(built.files['manifest.json'])) as Manifest;
    expect(m.tables.stations).toEqual(provenance.stations);
    expect(m.tables.incidents).toEqual(provenance.incidents);
    expect(m.tables.buildings).toEqual(manifest.tables.buildings);
    expect(m.counts).toEqual({ ...manifest.counts, stations: 2, incidents: 2 });
    // Grids and buildings are still the demo's.
    expect(m.synthetic).toBe(true);
    expect(built.summary).toEqual({ district: '230102', stations: 2, incidents: 2, tables: ['stations', 'incidents'] });
  });

  it('only stations: no incidents file, the demo incidents stay flagged synthetic', () => {
    const only = localFiles(
      { district: '230102', stations, incidents: null },
      { manifest, places },
      { stations: provenance.stations }
    );
    expect(Object.keys(only.files).sort()).toEqual([
      'manifest.json',
      'map/stations.geojson',
      'rider/stations.json',
      'stations.parquet'
    ]);
    const m = JSON.parse(new TextDecoder().decode(only.files['manifest.json'])) as Manifest;
    expect(m.tables.incidents.synthetic).toBe(true);
    expect(only.summary.tables).toEqual(['stations']);
  });

  it('a package zip read back gives identical tables, files and manifest', async () => {
    const zip = packageZip('230102', built.files);
    expect(Object.keys(unzipSync(zip)).sort()).toEqual([
      '230102/incidents.parquet',
      '230102/manifest.json',
      '230102/stations.parquet'
    ]);
    const back = await readPackageZip(zip, 'p.zip');
    expect(back.tables.stations).toEqual(stations);
    expect(back.tables.incidents).toEqual(incidents);
    expect(back.ignored).toEqual([]);
    const again = localFiles(
      back.tables,
      { manifest, places },
      { stations: back.manifest!.tables.stations, incidents: back.manifest!.tables.incidents }
    );
    for (const f of Object.keys(built.files) as (keyof typeof built.files)[])
      expect(Buffer.from(again.files[f]!).equals(Buffer.from(built.files[f]!)), f).toBe(true);
    // The same zip twice is the same bytes (fixed time stamps), so colleagues can compare packages.
    expect(Buffer.from(packageZip('230102', again.files)).equals(Buffer.from(zip))).toBe(true);
  });

  it('refuses a zip that is not a package, naming the file', async () => {
    await expect(readPackageZip(strToU8('not a zip'), 'x.zip')).rejects.toThrow(PackageError);
    // In the user's language on the Data page: the error carries its message key.
    await expect(readPackageZip(strToU8('not a zip'), 'x.zip')).rejects.toMatchObject({
      field: 'file',
      msg: { key: 'import.zip.notZip' }
    });
    await expect(readPackageZip(zipSync({ 'readme.txt': strToU8('hi') }), 'y.zip')).rejects.toMatchObject({
      file: 'y.zip'
    });
    const broken = zipSync({
      '230102/manifest.json': strToU8(JSON.stringify({ district: '230102' })),
      '230102/incidents.parquet': strToU8('PAR1 nope')
    });
    await expect(readPackageZip(broken, 'z.zip')).rejects.toMatchObject({
      file: 'z.zip/230102/incidents.parquet',
      field: 'file'
    });
  });
});

describe("the district's own geometry", () => {
  // Two 300 m grids and three buildings of the demo's Daoli placed in them (geography.ts has its own tests).
  const [x0, y0] = [126.59, 45.75];
  const sq = (dx: number): Polygon => ({
    type: 'Polygon',
    coordinates: [
      [
        [x0 + dx, y0],
        [x0 + dx + 0.0038, y0],
        [x0 + dx + 0.0038, y0 + 0.0027],
        [x0 + dx, y0 + 0.0027],
        [x0 + dx, y0]
      ]
    ]
  });
  const b = (id: string, dx: number, households: number): Building => ({
    id,
    district: '230102',
    community: '',
    compound: null,
    grid: null,
    floors: 6,
    units: 2,
    perFloor: 2,
    households,
    estimated: false,
    lon: x0 + dx,
    lat: y0 + 0.001,
    footprint: sq(dx)
  });
  const base: DemoGeography = {
    streets: [{ code: '230102013', name: '安静街道', district: '230102', kind: 'subdistrict' }],
    communities: [],
    compounds: [],
    grids: [],
    buildings: [b('A', 0.001, 40), b('B', 0.002, 60), b('C', 0.005, 90)],
    layers: {
      streets: { type: 'FeatureCollection', features: [] },
      communities: { type: 'FeatureCollection', features: [] },
      compounds: { type: 'FeatureCollection', features: [] },
      grids: { type: 'FeatureCollection', features: [] }
    }
  };
  const geography = assembleGeography('230102', base, {
    grids: [
      { code: '230102013001001', name: '', households: null, geometry: sq(0), feature: 0 },
      { code: '230102013001002', name: '', households: null, geometry: sq(0.0038), feature: 1 }
    ]
  });
  const own = prov('grids.geojson', 2, 2);
  const provs = {
    ...Object.fromEntries(
      (['streets', 'communities', 'compounds', 'buildings'] as const).map((t) => [t, manifest.tables[t]])
    ),
    grids: own
  };
  const built = localFiles(
    { district: '230102', stations: null, incidents: null, geography },
    { manifest, places },
    provs,
    ['grids']
  );

  it('writes every geometry table and its map layer, and counts the package for index.json', async () => {
    expect(Object.keys(built.files).sort()).toEqual(
      ['buildings', 'communities', 'compounds', 'grids', 'streets']
        .flatMap((t) => [`${t}.parquet`, `map/${t}.geojson`])
        .concat('manifest.json')
        .sort()
    );
    expect(built.summary).toEqual({
      district: '230102',
      stations: 0,
      incidents: 0,
      communities: 0,
      grids: 2,
      households: 190,
      tables: ['grids']
    });
    const dir = mkdtempSync(join(tmpdir(), 'gridatlas-local-geo-'));
    const db = await openNodeDb();
    try {
      writeFileSync(join(dir, 'grids.parquet'), built.files['grids.parquet']!);
      writeFileSync(join(dir, 'buildings.parquet'), built.files['buildings.parquet']!);
      expect(
        await db.all(
          `SELECT code, seq, households::INTEGER AS hh, buildings::INTEGER AS n FROM ${readParquet(join(dir, 'grids.parquet'))} ORDER BY code`
        )
      ).toEqual([
        { code: '230102013001001', seq: 1, hh: 100, n: 2 },
        { code: '230102013001002', seq: 2, hh: 90, n: 1 }
      ]);
      const foot = await db.all<{ id: string; grid: string; f: string }>(
        `SELECT id, grid, footprint AS f FROM ${readParquet(join(dir, 'buildings.parquet'))} ORDER BY id`
      );
      expect(foot.map((r) => [r.id, r.grid])).toEqual([
        ['A', '230102013001001'],
        ['B', '230102013001001'],
        ['C', '230102013001002']
      ]);
      expect(JSON.parse(foot[0].f)).toEqual(sq(0.001));
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const m = JSON.parse(new TextDecoder().decode(built.files['manifest.json'])) as Manifest;
    expect(m.tables.grids).toEqual(own);
    expect(m.counts.grids).toBe(2);
  });

  it('a zip of it carries the geometry with its map layers, byte for byte', async () => {
    const zip = packageZip('230102', built.files);
    expect(Object.keys(unzipSync(zip))).toContain('230102/map/grids.geojson');
    const back = await readPackageZip(zip, 'geo.zip');
    expect(back.tables.geoFiles!['grids.parquet']).toEqual(built.files['grids.parquet']);
    const again = localFiles(back.tables, { manifest, places }, back.manifest!.tables, ['grids']);
    for (const f of Object.keys(built.files) as (keyof typeof built.files)[])
      if (f !== 'manifest.json')
        expect(Buffer.from(again.files[f]!).equals(Buffer.from(built.files[f]!)), f).toBe(true);
    const noLayer = zipSync({ '230102/grids.parquet': built.files['grids.parquet']! });
    await expect(readPackageZip(noLayer, 'n.zip')).rejects.toMatchObject({
      file: 'n.zip',
      message: expect.stringMatching(/without map\/grids\.geojson/)
    });
  });
});

describe('preview', () => {
  it('samples points evenly and projects the outline and points into the box', () => {
    const flat = Array.from({ length: 20 }, (_, i) => i);
    expect(samplePoints(flat, 20)).toBe(flat);
    expect(samplePoints(flat, 5)).toEqual([0, 1, 4, 5, 8, 9, 12, 13, 16, 17]);
    const p = {
      outline: [
        [
          [126, 45],
          [127, 45],
          [127, 46],
          [126, 46],
          [126, 45]
        ] as [number, number][]
      ],
      accepted: [126.5, 45.5],
      outside: [],
      acceptedTotal: 1,
      outsideTotal: 0
    };
    const proj = previewProjection(p, 200, 200, 0);
    const [x, y] = proj(126.5, 45.5);
    expect(x).toBeCloseTo(100, 6);
    expect(y).toBeCloseTo(100, 6);
    // North is up.
    expect(proj(126.5, 46)[1]).toBeLessThan(proj(126.5, 45)[1]);
    expect(outlinePath(p, proj)).toMatch(/^M[\d.]+ [\d.]+L.*Z$/);
  });
});

describe('a later import over stored own data', () => {
  const both = localFiles({ district: '230102', stations, incidents }, { manifest, places }, provenance);
  const onlyIncidents = localFiles(
    { district: '230102', stations: null, incidents: incidents.slice(0, 1) },
    { manifest, places },
    { incidents: prov('incidents.xlsx', 1, 1) }
  );

  it('keeps the stored stations when only incidents come, in the files, the counts and the manifest', () => {
    const merged = carryOver(onlyIncidents, both);
    expect(merged.summary).toEqual({
      district: '230102',
      stations: 2,
      incidents: 1,
      tables: ['stations', 'incidents']
    });
    for (const f of ['stations.parquet', 'map/stations.geojson', 'rider/stations.json'] as const)
      expect(merged.files[f]).toBe(both.files[f]);
    expect(merged.files['incidents.parquet']).toBe(onlyIncidents.files['incidents.parquet']);
    const m = JSON.parse(new TextDecoder().decode(merged.files['manifest.json'])) as Manifest;
    expect(m.tables.stations).toEqual(provenance.stations);
    expect(m.tables.incidents).toEqual(prov('incidents.xlsx', 1, 1));
    expect([m.counts.stations, m.counts.incidents]).toEqual([2, 1]);
  });

  it('replaces what the new import holds, and changes nothing without stored data', () => {
    expect(carryOver(both, onlyIncidents)).toBe(both);
    expect(carryOver(onlyIncidents, null)).toBe(onlyIncidents);
  });
});
