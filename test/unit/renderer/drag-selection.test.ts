import { describe, expect, it } from 'vitest';
import type { ResultSummary } from '../../../src/contract/calls/workspace';
import { MAX_DRAG_FILES } from '../../../src/contract/calls/transfer';
import { selectionFilesToDrag } from '../../../renderer/src/features/transfer/drag-selection';

const result = (id: string, imageMissing = false) =>
  ({ id, file: `results/${id}.jpg`, imageMissing }) as unknown as ResultSummary;

describe('what a drag out of the gallery carries', () => {
  const known = new Map(['a', 'b', 'c', 'd'].map((id) => [id, result(id, id === 'd')]));
  const lookup = (id: string) => known.get(id);

  it('a result outside the selection: only that one', () => {
    expect(selectionFilesToDrag(result('a'), new Set(['b', 'c']), lookup)).toEqual(['results/a.jpg']);
  });

  it('a selected result: it first (its picture is the icon), then the rest of the selection at hand', () => {
    expect(selectionFilesToDrag(result('c'), new Set(['a', 'b', 'c', 'd', 'unloaded']), lookup)).toEqual([
      'results/c.jpg',
      'results/a.jpg',
      'results/b.jpg',
    ]);
  });

  it('never more than a drag may carry', () => {
    const many = new Set(Array.from({ length: MAX_DRAG_FILES + 50 }, (_, i) => `r${i}`));
    const files = selectionFilesToDrag(result('r0'), many, (id) => result(id));
    expect(files).toHaveLength(MAX_DRAG_FILES);
    expect(files[0]).toBe('results/r0.jpg');
    expect(new Set(files).size).toBe(MAX_DRAG_FILES);
  });
});
