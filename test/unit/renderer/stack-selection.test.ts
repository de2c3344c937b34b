import { describe, expect, it } from 'vitest';
import { afterStackToggle } from '../../../renderer/src/features/results/stack-selection';

// A grid of sheets where the sheet at index 2 holds 3 cuts (ids c1..c3 at 3..5 while its stack is open).
const sheet = { index: 2, id: 'sheet', cuts: 3 };
const select = (ids: string[], cursor: number, anchor = cursor) => ({
  query: 'q',
  ids: new Set(ids),
  cursor,
  anchor,
});

describe('opening and closing a stack keeps the cursor and the selection on their results', () => {
  it('opening: what comes after the sheet moves down by its cuts, the rest stays', () => {
    const open = { ...sheet, expanded: false };
    expect(afterStackToggle(select(['sheet'], 2), open, new Set())).toEqual(select(['sheet'], 2));
    expect(afterStackToggle(select(['a'], 0), open, new Set())).toEqual(select(['a'], 0));
    expect(afterStackToggle(select(['later'], 4, 1), open, new Set())).toEqual(select(['later'], 7, 1));
    expect(afterStackToggle(select([], -1), open, new Set())).toEqual(select([], -1));
  });

  it('closing: the cuts leave the selection, a cursor inside goes to the sheet, what follows moves up', () => {
    const close = { ...sheet, expanded: true };
    const cuts = new Set(['c1', 'c2', 'c3']);
    expect(afterStackToggle(select(['c2'], 4), close, cuts)).toEqual(select(['sheet'], 2));
    // A multi-selection keeps what is still visible, and does not grow the sheet into it.
    expect(afterStackToggle(select(['c1', 'a'], 3, 0), close, cuts)).toEqual(select(['a'], 2, 0));
    expect(afterStackToggle(select(['later'], 8, 6), close, cuts)).toEqual(select(['later'], 5, 3));
    expect(afterStackToggle(select(['sheet'], 2), close, cuts)).toEqual(select(['sheet'], 2));
  });
});
