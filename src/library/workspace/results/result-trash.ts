import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ResultSchema } from '../../../domain';
import { readJsonFile } from '../../json-file';
import { exists, guardWrite } from '../fs-utils';
import { entryOf, isResultFile, type IndexEntry } from '../result-index-file';
import type { Catalog } from '../result-query';
import type { StoreContext } from '../store-context';
import { withLocks, type Undo } from '../trash-records';
import { notFound, type ResultsIndex } from './results-index';

/**
 * Moves results to the trash as one entry (TrashStore.put: each image, then each receipt, so a crash
 * never leaves a receipt in the trash without its image). Their receipts stay locked meanwhile (a review
 * writing one back into results/ would split the result); the index drops them once the entry is done.
 */
export async function trashResults(
  ctx: StoreContext,
  index: ResultsIndex,
  ids: readonly string[],
  cat: Catalog,
): Promise<string> {
  ctx.project.assertWritable();
  await index.load();
  const known = [...new Set(ids)].filter((id) => index.row(id) !== undefined);
  if (known.length === 0) throw notFound();
  return withLocks(
    ctx.locks,
    known.map((id) => `result:${id}`),
    async () => {
      // Again under the locks: one trashed meanwhile is gone from the index.
      const entries = known.map((id) => index.row(id)?.entry).filter((e): e is IndexEntry => e !== undefined);
      const first = entries[0];
      if (!first) throw notFound();
      const label =
        entries.length === 1
          ? `Result: ${cat.characters.get(first.characterId)?.name ?? 'unknown character'}, ${cat.poses.get(first.poseId)?.name ?? 'unknown pose'}`
          : `${entries.length} results`;
      const trashed = entries.map((e) => e.id);
      index.expect(trashed);
      try {
        const trashEntry = await guardWrite('the trash', () =>
          ctx.trash.put({
            kind: 'results',
            label,
            count: entries.length,
            moves: [...entries.map((e) => e.file), ...trashed.map((id) => `results/${id}.json`)],
            refs: { results: trashed },
            thumbIds: trashed,
          }),
        );
        for (const id of trashed) index.drop(id);
        index.touch();
        return trashEntry.id;
      } finally {
        // Moved, or put back by the failed trash: either way their files are settled.
        index.settle(trashed);
        await index.persist();
      }
    },
  );
}

/**
 * Restores a results entry from the trash. The restored receipts are read into the index as a step of
 * the restore, before it commits (TrashStore.restore's `afterMoves`), so a receipt that cannot be read
 * fails the whole restore, which puts everything back in the trash, rather than leaving a result back
 * in results/ but missing from the gallery. The caller holds the entry's locks.
 */
export async function restoreResultsFromTrash(
  ctx: StoreContext,
  index: ResultsIndex,
  trashId: string,
  ids: readonly string[],
): Promise<void> {
  ctx.project.assertWritable();
  await index.load();
  index.expect(ids);
  try {
    await ctx.trash.restore(trashId, {
      afterMoves: (entry, undo) => readBack(ctx, index, entry.refs.results, undo),
    });
  } finally {
    index.settle(ids);
    index.touch();
    await index.persist();
  }
}

/**
 * Reads restored receipts into the index. Unlike a load, a receipt that cannot be read or stat'ed is an
 * error here (never taken for a missing one): the restore is undone. The undo drops them again.
 */
async function readBack(
  ctx: StoreContext,
  index: ResultsIndex,
  ids: readonly string[],
  undo: Undo[],
): Promise<void> {
  const read: { entry: IndexEntry; imageMissing: boolean }[] = [];
  for (const id of ids) {
    const file = index.jsonPath(id);
    const rel = `results/${id}.json`;
    const receipt = await readJsonFile(file, ResultSchema);
    if (!receipt.ok) {
      if (receipt.missing) continue; // not in this entry after all (moved out of the trash by hand)
      const why = `The receipt of a restored result is damaged (${receipt.reason}).`;
      throw new AppError('PROJECT_DAMAGED', why, { file: rel });
    }
    const result = receipt.value.id === id ? receipt.value : { ...receipt.value, id };
    if (!isResultFile(result.file)) {
      const why = 'The receipt of a restored result names an image outside results/.';
      throw new AppError('PROJECT_DAMAGED', why, { file: rel });
    }
    const info = await stat(file);
    const imageMissing = !(await exists(join(ctx.project.root, ...result.file.split('/'))));
    read.push({ entry: entryOf(result, info), imageMissing });
  }
  for (const { entry, imageMissing } of read) {
    const previous = index.row(entry.id);
    index.put(entry, imageMissing);
    undo.push(async () => {
      if (previous) index.put(previous.entry, previous.imageMissing);
      else index.drop(entry.id);
      index.touch();
    });
  }
  index.touch();
}
