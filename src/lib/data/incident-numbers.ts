/**
 * /heatmap's numbers for one filter: the KPI cards, the top categories and the hotspot grids, from
 * the named SQL of queries.ts run through a Connector (DuckDB-wasm on the page, Node DuckDB in the
 * unit tests). The three queries are sent together: the database answers them one after another
 * without waiting for the page in between.
 */
import type { Connector } from './connector';
import { incidentHotspots, incidentKpis, incidentTopCategories, type IncidentFilter } from './queries';
import type { DistrictCode, IncidentCategory } from './schema';

export interface Kpis {
  incidents: number;
  closed: number;
  closedRate: number | null;
  medianHours: number | null;
}

export interface Hotspot {
  grid: string;
  n: number;
  households: number;
  /** Incidents per 1,000 households a year over the filter's period. */
  rate: number;
}

export interface IncidentNumbers {
  kpis: Kpis;
  top: { category: IncidentCategory; n: number }[];
  hotspots: Hotspot[];
}

export async function incidentNumbers(db: Connector, code: DistrictCode, f: IncidentFilter): Promise<IncidentNumbers> {
  type KpiRow = { incidents: number; closed: number; closed_rate: number | null; median_hours: number | null };
  const [[k], top, hot] = await Promise.all([
    db.rows<KpiRow>(incidentKpis(db.source, code, f)),
    db.rows<{ category: IncidentCategory; n: number }>(incidentTopCategories(db.source, code, f)),
    db.rows<Hotspot>(incidentHotspots(db.source, code, f))
  ]);
  return {
    kpis: { incidents: k.incidents, closed: k.closed, closedRate: k.closed_rate, medianHours: k.median_hours },
    top,
    hotspots: hot.map((h) => ({ grid: h.grid, n: h.n, households: h.households, rate: h.rate }))
  };
}
