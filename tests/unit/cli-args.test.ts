/**
 * Command-line flags (scripts/lib/cli-args.ts, on node:util parseArgs): the parser's wording and
 * every command's `--help` (exit 0, usage and its flags on stdout) and unknown flag (exit 2, the
 * flag named on stderr, nothing on stdout). The commands run as package.json runs them
 * (`node --import tsx <entry>`), except the grid CLI, whose main() takes argv in-process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { helpText, parseFlags } from '../../scripts/lib/cli-args';
import { main as gridMain } from '../../scripts/grid';
import { REPO } from '../fixtures/import/helpers';

const FLAGS = {
  out: { type: 'string', arg: '<dir>', help: 'output folder' },
  crs: { type: 'string', arg: 'wgs84|gcj02|bd09', help: 'input CRS\nsecond line' },
  'trust-crs': { type: 'boolean', help: 'skip the CRS check' }
} as const;

describe('parseFlags', () => {
  it('reads value and boolean flags in both spellings, positionals when allowed', () => {
    const r = parseFlags(['a.geojson', '--out', 'dir', '--crs=gcj02', '--trust-crs'], FLAGS, true);
    expect(r).toEqual({
      help: false,
      values: { out: 'dir', crs: 'gcj02', 'trust-crs': true },
      positionals: ['a.geojson'],
      errors: []
    });
  });

  it('collects every problem: unknown flag, stray argument, missing value, value on a switch', () => {
    const r = parseFlags(['--bogus', 'x', '--trust-crs=yes', '--crs', '--out'], FLAGS);
    expect(r.errors).toEqual([
      { field: 'argv', message: 'unknown argument "--bogus"' },
      { field: 'argv', message: 'unknown argument "x"' },
      { field: 'trust-crs', message: '--trust-crs takes no value' },
      // "--crs --out": the next flag is not taken as the value
      { field: 'crs', message: '--crs needs a value' }
    ]);
    expect(parseFlags(['--out'], FLAGS).errors).toEqual([{ field: 'out', message: '--out needs a value' }]);
    expect(parseFlags(['-x'], FLAGS).errors).toEqual([{ field: 'argv', message: 'unknown argument "-x"' }]);
  });

  it('--help and -h win over other problems; a value that merely starts with one dash is a value', () => {
    expect(parseFlags(['--bogus', '--help'], FLAGS).help).toBe(true);
    expect(parseFlags(['-h'], FLAGS).help).toBe(true);
    expect(parseFlags(['--out', '-'], FLAGS).values.out).toBe('-');
    expect(parseFlags(['--', '--out'], FLAGS, true).positionals).toEqual(['--out']);
  });

  it('help text: usage lines, flags aligned with continuation lines, notes', () => {
    expect(helpText(['tool --out <dir>', 'tool --crs X'], FLAGS, ['Exit codes: 0, 2.'])).toBe(
      [
        'usage: tool --out <dir>',
        '       tool --crs X',
        '',
        'Options:',
        '  --out <dir>             output folder',
        '  --crs wgs84|gcj02|bd09  input CRS',
        '                          second line',
        '  --trust-crs             skip the CRS check',
        '  -h, --help              this help',
        '',
        'Exit codes: 0, 2.'
      ].join('\n')
    );
  });
});

const exec = promisify(execFile);
async function run(entry: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 120_000
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

// entry, extra arguments, what the help must show
const COMMANDS: [string, string[], RegExp[]][] = [
  [
    'scripts/data.ts',
    [],
    [
      /^usage: npm run data \[-- --out <dir>\] \[--if-missing\]/,
      /--if-missing /,
      /npm run data -- --osm /,
      /npm run data -- --package /
    ]
  ],
  [
    'scripts/data.ts',
    ['--osm', 'x.geojson'],
    [/^usage: npm run data -- --osm /, /--trust-crs /, /--district <adcode> .*230102 道里区/]
  ],
  ['scripts/import/cli.ts', [], [/^usage: npm run data -- --osm /, /--compounds <file> /]],
  [
    'scripts/bench.ts',
    [],
    [
      /^usage: npm run bench -- \[case \.\.\.\]/,
      /--rows N /,
      /partition, nearest, heatmap, compare, compare-province, queries, edit, plan-move, rider, import/
    ]
  ],
  ['scripts/rider/build.ts', [], [/^usage: tsx scripts\/rider\/build\.ts/, /--root <dir> /]],
  ['scripts/outlines.ts', [], [/^usage: npm run outlines -- /]]
];

describe.concurrent(
  'every command: --help exits 0 with its usage, an unknown flag exits 2',
  { timeout: 240_000 },
  () => {
    for (const [entry, extra, shows] of COMMANDS) {
      const name = [entry, ...extra].join(' ');
      it(`${name} --help`, async () => {
        const r = await run(entry, [...extra, '--help']);
        expect(r.code, r.stderr).toBe(0);
        for (const re of shows) expect(r.stdout).toMatch(new RegExp(re.source, 'm'));
        expect(r.stdout).toContain('-h, --help');
      });
      it(`${name} --no-such-flag`, async () => {
        const r = await run(entry, [...extra, '--no-such-flag']);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('unknown argument "--no-such-flag"');
        expect(r.stdout).toBe('');
      });
    }

    it('data --package … --help lists the package flags (the package importer has no help of its own)', async () => {
      const r = await run('scripts/data.ts', ['--package', 'folder', '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/npm run data -- --package <folder> --district <adcode> .*--demo <dir>/);
    });

    it('grid --help, grid partition --help, and an unknown flag', async () => {
      const grid = async (...argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await gridMain(argv, {
          out: (l) => out.push(l),
          err: (l) => err.push(l),
          cwd: join(REPO, 'tests')
        });
        return { code, out: out.join('\n'), err: err.join('\n') };
      };
      for (const argv of [['--help'], ['partition', '--help'], ['partition', '-h']]) {
        const r = await grid(...argv);
        expect(r.code).toBe(0);
        expect(r.out).toMatch(/^usage: npm run grid -- partition --in <buildings\.geojson>/);
        expect(r.out).toMatch(/^ {2}--locked CODE\[,CODE…\] +grids kept exactly/m);
      }
      const bad = await grid('partition', '--in', 'x.geojson', '--no-such-flag');
      expect(bad).toMatchObject({ code: 2, out: '' });
      expect(bad.err).toContain('unknown argument "--no-such-flag"');
      const missing = await grid('partition', '--in');
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('--in needs a value');
    });
  }
);
