import { describe, expect, it } from 'vitest';
import { TAB, dropOwnRescue, leaveRescue, rescueAction, takeRescue, type Rescue } from '../../src/lib/data/plan-rescue';
import type { PlanRecord } from '../../src/lib/data/plan-store';

/** Storage as the browser's: strings only, and a quota that can refuse. */
class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  constructor(private quota = Infinity) {}
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    if (v.length > this.quota) throw new DOMException('quota', 'QuotaExceededError');
    this.m.set(k, String(v));
  }
}

const record = (savedAt: string): PlanRecord => ({
  community: '230102001001',
  district: '230102',
  min: 300,
  max: 500,
  assignment: { b1: '230102001001001', b2: '230102001001002' },
  workers: {},
  savedAt
});
const rescue = (base: number, savedAt = '2026-12-04T10:00:00.000Z', tab = TAB): Rescue => ({
  record: record(savedAt),
  base,
  tab
});

describe('what the next open does with a closing tab’s last edit', () => {
  it('the close’s own save landed: nothing to do', () => {
    expect(rescueAction(rescue(3), { revision: 4, savedAt: '2026-12-04T10:00:00.000Z' })).toEqual({ kind: 'landed' });
  });
  it('it did not land and nobody saved since: restore on the stored revision', () => {
    expect(rescueAction(rescue(3), { revision: 3, savedAt: '2026-12-04T09:59:00.000Z' })).toEqual({
      kind: 'restore',
      base: 3
    });
    expect(rescueAction(rescue(0), undefined)).toEqual({ kind: 'restore', base: 0 });
  });
  it('this tab’s earlier in-flight saves were lost too: restore on what is stored (the rescue holds their edits)', () => {
    expect(rescueAction(rescue(5), { revision: 3, savedAt: '2026-12-04T09:58:00.000Z' })).toEqual({
      kind: 'restore',
      base: 3
    });
  });
  it('another tab saved after it: keep it as a version, never over the newer plan', () => {
    expect(rescueAction(rescue(3), { revision: 5, savedAt: '2026-12-04T10:05:00.000Z' })).toEqual({ kind: 'keep' });
  });
});

describe('the rescue in storage', () => {
  it('is read once, then gone', () => {
    const s = new MemoryStorage();
    expect(leaveRescue(rescue(2), s)).toBe(true);
    expect(takeRescue('230102001001', s)).toEqual(rescue(2));
    expect(takeRescue('230102001001', s)).toBeNull();
    expect(takeRescue('230102001002', s)).toBeNull();
  });
  it('a full storage refuses it without throwing; a damaged one is dropped', () => {
    expect(leaveRescue(rescue(2), new MemoryStorage(10))).toBe(false);
    const s = new MemoryStorage();
    s.setItem('gridatlas.plan.rescue.230102001001', '{"record":');
    expect(takeRescue('230102001001', s)).toBeNull();
    expect(s.length).toBe(0);
  });
  it('a later save of the same page drops its own rescue, never another tab’s or a newer one', () => {
    const s = new MemoryStorage();
    leaveRescue(rescue(2, '2026-12-04T10:00:00.000Z', 'other-tab'), s);
    dropOwnRescue('230102001001', '2026-12-04T11:00:00.000Z', s);
    expect(s.length).toBe(1);
    leaveRescue(rescue(2, '2026-12-04T10:00:00.000Z'), s);
    dropOwnRescue('230102001001', '2026-12-04T09:00:00.000Z', s);
    expect(s.length).toBe(1);
    dropOwnRescue('230102001001', '2026-12-04T10:00:00.000Z', s);
    expect(s.length).toBe(0);
  });
});
