/// <reference lib="webworker" />
/**
 * The 15-minute service circle off the main thread: the road network and the buildings' snaps
 * are built once per district ('init', kept by district code so /compare can hold several);
 * each 'coverage' or 'suggest' for that district then reuses them. Called through
 * $lib/workers/call.ts (CoverageCall); an error is the call's failure with its message.
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
import { serve, type Protocol } from '$lib/workers/call';

type Point = { lon: number; lat: number };
export type CoverageRequest =
  | { key: string; type: 'init'; buildings: CoverageBuilding[]; roads: RiderRoads | null }
  | { key: string; type: 'coverage'; stations: Point[] }
  | { key: string; type: 'suggest'; stations: Point[] };
/** 'init': nothing; 'coverage': the result; 'suggest': the best new site (null when all are covered). */
export type CoverageReply = { result?: CoverageResult; site?: ReturnType<typeof bestNewSite> };
export type CoverageCall = Protocol<CoverageRequest, CoverageReply>;

const contexts = new Map<string, CoverageContext>();

serve<CoverageCall>((req) => {
  if (req.type === 'init') {
    contexts.set(req.key, coverageContext(req.buildings, req.roads ? decodeRoads(req.roads) : null));
    return {};
  }
  const ctx = contexts.get(req.key);
  if (!ctx) throw new Error(`coverage worker: district ${req.key} not loaded`);
  const result = coverage(ctx, req.stations);
  return req.type === 'coverage' ? { result } : { site: bestNewSite(ctx, result, 80) };
});
