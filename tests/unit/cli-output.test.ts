/**
 * The writing command-line tools never delete what they did not create. Each runs as a child
 * process, as package.json runs them (`node --import tsx`), against a scratch folder holding a user's
 * notes.txt: success, bad input, a refused --out, an unwritable target and Ctrl-C during the
 * run. After each: notes.txt as it was, no temporary folder left, the output as expected.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, REPO, shared } from '../fixtures/import/helpers';

// The loader by path: the children run in scratch folders, where `--import tsx` would not resolve.
const NODE = [
  process.execPath,
  '--import',
  pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href
] as const;
const root = mkdtempSync(join(tmpdir(), 'gridatlas-cli-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Each test spawns up to five CLIs; on a loaded machine one takes several seconds to start.
const VALID = join(FIXTURES, 'valid-buildings.geojson');

let scratch = '';
beforeEach(() => {
  scratch = mkdtempSync(join(root, 'case-'));
  writeFileSync(join(scratch, 'notes.txt'), 'my notes\n');
});

function cli(entry: string, args: string[], cwd = scratch): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE[0], [...NODE.slice(1), join(REPO, entry), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const importCli = (args: string[], cwd?: string) => cli('scripts/import/cli.ts', args, cwd);

/** Every file under `dir` with its bytes (relative path → text). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** notes.txt as the user left it, and nothing of the tools' temporary files anywhere in the scratch folder. */
function expectSafe(): void {
  expect(readFileSync(join(scratch, 'notes.txt'), 'utf8')).toBe('my notes\n');
  expect(Object.keys(tree(scratch)).filter((f) => f.includes('.tmp-') || f.includes('probe'))).toEqual([]);
  expect(readdirSync(scratch).filter((f) => f.startsWith('.'))).toEqual([]);
}

describe('npm run data -- --osm (scripts/import/cli.ts)', { timeout: 180_000 }, () => {
  it("success into an earlier import holding the user's own file: the import's files replaced, the user's file kept", () => {
    const out = join(scratch, 'osm');
    expect(importCli(['--osm', VALID, '--out', out]).status).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.files).toEqual(['buildings.parquet', 'map/buildings.geojson', 'map/outline.geojson', 'manifest.json']);
    writeFileSync(join(out, 'notes.txt'), 'notes inside the import\n');
    writeFileSync(join(out, 'map', 'roads.geojson'), '{"stale":"an earlier import wrote roads"}');
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ ...m, files: [...m.files, 'map/roads.geojson'] }));
    const r = importCli(['--osm', VALID, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('notes inside the import\n');
    expect(existsSync(join(out, 'map', 'roads.geojson'))).toBe(false); // listed by the old manifest, not written now
    expect(readdirSync(out).sort()).toEqual(['buildings.parquet', 'manifest.json', 'map', 'notes.txt']);
    expectSafe();
  });

  it('bad input: exit 2, the earlier import and the notes untouched', () => {
    const out = join(scratch, 'osm');
    expect(importCli(['--osm', VALID, '--out', out]).status).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'notes inside the import\n');
    const before = tree(out);
    const r = importCli(['--osm', join(FIXTURES, 'zero-households.geojson'), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/zero-households\.geojson: feature 1 \(id Z-1\), field households/);
    expect(tree(out)).toEqual(before);
    expectSafe();
  });

  it('refused --out: a folder of the user, the current folder, /, the repository — exit 2, a message, nothing touched', () => {
    const cases: [string, RegExp][] = [
      [scratch, /refused to write .*: the folder holds files this tool did not write/],
      ['.', /refused to write .*: it is the current folder/],
      ['/', /refused to write \/: it is the root folder/],
      [REPO, /refused to write .*: it is the repository/]
    ];
    for (const [out, message] of cases) {
      const r = importCli(['--osm', VALID, '--out', out], out === '.' ? scratch : root);
      expect(r.status, out).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('nothing was written');
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
    expectSafe();
  });

  it('unwritable target: refused before any work, exit 2', () => {
    for (const out of ['/sys/gridatlas-osm', join(scratch, 'notes.txt', 'osm')]) {
      const r = importCli(['--osm', VALID, '--out', out]);
      expect(r.status, out).toBe(2);
      expect(r.stderr).toMatch(/refused to write .*: cannot write in /);
    }
    expect(existsSync('/sys/gridatlas-osm')).toBe(false);
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
    expectSafe();
  });

  it('--crs gcj02 for an OSM .pbf: refused (OSM is WGS-84), exit 2, nothing written', () => {
    const r = importCli([
      '--osm',
      join(FIXTURES, 'not-a-pbf.osm.pbf'),
      '--crs',
      'gcj02',
      '--out',
      join(scratch, 'osm')
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'not-a-pbf.osm.pbf: field crs: OSM data is WGS-84; --crs gcj02 would move every building by about 500 m'
    );
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
  });

  it('a PBF whose blobs are framed well but hold damaged or foreign data: messages name the file, the blob and what is wrong', () => {
    const files = damagedPbfs(scratch);
    const expected: Record<string, RegExp> = {
      'corrupt-zlib.osm.pbf':
        /corrupt-zlib\.osm\.pbf: field pbf: blob 1 \(OSMData\) at byte \d+ is damaged: its compressed data does not inflate/,
      'lzma.osm.pbf':
        /lzma\.osm\.pbf: field pbf: blob 1 \(OSMData\) at byte \d+ is lzma-compressed, which the importer does not read/,
      'no-stringtable.osm.pbf':
        /no-stringtable\.osm\.pbf: field pbf: the OSM data inside does not decode \(.*\): the file is not a valid OSM PBF/
    };
    for (const [name, pattern] of Object.entries(expected)) {
      const r = importCli(['--osm', files[name], '--out', join(scratch, 'osm')]);
      expect(r.status, name).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    expect(existsSync(join(scratch, 'osm'))).toBe(false);
    expectSafe();
  });

  const pbf = shared('osm-harbin-daoli/harbin_center_osm_2024-04-09.osm.pbf');
  it.skipIf(!pbf.exists)(
    'Ctrl-C during a run (the real extract): exit 130, the earlier import, the notes and no temporary folder left',
    async () => {
      const out = join(scratch, 'osm');
      expect(importCli(['--osm', VALID, '--out', out]).status).toBe(0);
      const before = tree(out);
      // The output's temporary folder beside the target appears when the importer starts its output.
      const r = await interrupt('scripts/import/cli.ts', ['--osm', pbf.path, '--out', out], () =>
        readdirSync(scratch).some((f) => f.startsWith('.osm.tmp-'))
      );
      expect(r.sent, r.output).toBe(true);
      expect(r.code, r.output).toBe(130);
      expect(r.output).toContain(`interrupted (SIGINT): temporary files removed, ${out} left as it was`);
      expect(tree(out)).toEqual(before);
      expectSafe();
    }
  );
});

describe('npm run data (scripts/data.ts)', { timeout: 180_000 }, () => {
  it('--out a folder of the user: refused, exit 2, nothing touched', () => {
    const r = cli('scripts/data.ts', ['--out', scratch], root);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /npm run data: refused to write .*: the folder holds files this tool did not write \(it has no index\.json of this tool\)/
    );
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
  });

  it('Ctrl-C once it has started writing: exit 130, no output folder and no temporary folder left', async () => {
    const r = await interrupt('scripts/data.ts', ['--out', join(scratch, 'data')], (out) => /writing into /.test(out));
    expect(r.sent, r.output).toBe(true);
    expect(r.code, r.output).toBe(130);
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
    expectSafe();
  });
});

/** Spawns a CLI in its own process group, sends SIGINT to the group (as Ctrl-C does) once `ready` holds, and waits for the exit. */
function interrupt(
  entry: string,
  args: string[],
  ready: (stdout: string) => boolean
): Promise<{ code: number | null; sent: boolean; output: string }> {
  const child: ChildProcess = spawn(NODE[0], [...NODE.slice(1), join(REPO, entry), ...args], {
    cwd: scratch,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  const check = () => {
    if (!sent && ready(stdout)) {
      sent = true;
      process.kill(-child.pid!, 'SIGINT');
    }
  };
  child.stdout!.on('data', (d) => {
    stdout += d;
    check();
  });
  child.stderr!.on('data', (d) => (stderr += d));
  // A filesystem condition has no event to wait on: look again every 20 ms until it holds.
  const poll = setInterval(check, 20);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, sent, output: `${stdout}\n${stderr}` });
    })
  );
}

/** Protobuf encoding enough for PBF framing: varint and length-delimited fields. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  return [...out, n];
}
const field = (n: number, bytes: Uint8Array | number[]) => [...varint(n * 8 + 2), ...varint(bytes.length), ...bytes];
const intField = (n: number, v: number) => [...varint(n * 8), ...varint(v)];

function frame(type: string, blob: number[]): number[] {
  const header = [...field(1, [...new TextEncoder().encode(type)]), ...intField(3, blob.length)];
  const len = [
    (header.length >>> 24) & 255,
    (header.length >>> 16) & 255,
    (header.length >>> 8) & 255,
    header.length & 255
  ];
  return [...len, ...header, ...blob];
}

/** Three small PBFs: a valid empty header blob, then one OSMData blob with a damaged zlib stream, lzma data, or an empty PrimitiveBlock. */
function damagedPbfs(dir: string): Record<string, string> {
  const header = frame('OSMHeader', field(1, [])); // raw, empty HeaderBlock: no required features
  const data = new Uint8Array(200).fill(7);
  const zlib = deflateSync(data);
  zlib[zlib.length - 1] ^= 0xff; // breaks the Adler-32 checksum
  const blobs: Record<string, number[]> = {
    'corrupt-zlib.osm.pbf': [...intField(2, data.length), ...field(3, zlib)],
    'lzma.osm.pbf': [...intField(2, data.length), ...field(4, [1, 2, 3])],
    'no-stringtable.osm.pbf': field(1, []) // a PrimitiveBlock without its string table
  };
  const out: Record<string, string> = {};
  mkdirSync(join(dir, 'in'));
  for (const [name, blob] of Object.entries(blobs)) {
    out[name] = join(dir, 'in', name);
    writeFileSync(out[name], new Uint8Array([...header, ...frame('OSMData', blob)]));
  }
  return out;
}
