/** What a planner tab makes of another tab's message about the community it has open (plan-sync's conflictAfter). */
import { describe, expect, it } from 'vitest';
import { conflictAfter, type Conflict } from '../../src/lib/state/plan-sync';

const C = '230102001001';
const open = { community: C, revision: 3 };

describe('conflictAfter', () => {
  it('another tab saved a newer revision of the open community: this tab is behind', () => {
    expect(conflictAfter(null, open, { type: 'saved', community: C, revision: 4 })).toEqual({
      kind: 'newer',
      revision: 4
    });
  });

  it('a save this tab already builds on (or an older one) changes nothing', () => {
    expect(conflictAfter(null, open, { type: 'saved', community: C, revision: 3 })).toBeNull();
    expect(conflictAfter(null, open, { type: 'saved', community: C, revision: 2 })).toBeNull();
    const theirs: Conflict = { kind: 'theirs' };
    expect(conflictAfter(theirs, open, { type: 'saved', community: C, revision: 3 })).toBe(theirs);
  });

  it('keeps the newest revision heard of, whatever order the messages come in', () => {
    const behind = conflictAfter(null, open, { type: 'saved', community: C, revision: 6 });
    expect(conflictAfter(behind, open, { type: 'saved', community: C, revision: 5 })).toEqual({
      kind: 'newer',
      revision: 6
    });
    expect(conflictAfter(behind, open, { type: 'saved', community: C, revision: 7 })).toEqual({
      kind: 'newer',
      revision: 7
    });
  });

  it('another tab refused because of this tab’s plan: told, unless this tab is itself behind', () => {
    expect(conflictAfter(null, open, { type: 'refused', community: C })).toEqual({ kind: 'theirs' });
    expect(conflictAfter({ kind: 'newer', revision: 5 }, open, { type: 'refused', community: C })).toEqual({
      kind: 'newer',
      revision: 5
    });
  });

  it('a tab that was only told (theirs) is behind once the other tab saves on top of the plan', () => {
    expect(conflictAfter({ kind: 'theirs' }, open, { type: 'saved', community: C, revision: 4 })).toEqual({
      kind: 'newer',
      revision: 4
    });
  });

  it('messages about another community, about versions, or with nothing open change nothing', () => {
    expect(conflictAfter(null, open, { type: 'saved', community: '230102001002', revision: 9 })).toBeNull();
    expect(conflictAfter(null, open, { type: 'refused', community: '230102001002' })).toBeNull();
    expect(conflictAfter(null, open, { type: 'versions', community: C })).toBeNull();
    expect(conflictAfter(null, null, { type: 'saved', community: C, revision: 9 })).toBeNull();
  });
});
