/**
 * A district's numbers computed when the data is built (`<dir>/figures.json`, src/lib/data/precomputed.ts):
 * /compare's figures and /heatmap's numbers for its opening filter, by the pages' own named SQL in
 * Node DuckDB. The pages show them at once and check them against DuckDB-wasm's answer, so a
 * leader sees numbers before the 34 MB engine has compiled, and never numbers nobody checked.
 */
import { join } from 'node:path';
import { districtFigures } from '../../src/lib/data/compare-figures';
import { incidentNumbers } from '../../src/lib/data/incident-numbers';
import type { PrecomputedFigures } from '../../src/lib/data/precomputed';
import {
  INCIDENT_DAYS,
  allIncidents,
  incidentDailyCounts,
  incidentLastDay,
  periodDays,
  type IncidentFilter
} from '../../src/lib/data/queries';
import type { DistrictCode, TableName } from '../../src/lib/data/schema';
import { nodeConnector, type NodeDb } from '../lib/node-db';
import { writeJson } from './write';

/** Runs the pages' named SQL over `pathOf`'s Parquet and writes `<dir>/figures.json`. */
export async function writeFigures(
  db: NodeDb,
  dir: string,
  code: DistrictCode,
  pathOf: (table: TableName) => string = (t) => join(dir, `${t}.parquet`)
): Promise<PrecomputedFigures> {
  const c = nodeConnector(db, pathOf);
  const [{ v }] = await db.all<{ v: string }>('SELECT version() AS v');
  const [{ last }] = await c.rows<{ last: number | null }>(incidentLastDay(c.source, code));
  const days = periodDays(last);
  // The filter /heatmap opens with (filters.svelte.ts `current`): every incident over the period.
  const filter: IncidentFilter = { ...allIncidents(), to: days, ...(days !== INCIDENT_DAYS ? { days } : {}) };
  const daily = new Array<number>(days).fill(0);
  for (const r of await c.rows<{ day: number; n: number }>(incidentDailyCounts(c.source, code, filter)))
    if (r.day >= 0 && r.day < days) daily[r.day] = r.n;
  const out: PrecomputedFigures = {
    engine: `DuckDB ${v} (Node, npm run data)`,
    figures: await districtFigures(c, code),
    heatmap: { filter, numbers: await incidentNumbers(c, code, filter), daily }
  };
  writeJson(join(dir, 'figures.json'), out);
  return out;
}
