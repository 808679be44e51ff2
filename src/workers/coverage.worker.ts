/// <reference lib="webworker" />
/**
 * The 15-minute service circle off the main thread: the road network and the buildings' snaps
 * are built once per district ('init', kept by district code so /compare can hold several);
 * each 'coverage' or 'suggest' for that district then reuses them.
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
  | { id: number; key: string; type: 'init'; buildings: CoverageBuilding[]; roads: RiderRoads | null }
  | { id: number; key: string; type: 'coverage'; stations: Point[] }
  | { id: number; key: string; type: 'suggest'; stations: Point[] };
export type CoverageReply =
  | { id: number; ok: true; result?: CoverageResult; site?: ReturnType<typeof bestNewSite> }
  | { id: number; ok: false; error: string };

const contexts = new Map<string, CoverageContext>();
const post = (m: CoverageReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = (e: MessageEvent<CoverageRequest>) => {
  const req = e.data;
  try {
    if (req.type === 'init') {
      contexts.set(req.key, coverageContext(req.buildings, req.roads ? decodeRoads(req.roads) : null));
      post({ id: req.id, ok: true });
      return;
    }
    const ctx = contexts.get(req.key);
    if (!ctx) throw new Error(`coverage worker: district ${req.key} not loaded`);
    const result = coverage(ctx, req.stations);
    if (req.type === 'coverage') post({ id: req.id, ok: true, result });
    else post({ id: req.id, ok: true, site: bestNewSite(ctx, result, 80) });
  } catch (err) {
    post({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
