/**
 * Only the bytes of a Parquet file that some columns need, over HTTP byte ranges: the file's size
 * (`bytes=0-3`, also its magic number), its footer, then the chosen columns' chunks in every row group (adjacent ones
 * merged into one request). Explicit ranges only: parquet-wasm's own URL reader asks for a suffix
 * (`bytes=-N`), which `vite preview`'s static server answers with the wrong bytes ("Corrupt footer").
 * The result is the file at its full length with only those chunks and the footer filled in, which
 * the decoder (parquet-arrow.ts) reads as it reads a whole file when asked for those columns.
 * A server that answers a range with the whole file (200), and files under `wholeBelow` bytes (one
 * request is faster than three), are read whole. Footer parsing is hyparquet's.
 */
import { parquetMetadata } from 'hyparquet';
import { contentRange } from './byte-range';

/** GETs the file, with this Range header when given (null: the whole file). */
export type RangeGet = (range: string | null) => Promise<Response>;

export interface ParquetBytes {
  /** The file, whole or with only the needed chunks filled in (the rest zeros). */
  file: Uint8Array<ArrayBuffer>;
  /** Bytes that came over the wire (bodies only) and the requests made. */
  fetched: number;
  requests: number;
  whole: boolean;
}

export interface RangeOptions {
  /** Read smaller files whole (default 1 MiB). */
  wholeBelow?: number;
  /** Merge chunks less than this apart into one request (default 64 KiB). */
  gap?: number;
  /** The footer's first guess: the last this many bytes (default 64 KiB). */
  tail?: number;
}

/** Half-open [start, end) byte spans, sorted and merged where less than `gap` apart. */
export function mergeSpans(spans: readonly [number, number][], gap: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && s - last[1] < gap) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The byte spans of these top-level columns' chunks in every row group, from a footer. */
export function columnSpans(footer: Uint8Array, columns: readonly string[]): [number, number][] {
  const meta = parquetMetadata(footer);
  const want = new Set(columns);
  const spans: [number, number][] = [];
  for (const rg of meta.row_groups)
    for (const c of rg.columns) {
      const m = c.meta_data;
      if (!m || !want.has(m.path_in_schema[0])) continue;
      const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
      spans.push([Math.min(start, Number(m.data_page_offset)), start + Number(m.total_compressed_size)]);
    }
  return spans;
}

async function body(res: Response, what: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The bytes of this range, checked against the answer's Content-Range; null when the server sent the whole file. */
async function range(get: RangeGet, first: number, last: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; size: number } | null> {
  const res = await get(`bytes=${first}-${last}`);
  if (res.status === 200) return null;
  const bytes = await body(res, `bytes ${first}-${last}`);
  const cr = contentRange(res.headers.get('content-range'));
  if (res.status !== 206 || !cr || cr.first !== first || bytes.length !== cr.last - cr.first + 1)
    throw new Error(`bytes ${first}-${last}: the server answered ${res.status} ${res.headers.get('content-range') ?? ''} (${bytes.length} bytes)`);
  return { bytes, size: cr.size };
}

/** Fetches what decoding `columns` needs (see the module comment). */
export async function fetchParquetColumns(get: RangeGet, columns: readonly string[], opts: RangeOptions = {}): Promise<ParquetBytes> {
  const { wholeBelow = 1 << 20, gap = 1 << 16, tail = 1 << 16 } = opts;
  let fetched = 0;
  let requests = 1;
  const whole = async (res?: Response): Promise<ParquetBytes> => {
    const file = await body(res ?? (await get(null)), 'file');
    return { file, fetched: fetched + file.length, requests: res ? requests : requests + 1, whole: true };
  };
  // The magic number, and the size from Content-Range. Not `bytes=0-0`: sirv reads an end of 0 as "to the end".
  const probe = await get('bytes=0-3');
  if (probe.status === 200) return whole(probe);
  const head = await body(probe, 'bytes 0-3');
  fetched += head.length;
  const cr = contentRange(probe.headers.get('content-range'));
  // A server that sent more than asked sent the whole file: keep it.
  if (cr && cr.first === 0 && head.length === cr.size) return { file: head, fetched, requests, whole: true };
  const size = cr?.size;
  if (probe.status !== 206 || size == null || head.length !== 4 || size < wholeBelow || size < 12) return whole();
  if (String.fromCharCode(...head) !== 'PAR1') throw new Error('not a Parquet file (no PAR1 at its start)');
  let foot = await range(get, Math.max(0, size - tail), size - 1);
  requests++;
  if (!foot) return whole();
  fetched += foot.bytes.length;
  const view = new DataView(foot.bytes.buffer, foot.bytes.byteOffset, foot.bytes.byteLength);
  const metaLength = view.getUint32(foot.bytes.length - 8, true);
  if (metaLength + 8 > size) throw new Error(`footer length ${metaLength} exceeds the file's ${size} bytes`);
  if (metaLength + 8 > foot.bytes.length) {
    foot = await range(get, size - metaLength - 8, size - 1);
    requests++;
    if (!foot) return whole();
    fetched += foot.bytes.length;
  }
  const file = new Uint8Array(size);
  file.set(foot.bytes, size - foot.bytes.length);
  const spans = mergeSpans(columnSpans(foot.bytes, columns), gap).filter(([s]) => s < size - foot!.bytes.length);
  const parts = await Promise.all(spans.map(([s, e]) => range(get, s, Math.min(e, size) - 1)));
  requests += spans.length;
  if (parts.some((p) => !p)) return whole();
  spans.forEach(([s], i) => {
    file.set(parts[i]!.bytes, s);
    fetched += parts[i]!.bytes.length;
  });
  return { file, fetched, requests, whole: false };
}
