/** Vitest global setup: make sure static/data/ holds the current generated dataset. */
import assert from 'node:assert/strict';
import { generateAll, isGeneratedDataCurrent } from '../../scripts/generate/index';
import { ensureRiderData } from '../../scripts/rider/build';

export default async function ensureData(): Promise<void> {
  if (!(await isGeneratedDataCurrent())) await generate();
  await ensureRiderData();
}

async function generate(): Promise<void> {
  console.log('[setup] static/data missing or stale: generating the demo dataset…');
  await generateAll({ log: (m: string) => console.log(`[data] ${m}`) });
  assert(await isGeneratedDataCurrent(), 'static/data is still incomplete after generating it');
}
