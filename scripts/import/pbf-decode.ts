/**
 * Decodes an .osm.pbf into OSM elements with messages that name the file, the blob and what is
 * wrong. Before tiny-osmpbf sees the bytes, the framing is checked (src/lib/data/import/pbf.ts)
 * and every blob's compressed data is inflated by Node's zlib, whose checksum catches damaged
 * data: tiny-osmpbf 0.1 loops forever on some damaged blobs and fails on others with raw
 * errors such as "Cannot read properties of null".
 */
import { inflateSync } from 'node:zlib';
import tinyOsmPbf from 'tiny-osmpbf';
import { type ImportError, type ImportResult, fail, ok } from '../../src/lib/data/import/errors';
import { checkPbfFraming, readBlob } from '../../src/lib/data/import/pbf';

const RECODE = 'convert it with `osmium cat in.osm.pbf -o out.osm.pbf` (zlib blobs) and import that';

export function decodePbf(bytes: Uint8Array, file: string): ImportResult<unknown[]> {
  const framing = checkPbfFraming(bytes, file);
  if (!framing.ok) return framing;
  const err = (message: string) => fail<unknown[]>([{ file, row: null, field: 'pbf', message } satisfies ImportError]);
  for (const [k, blob] of framing.value.list.entries()) {
    const where = `blob ${k} (${blob.type}) at byte ${blob.offset}`;
    const data = readBlob(bytes, blob);
    if (!data) return err(`${where} is damaged: its data does not decode`);
    if (data.compression !== 'zlib' && data.compression !== 'none')
      return err(`${where} is ${data.compression}-compressed, which the importer does not read; ${RECODE}`);
    if (data.compression === 'zlib') {
      let size: number;
      try {
        size = inflateSync(bytes.subarray(data.start, data.end)).length;
      } catch (e) {
        return err(`${where} is damaged: its compressed data does not inflate (${(e as Error).message})`);
      }
      if (data.rawSize !== size)
        return err(
          `${where} is damaged: it inflates to ${size} bytes, not the ${data.rawSize ?? 'unstated'} it declares`
        );
    }
  }
  try {
    return ok(tinyOsmPbf(bytes).elements);
  } catch (e) {
    // The blobs are intact, so what is left is content the decoder does not accept.
    return err(
      `the OSM data inside does not decode (${(e as Error).message}): the file is not a valid OSM PBF; ${RECODE}`
    );
  }
}
