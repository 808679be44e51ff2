/**
 * A structural check of an OSM PBF file before decoding it: the file is a sequence of
 * [4-byte big-endian length][BlobHeader][Blob]; the first blob must be an OSMHeader, and every
 * blob must end inside the file. A truncated file is reported here with the byte offset, rather
 * than handed to a decoder that may loop or fail obscurely on it (tiny-osmpbf 0.1 does not stop
 * on a truncated file).
 */
import { type ImportResult, fail, ok } from './errors';

export interface PbfBlob {
  type: string;
  /** Byte offset of the blob's length prefix. */
  offset: number;
  /** The Blob message: [start, end) in the file. */
  start: number;
  end: number;
}

export interface PbfFraming {
  blobs: number;
  /** Blob types in order of appearance, counted. */
  types: Record<string, number>;
  list: PbfBlob[];
}

type Field = { field: number; varint: number } | { field: number; start: number; end: number };

/** The protobuf fields of b[start, end) (varint and length-delimited only), or null when they do not decode. */
function readFields(b: Uint8Array, start: number, end: number): Field[] | null {
  let i = start;
  const varint = (): number | null => {
    let v = 0;
    let shift = 0;
    while (i < end && shift < 35) {
      const c = b[i++];
      v += (c & 0x7f) * 2 ** shift;
      if ((c & 0x80) === 0) return v;
      shift += 7;
    }
    return null;
  };
  const out: Field[] = [];
  while (i < end) {
    const key = varint();
    if (key === null) return null;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const v = varint();
      if (v === null) return null;
      out.push({ field, varint: v });
    } else if (wire === 2) {
      const len = varint();
      if (len === null || i + len > end) return null;
      out.push({ field, start: i, end: i + len });
      i += len;
    } else return null;
  }
  return out;
}

/** BlobHeader fields: 1 type (string), 2 indexdata (bytes), 3 datasize (int32). */
function readBlobHeader(b: Uint8Array, start: number, end: number): { type: string; datasize: number } | null {
  const fields = readFields(b, start, end);
  let type: string | null = null;
  let datasize: number | null = null;
  for (const f of fields ?? []) {
    if (f.field === 1 && 'start' in f) type = new TextDecoder().decode(b.subarray(f.start, f.end));
    if (f.field === 3 && 'varint' in f) datasize = f.varint;
  }
  return type !== null && datasize !== null ? { type, datasize } : null;
}

const COMPRESSION: Record<number, PbfBlobData['compression']> = { 1: 'none', 3: 'zlib', 4: 'lzma', 5: 'bzip2', 6: 'lz4', 7: 'zstd' };

export interface PbfBlobData {
  compression: 'none' | 'zlib' | 'lzma' | 'bzip2' | 'lz4' | 'zstd';
  /** The (compressed) bytes: [start, end) in the file. */
  start: number;
  end: number;
  /** Declared size once uncompressed (field raw_size). */
  rawSize: number | null;
}

/** Blob fields: 1 raw, 2 raw_size, 3 zlib_data, 4 lzma_data, 5 bzip2 (obsolete), 6 lz4_data, 7 zstd_data; null when it does not decode or holds no data. */
export function readBlob(b: Uint8Array, blob: PbfBlob): PbfBlobData | null {
  const fields = readFields(b, blob.start, blob.end);
  if (!fields) return null;
  const raw = fields.find((f) => f.field === 2 && 'varint' in f);
  const data = fields.find((f) => f.field in COMPRESSION && 'start' in f);
  if (!data || !('start' in data)) return null;
  return { compression: COMPRESSION[data.field], start: data.start, end: data.end, rawSize: raw && 'varint' in raw ? raw.varint : null };
}

export function checkPbfFraming(bytes: Uint8Array, file: string): ImportResult<PbfFraming> {
  const n = bytes.length;
  const err = (message: string) => fail<PbfFraming>([{ file, row: null, field: 'pbf', message }]);
  if (n === 0) return err('the file is empty');
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x3c) return err('this is XML (OSM XML?), not OSM PBF: convert it with `osmium cat in.osm -o out.osm.pbf`, or export GeoJSON');
  if (first === 0x7b) return err('this is JSON, not OSM PBF: give GeoJSON a .geojson or .json name');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let blobs = 0;
  const types: Record<string, number> = {};
  const list: PbfBlob[] = [];
  while (pos < n) {
    if (pos + 4 > n) return err(`the file is truncated: ${n - pos} stray bytes at byte ${pos}, where blob ${blobs} should begin`);
    const hl = view.getInt32(pos, false);
    if (hl <= 0 || hl > 64 * 1024) {
      return err(
        blobs === 0
          ? `not an OSM PBF file (the first 4 bytes give a header length of ${hl}); for GeoJSON use a .geojson or .json name`
          : `corrupt at byte ${pos}: blob ${blobs} has a header length of ${hl} bytes (0–65,536 allowed)`
      );
    }
    if (pos + 4 + hl > n) return err(`the file is truncated: the header of blob ${blobs} at byte ${pos} runs past the end of the file (${n} bytes)`);
    const h = readBlobHeader(bytes, pos + 4, pos + 4 + hl);
    if (!h) return err(blobs === 0 ? 'not an OSM PBF file (the first blob header does not decode)' : `corrupt at byte ${pos}: the header of blob ${blobs} does not decode`);
    if (blobs === 0 && h.type !== 'OSMHeader') return err(`not an OSM PBF file (the first blob is "${h.type}", expected "OSMHeader")`);
    const end = pos + 4 + hl + h.datasize;
    if (end > n) {
      return err(
        `the file is truncated: blob ${blobs} (${h.type}) at byte ${pos} needs ${h.datasize.toLocaleString('en')} bytes of data but the file ends ${(end - n).toLocaleString('en')} bytes short (${n.toLocaleString('en')} bytes in all)`
      );
    }
    types[h.type] = (types[h.type] ?? 0) + 1;
    list.push({ type: h.type, offset: pos, start: pos + 4 + hl, end });
    blobs++;
    pos = end;
  }
  return ok({ blobs, types, list });
}
