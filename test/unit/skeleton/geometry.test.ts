/**
 * A figure's exact box and the transforms the editor and composer use: the box is what the standard
 * rendering draws of the figure (checked against the rendered pixels), mirroring swaps left and right,
 * transforms undo each other, and a composed sheet's boxes sit in their cells, evenly spaced.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Skeleton, SkeletonFigure } from '../../../src/domain/skeleton';
import { PoseSchema } from '../../../src/domain/pose';
import { renderSkeletonPng } from '../../../src/images/render-skeleton';
import {
  STARTER_POSES,
  clampToCanvas,
  composeSheet,
  dropFacePoints,
  figureBox,
  figureBoxes,
  mirrorFigure,
  moveFigure,
  rotateFigure,
  scaleFigure,
  sheetCells,
  starterSkeleton,
} from '../../../src/skeleton';

const figureOf = (key: string): SkeletonFigure => {
  const pose = STARTER_POSES.find((p) => p.key === key);
  if (!pose) throw new Error(`no starter pose ${key}`);
  return starterSkeleton(pose).figures[0] as SkeletonFigure;
};

const close = (a: SkeletonFigure, b: SkeletonFigure) => {
  a.body.forEach((p, i) => {
    const q = b.body[i];
    if (p === null || !q) return expect(q ?? null).toBe(p);
    expect(p.x).toBeCloseTo(q.x, 9);
    expect(p.y).toBeCloseTo(q.y, 9);
  });
};

/** The bounding box of the non-black pixels of a rendered PNG. */
async function inkBox(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      if ((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0) === 0) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

describe('figure boxes', () => {
  it('is exactly the extent of what the standard rendering draws', async () => {
    for (const key of ['standing-front', 'star-jump-front', 'running-side', 'sitting-floor-front']) {
      const skeleton = starterSkeleton(STARTER_POSES.find((p) => p.key === key)!);
      const { png } = await renderSkeletonPng(skeleton);
      expect(figureBox(skeleton.figures[0]!, skeleton.canvas), key).toEqual(await inkBox(png));
    }
  });

  it('grows by the margin asked for, stays on the canvas, and skips figures with no keypoints', () => {
    const canvas = { width: 100, height: 100 };
    const body = Array.from({ length: 18 }, () => null as { x: number; y: number } | null);
    body[0] = { x: 2.7, y: 50.2 };
    body[1] = { x: 60.9, y: 97 };
    const figure = { body };
    expect(figureBox(figure, canvas, 0)).toEqual({ x: 2, y: 50, width: 59, height: 48 });
    expect(figureBox(figure, canvas, 10)).toEqual({ x: 0, y: 40, width: 71, height: 60 });
    const empty = { body: body.map(() => null) };
    expect(figureBox(empty, canvas)).toBeUndefined();
    expect(figureBoxes({ canvas, figures: [empty, figure] })).toHaveLength(1);
  });
});

describe('transforms', () => {
  const walking = figureOf('walking-three-quarter');

  it('mirrors about the figure, swapping left and right keypoints, and twice is the identity', () => {
    const mirrored = mirrorFigure(walking, 256);
    // The person's right wrist is now where the left wrist was, reflected.
    const leftWrist = walking.body[7]!;
    expect(mirrored.body[4]).toEqual({ x: 512 - leftWrist.x, y: leftWrist.y });
    // The nose (on the middle line) only moves; the hidden left ear is now the hidden right ear.
    expect(mirrored.body[0]).toEqual({ x: 512 - walking.body[0]!.x, y: walking.body[0]!.y });
    expect(walking.body[17]).toBeNull();
    expect(mirrored.body[16]).toBeNull();
    expect(mirrored.body[17]).not.toBeNull();
    close(mirrorFigure(mirrored, 256), walking);
  });

  it('mirrors hands and face landmarks too', () => {
    const hand = (x: number) => Array.from({ length: 21 }, (_, i) => ({ x: x + i, y: 300 }));
    const face = Array.from({ length: 70 }, (_, i) => ({ x: 200 + i, y: 100 }));
    const figure: SkeletonFigure = { ...walking, leftHand: hand(300), rightHand: hand(180), face };
    const m = mirrorFigure(figure, 256);
    expect(m.rightHand?.[0]).toEqual({ x: 212, y: 300 });
    expect(m.leftHand?.[0]).toEqual({ x: 332, y: 300 });
    // Jaw point 0 (the person's right end) trades with 16; the pupils 68 and 69 trade.
    expect(m.face?.[0]).toEqual({ x: 512 - 216, y: 100 });
    expect(m.face?.[68]).toEqual({ x: 512 - 269, y: 100 });
  });

  it('moves, scales and rotates in place, and each undoes with its inverse', () => {
    close(moveFigure(moveFigure(walking, 13.5, -7), -13.5, 7), walking);
    close(scaleFigure(scaleFigure(walking, 1.6), 1 / 1.6), walking);
    // Turned about a fixed point and back (the default pivot, the bounds' centre, moves as it turns).
    const pivot = { x: 256, y: 384 };
    close(rotateFigure(rotateFigure(walking, 33, pivot), -33, pivot), walking);
    const turned = rotateFigure(walking, 90, { x: 0, y: 0 });
    const p = walking.body[1]!;
    expect(turned.body[1]!.x).toBeCloseTo(-p.y, 9);
    expect(turned.body[1]!.y).toBeCloseTo(p.x, 9);
    expect(() => scaleFigure(walking, 0)).toThrow(RangeError);
    // The originals are untouched.
    expect(walking.body[1]).toEqual(figureOf('walking-three-quarter').body[1]);
  });

  it('keeps keypoints on the canvas and drops the face points for a back view', () => {
    const canvas = { width: 512, height: 768 };
    const off = clampToCanvas(moveFigure(walking, -400, 300), canvas);
    for (const q of off.body) {
      if (!q) continue;
      expect(q.x).toBeGreaterThanOrEqual(0);
      expect(q.y).toBeLessThanOrEqual(767);
    }
    const back = dropFacePoints({ ...walking, face: [{ x: 1, y: 1 }] });
    expect([0, 14, 15].map((i) => back.body[i])).toEqual([null, null, null]);
    expect(back.body[16]).not.toBeNull();
    expect(back.face).toBeUndefined();
  });
});

describe('composed sheets', () => {
  it('places 1 to 8 poses in a row or grid, each box inside its own cell, evenly spaced', () => {
    const keys = STARTER_POSES.slice(0, 8).map((p) => p.key);
    for (const layout of ['row', 'grid'] as const) {
      for (let n = 1; n <= 8; n++) {
        const canvas = { width: 1536, height: 768 };
        const { skeleton: sheet, cells } = composeSheet(
          keys.slice(0, n).map((k, i) => ({ figure: figureOf(k), flip: i % 2 === 1 })),
          canvas,
          layout,
        );
        const boxes = figureBoxes(sheet);
        expect(boxes).toHaveLength(n);
        boxes.forEach((b, i) => {
          const c = cells[i]!;
          expect(b.x).toBeGreaterThanOrEqual(Math.floor(c.x));
          expect(b.y).toBeGreaterThanOrEqual(Math.floor(c.y));
          expect(b.x + b.width).toBeLessThanOrEqual(Math.ceil(c.x + c.width));
          expect(b.y + b.height).toBeLessThanOrEqual(Math.ceil(c.y + c.height));
          // Centred in its cell, to the pixel.
          expect(Math.abs(b.x + b.width / 2 - (c.x + c.width / 2))).toBeLessThanOrEqual(1);
          expect(Math.abs(b.y + b.height / 2 - (c.y + c.height / 2))).toBeLessThanOrEqual(1);
        });
        // A sheet is a valid skeleton for a pose to hold.
        expect(PoseSchema.shape.skeleton.parse(sheet)).toEqual(sheet as Skeleton);
      }
    }
  });

  it('shapes a grid so the figures are drawn largest, and cells tile the canvas', () => {
    const canvas = { width: 1280, height: 640 };
    expect(sheetCells(7, canvas, 'grid')).toHaveLength(7);
    // Seven standing figures on a 2:1 canvas: 4 x 2 (cells 320 tall), not 3 x 3 (213 tall); a row of
    // seven would draw them larger still, but a grid was asked for.
    expect(sheetCells(7, canvas, 'grid')[4]).toEqual({ x: 0, y: 320, width: 320, height: 320 });
    expect(sheetCells(3, canvas, 'row').map((c) => c.x)).toEqual([0, 1280 / 3, 2560 / 3]);
  });
});
