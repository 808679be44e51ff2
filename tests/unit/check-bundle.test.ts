/**
 * scripts/check-bundle.ts, the end of `npm run build`: a production build holding a bench or test
 * window handle (`__gridatlas…`) fails with exit code 1 and one line naming the file; a clean one
 * passes silently. Run as package.json runs it (`node --import tsx`), in a scratch folder laid out
 * as a GRIDATLAS_OUT build (`.build/<name>/build` and Kit's `.build/<name>/.svelte-kit/output`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
// The loader by path: the child runs in a scratch folder, where `--import tsx` would not resolve.
const NODE = [
  process.execPath,
  '--import',
  pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href
] as const;
const root = mkdtempSync(join(tmpdir(), 'gridatlas-check-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let scratch = '';
const site = () => join(scratch, '.build/t/build');
const kit = () => join(scratch, '.build/t/.svelte-kit/output');
const write = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

beforeEach(() => {
  scratch = mkdtempSync(join(root, 'case-'));
  // What a production build of the app looks like, in miniature.
  write(
    join(site(), 'index.html'),
    '<!doctype html><script type="module">import("./_app/immutable/entry/start.js")</script>'
  );
  write(
    join(site(), '_app/immutable/chunks/create-map.js'),
    'export function createMap(e){const m=new e.Map(e);return m}'
  );
  write(join(kit(), 'server/chunks/page.js'), 'export const ssr = false;');
});

function check(): { status: number | null; stderr: string } {
  const r = spawnSync(NODE[0], [...NODE.slice(1), join(REPO, 'scripts/check-bundle.ts')], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, GRIDATLAS_OUT: 't' }
  });
  return { status: r.status, stderr: r.stderr };
}

describe('check-bundle', () => {
  it('a production build without handles passes, silently', () => {
    expect(check()).toEqual({ status: 0, stderr: '' });
  });

  it('a handle in the served JS fails the build with one line naming the file', () => {
    write(
      join(site(), '_app/immutable/chunks/create-map.js'),
      'export function createMap(e){const m=new e.Map(e);window.__gridatlasMap=m;return m}'
    );
    const r = check();
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('.build/t/build/_app/immutable/chunks/create-map.js');
    expect(r.stderr).toContain('GRIDATLAS_BENCH');
  });

  it("a handle left only in Kit's server output fails it too", () => {
    write(join(kit(), 'server/chunks/page.js'), 'const w = window; w["__gridatlasHeatmapBench"] = run;');
    const r = check();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('.build/t/.svelte-kit/output/server/chunks/page.js');
  });
});
