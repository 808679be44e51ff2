/**
 * `npm run data -- --scale K --out dir` (the /heatmap cost curve's datasets, #14): what it refuses,
 * with exit code 2, one line and nothing written. static/data keeps the demo (its counts are what
 * the pages and browser tests state), so a scale needs an --out elsewhere. Generating a scaled
 * demo (minutes) is the bench's: `npm run bench -- heatmap --scales 1,2,5`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = process.cwd();
const NODE = [process.execPath, '--import', pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href];
const root = mkdtempSync(join(tmpdir(), 'gridatlas-scale-'));

function dataCli(args: string[]) {
  const r = spawnSync(NODE[0], [...NODE.slice(1), join(REPO, 'scripts/data.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000
  });
  return { status: r.status, stderr: r.stderr };
}

describe('npm run data -- --scale', () => {
  it.each([
    [['--scale', '0'], true, /--scale must be a number above 0 and at most 20, got "0"/],
    [['--scale', 'five'], true, /--scale must be a number above 0 and at most 20, got "five"/],
    [['--scale', '25'], true, /--scale must be a number above 0 and at most 20, got "25"/],
    [['--scale', '2'], false, /--scale needs --out <dir> other than static\/data/],
    [['--scale', '2', '--if-missing'], true, /--if-missing does not go with --scale/]
  ])('%j exits 2 with one line and writes nothing', (args, withOut, message) => {
    const out = join(root, `refused-${args.join('_')}`);
    const r = dataCli(withOut ? [...args, '--out', out] : args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('--help names the flag', () => {
    const r = spawnSync(NODE[0], [...NODE.slice(1), join(REPO, 'scripts/data.ts'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--scale <K>\s+K times the incidents/);
  });
});
