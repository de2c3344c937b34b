/**
 * What opening or closing a stack does to the grid's selection. Opening lists the sheet's cuts right
 * after it, closing takes them out, so every index after the sheet moves: the cursor and the Shift anchor
 * move with their results; cuts hidden by closing leave the selection (the keys must not act on what
 * cannot be seen), and a cursor inside a closing stack goes to its sheet. Pure, so it is unit-tested.
 */
export interface GridSelection {
  ids: ReadonlySet<string>;
  cursor: number;
  anchor: number;
}

/**
 * The selection once the stack of the sheet at `sheet.index` (holding `cuts`, open when `expanded`) is
 * toggled; `hidden` are the ids of its cuts when it closes.
 */
export function afterStackToggle<S extends GridSelection>(
  selection: S,
  sheet: { index: number; id: string; cuts: number; expanded: boolean },
  hidden: ReadonlySet<string>,
): S {
  const { index, cuts, expanded } = sheet;
  const move = (i: number) => {
    if (i <= index) return i;
    if (!expanded) return i + cuts;
    return i <= index + cuts ? index : i - cuts;
  };
  const ids = new Set([...selection.ids].filter((id) => !hidden.has(id)));
  const cursorInside = expanded && selection.cursor > index && selection.cursor <= index + cuts;
  if (cursorInside && ids.size === 0) ids.add(sheet.id);
  return { ...selection, ids, cursor: move(selection.cursor), anchor: move(selection.anchor) };
}
