/** Opening and closing a sheet's stack of cuts in the grid: the badge's click and the S key. */
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import { useKeyMap } from '../../ui/key-map';
import { STACK_KEY } from './GalleryCell';
import { setStackOpen } from './gallery-store';
import { afterStackToggle, type GridSelection } from './stack-selection';

/** The toggle for the badge's click, and the S key on the cursor's sheet (or on a cut inside an open stack). */
export function useStackToggle(options: {
  /** The result at an index of the grid's list, when its page is loaded. */
  cachedAt(index: number): ResultSummary | undefined;
  cursor: number;
  cursorItem: ResultSummary | undefined;
  update(change: (selection: GridSelection) => GridSelection): void;
  keysEnabled: boolean;
}): (index: number, item: ResultSummary) => void {
  const { cachedAt, cursor, cursorItem, update } = options;
  const toggle = (index: number, item: ResultSummary) => {
    if (!item.stack) return;
    const { cuts, expanded } = item.stack;
    const hidden = new Set<string>();
    for (let i = index + 1; expanded && i <= index + cuts; i++) {
      const id = cachedAt(i)?.id;
      if (id) hidden.add(id);
    }
    update((s) => afterStackToggle(s, { index, id: item.id, cuts, expanded }, hidden));
    setStackOpen(item.id, !expanded);
  };
  const toggleAtCursor = () => {
    if (cursorItem?.stack) toggle(cursor, cursorItem);
    else if (cursorItem?.inStack) {
      const sheetIndex = cursor - cursorItem.inStack.position;
      const sheet = cachedAt(sheetIndex);
      if (sheet?.stack) toggle(sheetIndex, sheet);
    }
  };
  useKeyMap({ [STACK_KEY.toLowerCase()]: toggleAtCursor }, options.keysEnabled);
  return toggle;
}
