/**
 * The starter pose library a project can start from: enough poses, of every kind and view the issue
 * asks for, each a well-formed COCO-18 skeleton inside its canvas, no two alike, and back views without
 * the face points (nose and eyes), as a back view shows.
 */
import { describe, expect, it } from 'vitest';
import { SkeletonSchema } from '../../../src/domain/skeleton';
import { STARTER_CANVAS, STARTER_POSES, figureBox, starterSkeleton } from '../../../src/skeleton';

const KINDS = ['standing', 'walking', 'running', 'sitting', 'jumping', 'waving', 'pointing'];
const VIEWS = ['front', 'three-quarter', 'side', 'back'];

/** Body keypoints centred on their bounds and divided by the figure's height, so poses compare by shape. */
function shape(body: readonly (readonly [number, number] | null)[]) {
  const present = body.filter((p): p is readonly [number, number] => p !== null);
  const ys = present.map((p) => p[1]);
  const xs = present.map((p) => p[0]);
  const h = Math.max(...ys) - Math.min(...ys);
  const [cx, cy] = [(Math.max(...xs) + Math.min(...xs)) / 2, (Math.max(...ys) + Math.min(...ys)) / 2];
  return body.map((p) => (p ? [(p[0] - cx) / h, (p[1] - cy) / h] : null));
}

describe('the starter pose library', () => {
  it('has at least 24 poses covering every kind and view, with unique keys and names', () => {
    expect(STARTER_POSES.length).toBeGreaterThanOrEqual(24);
    for (const kind of KINDS)
      expect(
        STARTER_POSES.some((p) => p.tags.includes(kind)),
        kind,
      ).toBe(true);
    for (const view of VIEWS)
      expect(STARTER_POSES.filter((p) => p.view === view).length, view).toBeGreaterThanOrEqual(3);
    expect(new Set(STARTER_POSES.map((p) => p.key)).size).toBe(STARTER_POSES.length);
    expect(new Set(STARTER_POSES.map((p) => p.name)).size).toBe(STARTER_POSES.length);
  });

  it('gives well-formed skeletons whose drawn figure lies inside the canvas', () => {
    for (const pose of STARTER_POSES) {
      const skeleton = SkeletonSchema.parse(starterSkeleton(pose));
      expect(skeleton.figures[0]?.body, pose.key).toHaveLength(18);
      // The body's frame (neck, shoulders, hips, knees, ankles) is always there.
      for (const i of [1, 2, 5, 8, 9, 10, 11, 12, 13])
        expect(pose.body[i], `${pose.key} ${i}`).not.toBeNull();
      const box = figureBox(skeleton.figures[0]!, skeleton.canvas, 0)!;
      const drawn = figureBox(skeleton.figures[0]!, skeleton.canvas)!;
      // Every keypoint's circle is whole: the box with the joint radius is not clamped by the canvas.
      expect(drawn, pose.key).toEqual({
        x: box.x - 4,
        y: box.y - 4,
        width: box.width + 8,
        height: box.height + 8,
      });
      expect(drawn.x + drawn.width, pose.key).toBeLessThanOrEqual(STARTER_CANVAS.width);
      expect(drawn.y + drawn.height, pose.key).toBeLessThanOrEqual(STARTER_CANVAS.height);
      // And the figure is a figure, not a speck: at least half the canvas tall or wide.
      expect(
        Math.max(box.width / STARTER_CANVAS.width, box.height / STARTER_CANVAS.height),
        pose.key,
      ).toBeGreaterThan(0.5);
    }
  });

  it('has no two poses alike', () => {
    const shapes = STARTER_POSES.map((p) => shape(p.body));
    let closest = Infinity;
    for (let a = 0; a < shapes.length; a++) {
      for (let b = a + 1; b < shapes.length; b++) {
        const pa = shapes[a]!;
        const pb = shapes[b]!;
        // Mean distance over the keypoints both show; a keypoint one shows and the other hides counts 0.1.
        let sum = 0;
        pa.forEach((p, i) => {
          const q = pb[i];
          sum += p && q ? Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!) : p || q ? 0.1 : 0;
        });
        const distance = sum / 18;
        closest = Math.min(closest, distance);
        expect(distance, `${STARTER_POSES[a]?.key} and ${STARTER_POSES[b]?.key}`).toBeGreaterThan(0.02);
      }
    }
    console.log(
      `closest two starter poses: mean keypoint distance ${closest.toFixed(3)} of the figure's height`,
    );
  });

  it('drops the face points in back views, shows them all in front views, and hides the far ear side on', () => {
    for (const pose of STARTER_POSES) {
      const shown = (i: number) => pose.body[i] !== null;
      if (pose.view === 'back') {
        expect([0, 14, 15].map(shown), pose.key).toEqual([false, false, false]);
        expect([16, 17].map(shown), `${pose.key}: the ears mark the head`).toEqual([true, true]);
      } else {
        expect([0, 14].map(shown), pose.key).toEqual([true, true]);
      }
      if (pose.view === 'front')
        expect(
          pose.body.every((p) => p !== null),
          pose.key,
        ).toBe(true);
      if (pose.view === 'side') expect(pose.body.filter((p) => p === null).length, pose.key).toBe(2);
    }
  });
});
