/**
 * Writes an import's output directory all-or-nothing: everything goes into a temporary sibling
 * directory first, which replaces the target only when complete. A failure leaves an existing
 * target untouched and removes the temporary directory.
 *
 * Layout (mirrors scripts/generate/write.ts):
 *   buildings.parquet            schema Building columns (snake_case), footprint as GeoJSON text
 *   map/buildings.geojson        residential buildings (same ids)
 *   map/roads.geojson            when roads were imported
 *   map/compounds.geojson        when compounds were imported
 *   map/outline.geojson          the district outline used for clipping
 *   manifest.json
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { ImportOutput } from '../../src/lib/data/import/pipeline';
import { PARQUET_COLUMNS } from '../../src/lib/data/columns';
import { type ColumnDef, openNodeDb, sqlString } from '../lib/node-db';

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
      out.buildings.map((b) => [
        b.id,
        b.district,
        b.community || null,
        b.compound,
        b.grid,
        b.floors,
        b.units,
        b.perFloor,
        b.households,
        b.estimated,
        b.lon,
        b.lat,
        JSON.stringify(b.footprint),
        b.method,
        b.areaM2,
        b.name,
        b.type
      ])
    );
    await db.run(`COPY (SELECT * FROM buildings ORDER BY id) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy)`);
  } finally {
    db.close();
  }
}

/** Writes `out` + `manifest` into `dir` atomically (see the module comment). */
export async function writeImport(dir: string, out: ImportOutput, manifest: unknown, outline: Feature<Polygon | MultiPolygon>): Promise<void> {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(join(tmp, 'map'), { recursive: true });
    await writeBuildingsParquet(join(tmp, 'buildings.parquet'), out);
    writeJson(
      join(tmp, 'map', 'buildings.geojson'),
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
    if (out.stats.roads.features > 0) {
      writeJson(
        join(tmp, 'map', 'roads.geojson'),
        fc(out.roads.map((r) => ({ type: 'Feature', properties: { id: r.id, class: r.class, ...(r.name ? { name: r.name } : {}) }, geometry: r.geometry })))
      );
    }
    if (out.stats.compounds.features > 0) {
      writeJson(
        join(tmp, 'map', 'compounds.geojson'),
        fc(
          out.compounds.map((c) => ({
            type: 'Feature',
            properties: { id: c.id, name: c.name, households: c.households, buildings: c.buildings },
            geometry: c.geometry
          }))
        )
      );
    }
    writeJson(join(tmp, 'map', 'outline.geojson'), fc([{ ...outline, properties: { ...(outline.properties ?? {}) } }]));
    writeJson(join(tmp, 'manifest.json'), manifest);
    swapInto(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Replaces `dir` with `tmp`; on failure puts the old `dir` back. */
function swapInto(tmp: string, dir: string): void {
  if (!existsSync(dir)) {
    renameSync(tmp, dir);
    return;
  }
  const old = join(dirname(dir), `.${basename(dir)}.old-${process.pid}-${Date.now()}`);
  renameSync(dir, old);
  try {
    renameSync(tmp, dir);
  } catch (e) {
    renameSync(old, dir);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
