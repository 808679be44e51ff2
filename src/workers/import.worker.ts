/**
 * Web Worker that reads the planner's own files (a big CSV or GeoJSON takes seconds to parse
 * and check) off the main thread.
 * Message in:  { id, request: OwnImportRequest }
 * Message out: { id, ok: true, value: OwnImport, ms } | { id, ok: false, errors: ImportError[] }
 */
import { readOwnData, type OwnImportRequest } from '../lib/plan/own-data';

const ctx = self as unknown as { onmessage: ((e: MessageEvent<{ id: number; request: OwnImportRequest }>) => void) | null; postMessage(m: unknown): void };

ctx.onmessage = (e) => {
  const { id, request } = e.data;
  const t0 = performance.now();
  try {
    ctx.postMessage({ id, ...readOwnData(request), ms: Math.round(performance.now() - t0) });
  } catch (err) {
    ctx.postMessage({ id, ok: false, errors: [{ file: request.buildings.name, row: null, field: 'file', message: (err as Error).message }] });
  }
};
