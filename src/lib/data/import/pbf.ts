/**
 * A structural check of an OSM PBF file before decoding it: the file is a sequence of
 * [4-byte big-endian length][BlobHeader][Blob]; the first blob must be an OSMHeader, and every
 * blob must end inside the file. A truncated file is reported here with the byte offset, rather
 * than handed to a decoder that may loop or fail obscurely on it (tiny-osmpbf 0.1 does not stop
 * on a truncated file).
 */
import { type ImportResult, fail, ok } from './errors';

export interface PbfFraming {
  blobs: number;
  /** Blob types in order of appearance, counted. */
  types: Record<string, number>;
}

/** BlobHeader fields: 1 type (string), 2 indexdata (bytes), 3 datasize (int32). */
function readBlobHeader(b: Uint8Array, start: number, end: number): { type: string; datasize: number } | null {
  let i = start;
  let type: string | null = null;
  let datasize: number | null = null;
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
  while (i < end) {
    const key = varint();
    if (key === null) return null;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const v = varint();
      if (v === null) return null;
      if (field === 3) datasize = v;
    } else if (wire === 2) {
      const len = varint();
      if (len === null || i + len > end) return null;
      if (field === 1) type = new TextDecoder().decode(b.subarray(i, i + len));
      i += len;
    } else return null;
  }
  return type !== null && datasize !== null ? { type, datasize } : null;
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
    blobs++;
    pos = end;
  }
  return ok({ blobs, types });
}
