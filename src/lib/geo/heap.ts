/**
 * A binary min-heap of (key, id) pairs, ordered by key and then by id, so that a search popping
 * from it breaks ties the same way as a scan keeping the lowest index would (results stay
 * deterministic and equal to the scans it replaces).
 */
export class MinHeap {
  private ids: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  private less(k1: number, i1: number, k2: number, i2: number): boolean {
    return k1 < k2 || (k1 === k2 && i1 < i2);
  }

  push(id: number, key: number): void {
    const ids = this.ids;
    const keys = this.keys;
    let i = ids.length;
    ids.push(id);
    keys.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(key, id, keys[p], ids[p])) break;
      ids[i] = ids[p];
      keys[i] = keys[p];
      i = p;
    }
    ids[i] = id;
    keys[i] = key;
  }

  /** The smallest id (by key, then id) without removing it; -1 when empty. */
  peek(): number {
    return this.ids.length ? this.ids[0] : -1;
  }

  /** The key of `peek()`; NaN when empty. */
  peekKey(): number {
    return this.keys.length ? this.keys[0] : NaN;
  }

  /** The ids held, in no particular order. */
  get entries(): readonly number[] {
    return this.ids;
  }

  /** Removes and returns the smallest id; -1 when empty. */
  pop(): number {
    const ids = this.ids;
    const keys = this.keys;
    if (!ids.length) return -1;
    const top = ids[0];
    const lastId = ids.pop()!;
    const lastKey = keys.pop()!;
    const n = ids.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.less(keys[r], ids[r], keys[l], ids[l]) ? r : l;
        if (!this.less(keys[c], ids[c], lastKey, lastId)) break;
        ids[i] = ids[c];
        keys[i] = keys[c];
        i = c;
      }
      ids[i] = lastId;
      keys[i] = lastKey;
    }
    return top;
  }
}
