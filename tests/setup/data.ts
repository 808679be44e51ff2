/** Vitest global setup: make sure static/data/ holds the current generated dataset. */
import assert from 'node:assert/strict';
import { generateAll, isGeneratedDataCurrent } from '../../scripts/generate/index';

export default async function ensureData(): Promise<void> {
  if (await isGeneratedDataCurrent()) return;
  console.log('[setup] static/data missing or stale: generating the demo dataset…');
  await generateAll({ log: (m: string) => console.log(`[data] ${m}`) });
  assert(await isGeneratedDataCurrent(), 'static/data is still incomplete after generating it');
}
