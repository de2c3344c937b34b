/**
 * The renderer against golden images the test draws itself from the standard rendering's rules
 * (OPENPOSE.md and ControlNet's draw_bodypose), not from the renderer's code: black canvas; each limb a
 * filled ellipse (centre the limb's middle truncated to a pixel, half-length int(length / 2), half-width
 * 4, turned by int(angle) degrees) in its colour; everything times 0.6; each joint a disc of radius 4 in
 * its colour. OpenCV fills an ellipse's 361-gon, not the true ellipse, so an edge pixel may fall either
 * way: a pixel that differs must match the golden image one pixel away, and few (under 4%) may differ.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  MAX_FIGURES,
  MAX_KEYPOINT_COORDINATE,
  SkeletonSchema,
  type CanvasSize,
  type Skeleton,
} from '../../../src/domain/skeleton';
import { renderSkeletonPng } from '../../../src/images/render-skeleton';
import { STARTER_POSES, starterSkeleton } from '../../../src/skeleton';

/** OPENPOSE.md's 18 colours. */
const COLOURS = [
  'FF0000',
  'FF5500',
  'FFAA00',
  'FFFF00',
  'AAFF00',
  '55FF00',
  '00FF00',
  '00FF55',
  '00FFAA',
  '00FFFF',
  '00AAFF',
  '0055FF',
  '0000FF',
  '5500FF',
  'AA00FF',
  'FF00FF',
  'FF00AA',
  'FF0055',
].map((hex) => [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)));
/** draw_bodypose's limbSeq (1-based there), in drawing order: limb i in colour i. */
const LIMBS = [
  [2, 3],
  [2, 6],
  [3, 4],
  [4, 5],
  [6, 7],
  [7, 8],
  [2, 9],
  [9, 10],
  [10, 11],
  [2, 12],
  [12, 13],
  [13, 14],
  [2, 1],
  [1, 15],
  [15, 17],
  [1, 16],
  [16, 18],
].map(([a, b]) => [(a as number) - 1, (b as number) - 1] as const);

/**
 * OpenCV fills the ellipse's polygon with its outline, rounding each row's ends to the nearest pixel, so
 * a pixel whose centre is within half a pixel outside the ellipse is filled too: the golden ellipse is
 * grown by that half pixel.
 */
const HALF_PIXEL = 0.5;
type Pt = { x: number; y: number } | null;

/** The golden image: RGB, from the rules above, keypoints scaled from the skeleton's canvas to `size`. */
function golden(skeleton: Skeleton, size: CanvasSize): Uint8Array {
  const sx = size.width / skeleton.canvas.width;
  const sy = size.height / skeleton.canvas.height;
  const people: Pt[][] = skeleton.figures.map((f) =>
    f.body.map((p) => (p ? { x: p.x * sx, y: p.y * sy } : null)),
  );
  const img = new Uint8Array(size.width * size.height * 3);
  const paint = (x: number, y: number, c: number[]) => {
    if (x < 0 || y < 0 || x >= size.width || y >= size.height) return;
    img.set(c, (y * size.width + x) * 3);
  };
  LIMBS.forEach(([i, j], limb) => {
    for (const body of people) {
      const a = body[i];
      const b = body[j];
      if (!a || !b) continue;
      const cx = Math.trunc((a.x + b.x) / 2);
      const cy = Math.trunc((a.y + b.y) / 2);
      const half = Math.trunc(Math.hypot(a.x - b.x, a.y - b.y) / 2);
      const turn = (Math.trunc((Math.atan2(a.y - b.y, a.x - b.x) * 180) / Math.PI) * Math.PI) / 180;
      for (let y = cy - half - 5; y <= cy + half + 5; y++) {
        for (let x = cx - half - 5; x <= cx + half + 5; x++) {
          const u = (x - cx) * Math.cos(turn) + (y - cy) * Math.sin(turn);
          const v = -(x - cx) * Math.sin(turn) + (y - cy) * Math.cos(turn);
          if ((u / (half + HALF_PIXEL)) ** 2 + (v / (4 + HALF_PIXEL)) ** 2 <= 1)
            paint(x, y, COLOURS[limb] as number[]);
        }
      }
    }
  });
  for (let i = 0; i < img.length; i++) img[i] = Math.floor((img[i] as number) * 0.6);
  COLOURS.forEach((colour, k) => {
    for (const body of people) {
      const p = body[k];
      if (!p) continue;
      const [px, py] = [Math.trunc(p.x), Math.trunc(p.y)];
      for (let y = py - 4; y <= py + 4; y++)
        for (let x = px - 4; x <= px + 4; x++) if ((x - px) ** 2 + (y - py) ** 2 <= 16) paint(x, y, colour);
    }
  });
  return img;
}

async function rendered(skeleton: Skeleton, size: CanvasSize): Promise<Uint8Array> {
  const { png, width, height } = await renderSkeletonPng(skeleton, size);
  expect([width, height]).toEqual([size.width, size.height]);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return new Uint8Array(data);
}

function compare(actual: Uint8Array, expected: Uint8Array, size: CanvasSize) {
  const at = (img: Uint8Array, x: number, y: number) => {
    const i = (y * size.width + x) * 3;
    return `${img[i]},${img[i + 1]},${img[i + 2]}`;
  };
  let drawn = 0;
  let differ = 0;
  let unexplained = 0;
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < size.width; x++) {
      const want = at(expected, x, y);
      if (want !== '0,0,0') drawn++;
      const got = at(actual, x, y);
      if (got === want) continue;
      differ++;
      // An edge pixel that fell the other way: the golden image has the renderer's colour next door.
      let near = false;
      for (let dy = -1; dy <= 1 && !near; dy++)
        for (let dx = -1; dx <= 1 && !near; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx >= 0 && ny >= 0 && nx < size.width && ny < size.height && at(expected, nx, ny) === got)
            near = true;
        }
      if (!near) unexplained++;
    }
  }
  return { drawn, differ, unexplained };
}

const twoPeople: Skeleton = (() => {
  const a = starterSkeleton(STARTER_POSES.find((p) => p.key === 'star-jump-front')!).figures[0]!;
  const b = starterSkeleton(STARTER_POSES.find((p) => p.key === 'running-side')!).figures[0]!;
  const shift = (f: typeof a, dx: number, k: number) => ({
    body: f.body.map((p) => (p ? { x: p.x * k + dx, y: p.y * k + 10.6 } : null)),
  });
  return { canvas: { width: 1024, height: 512 }, figures: [shift(a, 120.3, 0.62), shift(b, 560.8, 0.62)] };
})();

describe('renderSkeletonPng against golden images from the drawing rules', () => {
  const cases: { name: string; skeleton: Skeleton; size: CanvasSize }[] = [
    { name: 'two people on a 1024x512 sheet', skeleton: twoPeople, size: { width: 1024, height: 512 } },
    { name: 'the same sheet drawn at 640x320', skeleton: twoPeople, size: { width: 640, height: 320 } },
    {
      name: 'a single pose at 512x768',
      skeleton: starterSkeleton(STARTER_POSES.find((p) => p.key === 'walking-side')!),
      size: { width: 512, height: 768 },
    },
  ];
  for (const { name, skeleton, size } of cases) {
    it(name, async () => {
      const actual = await rendered(skeleton, size);
      const expected = golden(skeleton, size);
      const { drawn, differ, unexplained } = compare(actual, expected, size);
      console.log(`${name}: ${differ} of ${drawn} drawn pixels differ from the golden image (edges)`);
      expect(drawn).toBeGreaterThan(1000);
      expect(unexplained).toBe(0);
      expect(differ / drawn).toBeLessThan(0.04);
    });
  }

  it('draws joints in full colour over limbs dimmed to 0.6, on black', async () => {
    const size = { width: 1024, height: 512 };
    const actual = await rendered(twoPeople, size);
    const pixel = (x: number, y: number) => [
      ...actual.slice((y * size.width + x) * 3, (y * size.width + x) * 3 + 3),
    ];
    const body = twoPeople.figures[0]!.body;
    body.forEach((p, k) => {
      if (p) expect(pixel(Math.trunc(p.x), Math.trunc(p.y)), `joint ${k}`).toEqual(COLOURS[k]);
    });
    // The middle of the neck-to-right-hip limb (limb 6, 00FF00) is 0.6 of its colour.
    const [neck, hip] = [body[1]!, body[8]!];
    expect(pixel(Math.trunc((neck.x + hip.x) / 2), Math.trunc((neck.y + hip.y) / 2))).toEqual([0, 153, 0]);
    expect(pixel(0, 0)).toEqual([0, 0, 0]);
  });

  it('draws hands (edges in hue i/20, blue joints) and face points (white, radius 3) over the body', async () => {
    const body = Array.from({ length: 18 }, () => null);
    // A hand whose fingers fan out from the wrist at (60, 100): finger f, joint k.
    const hand = Array.from({ length: 21 }, (_, i) => {
      if (i === 0) return { x: 60, y: 100 };
      const [f, k] = [Math.floor((i - 1) / 4), (i - 1) % 4];
      return { x: 60 + 30 * (k + 1), y: 100 + 24 * (f - 2) };
    });
    const face = [{ x: 20, y: 20 }, null, { x: 200, y: 20 }];
    const skeleton: Skeleton = {
      canvas: { width: 240, height: 180 },
      figures: [{ body, leftHand: hand, face }],
    };
    const size = skeleton.canvas;
    const img = await rendered(skeleton, size);
    const pixel = (x: number, y: number) => [
      ...img.slice((y * size.width + x) * 3, (y * size.width + x) * 3 + 3),
    ];
    for (const p of hand) expect(pixel(p.x, p.y)).toEqual([0, 0, 255]);
    // Edge 1 (joints 1 to 2, the thumb) is hue 1/20: FF4D00; its middle is 15 px from either joint.
    expect(pixel(105, 52)).toEqual([255, 77, 0]);
    // Face points: white discs of radius 3, not 4; a missing one is not drawn.
    expect(pixel(23, 20)).toEqual([255, 255, 255]);
    expect(pixel(24, 20)).toEqual([0, 0, 0]);
    expect(pixel(200, 17)).toEqual([255, 255, 255]);
  });

  // A hostile or damaged pose once froze the app: the rasteriser walked every pixel of a limb, so a point
  // a billion pixels away took minutes. Lines are clipped to the canvas before they are walked now, and
  // the schema bounds how far off the canvas a point may lie. This test's own 5 s limit is the check
  // that the worst the schema allows (64 figures, every limb and hand edge reaching its bound, drawn 8x larger) is quick.
  it('draws figures reaching far past the canvas only where they cross it, without walking the rest', async () => {
    const far = MAX_KEYPOINT_COORDINATE;
    const body = [
      { x: 16, y: -far }, // nose, far above
      { x: 16, y: 16 }, // neck
      { x: far, y: 16 }, // right shoulder, far to the right
      { x: -far, y: far }, // right elbow, far down and left
      ...Array.from({ length: 14 }, (_, i) => ({ x: i % 2 ? far : -far, y: i % 3 ? -far : far })),
    ];
    const hand = Array.from({ length: 21 }, (_, i) => ({ x: i % 2 ? far : 5, y: i % 3 ? -far : 8 }));
    const skeleton: Skeleton = {
      canvas: { width: 32, height: 32 },
      figures: Array.from({ length: MAX_FIGURES }, () => ({ body, leftHand: hand, rightHand: hand })),
    };
    expect(SkeletonSchema.safeParse(skeleton).success).toBe(true);
    // Drawn eight times larger than its canvas, as a sheet is drawn at the size a model wants: the
    // points are then eight times further off.
    const size = { width: 256, height: 256 };
    const img = await rendered(skeleton, size);
    const pixel = (x: number, y: number) => [
      ...img.slice((y * size.width + x) * 3, (y * size.width + x) * 3 + 3),
    ];
    // Limb 0 (neck to right shoulder, FF0000) runs along row 128 (16 x 8) to the right edge, dimmed to 0.6.
    expect(pixel(200, 128)).toEqual([153, 0, 0]);
    expect(pixel(255, 128)).toEqual([153, 0, 0]);
    // And a point further than the bound is refused before anything is drawn.
    const beyond = {
      ...skeleton,
      figures: [{ body: body.map((p, i) => (i === 2 ? { x: far + 1, y: 0 } : p)) }],
    };
    expect(SkeletonSchema.safeParse(beyond).success).toBe(false);
  });
});
