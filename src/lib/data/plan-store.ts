/**
 * Plans in IndexedDB: the autosave, one record per community (the plan being worked on), so a
 * reload or a crash loses nothing; named versions, several per community, that the planner
 * saves, opens, compares and deletes; and the planner's own imported communities (their data,
 * which no district file holds). A tiny promise wrapper over `indexedDB`; no package.
 *
 * Each autosave carries a revision. A save names the revision it was built on and is refused
 * when the stored one is another: see `savePlan`, a compare-and-swap made of IndexedDB's own
 * constraints, so that a tab working on an old revision can never overwrite a newer one.
 */
import type { Assignment, CommunityData } from '$lib/plan/community-plan';

/** A community's plan: what the autosave and a named version both hold. */
export interface PlanRecord {
  /** The community's 12-digit code (the key). */
  community: string;
  district: string;
  min: number;
  max: number;
  assignment: Assignment;
  /** Grid code → grid worker (网格员). */
  workers: Record<string, string>;
  /** Grid code → the planner's name for the grid; locked grid codes (absent in older autosaves). */
  names?: Record<string, string>;
  locked?: string[];
  /** Grid code → grid chief (网格长); absent in autosaves from before chiefs existed. */
  chiefs?: Record<string, string>;
  /** ISO time of the save. */
  savedAt: string;
}

/** The autosave: 1 for a community's first save, +1 for each save after it (0 for autosaves from before revisions). */
export interface SavedPlan extends PlanRecord {
  revision: number;
}

/** A named version of a community's plan. */
export interface PlanVersion extends PlanRecord {
  /** Key: `${community}|${savedAt}`. */
  id: string;
  name: string;
}

/** A plan's content kept under a name (the version's time is the record's `savedAt`). */
export const versionOf = (p: PlanRecord, name: string): PlanVersion => ({ ...p, id: `${p.community}|${p.savedAt}`, name });

export type SaveResult = { ok: true; revision: number } | { ok: false; conflict: true };

const DB = 'gridatlas-plans';
const STORE = 'plans';
const VERSIONS = 'versions';
const OWN = 'own';
/** One record per saved community, keyed [community, revision]: the autosave's current revision (see savePlan). */
const HEADS = 'heads';
/** 1: autosaves; 2: + named versions (indexed by community); 3: + the planner's own imported communities; 4: + revisions. */
const DB_VERSION = 4;

let opening: Promise<IDBDatabase> | null = null;
/** The open database, kept so that a save started in `pagehide` reaches IndexedDB before the page is gone. */
let db: IDBDatabase | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, DB_VERSION);
    req.onupgradeneeded = (e) => {
      // Adds what is missing; older autosaves stay, as revision 0 (no head: savePlan reads that as 0).
      const d = req.result;
      if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE, { keyPath: 'community' });
      if (!d.objectStoreNames.contains(VERSIONS)) d.createObjectStore(VERSIONS, { keyPath: 'id' }).createIndex('community', 'community');
      if (!d.objectStoreNames.contains(OWN)) d.createObjectStore(OWN, { keyPath: 'code' });
      if (!d.objectStoreNames.contains(HEADS)) d.createObjectStore(HEADS, { keyPath: ['community', 'revision'] }).createIndex('community', 'community', { unique: true });
      if (e.oldVersion > 0 && e.oldVersion < 4)
        req.transaction!.objectStore(STORE).openCursor().onsuccess = (ev) => {
          const c = (ev.target as IDBRequest<IDBCursorWithValue | null>).result;
          if (!c) return;
          if (typeof c.value.revision !== 'number') c.update({ ...c.value, revision: 0 });
          c.continue();
        };
    };
    req.onsuccess = () => {
      db = req.result;
      // A newer version opened in another tab (an updated app) waits for this connection: let it go and reopen on the next call.
      db.onversionchange = () => {
        db?.close();
        db = null;
        opening = null;
      };
      resolve(req.result);
    };
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

/**
 * Runs `f` in a transaction and resolves when it has committed. With the database open the
 * transaction starts synchronously and is committed at once (`commit()`), so that requests made
 * while the page is being closed are in IndexedDB's hands before the page goes.
 */
function transact<T>(stores: string | string[], mode: IDBTransactionMode, f: (tx: IDBTransaction) => IDBRequest | void): Promise<T> {
  const start = (d: IDBDatabase) =>
    new Promise<T>((resolve, reject) => {
      const tx = d.transaction(stores, mode);
      const req = f(tx);
      tx.oncomplete = () => resolve(req?.result as T);
      // A failed request's error reaches the transaction before `tx.error` is set (on the abort that follows).
      tx.onerror = (e) => reject((e.target as IDBRequest).error ?? tx.error);
      tx.onabort = () => reject(tx.error);
      tx.commit();
    });
  return db ? start(db) : open().then(start);
}

const run = <T>(store: string, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> => transact<T>(store, mode, (tx) => f(tx.objectStore(store)));

/**
 * Saves a community's autosave as the revision after `base`, only if `base` is still the stored
 * revision; else nothing is written and the result says conflict. One readwrite transaction, all
 * requests made at once (no read to wait for): delete the head [community, base], add the head
 * [community, base + 1], put the plan. The heads' unique index on `community` refuses the add while
 * any other head of the community is left, i.e. when the stored revision is not `base`, and the
 * failed add aborts the whole transaction. IndexedDB runs readwrite transactions on the same
 * stores one after another, so two tabs saving on the same base cannot both succeed.
 */
export function savePlan(p: PlanRecord, base: number): Promise<SaveResult> {
  const revision = base + 1;
  return transact<unknown>([STORE, HEADS], 'readwrite', (tx) => {
    const heads = tx.objectStore(HEADS);
    heads.delete([p.community, base]);
    heads.add({ community: p.community, revision });
    tx.objectStore(STORE).put({ ...p, revision } satisfies SavedPlan);
  }).then(
    (): SaveResult => ({ ok: true, revision }),
    (e: DOMException | null): SaveResult => {
      if (e?.name === 'ConstraintError') return { ok: false, conflict: true };
      throw e;
    }
  );
}

export const loadPlan = (community: string): Promise<SavedPlan | undefined> => run<SavedPlan | undefined>(STORE, 'readonly', (s) => s.get(community));

export const saveVersion = (v: PlanVersion): Promise<void> => run<unknown>(VERSIONS, 'readwrite', (s) => s.put(v)).then(() => undefined);
export const deleteVersion = (id: string): Promise<void> => run<unknown>(VERSIONS, 'readwrite', (s) => s.delete(id)).then(() => undefined);
/** A community's versions, oldest first. */
export const listVersions = (community: string): Promise<PlanVersion[]> =>
  run<PlanVersion[]>(VERSIONS, 'readonly', (s) => s.index('community').getAll(community)).then((vs) => vs.sort((a, b) => (a.savedAt < b.savedAt ? -1 : 1)));

/** An imported community's data, kept so that a reload reopens it (its plan is an ordinary autosave). */
export const saveOwnData = (d: CommunityData): Promise<void> => run<unknown>(OWN, 'readwrite', (s) => s.put(d)).then(() => undefined);
export const loadOwnData = (code: string): Promise<CommunityData | undefined> => run<CommunityData | undefined>(OWN, 'readonly', (s) => s.get(code));
