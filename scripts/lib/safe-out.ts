/**
 * Output for the command-line tools that never deletes what the tool did not create.
 *
 * A tool writing a folder (`npm run data`, `npm run data -- --osm`) calls `openOutput` before
 * its long work. The target is refused (OutputRefused: exit 2, nothing touched) when it is `/`,
 * the home folder, the repository, the current folder or a folder holding one of them, a file, or
 * a non-empty folder that is not the tool's own earlier output (recognised by the tool's
 * manifest). A fresh temporary folder is made beside the target (same file system, so renames
 * are atomic); making it is the writability check. The tool writes there; `commit` then
 * - renames the temporary folder into place when the target does not exist (one atomic rename), or
 * - renames each new file over its old version (the manifest last) and deletes only the files the
 *   previous manifest listed that the new one no longer lists; any other file stays as it was.
 * SIGINT/SIGTERM while an output is open (or a failure, through `discard`) removes the
 * temporary folder and any parent folders this run created. Commit is synchronous, so a signal
 * is handled before or after it, never halfway; only a crash or I/O error in the middle of the
 * renames can leave some files new and others old (each one whole).
 */
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The target is not the tool's to write: exit code 2, nothing was touched. */
export class OutputRefused extends Error {}

export interface OutputOwner {
  /** The tool, as messages name it. */
  tool: string;
  /** The file (relative path) that marks a folder as this tool's output; renamed into place last. */
  manifest: string;
  /** The files (relative paths, '/'-separated) this tool's manifest in `dir` lists; null when `dir` holds no manifest of this tool. */
  owned(dir: string): string[] | null;
}

export interface Output {
  readonly target: string;
  /** Where the tool writes: a fresh folder beside `target`. */
  readonly staging: string;
  /** Moves the staged files into `target` (see the module comment); returns their relative paths. */
  commit(): string[];
  /** Removes the staging folder and the parent folders this run created; nothing after `commit`. */
  discard(): void;
}

// ---- Ctrl-C: each open output registers its clean-up while it is open.
const cleanups = new Map<() => void, string>();

function onSignal(signal: NodeJS.Signals): void {
  for (const [clean, target] of cleanups) {
    try {
      clean();
      process.stderr.write(`interrupted (${signal}): temporary files removed, ${target} left as it was\n`);
    } catch (e) {
      process.stderr.write(
        `interrupted (${signal}): ${target} left as it was, but a temporary folder beside it could not be removed: ${failure(e)}\n`
      );
    }
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

function track(clean: () => void, target: string): () => void {
  if (cleanups.size === 0) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  cleanups.set(clean, target);
  return () => {
    cleanups.delete(clean);
    if (cleanups.size === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}

// ---- checks
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function contains(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** Why `target` may never be written by a tool, or null. */
function protectedReason(target: string, cwd: string): string | null {
  const t = real(target);
  const places: [string, string][] = [
    ['the root folder', '/'],
    ['your home folder', homedir()],
    ['the repository', REPO_ROOT],
    ['the current folder', cwd],
    ...(process.env.INIT_CWD ? ([['the current folder', process.env.INIT_CWD]] as [string, string][]) : [])
  ];
  for (const [name, p] of places) {
    const rp = real(p);
    if (contains(t, rp)) return t === rp ? `it is ${name}` : `it holds ${name} (${rp})`;
  }
  return null;
}

/** A relative path that stays inside its folder, or null (a manifest is read, not trusted). */
function inside(rel: unknown): string | null {
  if (typeof rel !== 'string' || !rel || isAbsolute(rel)) return null;
  const n = normalize(rel);
  return n.split(sep).includes('..') ? null : n;
}

function failure(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The deepest existing folder at or above `p`. */
function existingAncestor(p: string): string {
  let d = p;
  while (!existsSync(d)) d = dirname(d);
  return d;
}

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
  );
}

/** Removes the folders of `created`…`upTo` that are empty (never a folder with anything in it). */
function removeCreated(created: string | undefined, upTo: string): void {
  if (!created) return;
  for (let d = upTo; contains(created, d); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === created) return;
  }
}

/**
 * Checks `target` (a folder) for `owner` and opens a staging folder beside it; throws
 * OutputRefused when the target is not the tool's to write or cannot be written.
 */
export function openOutput(target: string, owner: OutputOwner, cwd = process.cwd()): Output {
  target = resolve(cwd, target);
  const refuse = (why: string) =>
    new OutputRefused(`${owner.tool}: refused to write ${target}: ${why}; nothing was written`);
  const why = protectedReason(target, cwd);
  if (why) throw refuse(`${why}; give a new or empty folder, or one this tool wrote before`);
  let previous: string[] = [];
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw refuse('it is a file, not a folder');
    const owned = owner.owned(target);
    if (owned === null && readdirSync(target).length > 0)
      throw refuse(
        `the folder holds files this tool did not write (it has no ${owner.manifest} of this tool); give a new or empty folder`
      );
    previous = (owned ?? []).map(inside).filter((f): f is string => f !== null);
    // Each file is renamed into its folder, which needs write permission there.
    for (const d of new Set([target, ...previous.map((f) => dirname(join(target, f)))]))
      if (existsSync(d))
        try {
          accessSync(d, constants.W_OK);
        } catch (e) {
          throw refuse(`cannot write in ${d} (${failure(e)})`);
        }
  }
  const parent = dirname(target);
  let created: string | undefined;
  let staging: string;
  try {
    accessSync(existingAncestor(parent), constants.W_OK);
    created = mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  } catch (e) {
    removeCreated(created, parent);
    throw refuse(`cannot write in ${parent} (${failure(e)})`);
  }
  let open = true;
  const discard = () => {
    if (!open) return;
    open = false;
    // Renamed first: a writer still running (DuckDB's threads during Ctrl-C) then cannot add files while it is removed.
    const doomed = `${staging}-discarded`;
    if (existsSync(staging)) renameSync(staging, doomed);
    rmSync(doomed, { recursive: true, force: true, maxRetries: 3 });
    removeCreated(created, parent);
    untrack();
  };
  const untrack = track(discard, target);
  return {
    target,
    staging,
    discard,
    commit() {
      if (!open) throw new Error(`${target}: output already committed or discarded`);
      const written = files(staging).sort(
        (a, b) => Number(a === owner.manifest) - Number(b === owner.manifest) || a.localeCompare(b)
      );
      if (!existsSync(target)) renameSync(staging, target);
      else {
        for (const f of written) {
          mkdirSync(dirname(join(target, f)), { recursive: true });
          renameSync(join(staging, f), join(target, f));
        }
        // Files the old manifest listed and the new one does not: this tool's, now stale.
        const keep = new Set((owner.owned(target) ?? written).map(inside));
        for (const f of previous) {
          const p = join(target, f);
          if (!keep.has(f) && existsSync(p) && lstatSync(p).isFile()) unlinkSync(p);
        }
        rmSync(staging, { recursive: true, force: true }); // only the emptied folders are left in it
      }
      open = false;
      untrack();
      return written;
    }
  };
}

/**
 * Refuses a single-file target that is a folder or whose folder cannot be written; call it
 * before the long work, then write with `writeFileAtomic`. Writability is tried, not inferred
 * from permission bits (root passes those, a read-only mount does not).
 */
export function checkOutFile(file: string, flag = '--out'): void {
  if (existsSync(file) && statSync(file).isDirectory())
    throw new OutputRefused(`${flag} ${file}: refused, it is a folder; give a file name`);
  const d = existingAncestor(dirname(file));
  try {
    rmdirSync(mkdtempSync(join(d, '.gridatlas-probe-')));
  } catch (e) {
    throw new OutputRefused(`${flag} ${file}: cannot write in ${d} (${failure(e)}); nothing was written`);
  }
}

/** Writes `file` whole or not at all: a fresh temporary file beside it, renamed over it. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
