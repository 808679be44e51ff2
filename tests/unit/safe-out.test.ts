/**
 * scripts/lib/safe-out.ts in-process, on scratch folders holding a user's notes.txt: the target
 * checks, the staging folder beside the target, per-file replacement of only the files the
 * tool's manifest lists, clean-up on failure, and single-file atomic writes.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type OutputOwner,
  OutputRefused,
  REPO_ROOT,
  checkOutFile,
  openOutput,
  writeFileAtomic
} from '../../scripts/lib/safe-out';

const root = mkdtempSync(join(tmpdir(), 'gridatlas-safe-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tool whose manifest.json lists its files under `files`. */
const TOOL: OutputOwner = {
  tool: 'test-tool',
  manifest: 'manifest.json',
  owned(dir) {
    try {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      return m.tool === 'test-tool' ? m.files : null;
    } catch {
      return null;
    }
  }
};

let scratch = '';
beforeEach(() => {
  scratch = mkdtempSync(join(root, 'case-'));
  writeFileSync(join(scratch, 'notes.txt'), 'my notes\n');
});

function write(dir: string, files: Record<string, string>): void {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
}

/** Writes a run's files plus a manifest listing them into the staging folder and commits. */
function run(target: string, files: Record<string, string>): string[] {
  const out = openOutput(target, TOOL, scratch);
  expect(dirname(out.staging)).toBe(dirname(target)); // beside the target: same file system
  write(out.staging, {
    ...files,
    'manifest.json': JSON.stringify({ tool: 'test-tool', files: [...Object.keys(files), 'manifest.json'] })
  });
  return out.commit();
}

const notesIntact = () => expect(readFileSync(join(scratch, 'notes.txt'), 'utf8')).toBe('my notes\n');
const noTemp = (dir: string) => expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);

describe('openOutput + commit', () => {
  it('a new target: the staging folder becomes it; nothing else in the parent changes', () => {
    const target = join(scratch, 'out');
    expect(run(target, { 'a.txt': 'A', 'map/b.json': 'B' })).toEqual(['a.txt', 'map/b.json', 'manifest.json']);
    expect(readFileSync(join(target, 'map/b.json'), 'utf8')).toBe('B');
    expect(readdirSync(scratch).sort()).toEqual(['notes.txt', 'out']);
    notesIntact();
  });

  it("the tool's earlier output holding a user's file: own files replaced, stale own files removed, the user's file kept", () => {
    const target = join(scratch, 'out');
    run(target, { 'a.txt': 'A1', 'old.txt': 'stale' });
    write(target, { 'notes.txt': 'user notes inside', 'map/mine.txt': 'user map note' });
    run(target, { 'a.txt': 'A2', 'map/b.json': 'B' });
    expect(readdirSync(target).sort()).toEqual(['a.txt', 'manifest.json', 'map', 'notes.txt']);
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('A2');
    expect(readFileSync(join(target, 'notes.txt'), 'utf8')).toBe('user notes inside');
    expect(readdirSync(join(target, 'map')).sort()).toEqual(['b.json', 'mine.txt']);
    noTemp(scratch);
    notesIntact();
  });

  it('an empty folder is accepted', () => {
    const target = join(scratch, 'empty');
    mkdirSync(target);
    run(target, { 'a.txt': 'A' });
    expect(readdirSync(target).sort()).toEqual(['a.txt', 'manifest.json']);
  });

  it('a manifest listing paths outside its folder deletes nothing there', () => {
    const target = join(scratch, 'out');
    write(target, {
      'manifest.json': JSON.stringify({ tool: 'test-tool', files: ['../notes.txt', '/etc/hostname', 'manifest.json'] })
    });
    run(target, { 'a.txt': 'A' });
    notesIntact();
    expect(existsSync('/etc/hostname')).toBe(true);
  });

  it('discard (a failed run) removes the staging folder and the parents it created, and leaves the target as it was', () => {
    const target = join(scratch, 'x', 'y', 'out');
    const out = openOutput(target, TOOL, scratch);
    write(out.staging, { 'a.txt': 'A' });
    out.discard();
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
    expect(() => out.commit()).toThrow(/already committed or discarded/);
  });
});

describe('refused: OutputRefused, nothing touched', () => {
  const refused = (target: string, why: RegExp, cwd = scratch) => {
    expect(() => openOutput(target, TOOL, cwd)).toThrow(OutputRefused);
    expect(() => openOutput(target, TOOL, cwd)).toThrow(why);
    notesIntact();
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
  };

  it("a folder holding files the tool did not write (the user's notes)", () =>
    refused(scratch, /holds files this tool did not write/, root));
  it('/', () => refused('/', /it is the root folder/));
  it('the home folder', () => refused(homedir(), /it is your home folder|it holds/));
  it('the repository root', () => refused(REPO_ROOT, /it is the repository/));
  it('the current folder, relative or absolute', () => {
    refused('.', /it is the current folder/);
    refused(scratch, /it is the current folder/);
  });
  it('a folder holding the current folder', () => refused(root, /it holds the current folder/));
  it('a file', () => refused(join(scratch, 'notes.txt'), /it is a file, not a folder/));
  it('a place that cannot be written (/sys, read-only for every user)', () => {
    expect(() => openOutput('/sys/gridatlas-out', TOOL, scratch)).toThrow(/cannot write in \/sys/);
    expect(existsSync('/sys/gridatlas-out')).toBe(false);
  });
  it('a folder below a file', () => refused(join(scratch, 'notes.txt', 'out'), /cannot write in/));
});

describe('single files', () => {
  it('writeFileAtomic replaces a file whole and leaves no temporary file', () => {
    const f = join(scratch, 'sub', 'grids.geojson');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(join(scratch, 'sub'))).toEqual(['grids.geojson']);
    notesIntact();
  });

  it('checkOutFile refuses a folder and a place that cannot be written, accepts a new file', () => {
    expect(() => checkOutFile(scratch)).toThrow(/--out .*: refused, it is a folder/);
    expect(() => checkOutFile('/sys/grids.geojson')).toThrow(/cannot write in \/sys/);
    expect(() => checkOutFile(join(scratch, 'notes.txt', 'grids.geojson'))).toThrow(/cannot write in .*notes\.txt/);
    expect(() => checkOutFile(join(scratch, 'new', 'grids.geojson'))).not.toThrow();
    expect(readdirSync(scratch)).toEqual(['notes.txt']);
  });
});
