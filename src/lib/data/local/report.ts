/**
 * What the Data page's import worker says back: per file, what was read, accepted and refused
 * (the first errors and the counts), the unknown kinds/categories, and points for the preview.
 * Plus the small pure helpers the page and worker share: which file is which (by name), a
 * sample of points, the preview's projection. No DOM.
 */
import type { ErrorCounts, ImportError } from '../import/errors';
import type { IncidentCategory, InputCrs, StationKind } from '../schema';
import type { LocalSummary, LocalTable, OwnTable } from './keys';

export type FileRole = OwnTable | 'package';

/** Which table a dropped file holds, by its name (case-insensitive), or null for a name the page does not read. */
export function roleOf(name: string): FileRole | null {
  const base = name.split(/[\\/]/).pop()!.toLowerCase();
  const m = /^(stations|incidents)\.(csv|xlsx)$/.exec(base) ?? /^(streets|communities|grids)\.geojson$/.exec(base) ?? /^(buildings)\.(geojson|csv|osm\.pbf)$/.exec(base);
  if (m) return m[1] as OwnTable;
  return base.endsWith('.zip') ? 'package' : null;
}

/** The user's choice for values the readers did not know: raw value → the app's kind or category. */
export interface Mapping {
  stations: Record<string, StationKind>;
  incidents: Record<string, IncidentCategory>;
}

export interface FileReport {
  file: string;
  table: LocalTable;
  read: number;
  accepted: number;
  refused: number;
  /** The first errors (at most 100) and the counts by field. */
  errors: ImportError[];
  counts?: ErrorCounts;
  /** Station kinds or incident categories the readers did not know (kept as 'other'), with row counts. */
  unknown: { value: string; count: number }[];
}

/** Lon/lat pairs, flat: [lon0, lat0, lon1, lat1, …] (cheap to send from the worker). */
export type FlatPoints = number[];

export interface Preview {
  /** The district outline's rings (WGS-84). */
  outline: [number, number][][];
  accepted: FlatPoints;
  outside: FlatPoints;
  /** How many points there were before sampling. */
  acceptedTotal: number;
  outsideTotal: number;
}

export interface ImportRequest {
  files: File[];
  district: string;
  crs: InputCrs;
  mapping: Mapping;
  /** Absolute URL of the static data folder (the demo's outline, grids, manifest, rider places). */
  root: string;
}

export type ImportMessage =
  | { type: 'progress'; file: string | null; step: 'geo' | 'read' | 'build'; fraction: number }
  | { type: 'failed'; errors: ImportError[] }
  | {
      type: 'done';
      reports: FileReport[];
      preview: Preview;
      /** Files from a package zip that the page does not use. */
      ignored: string[];
      files: Record<string, Uint8Array>;
      summary: Omit<LocalSummary, 'savedAt' | 'district'>;
    };

/** At most `max` points, evenly spaced through the list (the preview draws SVG circles). */
export function samplePoints(flat: FlatPoints, max: number): FlatPoints {
  const n = flat.length / 2;
  if (n <= max) return flat;
  const out: FlatPoints = [];
  for (let i = 0; i < max; i++) {
    const k = Math.floor((i * n) / max);
    out.push(flat[2 * k], flat[2 * k + 1]);
  }
  return out;
}

/**
 * A projection of lon/lat into a `width`×`height` box around the outline and points (equirectangular,
 * x scaled by cos(latitude) so shapes are not stretched; y grows downwards).
 */
export function previewProjection(p: Preview, width: number, height: number, pad = 8): (lon: number, lat: number) => [number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const take = (x: number, y: number) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  };
  for (const ring of p.outline) for (const [x, y] of ring) take(x, y);
  for (const f of [p.accepted, p.outside]) for (let i = 0; i < f.length; i += 2) take(f[i], f[i + 1]);
  if (x0 === Infinity) return () => [width / 2, height / 2];
  const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const w = Math.max((x1 - x0) * k, 1e-9);
  const h = Math.max(y1 - y0, 1e-9);
  const s = Math.min((width - 2 * pad) / w, (height - 2 * pad) / h);
  const ox = (width - w * s) / 2;
  const oy = (height - h * s) / 2;
  return (lon, lat) => [ox + (lon - x0) * k * s, oy + (y1 - lat) * s];
}

/** SVG path data of the outline's rings. */
export function outlinePath(p: Preview, project: (lon: number, lat: number) => [number, number]): string {
  return p.outline
    .map((ring) => ring.map(([x, y], i) => `${i ? 'L' : 'M'}${project(x, y).map((v) => v.toFixed(1)).join(' ')}`).join('') + 'Z')
    .join('');
}
