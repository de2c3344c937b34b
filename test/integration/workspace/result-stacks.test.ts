import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultFilter, ResultSummary } from '../../../src/contract/calls/workspace';
import type { IndexEntry } from '../../../src/library/workspace/result-index-file';
import { emptyCatalog } from '../../../src/library/workspace/result-query';
import type { Workspace } from '../../../src/library/workspace';
import type { ProjectHandle } from '../../../src/library/project-store';
import { useSuiteTempDirs } from '../../helpers/temp-dir';
import { entryMaker, projectWithRows } from './index-rows';

const tempDir = useSuiteTempDirs();

const e = entryMaker({ base: Date.UTC(2025, 0, 1), stepMs: 60_000, seedFrom: 0, width: 1536, height: 768 });
const cutOf = (sheet: IndexEntry, figureIndex: number, over: Partial<IndexEntry> = {}): IndexEntry =>
  e({
    cutFrom: { resultId: sheet.id, figureIndex, box: { x: 0, y: 0, width: 200, height: 600 } },
    width: 200,
    height: 600,
    ...over,
  });

// Oldest first as made: two sheets, then sheet A cut into three (figures cut in the order 2, 0, 1), then a
// newer sheet C, and a cut made from cut A0 (which the app never makes, but a hand-edited receipt can).
const a = e();
const b = e({ rating: 4 });
const a2 = cutOf(a, 2);
const a0 = cutOf(a, 0, { rating: 5 });
const a1 = cutOf(a, 1);
const c = e();
const odd = cutOf(a0, 0);
const cat = emptyCatalog();

let project: ProjectHandle;
let ws: Workspace;
beforeAll(async () => {
  ({ project, ws } = await projectWithRows(tempDir, [a, b, a2, a0, a1, c, odd]));
});
afterAll(() => project.close());

/** The list as the gallery pages through it (3 at a time, so pages split stacks), and the ids alone. */
async function list(filter: ResultFilter, sort: 'newest' | 'oldest' | 'rating' = 'newest') {
  const items: ResultSummary[] = [];
  for (let offset = 0; ; offset += 3) {
    const page = await ws.results.query({ filter, sort, offset, limit: 3 }, cat);
    items.push(...page.items);
    if (offset + 3 >= page.total) {
      expect(items).toHaveLength(page.total);
      const { ids } = await ws.results.queryIds(filter, sort, cat);
      expect(ids).toEqual(items.map((i) => i.id));
      return items;
    }
  }
}
const ids = (l: readonly { id: string }[]) => l.map((x) => x.id);
const placeOf = (l: ResultSummary[], id: string) => {
  const item = l.find((i) => i.id === id);
  return { stack: item?.stack, inStack: item?.inStack };
};

describe('cuts stacked under their sheet', () => {
  it('lists a cut sheet once, in its own place, counting its cuts', async () => {
    const stacked = await list({ stackCuts: true });
    // The cut of a cut stays flat: stacks never nest, so nothing disappears with its hidden parent.
    expect(ids(stacked)).toEqual(ids([odd, c, b, a]));
    expect(placeOf(stacked, a.id).stack).toEqual({ cuts: 3, expanded: false });
    expect(stacked.find((i) => i.id === b.id)).not.toHaveProperty('stack');
  });

  it('opens a stack right after its sheet, in figure order, whatever the sort', async () => {
    for (const sort of ['newest', 'oldest'] as const) {
      const open = await list({ stackCuts: true, expandedStacks: [a.id] }, sort);
      const at = open.findIndex((i) => i.id === a.id);
      expect(ids(open.slice(at, at + 4))).toEqual(ids([a, a0, a1, a2]));
      expect(open).toHaveLength(7);
      expect(placeOf(open, a.id).stack).toEqual({ cuts: 3, expanded: true });
      expect(placeOf(open, a1.id).inStack).toEqual({ position: 2, of: 3 });
    }
    // Sorted by rating, the sheet keeps its rating's place (after B's 4 stars), the 5-star cut its stack's.
    expect(ids(await list({ stackCuts: true, expandedStacks: [a.id] }, 'rating'))).toEqual(
      ids([b, odd, c, a, a0, a1, a2]),
    );
  });

  it('counts only the cuts that pass the filter, and leaves cuts flat when their sheet is filtered out', async () => {
    const rated = await list({ stackCuts: true, maxRating: 0 });
    expect(ids(rated)).toEqual(ids([odd, c, a]));
    expect(placeOf(rated, a.id).stack?.cuts).toBe(2);
    // Cuts only: no sheet in the list, so every cut shows on its own.
    expect(ids(await list({ stackCuts: true, source: 'cuts' }))).toEqual(ids([odd, a1, a0, a2]));
    expect(ids(await list({ stackCuts: true, cutFromIds: [a.id] }))).toEqual(ids([a1, a0, a2]));
    // The sheet filtered out by rating: its 5-star cut shows flat.
    expect(ids(await list({ stackCuts: true, minRating: 5 }))).toEqual(ids([a0]));
  });

  it('changes nothing without stackCuts (the list the CLI and the other views use)', async () => {
    for (const filter of [{}, { expandedStacks: [a.id] }]) {
      const plain = await list(filter);
      expect(ids(plain)).toEqual(ids([odd, c, a1, a0, a2, b, a]));
      expect(plain.some((i) => i.stack ?? i.inStack)).toBe(false);
    }
  });
});
