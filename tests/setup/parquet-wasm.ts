/**
 * The app's Parquet decoder in Node: loads parquet-wasm from its bytes (the browser worker passes a URL).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parquetRowGroupsToArrowIpc, parquetToArrowIpc, useParquetWasm } from '../../src/lib/data/parquet-arrow';

const wasm = readFileSync(createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'));
// A WebAssembly module starts with '\0asm' (a git-lfs pointer or a truncated install would not).
assert.deepEqual(
  [...wasm.subarray(0, 4)],
  [0, 0x61, 0x73, 0x6d],
  'parquet-wasm/esm/parquet_wasm_bg.wasm is not a WebAssembly module'
);

/** parquetToArrowIpc after loading the wasm. */
export async function decodeParquet(
  file: ArrayBuffer | Uint8Array<ArrayBuffer>,
  only?: readonly string[]
): Promise<Uint8Array> {
  await useParquetWasm(wasm);
  return parquetToArrowIpc(file, only);
}

/** parquetRowGroupsToArrowIpc after loading the wasm: every row group's stream, in order. */
export async function decodeParquetRowGroups(
  file: ArrayBuffer | Uint8Array<ArrayBuffer>,
  only?: readonly string[]
): Promise<Uint8Array[]> {
  await useParquetWasm(wasm);
  const out: Uint8Array[] = [];
  for await (const ipc of parquetRowGroupsToArrowIpc(file, only)) out.push(ipc);
  return out;
}
