/**
 * A plan's rows as Parquet, written in the browser with hyparquet-writer. Its own module so the
 * writer is loaded only when the planner asks for a Parquet file.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { PLAN_COLUMNS, type PlanRow } from './export';

/** `label`: key-value metadata saying what is synthetic (`parquetLabel`), written into the footer. */
export function planParquet(rows: readonly PlanRow[], label: readonly { key: string; value: string }[]): ArrayBuffer {
  const col = (name: (typeof PLAN_COLUMNS)[number]) => rows.map((r) => r[name]);
  return parquetWriteBuffer({
    columnData: [
      { name: 'grid', data: col('grid'), type: 'STRING' },
      { name: 'building', data: col('building'), type: 'STRING' },
      { name: 'households', data: Int32Array.from(rows, (r) => r.households), type: 'INT32' },
      { name: 'worker', data: col('worker'), type: 'STRING' },
      { name: 'chief', data: col('chief'), type: 'STRING' },
      { name: 'name', data: col('name'), type: 'STRING' }
    ],
    kvMetadata: [{ key: 'gridatlas', value: 'one row per building of a community grid plan' }, ...label]
  });
}
