import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import { MAX_DRAG_FILES } from '../../../../src/contract/calls/transfer';

/**
 * The files a drag out of the gallery carries: the result under the pointer first (its picture is the
 * drag icon), then, when it is part of the selection, the rest of the selection whose summaries are at
 * hand (pages already fetched), without images that are missing, at most MAX_DRAG_FILES.
 */
export function selectionFilesToDrag(
  item: ResultSummary,
  selected: ReadonlySet<string>,
  lookup: (id: string) => ResultSummary | undefined,
): string[] {
  const files = [item.file];
  if (!selected.has(item.id)) return files;
  for (const id of selected) {
    if (files.length >= MAX_DRAG_FILES) break;
    if (id === item.id) continue;
    const other = lookup(id);
    if (other && !other.imageMissing) files.push(other.file);
  }
  return files;
}
