/**
 * A skeleton figure's box: exactly what the standard rendering draws of it, no detection. Pure and
 * isomorphic (the editor and the composer draw the same boxes the cut uses).
 */
import type { Box } from '../domain/pose';
import type { CanvasSize, Keypoint, MaybeKeypoint, Skeleton, SkeletonFigure } from '../domain/skeleton';
import { JOINT_RADIUS } from './openpose-style';

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Every present keypoint of a figure: body, then face, then hands. */
export function presentKeypoints(figure: SkeletonFigure): Keypoint[] {
  const all: MaybeKeypoint[] = [
    ...figure.body,
    ...(figure.face ?? []),
    ...(figure.leftHand ?? []),
    ...(figure.rightHand ?? []),
  ];
  return all.filter((p): p is Keypoint => p !== null);
}

/** The bounds of a figure's present keypoints (in canvas pixels, unrounded); undefined when it has none. */
export function keypointBounds(figure: SkeletonFigure): Bounds | undefined {
  const points = presentKeypoints(figure);
  if (points.length === 0) return undefined;
  const b: Bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const p of points) {
    b.minX = Math.min(b.minX, p.x);
    b.minY = Math.min(b.minY, p.y);
    b.maxX = Math.max(b.maxX, p.x);
    b.maxY = Math.max(b.maxY, p.y);
  }
  return b;
}

/**
 * The figure's box in canvas pixels: the pixels its keypoints land on (the rendering truncates each
 * coordinate, as OpenPose's does) grown by `margin` on every side, clamped to the canvas. The default
 * margin is the joint radius, so the box is exactly the extent of the drawn figure (a limb's ellipse
 * never reaches past its joints' circles). Undefined when no keypoint is present or all lie off the canvas.
 */
export function figureBox(
  figure: SkeletonFigure,
  canvas: CanvasSize,
  margin: number = JOINT_RADIUS,
): Box | undefined {
  const b = keypointBounds(figure);
  if (!b) return undefined;
  const m = Math.max(0, Math.round(margin));
  const left = Math.max(0, Math.trunc(b.minX) - m);
  const top = Math.max(0, Math.trunc(b.minY) - m);
  const right = Math.min(canvas.width, Math.trunc(b.maxX) + m + 1);
  const bottom = Math.min(canvas.height, Math.trunc(b.maxY) + m + 1);
  if (right <= left || bottom <= top) return undefined;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Every figure's box, in figure order; figures with no box (nothing present on the canvas) are left
 * out, so the result is what a pose's `figures` holds.
 */
export function figureBoxes(skeleton: Skeleton, margin?: number): Box[] {
  return skeleton.figures.flatMap((f) => {
    const box = figureBox(f, skeleton.canvas, margin);
    return box ? [box] : [];
  });
}
