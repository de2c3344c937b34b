import { AppError, type Box } from '../../domain';
import type { TaskControl, Workspace } from '../../library/workspace';

export interface CutRequest {
  id: string;
  figures?: number[] | undefined;
  padding?: number | undefined;
  again?: boolean | undefined;
  /** Boxes in the result's own pixels (the cut editor's); the pose's figures otherwise. */
  boxes?: Box[] | undefined;
  replace?: boolean | undefined;
}

export interface CutOutcome {
  created: string[];
  existing: string[];
  replacedTrashId?: string;
  replaced?: number;
}

/**
 * `results.cut`: the pose's boxes (scaled from its sheet) or the editor's (already in result pixels), then
 * the cut, then, for `replace`, the earlier cuts to the trash. The old crops go last, and only when the
 * new set is complete: a cut that fails or is cancelled halfway leaves the old ones where they were, so
 * the person never ends up with fewer crops than before.
 */
export async function cutResult(
  w: Workspace,
  request: CutRequest,
  control: TaskControl,
): Promise<CutOutcome> {
  const parent = await w.results.get(request.id);
  const geometry = request.boxes
    ? { figures: request.boxes, image: { width: parent.width, height: parent.height } }
    : await w.poseGeometry(parent.poseId);
  if (!geometry) {
    throw new AppError(
      'NOT_FOUND',
      'The pose sheet this result was made from is gone, so its figures are not known.',
    );
  }
  const earlier = request.replace ? w.results.cutsOf(request.id) : [];
  const { created, existing } = await w.results.cut(
    request.id,
    geometry,
    {
      figures: request.figures,
      padding: request.padding,
      again: request.again === true || request.boxes !== undefined,
    },
    control,
  );
  const outcome: CutOutcome = { created: created.map((r) => r.id), existing };
  const complete = created.length > 0 && !control.signal?.aborted;
  if (earlier.length > 0 && complete) {
    outcome.replacedTrashId = await w.results.trash(earlier, await w.catalog());
    outcome.replaced = earlier.length;
  }
  return outcome;
}
