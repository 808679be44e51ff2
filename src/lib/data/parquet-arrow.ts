/**
 * Parquet → Arrow IPC stream, in plain JavaScript (hyparquet + apache-arrow).
 * Why: DuckDB-wasm does not link the Parquet reader in; it would fetch the `parquet`
 * extension from extensions.duckdb.org at run time, which breaks the offline, self-hosted
 * promise. So the app decodes its own Parquet files and hands DuckDB-wasm Arrow, which it
 * ingests natively. Node scripts and tests keep reading Parquet directly with native DuckDB.
 */
import { parquetMetadata, parquetRead, parquetSchema, type SchemaTree } from 'hyparquet';
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Table,
  TimestampMillisecond,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  type DataType,
  type Vector
} from 'apache-arrow';

function isTimestamp(node: SchemaTree): boolean {
  const e = node.element;
  return (
    e.logical_type?.type === 'TIMESTAMP' ||
    e.converted_type === 'TIMESTAMP_MILLIS' ||
    e.converted_type === 'TIMESTAMP_MICROS'
  );
}

/** Raw units per millisecond of a timestamp column (1 for MILLIS, 1000 for MICROS, 10⁶ for NANOS). */
function timestampPerMs(node: SchemaTree): number {
  const e = node.element;
  const lt = e.logical_type;
  const unit = lt?.type === 'TIMESTAMP' ? lt.unit : e.converted_type === 'TIMESTAMP_MICROS' ? 'MICROS' : 'MILLIS';
  return unit === 'NANOS' ? 1e6 : unit === 'MICROS' ? 1000 : 1;
}

/** The Arrow type of one top-level Parquet column (the types our schema uses). */
export function arrowTypeOf(node: SchemaTree): DataType {
  if (node.children.length > 0) return new List(new Field('item', new Utf8(), true));
  if (isTimestamp(node)) return new TimestampMillisecond();
  switch (node.element.type) {
    case 'BOOLEAN':
      return new Bool();
    case 'INT32':
      return new Int32();
    case 'INT64':
      return new Int64();
    case 'FLOAT':
    case 'DOUBLE':
      return new Float64();
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return new Utf8();
    default:
      throw new Error(`unsupported Parquet column ${node.element.name} (${node.element.type})`);
  }
}

/** Decodes `only` these columns (all when absent), in the file's column order; a name the file lacks is an error. */
export async function parquetToArrowIpc(file: ArrayBuffer, only?: readonly string[]): Promise<Uint8Array> {
  const metadata = parquetMetadata(file);
  const schema = parquetSchema(metadata);
  const rows = Number(metadata.num_rows);
  const missing = only?.filter((c) => !schema.children.some((n) => n.element.name === c)) ?? [];
  if (missing.length) throw new Error(`Parquet file has no column ${missing.join(', ')}`);
  const nodes = only ? schema.children.filter((n) => only.includes(n.element.name)) : schema.children;
  const columns = new Map<string, unknown[]>();
  await parquetRead({
    file,
    metadata,
    columns: nodes.map((n) => n.element.name),
    // Timestamps stay raw int64 here; toVector scales them to milliseconds in bulk with plain
    // number arithmetic (a BigInt division per value was most of the incidents' decode time).
    parsers: {
      timestampFromMilliseconds: (v: bigint) => v,
      timestampFromMicroseconds: (v: bigint) => v,
      timestampFromNanoseconds: (v: bigint) => v
    },
    onChunk: ({ columnName, columnData, rowStart }) => {
      let col = columns.get(columnName);
      if (!col) columns.set(columnName, (col = new Array(rows)));
      for (let i = 0; i < columnData.length; i++) col[rowStart + i] = columnData[i];
    }
  });
  const vectors: Record<string, Vector> = {};
  for (const node of nodes) {
    const name = node.element.name;
    vectors[name] = toVector(columns.get(name) ?? new Array(rows).fill(null), arrowTypeOf(node), timestampPerMs(node));
  }
  return tableToIPC(new Table(vectors), 'stream');
}

/** Validity bitmap (bit set = value present), or null when nothing is missing. */
function validity(values: unknown[]): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] == null) nulls++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { bitmap: nulls ? bitmap : undefined, nulls };
}

/** Strings (nulls as empty) as Arrow's UTF-8 layout: offsets into one byte buffer. */
function utf8Data(values: readonly unknown[], bitmap?: Uint8Array, nulls = 0) {
  const encoder = new TextEncoder();
  const parts = values.map((v) => (v == null ? new Uint8Array(0) : encoder.encode(String(v))));
  const valueOffsets = new Int32Array(values.length + 1);
  for (let i = 0; i < parts.length; i++) valueOffsets[i + 1] = valueOffsets[i] + parts[i].length;
  const data = new Uint8Array(valueOffsets[values.length]);
  parts.forEach((p, i) => data.set(p, valueOffsets[i]));
  return makeData({ type: new Utf8(), length: values.length, valueOffsets, data, nullBitmap: bitmap, nullCount: nulls });
}

/**
 * Builds columns straight into typed buffers: Arrow's generic builder is several times
 * slower on hundreds of thousands of rows, and it compiles its null check with
 * `new Function`, which the site's Content-Security-Policy (no 'unsafe-eval') forbids.
 * Repetitive strings (codes, categories) become dictionary columns, which DuckDB reads as VARCHAR.
 */
function toVector(values: unknown[], type: DataType, perMs = 1): Vector {
  const n = values.length;
  const { bitmap, nulls } = validity(values);
  const plain = (data: Int32Array | Float64Array | BigInt64Array) =>
    makeVector(makeData({ type, length: n, data, nullBitmap: bitmap, nullCount: nulls } as never));
  if (type instanceof Float64) return plain(Float64Array.from(values as number[], (v) => v ?? 0));
  if (type instanceof Int32) return plain(Int32Array.from(values as number[], (v) => v ?? 0));
  if (type instanceof TimestampMillisecond) {
    // Epoch ms fit in 2⁵³, so Number() of the raw value and a division are exact enough (sub-ms
    // parts are floored, as BigInt division truncated them); the int64 is written as two int32
    // halves (little-endian) instead of allocating a BigInt per value.
    const data = new BigInt64Array(n);
    const halves = new Int32Array(data.buffer);
    for (let i = 0; i < n; i++) {
      const v = values[i] as bigint | null;
      if (v == null) continue;
      const ms = Math.floor(Number(v) / perMs);
      const hi = Math.floor(ms / 4294967296);
      halves[2 * i] = ms - hi * 4294967296;
      halves[2 * i + 1] = hi;
    }
    return plain(data);
  }
  if (type instanceof Int64) {
    const data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (values[i] != null) data[i] = BigInt(values[i] as number | bigint);
    return plain(data);
  }
  if (type instanceof Utf8) {
    const index = new Map<string, number>();
    const keys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i] as string | null;
      if (v == null) continue;
      let k = index.get(v);
      if (k === undefined) index.set(v, (k = index.size));
      keys[i] = k;
    }
    if (index.size > n / 2) return makeVector(utf8Data(values, bitmap, nulls));
    const dictType = new Dictionary(new Utf8(), new Int32());
    const dictionary = makeVector(utf8Data([...index.keys()]));
    return makeVector(makeData({ type: dictType, length: n, data: keys, nullBitmap: bitmap, nullCount: nulls, dictionary }));
  }
  if (type instanceof Bool) {
    const data = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (values[i]) data[i >> 3] |= 1 << (i & 7);
    return makeVector(makeData({ type, length: n, data, nullBitmap: bitmap, nullCount: nulls }));
  }
  if (type instanceof List) {
    const valueOffsets = new Int32Array(n + 1);
    const items: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const list = (values[i] ?? []) as unknown[];
      items.push(...list);
      valueOffsets[i + 1] = items.length;
    }
    const itemValidity = validity(items);
    const child = utf8Data(items, itemValidity.bitmap, itemValidity.nulls);
    return makeVector(makeData({ type, length: n, valueOffsets, child, nullBitmap: bitmap, nullCount: nulls }));
  }
  throw new Error(`no Arrow layout for ${String(type)}`);
}
