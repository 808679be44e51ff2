/**
 * Browser-test setup: build the app and serve it with `vite preview` on a port of its own,
 * so tests see what `npm start` serves, plus the window handles they read (`__gridatlasMap`:
 * an instrumented build, see scripts/lib/preview.ts).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { builtDir, ensureBuilt, isInstrumented, startPreview } from '../../scripts/lib/preview';

export default async function setup(project: TestProject) {
  // A production build, as `npm start` makes (vitest's NODE_ENV=test would give a development one), instrumented.
  if (!process.env.E2E_SKIP_BUILD) ensureBuilt(true);
  assert(existsSync(`${builtDir()}/index.html`), `the app is not built (${builtDir()}/index.html missing)`);
  assert(
    isInstrumented(),
    `${builtDir()} is a production build without the tests' window handles (__gridatlasMap): run without E2E_SKIP_BUILD once`
  );
  const preview = await startPreview();
  project.provide('baseUrl', preview.base);
  return () => preview.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
