/// <reference lib="webworker" />
/**
 * The 15-minute service circle off the main thread: the road network and the buildings' snaps
 * are built once per district ('init'); each 'coverage' or 'suggest' then reuses them.
 */
import {
  bestNewSite,
  coverage,
  coverageContext,
  type CoverageBuilding,
  type CoverageContext,
  type CoverageResult
} from '$lib/geo/coverage';
import { decodeRoads, type RiderRoads } from '$lib/geo/nearest-data';

type Point = { lon: number; lat: number };
export type CoverageRequest =
  | { id: number; type: 'init'; buildings: CoverageBuilding[]; roads: RiderRoads | null }
  | { id: number; type: 'coverage'; stations: Point[] }
  | { id: number; type: 'suggest'; stations: Point[] };
export type CoverageReply =
  | { id: number; ok: true; result?: CoverageResult; site?: ReturnType<typeof bestNewSite> }
  | { id: number; ok: false; error: string };

let ctx: CoverageContext | null = null;
const post = (m: CoverageReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = (e: MessageEvent<CoverageRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'init') {
      ctx = coverageContext(req.buildings, req.roads ? decodeRoads(req.roads) : null);
      post({ id: req.id, ok: true });
      return;
    }
    if (!ctx) throw new Error('coverage worker: no district loaded');
    const result = coverage(ctx, req.stations);
    if (req.type === 'coverage') post({ id: req.id, ok: true, result });
    else post({ id: req.id, ok: true, site: bestNewSite(ctx, result, 80) });
  } catch (err) {
    post({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
