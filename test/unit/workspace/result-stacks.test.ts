import { describe, expect, it } from 'vitest';
import type { ResultFilter } from '../../../src/contract/calls/workspace';
import type { IndexEntry } from '../../../src/library/workspace/result-index-file';
import {
  arrangeStacks,
  compileFilter,
  emptyCatalog,
  sortEntries,
  stackPlace,
  summarize,
} from '../../../src/library/workspace/result-query';

let n = 0;
const e = (over: Partial<IndexEntry> = {}): IndexEntry => {
  n++;
  const createdAt = new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString();
  return {
    id: `result${String(n).padStart(4, '0')}`,
    file: `results/result${n}.jpg`,
    width: 1536,
    height: 768,
    createdAt,
    t: Date.parse(createdAt),
    modelId: 'v1',
    characterId: 'charmira1',
    poseId: 'posewalk1',
    rating: 0,
    flag: 'none',
    tags: [],
    seed: n,
    cost: 0.13,
    m: 0,
    s: 0,
    ...over,
  };
};
const cutOf = (sheet: IndexEntry, figureIndex: number, over: Partial<IndexEntry> = {}): IndexEntry =>
  e({
    cutFrom: { resultId: sheet.id, figureIndex, box: { x: 0, y: 0, width: 200, height: 600 } },
    width: 200,
    height: 600,
    ...over,
  });

// Oldest first as made: two sheets, then sheet A cut into three (figures cut in the order 2, 0, 1), then a
// newer sheet C. The index keeps them newest first.
const a = e();
const b = e({ rating: 4 });
const a2 = cutOf(a, 2);
const a0 = cutOf(a, 0, { rating: 5 });
const a1 = cutOf(a, 1);
const c = e();
const all = [a, b, a2, a0, a1, c].reverse();
const cat = emptyCatalog();

/** What result-store does: filter, sort, then lay out stacks. */
const list = (filter: ResultFilter, sort: 'newest' | 'oldest' | 'rating' = 'newest') =>
  arrangeStacks(sortEntries(all.filter(compileFilter(filter, cat)), sort, true), filter);
const ids = (l: IndexEntry[]) => l.map((x) => x.id);

describe('cuts stacked under their sheet', () => {
  it('lists a cut sheet once, in its own place, counting its cuts', () => {
    const stacked = list({ stackCuts: true });
    expect(ids(stacked)).toEqual(ids([c, b, a]));
    expect(stackPlace(stacked, a.id)).toEqual({ stack: { cuts: 3, expanded: false } });
    expect(stackPlace(stacked, b.id)).toBeUndefined();
    expect(summarize(a, cat, false, stackPlace(stacked, a.id)).stack).toEqual({ cuts: 3, expanded: false });
    expect(summarize(b, cat, false, stackPlace(stacked, b.id))).not.toHaveProperty('stack');
  });

  it('opens a stack right after its sheet, in figure order, whatever the sort', () => {
    for (const sort of ['newest', 'oldest'] as const) {
      const open = list({ stackCuts: true, expandedStacks: [a.id] }, sort);
      const at = open.indexOf(a);
      expect(ids(open.slice(at, at + 4))).toEqual(ids([a, a0, a1, a2]));
      expect(open).toHaveLength(6);
      expect(stackPlace(open, a.id)).toEqual({ stack: { cuts: 3, expanded: true } });
      expect(stackPlace(open, a1.id)).toEqual({ inStack: { position: 2, of: 3 } });
    }
    // Sorted by rating, the sheet keeps its rating's place (after B's 4 stars), the 5-star cut its stack's.
    expect(ids(list({ stackCuts: true, expandedStacks: [a.id] }, 'rating'))).toEqual(
      ids([b, c, a, a0, a1, a2]),
    );
  });

  it('counts only the cuts that pass the filter, and leaves cuts flat when their sheet is filtered out', () => {
    const rated = list({ stackCuts: true, maxRating: 0 });
    expect(ids(rated)).toEqual(ids([c, a]));
    expect(stackPlace(rated, a.id)?.stack?.cuts).toBe(2);
    // Cuts only: no sheet in the list, so every cut shows on its own.
    expect(ids(list({ stackCuts: true, source: 'cuts' }))).toEqual(ids([a1, a0, a2]));
    expect(ids(list({ stackCuts: true, cutFromIds: [a.id] }))).toEqual(ids([a1, a0, a2]));
    // The sheet filtered out by rating: its 5-star cut shows flat.
    expect(ids(list({ stackCuts: true, minRating: 5 }))).toEqual(ids([a0]));
  });

  it('changes nothing without stackCuts (the list the CLI and the other views use)', () => {
    const plain = sortEntries([...all], 'newest', true);
    expect(arrangeStacks(plain, {})).toBe(plain);
    expect(arrangeStacks(plain, { expandedStacks: [a.id] })).toBe(plain);
    expect(stackPlace(plain, a.id)).toBeUndefined();
  });

  it('never nests: a cut of a cut stays flat rather than disappearing with its hidden parent', () => {
    const odd = cutOf(a0, 0);
    const withOdd = [odd, ...all];
    const stacked = arrangeStacks(withOdd, { stackCuts: true });
    expect(ids(stacked)).toEqual(ids([odd, c, b, a]));
  });
});
