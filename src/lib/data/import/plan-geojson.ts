/**
 * The planner's exported plan (grids GeoJSON, see $lib/plan/export.ts) read back: the assignment,
 * all or nothing, and the grids' staff, names and locks that come along with it.
 */
import type { FeatureCollection } from 'geojson';
import { seqOf } from '$lib/geo/partition/codes';
import type { Assignment } from '$lib/plan/community-plan';
import { importError, msg, type ImportError, type ImportResult, type Msg } from './errors';

/**
 * Reads an exported plan (grids GeoJSON with `code` and `buildings` per feature) back into an
 * assignment for this community. All or nothing: any unknown or duplicate building, a code of
 * another community or a building of the community left without a grid is an error.
 */
export function readPlanGeoJSON(text: string, file: string, community: string, buildings: readonly string[]): ImportResult<Assignment> {
  const err = (row: number | null, field: string, m: Msg): ImportError => importError(file, row, field, m);
  let fc: unknown;
  try {
    fc = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [err(null, 'json', msg('import.err.planNotJson', { what: (e as Error).message }))] };
  }
  const feats = (fc as FeatureCollection)?.features;
  if ((fc as FeatureCollection)?.type !== 'FeatureCollection' || !Array.isArray(feats))
    return { ok: false, errors: [err(null, 'type', msg('import.err.planNotCollection'))] };
  const known = new Set(buildings);
  const out: Assignment = {};
  const errors: ImportError[] = [];
  const codes = new Set<string>();
  feats.forEach((f, row) => {
    const p = (f?.properties ?? {}) as Record<string, unknown>;
    const code = typeof p.code === 'string' ? p.code : '';
    if (seqOf(code, community) === null) return errors.push(err(row, 'code', msg('import.err.planCode', { code: JSON.stringify(p.code) ?? 'undefined', community })));
    if (codes.has(code)) return errors.push(err(row, 'code', msg('import.err.planCodeTwice', { code })));
    codes.add(code);
    if (!Array.isArray(p.buildings)) return errors.push(err(row, 'buildings', msg('import.err.planBuildingsList')));
    for (const b of p.buildings) {
      const id = String(b);
      if (!known.has(id)) errors.push(err(row, 'buildings', msg('import.err.planUnknown', { id, community })));
      else if (out[id]) errors.push(err(row, 'buildings', msg('import.err.planTwice', { id, grid: out[id] })));
      else out[id] = code;
    }
  });
  const missing = buildings.filter((b) => !out[b]);
  if (!errors.length && missing.length)
    errors.push(err(null, 'buildings', msg('import.err.planMissing', { n: missing.length, ids: missing.slice(0, 3).join(', ') })));
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

/** What a plan file carries besides the assignment, per grid code (a grid without a value keeps the open plan's). */
export interface PlanExtras {
  workers: Record<string, string>;
  chiefs: Record<string, string>;
  names: Record<string, string>;
  /** true: lock the grid, false: unlock it. */
  locked: Record<string, boolean>;
}

/** The staff, names and locks of a plan file that readPlanGeoJSON accepted (so it is a FeatureCollection). */
export function readPlanExtras(text: string): PlanExtras {
  const out: PlanExtras = { workers: {}, chiefs: {}, names: {}, locked: {} };
  for (const f of (JSON.parse(text) as FeatureCollection).features) {
    const code = String(f.properties?.code);
    if (typeof f.properties?.worker === 'string') out.workers[code] = f.properties.worker;
    if (typeof f.properties?.chief === 'string') out.chiefs[code] = f.properties.chief;
    if (typeof f.properties?.name === 'string') out.names[code] = f.properties.name;
    if (typeof f.properties?.locked === 'boolean') out.locked[code] = f.properties.locked;
  }
  return out;
}
