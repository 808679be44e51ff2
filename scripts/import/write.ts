/**
 * Writes an import's files into a folder: the staging folder of scripts/lib/safe-out.ts, which
 * moves them into place only when complete and replaces only files an earlier import wrote.
 *
 * Layout (mirrors scripts/generate/write.ts):
 *   buildings.parquet            schema Building columns (snake_case), footprint as GeoJSON text
 *   map/buildings.geojson        residential buildings (same ids)
 *   map/roads.geojson            when roads were imported
 *   map/compounds.geojson        when compounds were imported
 *   map/outline.geojson          the district outline used for clipping
 *   manifest.json                its `files` lists every file above that this import wrote
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { ImportOutput } from '../../src/lib/data/import/pipeline';
import { PARQUET_COLUMNS, buildingRow } from '../../src/lib/data/columns';
import { type ColumnDef, openNodeDb, sqlString } from '../lib/node-db';
import { parquetOptions } from '../generate/write';
import type { OutputOwner } from '../lib/safe-out';

const MANIFEST = 'manifest.json';
/** Every file an import may write (imports made before manifests listed `files` wrote these). */
const IMPORT_FILES = [
  'buildings.parquet',
  'map/buildings.geojson',
  'map/roads.geojson',
  'map/compounds.geojson',
  'map/outline.geojson',
  MANIFEST
];

/** An import's folder is recognised by its manifest (kind "import"); the manifest lists its files. */
export const IMPORT_OUTPUT: OutputOwner = {
  tool: 'npm run data -- --osm',
  manifest: MANIFEST,
  owned(dir) {
    let m: { kind?: unknown; generator?: unknown; files?: unknown };
    try {
      m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
    } catch {
      return null;
    }
    if (m?.kind !== 'import' || typeof m.generator !== 'string' || !m.generator.startsWith('gridatlas-import-osm'))
      return null;
    return Array.isArray(m.files) ? m.files.filter((f): f is string => typeof f === 'string') : IMPORT_FILES;
  }
};

export const BUILDING_COLUMNS: readonly ColumnDef[] = [
  ...PARQUET_COLUMNS.buildings,
  // import-only columns, after the schema's
  { name: 'method', type: 'VARCHAR' },
  { name: 'area_m2', type: 'INTEGER' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'building_type', type: 'VARCHAR' }
];

function fc(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value) + '\n');
}

async function writeBuildingsParquet(file: string, out: ImportOutput): Promise<void> {
  const db = await openNodeDb({ threads: 1 });
  try {
    await db.load(
      'buildings',
      BUILDING_COLUMNS,
      out.buildings.map((b) => [...buildingRow(b), b.method, b.areaM2, b.name, b.type])
    );
    // Real OpenStreetMap buildings: the footer says nothing in them is synthetic.
    await db.run(
      `COPY (SELECT * FROM buildings ORDER BY id) TO ${sqlString(file)} ${parquetOptions('buildings', false)}`
    );
  } finally {
    db.close();
  }
}

/** Writes `out` and `manifest` (with `files` added) into `dir`. */
export async function writeImport(
  dir: string,
  out: ImportOutput,
  manifest: object,
  outline: Feature<Polygon | MultiPolygon>
): Promise<void> {
  const files: string[] = [];
  const json = (file: string, value: unknown) => {
    writeJson(join(dir, file), value);
    files.push(file);
  };
  mkdirSync(join(dir, 'map'), { recursive: true });
  await writeBuildingsParquet(join(dir, 'buildings.parquet'), out);
  files.push('buildings.parquet');
  json(
    'map/buildings.geojson',
    fc(
      out.buildings.map((b) => ({
        type: 'Feature',
        properties: {
          id: b.id,
          households: b.households,
          floors: b.floors,
          estimated: b.estimated,
          method: b.method,
          compound: b.compound,
          type: b.type,
          ...(b.name ? { name: b.name } : {})
        },
        geometry: b.footprint
      }))
    )
  );
  if (out.stats.roads.features > 0)
    json(
      'map/roads.geojson',
      fc(
        out.roads.map((r) => ({
          type: 'Feature',
          properties: { id: r.id, class: r.class, ...(r.name ? { name: r.name } : {}) },
          geometry: r.geometry
        }))
      )
    );
  if (out.stats.compounds.features > 0)
    json(
      'map/compounds.geojson',
      fc(
        out.compounds.map((c) => ({
          type: 'Feature',
          properties: { id: c.id, name: c.name, households: c.households, buildings: c.buildings },
          geometry: c.geometry
        }))
      )
    );
  json('map/outline.geojson', fc([{ ...outline, properties: { ...(outline.properties ?? {}) } }]));
  writeJson(join(dir, MANIFEST), { ...manifest, files: [...files, MANIFEST] });
}
