/**
 * What the cut editor opens on: the result's size, its pose's boxes (kept in the pose sheet's pixels)
 * scaled into the result's pixels, and whether Save can keep edited boxes with the pose.
 */
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import type { PoseView } from '../../../../src/contract/calls/workspace';
import { scaleBoxOutward } from '../../../../src/domain/figure-crops';
import type { Box } from '../../../../src/domain/pose';
import { usePoseLibraries } from '../results/workspace-data';
import type { Size } from './box-editing';

export interface CutSource {
  result: Size;
  /** The live pose, when there is one to keep boxes with (not in the trash, not deleted). */
  pose: PoseView | null;
  /** The pose's boxes in the result's pixels; empty when the pose is not live. */
  boxes: Box[];
  /** Result pixels per sheet pixel, per axis: the real ratio of the two images' sizes. */
  scale: { x: number; y: number };
}

/**
 * The result is the sheet drawn again larger with every figure in place, so a sheet box times the ratio
 * of the sizes (width and height separately: a server may round one axis to a multiple of 64) frames the
 * figure in the result. Rounded outwards, as the core's cut does.
 */
export function sourceFor(item: ResultSummary, pose: PoseView | null): CutSource {
  const result = { width: item.width, height: item.height };
  if (!pose) return { result, pose: null, boxes: [], scale: { x: 1, y: 1 } };
  const scale = { x: item.width / pose.image.width, y: item.height / pose.image.height };
  return { result, pose, boxes: pose.figures.map((b) => scaleBoxOutward(b, scale.x, scale.y)), scale };
}

/**
 * A box drawn in the result back in the sheet's pixels, to keep with the pose: rounded outwards (so a
 * later cut never loses an edge) and kept inside the sheet.
 */
export function toSheetBox(box: Box, scale: { x: number; y: number }, sheet: Size): Box {
  const x = Math.max(0, Math.floor(box.x / scale.x + 1e-9));
  const y = Math.max(0, Math.floor(box.y / scale.y + 1e-9));
  const right = Math.min(sheet.width, Math.ceil((box.x + box.width) / scale.x - 1e-9));
  const bottom = Math.min(sheet.height, Math.ceil((box.y + box.height) / scale.y - 1e-9));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

/** The pose a result was made from, live in a library; null while the list loads or when it is gone. */
export function useCutSource(
  project: string,
  item: ResultSummary,
): { source: CutSource | null; loading: boolean } {
  const libraries = usePoseLibraries(project);
  if (libraries.isLoading) return { source: null, loading: true };
  const pose = libraries.data?.libraries.flatMap((l) => l.poses).find((p) => p.id === item.poseId) ?? null;
  return { source: sourceFor(item, pose), loading: false };
}
