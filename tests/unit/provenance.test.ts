/**
 * Honest labels (issue #12 part 4): which tables are synthetic, in words, from one function, and
 * the same label in the files the app writes: the CSV's first comment line (which the planner's
 * import skips), the Parquet footer's key-value metadata (read back with hyparquet), the
 * generator's Parquet (Node DuckDB writes it) and the rider page's stations file.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetMetadata } from 'hyparquet';
import {
  csvWithLabel,
  districtsLabel,
  fileLabel,
  pageTables,
  parquetLabel,
  skipCommentLines,
  syntheticLabel,
  syntheticShort,
  syntheticTitle
} from '$lib/data/provenance';
import { TABLES, type DatasetIndex, type Manifest, type TableName } from '$lib/data/schema';
import { csvRows } from '$lib/data/csv';
import { parseBuildingsCsv } from '$lib/data/import/planner';
import { planCsv, type PlanRow } from '$lib/plan/export';
import { planParquet } from '$lib/plan/parquet';
import type { RiderStations } from '$lib/geo/nearest-data';
import { openNodeDb } from '../../scripts/lib/node-db';
import { parquetOptions } from '../../scripts/generate/write';
import { buildRiderData } from '../../scripts/rider/build';

const tmp = mkdtempSync(join(tmpdir(), 'gridatlas-labels-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GEOMETRY: TableName[] = ['streets', 'communities', 'compounds', 'buildings', 'grids'];
const DAOLI = { name: '道里区', nameEn: 'Daoli' };
const QUFU = { name: '曲阜市', nameEn: 'Qufu' };

describe('the label of what is synthetic', () => {
  it('every table synthetic: the demo wording; none: no label', () => {
    expect(syntheticLabel([...TABLES], 'zh')).toBe('合成演示数据');
    expect(syntheticLabel([...TABLES], 'en')).toBe('Synthetic demo data');
    expect(syntheticShort([...TABLES], 'zh')).toBe('合成数据');
    expect(syntheticLabel([], 'zh')).toBeNull();
    expect(syntheticLabel([], 'en')).toBeNull();
    expect(syntheticShort([], 'en')).toBeNull();
  });

  it('an index without flags (older than them) counts as all synthetic', () => {
    expect(syntheticLabel(undefined, 'zh')).toBe('合成演示数据');
  });

  it('Daoli after the OSM import: real geography, synthetic stations and incidents', () => {
    expect(syntheticLabel(['stations', 'incidents'], 'zh')).toBe('站点、事件为合成数据');
    expect(syntheticLabel(['stations', 'incidents'], 'en')).toBe('Stations and incidents are synthetic');
    expect(syntheticShort(['stations', 'incidents'], 'zh')).toBe('部分合成');
    expect(syntheticShort(['stations', 'incidents'], 'en')).toBe('Partly synthetic');
  });

  it('groups tables as a user thinks of them; a partly synthetic group names its tables', () => {
    expect(syntheticLabel(GEOMETRY, 'zh')).toBe('边界与楼栋为合成数据');
    expect(syntheticLabel(GEOMETRY, 'en')).toBe('Boundaries and buildings are synthetic');
    expect(syntheticLabel([...GEOMETRY, 'stations'], 'zh')).toBe('边界与楼栋、站点为合成数据');
    expect(syntheticLabel([...GEOMETRY, 'stations'], 'en')).toBe(
      'Boundaries and buildings, and stations are synthetic'
    );
    expect(syntheticLabel(['incidents'], 'en')).toBe('Incidents are synthetic');
    expect(syntheticLabel(['communities', 'stations', 'incidents'], 'zh')).toBe('社区边界、站点、事件为合成数据');
    expect(syntheticLabel(['communities', 'stations', 'incidents'], 'en')).toBe(
      'Community boundaries, stations and incidents are synthetic'
    );
  });

  it('counts only what is shown: the rider page draws stations and the street and community centres', () => {
    const rider = pageTables('/rider');
    expect(syntheticLabel(['incidents'], 'zh', rider)).toBeNull();
    expect(syntheticLabel(['stations', 'incidents'], 'zh', rider)).toBe('站点为合成数据');
    expect(syntheticLabel([...TABLES], 'zh', rider)).toBe('合成演示数据');
    expect(syntheticLabel(['incidents'], 'zh', pageTables('/plan/'))).toBeNull();
    expect(pageTables('/heatmap')).toEqual(TABLES);
  });

  it('the title names each shown table, synthetic and real', () => {
    expect(syntheticTitle(['stations', 'incidents'], 'zh')).toBe(
      '合成数据（按公开数字校准生成）：站点、事件。真实数据：街道边界、社区边界、小区、楼栋与户数、网格。街道、社区名称与代码来自国家统计局2023。详见首页“哪些是真实数据，哪些是合成数据”。'
    );
    expect(syntheticTitle(['stations'], 'en', pageTables('/rider'))).toBe(
      'Synthetic (generated, calibrated to published figures): stations. Real: street boundaries and community boundaries. Street and community names and codes are from NBS 2023. See “What is real and what is synthetic” on the home page.'
    );
  });

  it('districts side by side: one label when they agree, else each district’s', () => {
    const all = { ...QUFU, syntheticTables: [...TABLES] };
    expect(districtsLabel([all, { ...DAOLI, syntheticTables: [...TABLES] }], 'zh')).toBe('合成演示数据');
    const osm = { ...DAOLI, syntheticTables: ['stations', 'incidents'] as TableName[] };
    expect(districtsLabel([osm, all], 'zh')).toBe('道里区：站点、事件为合成数据；曲阜市：合成演示数据');
    expect(districtsLabel([osm, all], 'en')).toBe(
      'Daoli: Stations and incidents are synthetic; Qufu: Synthetic demo data'
    );
    const own = { ...DAOLI, syntheticTables: [] };
    expect(districtsLabel([own, all], 'zh')).toBe('道里区：无合成数据；曲阜市：合成演示数据');
    expect(districtsLabel([own, { ...QUFU, syntheticTables: [] }], 'en')).toBeNull();
    expect(fileLabel([osm])).toBe('站点、事件为合成数据 / Stations and incidents are synthetic');
    expect(fileLabel([own])).toBeNull();
  });
});

describe('the label in CSV files', () => {
  const rows: PlanRow[] = [
    { grid: '230102001001001', building: 'B1', households: 80, worker: '王芳', chief: '', name: '' },
    { grid: '230102001001002', building: 'B2', households: 96, worker: '', chief: '张伟', name: '北一网格' }
  ];

  it('comes first as a `# ` comment line; the app’s CSV reader skips it and keeps file line numbers', () => {
    const csv = csvWithLabel(planCsv(rows), fileLabel([{ ...DAOLI, syntheticTables: [...TABLES] }]));
    const path = join(tmp, 'plan.csv');
    writeFileSync(path, '\ufeff' + csv);
    const text = readFileSync(path, 'utf8');
    expect(text.replace(/^\ufeff/, '').split('\r\n')[0]).toBe('# 合成演示数据 / Synthetic demo data');
    const body = skipCommentLines(text);
    expect(body.skipped).toBe(1);
    expect(csvRows(body.text).map((r) => r.cells)).toEqual(csvRows(planCsv(rows)).map((r) => r.cells));
    // Nothing synthetic: no line at all.
    expect(csvWithLabel(planCsv(rows), null)).toBe(planCsv(rows));
    expect(skipCommentLines('a,b\r\n1,2')).toEqual({ text: 'a,b\r\n1,2', skipped: 0 });
  });

  it('the planner’s own-data import reads a labelled CSV and names rows by their line in the file', () => {
    const good = csvWithLabel(
      'lon,lat,户数\r\n126.6,45.76,120\r\n126.61,45.761,80\r\n',
      '合成演示数据 / Synthetic demo data'
    );
    const r = parseBuildingsCsv(good, 'buildings.csv', 'wgs84');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.buildings.map((b) => b.households)).toEqual([120, 80]);
    const bad = parseBuildingsCsv(
      csvWithLabel('lon,lat,户数\r\n126.6,45.76,120\r\n126.61,,80\r\n', 'x / x'),
      'buildings.csv',
      'wgs84'
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ file: 'buildings.csv', row: 1, field: 'lat', ref: 'line 4' });
  });
});

describe('the label in Parquet footers', () => {
  const kvOf = (buf: ArrayBuffer) =>
    Object.fromEntries((parquetMetadata(buf).key_value_metadata ?? []).map((e) => [e.key, e.value]));

  it('the planner’s Parquet export carries gridatlas.synthetic and the synthetic tables', () => {
    const rows: PlanRow[] = [
      { grid: '230102001001001', building: 'B1', households: 80, worker: '', chief: '', name: '' }
    ];
    const kv = kvOf(planParquet(rows, parquetLabel([{ ...DAOLI, syntheticTables: [...TABLES] }], pageTables('/plan'))));
    expect(kv['gridatlas.synthetic']).toBe('合成演示数据 / Synthetic demo data');
    expect(kv['gridatlas.synthetic_tables']).toBe('streets,communities,compounds,buildings,grids,stations');
    expect(kv.gridatlas).toContain('grid plan');
    const own = kvOf(planParquet(rows, parquetLabel([{ ...DAOLI, syntheticTables: [] }])));
    expect(own['gridatlas.synthetic']).toBe('none');
    expect(own['gridatlas.synthetic_tables']).toBe('');
  });

  it('the generator’s tables (DuckDB COPY) carry it too', async () => {
    const db = await openNodeDb();
    try {
      const file = join(tmp, 'stations.parquet');
      await db.run(`COPY (SELECT 'S1' AS id, 126.6 AS lon) TO '${file}' ${parquetOptions('stations')}`);
      const bytes = readFileSync(file);
      const kv = kvOf(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect(kv['gridatlas.synthetic']).toBe('合成演示数据 / Synthetic demo data');
      expect(kv['gridatlas.synthetic_tables']).toBe('stations');
      // An import of real data (the OSM buildings) says so.
      await db.run(`COPY (SELECT 'B1' AS id) TO '${file}' ${parquetOptions('buildings', false)}`);
      const real = readFileSync(file);
      expect(kvOf(real.buffer.slice(real.byteOffset, real.byteOffset + real.byteLength))).toMatchObject({
        'gridatlas.synthetic': 'none',
        'gridatlas.synthetic_tables': ''
      });
    } finally {
      db.close();
    }
  });

  it('the built demo dataset’s tables say so', () => {
    const bytes = readFileSync('static/data/370881/incidents.parquet');
    const tail = bytes.subarray(bytes.length - 200_000);
    // The footer is at the end of the file; its metadata names the table.
    expect(Buffer.from(tail).toString('utf8')).toContain('gridatlas.synthetic_tables');
  });
});

describe('the rider page’s stations file', () => {
  /** A one-district data root made from the built Qufu files, its manifest saying what `stations` is. */
  function root(name: string, stationsSynthetic: boolean | null): string {
    const dir = join(tmp, name);
    const src = 'static/data';
    mkdirSync(join(dir, '370881', 'map'), { recursive: true });
    const index = JSON.parse(readFileSync(join(src, 'index.json'), 'utf8')) as DatasetIndex;
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({ ...index, districts: index.districts.filter((d) => d.code === '370881') })
    );
    for (const f of ['stations.parquet', 'map/communities.geojson', 'map/streets.geojson', 'map/roads.geojson'])
      cpSync(join(src, '370881', f), join(dir, '370881', f));
    const m = JSON.parse(readFileSync(join(src, '370881', 'manifest.json'), 'utf8')) as Omit<Manifest, 'tables'> & {
      tables?: Manifest['tables'];
    };
    if (stationsSynthetic === null) delete m.tables;
    else m.tables!.stations = { ...m.tables!.stations, synthetic: stationsSynthetic };
    writeFileSync(join(dir, '370881', 'manifest.json'), JSON.stringify(m));
    return dir;
  }
  const built = (dir: string) =>
    JSON.parse(readFileSync(join(dir, '370881', 'rider', 'stations.json'), 'utf8')) as RiderStations;

  it('says the stations are synthetic when the manifest flags them, real when it does not', async () => {
    const demo = root('demo', true);
    const real = root('real', false);
    const old = root('old', null);
    for (const d of [demo, real, old]) await buildRiderData(d, () => undefined);
    expect(built(demo).synthetic).toBe(true);
    expect(built(real).synthetic).toBe(false);
    // A manifest from before the per-table flags: everything in it was generated.
    expect(built(old).synthetic).toBe(true);
    expect(built(demo).stations.length).toBe(143);
    // The served file (built by the test set-up from the demo manifest) says so too.
    expect(
      (JSON.parse(readFileSync('static/data/230102/rider/stations.json', 'utf8')) as RiderStations).synthetic
    ).toBe(true);
  });
});
