/**
 * A plan's exports, one row per building: grid, building, households, worker, chief, name; as
 * CSV (Parquet: ./parquet.ts), and the grids GeoJSON with the staff. Pure: no DOM.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { toCsv } from '$lib/export/csv';
import type { CommunityPlan, GridProps } from './community-plan';

export interface PlanRow {
  grid: string;
  building: string;
  households: number;
  worker: string;
  chief: string;
  /** The grid's name given by the planner ('' when none). */
  name: string;
}

export const PLAN_COLUMNS = ['grid', 'building', 'households', 'worker', 'chief', 'name'] as const;

/** Sorted by grid, then building. */
export function planRows(
  core: CommunityPlan,
  workers: Readonly<Record<string, string>>,
  chiefs: Readonly<Record<string, string>>
): PlanRow[] {
  const byId = new Map(core.data.buildings.map((b) => [b.properties.id, b.properties.households]));
  const rows: PlanRow[] = [];
  for (const g of core.liveSlots()) {
    const code = core.codes[g];
    for (const id of core.buildingsOf(g).sort()) {
      rows.push({
        grid: code,
        building: id,
        households: Number(byId.get(id) ?? 0),
        worker: workers[code] ?? '',
        chief: chiefs[code] ?? '',
        name: core.names[code] ?? ''
      });
    }
  }
  return rows;
}

export function planCsv(rows: readonly PlanRow[]): string {
  return toCsv(
    PLAN_COLUMNS,
    rows.map((r) => PLAN_COLUMNS.map((c) => r[c]))
  );
}

/** The grids GeoJSON with worker and chief on each grid. */
export function gridsWithStaff(
  core: CommunityPlan,
  workers: Readonly<Record<string, string>>,
  chiefs: Readonly<Record<string, string>>
): FeatureCollection<Polygon | MultiPolygon, GridProps & { chief?: string }> {
  const fc = core.gridsGeoJSON({ ...workers });
  return {
    ...fc,
    features: fc.features.map((f) =>
      chiefs[f.properties.code] ? { ...f, properties: { ...f.properties, chief: chiefs[f.properties.code] } } : f
    )
  };
}
