/**
 * The browser's Parquet decoder (parquet-wasm → Arrow) must give exactly what native DuckDB
 * reads from the same files: same rows, same values, including timestamps and lists.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { decodeParquet as parquetToArrowIpc, decodeParquetRowGroups } from '../setup/parquet-wasm';
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

describe('parquetRowGroupsToArrowIpc', () => {
  const cols = ['grid', 'category', 'reported_at', 'lon'];

  it("one stream per row group whose rows, in order, are the whole file's", async () => {
    const path = file('incidents');
    const db = await openNodeDb();
    const [{ groups }] = await db.all<{ groups: number }>(
      `SELECT count(DISTINCT row_group_id)::INT AS groups FROM parquet_metadata('${path}')`
    );
    db.close();
    const parts = (await decodeParquetRowGroups(buffer(path), cols)).map((b) => tableFromIPC(b));
    const whole = tableFromIPC(await parquetToArrowIpc(buffer(path), cols));
    // Several row groups (else this test would not test the split).
    expect(groups).toBeGreaterThan(1);
    expect(parts.length).toBe(groups);
    for (const p of parts) expect(p.schema.fields.map((f) => f.name)).toEqual(whole.schema.fields.map((f) => f.name));
    expect(whole.schema.fields.map((f) => f.name).sort()).toEqual([...cols].sort());
    expect(parts.reduce((n, p) => n + p.numRows, 0)).toBe(whole.numRows);
    // The first row of each part is the whole file's row at that offset.
    let at = 0;
    for (const p of parts) {
      expect(p.get(0)!.toJSON()).toEqual(whole.get(at)!.toJSON());
      at += p.numRows;
    }
    expect(
      parts
        .at(-1)!
        .get(parts.at(-1)!.numRows - 1)!
        .toJSON()
    ).toEqual(whole.get(whole.numRows - 1)!.toJSON());
  });

  it('a file without rows gives one empty stream that still names the columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridatlas-empty-'));
    try {
      const out = join(dir, 'incidents.parquet');
      const db = await openNodeDb();
      await db.all(`COPY (SELECT * FROM ${readParquet(file('incidents'))} LIMIT 0) TO '${out}' (FORMAT parquet)`);
      db.close();
      const parts = (await decodeParquetRowGroups(buffer(out), cols)).map((b) => tableFromIPC(b));
      expect(parts.length).toBe(1);
      expect(parts[0].numRows).toBe(0);
      expect(parts[0].schema.fields.map((f) => f.name).sort()).toEqual([...cols].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a column the file lacks', async () => {
    await expect(decodeParquetRowGroups(buffer(file('incidents')), ['grid', 'colour'])).rejects.toThrow(
      /no column colour/
    );
  });
});
