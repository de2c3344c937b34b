/**
 * Pure transforms of a skeleton figure: each returns a new figure and leaves the one given untouched
 * (the editor keeps the old ones for undo). Missing keypoints stay missing. Pivots default to the
 * centre of the figure's keypoint bounds, so a figure turns, grows and flips in place.
 */
import type { CanvasSize, Keypoint, MaybeKeypoint, SkeletonFigure } from '../domain/skeleton';
import { keypointBounds } from './figure-box';
import { BODY_MIRROR_PAIRS, FACE_BODY_KEYPOINTS, FACE_MIRROR_PAIRS } from './openpose-style';

type PointMap = (p: Keypoint) => Keypoint;

/** The figure with `map` applied to every present keypoint (body, face and hands). */
export function mapKeypoints(figure: SkeletonFigure, map: PointMap): SkeletonFigure {
  const each = (points: readonly MaybeKeypoint[]): MaybeKeypoint[] =>
    points.map((p) => (p === null ? null : map(p)));
  const out: SkeletonFigure = { body: each(figure.body) };
  if (figure.face) out.face = each(figure.face);
  if (figure.leftHand) out.leftHand = each(figure.leftHand);
  if (figure.rightHand) out.rightHand = each(figure.rightHand);
  return out;
}

/** The centre of the figure's keypoint bounds; the canvas origin for a figure with no keypoints. */
export function figureCentre(figure: SkeletonFigure): Keypoint {
  const b = keypointBounds(figure);
  return b ? { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 } : { x: 0, y: 0 };
}

export function moveFigure(figure: SkeletonFigure, dx: number, dy: number): SkeletonFigure {
  return mapKeypoints(figure, (p) => ({ x: p.x + dx, y: p.y + dy }));
}

/** Scaled by `factor` (> 0) about `pivot`. */
export function scaleFigure(
  figure: SkeletonFigure,
  factor: number,
  pivot: Keypoint = figureCentre(figure),
): SkeletonFigure {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError('A scale factor must be above 0.');
  return mapKeypoints(figure, (p) => ({
    x: pivot.x + (p.x - pivot.x) * factor,
    y: pivot.y + (p.y - pivot.y) * factor,
  }));
}

/** Turned by `degrees` about `pivot`, clockwise on screen (y points down). */
export function rotateFigure(
  figure: SkeletonFigure,
  degrees: number,
  pivot: Keypoint = figureCentre(figure),
): SkeletonFigure {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return mapKeypoints(figure, (p) => {
    const dx = p.x - pivot.x;
    const dy = p.y - pivot.y;
    return { x: pivot.x + dx * cos - dy * sin, y: pivot.y + dx * sin + dy * cos };
  });
}

function swapped(points: readonly MaybeKeypoint[], pairs: readonly (readonly [number, number])[]) {
  const out = [...points];
  for (const [a, b] of pairs) {
    if (a >= out.length || b >= out.length) continue;
    [out[a], out[b]] = [out[b] ?? null, out[a] ?? null];
  }
  return out;
}

/**
 * Mirrored left to right about the vertical line x = `axisX`. The person's right side becomes their
 * left: a front view mirrored still faces the viewer, so the keypoint now on the viewer's left must be
 * called the right shoulder. The left and right keypoints (and hands, and face landmarks) trade places.
 */
export function mirrorFigure(figure: SkeletonFigure, axisX: number = figureCentre(figure).x): SkeletonFigure {
  const flipped = mapKeypoints(figure, (p) => ({ x: 2 * axisX - p.x, y: p.y }));
  const out: SkeletonFigure = { body: swapped(flipped.body, BODY_MIRROR_PAIRS) };
  if (flipped.face) out.face = swapped(flipped.face, FACE_MIRROR_PAIRS);
  // The hands trade places whole: the hand that was the right one is now drawn where a left hand is.
  if (flipped.rightHand) out.leftHand = flipped.rightHand;
  if (flipped.leftHand) out.rightHand = flipped.leftHand;
  return out;
}

/** Every keypoint moved onto the canvas (the nearest pixel inside it): the editor's rule. */
export function clampToCanvas(figure: SkeletonFigure, canvas: CanvasSize): SkeletonFigure {
  const clamp = (v: number, size: number) => Math.min(Math.max(v, 0), size - 1);
  return mapKeypoints(figure, (p) => ({ x: clamp(p.x, canvas.width), y: clamp(p.y, canvas.height) }));
}

/** The figure with body keypoint `index` deleted (set missing). */
export function deleteKeypoint(figure: SkeletonFigure, index: number): SkeletonFigure {
  return { ...figure, body: figure.body.map((p, i) => (i === index ? null : p)) };
}

/**
 * The figure seen from behind: nose and eyes deleted, and the face landmarks dropped (a back view shows
 * neither). The ears stay, marking where the head is.
 */
export function dropFacePoints(figure: SkeletonFigure): SkeletonFigure {
  const { face: _face, ...rest } = figure;
  return { ...rest, body: figure.body.map((p, i) => (FACE_BODY_KEYPOINTS.includes(i) ? null : p)) };
}
