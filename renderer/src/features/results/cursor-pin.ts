/**
 * The gallery's cursor is an index into the list (arrow keys, Shift ranges and paging need one), but
 * the person put it on a result. When the list changes under it (a cut adds results, a new result
 * arrives at the top, a rating moves one in "Highest rated"), the index would point at another result:
 * the inspector showed that one while the keys still rated the selected one. This keeps the two together:
 * it remembers which result the cursor is on, notices when the same index now holds another one, and
 * moves the cursor back onto its result (or, when that result left the list, accepts what is there).
 */
import { useEffect, useState } from 'react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';

interface Pin {
  /** The list the index belongs to (filter, sort and open stacks). */
  list: string;
  cursor: number;
  item: ResultSummary;
}

export function useCursorPin(options: {
  list: string;
  cursor: number;
  /** The result at `cursor` in the list as loaded now. */
  atCursor: ResultSummary | undefined;
  /** The selected ids: while the cursor's page loads, a pinned result that is still selected stays shown. */
  selected: ReadonlySet<string>;
  /** The index of a result in the current list, -1 when it is no longer in it. */
  locate(id: string): Promise<number>;
  /** Puts the cursor on `index` (where the pinned result is now). */
  relocate(index: number): void;
}): ResultSummary | undefined {
  const { list, cursor, atCursor, selected, locate, relocate } = options;
  const [pin, setPin] = useState<Pin | null>(null);
  const samePlace = pin !== null && pin.list === list && pin.cursor === cursor;
  const drifted = samePlace && atCursor !== undefined && atCursor.id !== pin.item.id;
  // The person moved the cursor (or its result changed, e.g. rated): pin what it is on now.
  if (atCursor && !drifted && (!samePlace || pin.item !== atCursor)) setPin({ list, cursor, item: atCursor });

  const lostId = drifted ? pin.item.id : null;
  useEffect(() => {
    if (lostId === null) return;
    let live = true;
    void locate(lostId).then((index) => {
      if (!live) return;
      if (index >= 0 && index !== cursor) relocate(index);
      // Gone from the list (trashed, filtered out): the cursor stays where it is, on what is there now.
      // (Found where the cursor already is: the page was behind the list; it follows it in a moment.)
      else if (atCursor) setPin({ list, cursor, item: atCursor });
    });
    return () => {
      live = false;
    };
    // Run once per drift: the functions are new on every render of the gallery.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lostId, list, cursor]);

  // Until the cursor is back on its result, the inspector and the keys keep to that result; so they do
  // while the list is re-read with a stack opened or closed (the same result, at a shifted index).
  if (drifted || (samePlace && !atCursor)) return pin.item;
  if (!atCursor && pin && selected.has(pin.item.id)) return pin.item;
  return atCursor;
}
