/**
 * The app's Parquet decoder in Node: loads parquet-wasm from its bytes (the browser worker passes a URL).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parquetToArrowIpc, useParquetWasm } from '../../src/lib/data/parquet-arrow';

const wasm = readFileSync(createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'));

/** parquetToArrowIpc after loading the wasm. */
export async function decodeParquet(file: ArrayBuffer, only?: readonly string[]): Promise<Uint8Array> {
  await useParquetWasm(wasm);
  return parquetToArrowIpc(file, only);
}
