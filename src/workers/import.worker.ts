/**
 * Web Worker that reads the planner's own files (a big CSV or GeoJSON takes seconds to parse
 * and check) off the main thread: the page sends the picked File objects, the worker reads
 * their bytes, so not even the reading happens on the page.
 * Message in:  { id, request: OwnFilesRequest }
 * Message out: { id, ok: true, value: OwnImport, ms } | { id, ok: false, errors: ImportError[], counts?, ms }
 */
import type { Crs } from '../lib/geo/crs';
import { readOwnData, type OwnFile } from '../lib/plan/own-data';

export interface OwnFilesRequest {
  buildings: File;
  boundary?: File;
  crs: Crs;
}

const ctx = self as unknown as { onmessage: ((e: MessageEvent<{ id: number; request: OwnFilesRequest }>) => void) | null; postMessage(m: unknown): void };

const read = async (f: File): Promise<OwnFile> => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });

ctx.onmessage = async (e) => {
  const { id, request } = e.data;
  const t0 = performance.now();
  try {
    const buildings = await read(request.buildings);
    const boundary = request.boundary ? await read(request.boundary) : undefined;
    ctx.postMessage({ id, ...readOwnData({ buildings, ...(boundary ? { boundary } : {}), crs: request.crs }), ms: Math.round(performance.now() - t0) });
  } catch (err) {
    ctx.postMessage({ id, ok: false, errors: [{ file: request.buildings.name, row: null, field: 'file', message: (err as Error).message }] });
  }
};
