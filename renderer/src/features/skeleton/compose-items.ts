/**
 * The sheet composer's choices made into a sheet: the chosen poses' first figures, each with its scale
 * and flip, laid out by the core's composeSheet. Pure, so the preview and the saved sheet are the same.
 */
import type { PoseView } from '../../../../src/contract/calls/workspace';
import type { Skeleton, SkeletonFigure } from '../../../../src/domain/skeleton';
import { composeSheet, type ComposedSheet, type SheetLayout } from '../../../../src/skeleton';

export const MAX_SHEET_POSES = 8;

export interface ComposerItem {
  poseId: string;
  /** 0.3 to 1: the share of the cell's fitted size. */
  scale: number;
  flip: boolean;
}

export type SkeletonPose = PoseView & { skeleton: Skeleton };
export const hasSkeleton = (p: PoseView): p is SkeletonPose => !!p.skeleton;

/** The sheet the items make (undefined when none are chosen or one cannot be placed). */
export function composedFrom(
  items: readonly ComposerItem[],
  poses: ReadonlyMap<string, SkeletonPose>,
  canvas: { width: number; height: number },
  layout: SheetLayout,
): ComposedSheet | undefined {
  const chosen = items.flatMap((item) => {
    const figure: SkeletonFigure | undefined = poses.get(item.poseId)?.skeleton.figures[0];
    return figure ? [{ figure, scale: item.scale, flip: item.flip }] : [];
  });
  if (chosen.length === 0) return undefined;
  try {
    return composeSheet(chosen, canvas, layout);
  } catch {
    return undefined;
  }
}
