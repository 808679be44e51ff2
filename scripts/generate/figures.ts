/**
 * A district's /compare figures computed when the data is built (`<dir>/figures.json`): the page
 * shows them at once and checks them against DuckDB-wasm's own answer (compare-figures.ts), so a
 * leader sees numbers before the 34 MB engine has compiled, and never numbers nobody checked.
 */
import { join } from 'node:path';
import { districtFigures, type PrecomputedFigures } from '../../src/lib/data/compare-figures';
import type { DistrictCode, TableName } from '../../src/lib/data/schema';
import { nodeConnector, type NodeDb } from '../lib/node-db';
import { writeJson } from './write';

/** Runs the named comparison SQL over `pathOf`'s Parquet and writes `<dir>/figures.json`. */
export async function writeFigures(
  db: NodeDb,
  dir: string,
  code: DistrictCode,
  pathOf: (table: TableName) => string = (t) => join(dir, `${t}.parquet`)
): Promise<PrecomputedFigures> {
  const [{ v }] = await db.all<{ v: string }>('SELECT version() AS v');
  const out: PrecomputedFigures = {
    engine: `DuckDB ${v} (Node, npm run data)`,
    figures: await districtFigures(
      nodeConnector(db, (t) => pathOf(t)),
      code
    )
  };
  writeJson(join(dir, 'figures.json'), out);
  return out;
}
