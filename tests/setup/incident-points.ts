/**
 * A district's real incident positions as the map's filter pass gives them (interleaved lon, lat,
 * in id order), read from the generated Parquet with Node DuckDB: the fixture of the CPU
 * aggregation tests (heatmap-low-res, cell-counts).
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll } from 'vitest';
import { openNodeDb, readParquet, type NodeDb } from '../../scripts/lib/node-db';

export const QUFU_INCIDENTS = 'static/data/370881/incidents.parquet';

export async function incidentPoints(
  db: NodeDb,
  file = QUFU_INCIDENTS
): Promise<{ positions: Float64Array; length: number }> {
  const rows = await db.all<{ lon: number; lat: number }>(`SELECT lon, lat FROM ${readParquet(file)} ORDER BY id`);
  // An empty fixture would let every count test pass on nothing.
  assert(rows.length > 0, `${file} has no incidents: run npm run data`);
  const positions = new Float64Array(rows.length * 2);
  rows.forEach((r, i) => {
    positions[2 * i] = r.lon;
    positions[2 * i + 1] = r.lat;
  });
  return { positions, length: rows.length };
}

/** Registers the file's beforeAll/afterAll: a Node DuckDB and the incident points, for the tests in it. */
export function useIncidentPoints(file = QUFU_INCIDENTS): {
  db: NodeDb;
  points: { positions: Float64Array; length: number };
} {
  const fx = {} as ReturnType<typeof useIncidentPoints>;
  beforeAll(async () => {
    fx.db = await openNodeDb();
    fx.points = await incidentPoints(fx.db, file);
  }, 60_000);
  afterAll(() => fx.db?.close());
  return fx;
}
