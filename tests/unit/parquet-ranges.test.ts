/**
 * Reading only some columns of a Parquet file over byte ranges (parquet-ranges.ts) must decode to
 * exactly what decoding the whole file gives, and fetch fewer bytes. The server is sirv, the static
 * server SvelteKit's `vite preview` (so `npm start`) serves the data with; the fixture is real
 * incidents as the generator writes them (snappy), in three row groups.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import sirv from 'sirv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { decodeParquet } from '../setup/parquet-wasm';
import { columnSpans, fetchParquetColumns, mergeSpans, type RangeGet } from '../../src/lib/data/parquet-ranges';
import { byteRange, contentRange } from '../../src/lib/data/byte-range';
import { COMPARE_COLUMNS } from '../../src/lib/data/queries';

const DIR = 'tests/fixtures/parquet-ranges';
const NAME = 'incidents-371602-6000.parquet';
const bytes = readFileSync(`${DIR}/${NAME}`);
const whole = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const COLUMNS = [...COMPARE_COLUMNS.incidents];

let server: Server;
let url: string;
/** The Range headers the server saw, in order. */
const seen: (string | null)[] = [];

beforeAll(async () => {
  const serve = sirv(DIR, { dev: false, etag: true });
  server = createServer((req, res) => {
    seen.push(req.headers.range ?? null);
    serve(req, res, () => {
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${NAME}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const get: RangeGet = (range) => fetch(url, range ? { headers: { range } } : undefined);
const rows = (ipc: Uint8Array) =>
  tableFromIPC(ipc)
    .toArray()
    .map((r) => JSON.stringify(r.toJSON()));

describe('a static server (sirv) and explicit ranges', () => {
  it('answers 206 with exactly the bytes asked for, and its Content-Range names the size', async () => {
    for (const [first, last] of [
      [0, 3],
      [4, 4099],
      [bytes.length - 8, bytes.length - 1]
    ]) {
      const res = await get(`bytes=${first}-${last}`);
      expect(res.status).toBe(206);
      expect(contentRange(res.headers.get('content-range'))).toEqual({ first, last, size: bytes.length });
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(first, last + 1))).toBe(true);
    }
  });

  it('but not for an end of 0 or a suffix (why the reader asks for bytes=0-3 and explicit ranges)', async () => {
    // sirv 3.0.2 reads `0` and an empty start as absent: bytes=0-0 is the whole file, bytes=-8 the first 9 bytes.
    const zero = await get('bytes=0-0');
    expect(zero.headers.get('content-range')).toBe(`bytes 0-${bytes.length - 1}/${bytes.length}`);
    const suffix = await get('bytes=-8');
    expect(suffix.headers.get('content-range')).toBe(`bytes 0-8/${bytes.length}`);
  });
});

describe('fetchParquetColumns', () => {
  it("/compare's incident columns: the same rows as a whole-file decode, from fewer bytes in merged requests", async () => {
    seen.length = 0;
    // The fixture is small: a short footer guess and no merging over gaps keep its row groups apart, as in the app's files.
    const got = await fetchParquetColumns(get, COLUMNS, { wholeBelow: 0, tail: 16_384, gap: 1 });
    expect(got.whole).toBe(false);
    // size, footer, then one request per row group (category…closed_at lie side by side in each).
    expect(seen).toHaveLength(got.requests);
    expect(got.requests).toBe(2 + 3);
    expect(seen.every((r) => r && /^bytes=\d+-\d+$/.test(r))).toBe(true);
    expect(got.fetched).toBeLessThan(bytes.length * 0.7);
    expect(got.file.length).toBe(bytes.length);
    const fromRanges = rows(await decodeParquet(got.file, COLUMNS));
    const fromWhole = rows(await decodeParquet(whole, COLUMNS));
    expect(fromRanges).toHaveLength(6000);
    expect(fromRanges).toEqual(fromWhole);
  });

  it('one column of the middle (grid, dictionary-encoded): same rows; other columns are not fetched', async () => {
    const got = await fetchParquetColumns(get, ['grid'], { wholeBelow: 0 });
    expect(rows(await decodeParquet(got.file, ['grid']))).toEqual(rows(await decodeParquet(whole, ['grid'])));
    // The bytes of lon (not asked for) stay zeros.
    const [lonStart, lonEnd] = columnSpans(got.file.subarray(got.file.length - 16_384), ['lon'])[0];
    expect(got.file.subarray(lonStart, lonEnd).every((b) => b === 0)).toBe(true);
    expect(bytes.subarray(lonStart, lonEnd).some((b) => b !== 0)).toBe(true);
  });

  it('a footer longer than the first guess is fetched again in full', async () => {
    seen.length = 0;
    const got = await fetchParquetColumns(get, COLUMNS, { wholeBelow: 0, tail: 64, gap: 1 });
    expect(got.requests).toBe(3 + 3);
    expect(rows(await decodeParquet(got.file, COLUMNS))).toEqual(rows(await decodeParquet(whole, COLUMNS)));
  });

  it('a small file, and a server without ranges (200), are read whole in one request after the probe', async () => {
    seen.length = 0;
    const small = await fetchParquetColumns(get, COLUMNS);
    expect(small).toMatchObject({ whole: true, requests: 2, fetched: bytes.length + 4 });
    expect(seen).toEqual(['bytes=0-3', null]);
    const noRanges: RangeGet = () => fetch(url);
    const got = await fetchParquetColumns(noRanges, COLUMNS, { wholeBelow: 0 });
    expect(got).toMatchObject({ whole: true, requests: 1, fetched: bytes.length });
    expect(rows(await decodeParquet(got.file, COLUMNS))).toEqual(rows(await decodeParquet(whole, COLUMNS)));
  });

  it('an answer that is not the range asked for is an error naming the range', async () => {
    const wrong: RangeGet = async (range) => {
      const res = await get(range);
      if (!range || range === 'bytes=0-3') return res;
      // A server that answers every range from the file's start, as a broken host might.
      return new Response(bytes.subarray(0, 100), {
        status: 206,
        headers: { 'content-range': `bytes 0-99/${bytes.length}` }
      });
    };
    await expect(fetchParquetColumns(wrong, COLUMNS, { wholeBelow: 0 })).rejects.toThrow(
      new RegExp(`bytes ${bytes.length - 65_536}-${bytes.length - 1}: the server answered 206 bytes 0-99/`)
    );
  });
});

describe('byte spans and ranges', () => {
  it('merges spans closer than the gap, in order', () => {
    expect(
      mergeSpans(
        [
          [50, 60],
          [0, 10],
          [12, 20],
          [100, 110]
        ],
        5
      )
    ).toEqual([
      [0, 20],
      [50, 60],
      [100, 110]
    ]);
  });

  it('reads Range headers as the service worker answers them from a cached file', () => {
    expect(byteRange('bytes=0-0', 10)).toEqual([0, 0]);
    expect(byteRange('bytes=2-', 10)).toEqual([2, 9]);
    expect(byteRange('bytes=-3', 10)).toEqual([7, 9]);
    expect(byteRange('bytes=5-100', 10)).toEqual([5, 9]);
    expect(byteRange('bytes=10-12', 10)).toBeNull();
    expect(byteRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(contentRange('bytes */10')).toBeNull();
  });
});
