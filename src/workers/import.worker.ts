/**
 * Web Worker that reads the planner's own files (a big CSV or GeoJSON takes seconds to parse
 * and check) off the main thread: the page sends the picked File objects, the worker reads
 * their bytes, so not even the reading happens on the page. Called through $lib/workers/call.ts
 * (OwnFilesCall): the reply is the import's result with its time.
 */
import type { Crs } from '../lib/geo/crs';
import type { ImportResult } from '../lib/data/import/errors';
import { readOwnData, type OwnFile, type OwnImport } from '../lib/plan/own-data';
import { serve, type Protocol } from '../lib/workers/call';

export interface OwnFilesRequest {
  buildings: File;
  boundary?: File;
  crs: Crs;
}
export type OwnFilesReply = ImportResult<OwnImport> & { ms?: number };
export type OwnFilesCall = Protocol<OwnFilesRequest, OwnFilesReply>;

const read = async (f: File): Promise<OwnFile> => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });

serve<OwnFilesCall>(async (request) => {
  const t0 = performance.now();
  try {
    const buildings = await read(request.buildings);
    const boundary = request.boundary ? await read(request.boundary) : undefined;
    return {
      ...readOwnData({ buildings, ...(boundary ? { boundary } : {}), crs: request.crs }),
      ms: Math.round(performance.now() - t0)
    };
  } catch (err) {
    return {
      ok: false,
      errors: [{ file: request.buildings.name, row: null, field: 'file', message: (err as Error).message }]
    };
  }
});
