import { readFile } from 'node:fs/promises';
import { AppError, isAppError, newId, nowIso, type Result } from '../../../domain';
import { cutFigures } from '../../../images';
import { resolveContainedFile } from '../../contained-path';
import { readFault } from '../fs-utils';
import type { StoreContext } from '../store-context';
import type { TaskControl } from '../task-control';
import { storeResult } from './result-commit';
import { cutsOf } from './result-listing';
import type { ResultsIndex } from './results-index';

/** The figures to cut, and the size of the image their boxes are measured in. */
export interface CutPose {
  figures: { x: number; y: number; width: number; height: number }[];
  image: { width: number; height: number };
}

export interface CutResultOptions {
  figures?: number[] | undefined;
  padding?: number | undefined;
  again?: boolean | undefined;
}

/**
 * Cuts a result sheet into single poses. The boxes are the pose's figures in the pose sheet's pixels;
 * the result is the sheet redrawn larger with every figure in place, so each box scaled by
 * result size / sheet size (per axis) frames that figure. (Boxes drawn in the cut editor come in the
 * result's own pixels, with the result's size as `image`: a scale of 1.) Each cut is a new PNG result
 * with `cutFrom`, the same character, pose and (copied) receipt; the index is written once at the end.
 */
export async function cutResult(
  ctx: StoreContext,
  index: ResultsIndex,
  id: string,
  pose: CutPose,
  options: CutResultOptions,
  control: TaskControl = {},
): Promise<{ created: Result[]; existing: string[] }> {
  ctx.project.assertWritable();
  const parent = await index.get(id);
  if (pose.figures.length === 0) {
    throw new AppError(
      'INVALID_INPUT',
      'No figures were found on this result’s pose sheet, so there is nothing to cut.',
    );
  }
  const wanted = [...new Set(options.figures ?? pose.figures.map((_, i) => i))].filter(
    (i) => i < pose.figures.length,
  );
  if (wanted.length === 0)
    throw new AppError('INVALID_INPUT', `That pose sheet has ${pose.figures.length} figure(s).`);
  const already = new Map<number, string>();
  for (const { entry } of cutsOf(index, id))
    if (entry.cutFrom) already.set(entry.cutFrom.figureIndex, entry.id);
  const todo = options.again ? wanted : wanted.filter((i) => !already.has(i));
  const existing = options.again
    ? []
    : wanted.flatMap((i) => (already.has(i) ? [already.get(i) as string] : []));
  if (todo.length === 0) return { created: [], existing };

  const bytes = await readImageToCut(ctx, parent);
  // Every figure goes in, only the wanted ones come out: each crop keeps clear of all its neighbours,
  // including those cut earlier or not at all.
  const cuts = await cutFigures(
    bytes,
    pose.figures,
    { width: pose.image.width, height: pose.image.height },
    {
      only: todo,
      ...(options.padding === undefined ? {} : { padding: options.padding }),
    },
  );
  control.onProgress?.(0, cuts.length, 0);
  const created: Result[] = [];
  try {
    for (const [n, cut] of cuts.entries()) {
      if (control.signal?.aborted) break;
      created.push(
        await storeResult(
          ctx,
          index,
          {
            id: newId(),
            createdAt: nowIso(),
            modelId: parent.modelId,
            characterId: parent.characterId,
            poseId: parent.poseId,
            receipt: parent.receipt,
            cutFrom: { resultId: parent.id, figureIndex: cut.index, box: cut.box },
            width: cut.box.width,
            height: cut.box.height,
          },
          cut.png,
          { persist: false },
        ),
      );
      control.onProgress?.(n + 1, cuts.length, 0);
    }
  } finally {
    await index.persist();
  }
  return { created, existing };
}

/**
 * The image of a result to cut, read through the contained path. Only a file that is not there is
 * "missing"; a disk that failed to read it is IO_ERROR (PERMISSION_DENIED for a refused read).
 */
async function readImageToCut(ctx: StoreContext, parent: Result): Promise<Buffer> {
  const what = 'this result’s image';
  const missing = () =>
    new AppError('NOT_FOUND', 'This result’s image is missing from the project folder, so it cannot be cut.');
  let imagePath: string;
  try {
    imagePath = await resolveContainedFile(ctx.project.root, parent.file, { encoded: false });
  } catch (error) {
    // NOT_FOUND, or a path leading outside the project: nothing here to cut. (A read fault is not typed
    // by resolveContainedFile: it is rethrown as the errno, and mapped below.)
    if (isAppError(error)) throw missing();
    throw readFault(error, what, missing) ?? error;
  }
  return readFile(imagePath).catch((error: unknown) => {
    throw readFault(error, what, missing) ?? error;
  });
}
