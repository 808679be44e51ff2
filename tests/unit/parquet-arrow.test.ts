/**
 * The browser's Parquet decoder (parquet-wasm → Arrow) must give exactly what native DuckDB
 * reads from the same files: same rows, same values, including timestamps and lists.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { decodeParquet as parquetToArrowIpc } from '../setup/parquet-wasm';
import { openNodeDb, readParquet } from '../../scripts/lib/node-db';

const file = (t: string) => `static/data/370881/${t}.parquet`;
const buffer = (path: string) => {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

describe('parquetToArrowIpc', () => {
  it('stations: every column and row equal to native DuckDB, lists included', async () => {
    const t = tableFromIPC(await parquetToArrowIpc(buffer(file('stations'))));
    const db = await openNodeDb();
    const rows = await db.all(`SELECT * FROM ${readParquet(file('stations'))}`);
    db.close();
    expect(t.numRows).toBe(rows.length);
    expect(t.schema.fields.map((f) => f.name)).toEqual(Object.keys(rows[0]));
    const a = t.get(7)!.toJSON() as Record<string, unknown>;
    for (const [k, v] of Object.entries(rows[7])) {
      const got = a[k] as { toArray?: () => unknown[] } | unknown;
      if (Array.isArray(v)) expect([...(got as { toArray(): unknown[] }).toArray()]).toEqual(v);
      else expect(got).toEqual(v);
    }
  });

  it('incidents: timestamps in epoch ms and row count equal to native DuckDB', async () => {
    const t = tableFromIPC(await parquetToArrowIpc(buffer(file('incidents'))));
    const db = await openNodeDb();
    const [native] = await db.all<{
      n: number;
      first: number;
      closed: number;
      firstClosed: number;
      lastClosed: number;
    }>(
      `SELECT count(*) AS n, epoch_ms(min(reported_at)) AS first, count(closed_at) AS closed,
        epoch_ms(min(closed_at)) AS firstClosed, epoch_ms(max(closed_at)) AS lastClosed FROM ${readParquet(file('incidents'))}`
    );
    db.close();
    expect(t.numRows).toBe(native.n);
    // Arrow's get() gives epoch ms whatever the stored unit (parquet-wasm keeps Parquet's microseconds).
    const reported = t.getChild('reported_at')!;
    let min = Infinity;
    for (let i = 0; i < reported.length; i++) min = Math.min(min, Number(reported.get(i)));
    expect(min).toBe(native.first);
    expect(t.getChild('closed_at')!.length - t.getChild('closed_at')!.nullCount).toBe(native.closed);
    // Nullable timestamps: the values present, to the millisecond.
    const closed = t.getChild('closed_at')!;
    let lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < closed.length; i++) {
      const v = closed.get(i) as number | bigint | null;
      if (v == null) continue;
      lo = Math.min(lo, Number(v));
      hi = Math.max(hi, Number(v));
    }
    expect([lo, hi]).toEqual([native.firstClosed, native.lastClosed]);
  });
});
