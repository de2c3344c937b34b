/**
 * The scale issue made an import decode each file once and find figures in those pixels, with a faster
 * mask and components pass. These tests hold the faster code to the definitions it replaced, written
 * here plainly: the same boxes, in the same order, from the same sheets.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  FIGURE_ANALYSIS_SIZE,
  findFigures,
  findFiguresInPixels,
  inspectAndDecode,
  makeThumbnail,
} from '../../../src/images';
import {
  RunsBuilder,
  componentsWithin,
  type Component,
  type MaskRuns,
} from '../../../src/images/binary-mask';
import { foregroundRuns } from '../../../src/images/find-figures';
import { decodeForUpload } from '../../../src/images/normalise-for-upload';
import { seededRandom } from '../../fixtures-gen/bench-images';
import {
  figuresInCells,
  gridCells,
  makeOpenPoseSheet,
  makeSilhouetteSheet,
  rowOfFigures,
} from '../../fixtures-gen/pose-sheets';
import { useTempDir } from './temp-dir';

const dir = useTempDir();

// -- the definitions, written plainly ----------------------------------------------------------------

/** A width x height grid of 0/1 cells, row-major. */
interface BinaryMask {
  width: number;
  height: number;
  cells: Uint8Array;
}

/** The mask's runs of set cells, cell by cell. */
function runsOf({ width, height, cells }: BinaryMask): MaskRuns {
  const runs = new RunsBuilder(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!cells[y * width + x]) continue;
      const start = x;
      while (x + 1 < width && cells[y * width + x + 1]) x++;
      runs.add(y, start, x);
    }
  }
  return runs.finish();
}

/** Every set cell grown into a (2 radius + 1) square, clipped to the grid. */
function dilateByDefinition(mask: BinaryMask, radius: number): BinaryMask {
  const { width, height, cells } = mask;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!cells[y * width + x]) continue;
      for (let yy = Math.max(0, y - radius); yy <= Math.min(height - 1, y + radius); yy++)
        for (let xx = Math.max(0, x - radius); xx <= Math.min(width - 1, x + radius); xx++)
          out[yy * width + xx] = 1;
    }
  }
  return { width, height, cells: out };
}

/** 8-connected flood fill of `grouping` from each unlabelled cell in row-major order; bounds from `exact`. */
function labelByDefinition(grouping: BinaryMask, exact: BinaryMask): Component[] {
  const { width, height, cells } = grouping;
  const labels = new Int32Array(width * height).fill(-1);
  const components: Component[] = [];
  for (let seed = 0; seed < cells.length; seed++) {
    if (!cells[seed] || labels[seed] !== -1) continue;
    const c: Component = { x0: width, y0: height, x1: -1, y1: -1, area: 0 };
    const stack = [seed];
    labels[seed] = components.length;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const x = i % width;
      const y = (i - x) / width;
      if (exact.cells[i]) {
        c.area++;
        c.x0 = Math.min(c.x0, x);
        c.x1 = Math.max(c.x1, x);
        c.y0 = Math.min(c.y0, y);
        c.y1 = Math.max(c.y1, y);
      }
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const n = ny * width + nx;
          if (cells[n] && labels[n] === -1) {
            labels[n] = components.length;
            stack.push(n);
          }
        }
    }
    components.push(c);
  }
  return components.filter((c) => c.area > 0);
}

/** Background = per-channel median of a frame 1.5% wide; threshold = 95th percentile of its distances + 24. */
function maskByDefinition(data: Uint8Array, width: number, height: number, channels: number): BinaryMask {
  const band = Math.max(1, Math.round(Math.min(width, height) * 0.015));
  const frame: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (y < band || y >= height - band || x < band || x >= width - band)
        frame.push((y * width + x) * channels);
  const at = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  };
  const background = [0, 1, 2].map((c) =>
    at(
      frame.map((i) => data[i + c] ?? 0),
      0.5,
    ),
  );
  const distance = (i: number) =>
    Math.max(...[0, 1, 2].map((c) => Math.abs((data[i + c] ?? 0) - (background[c] ?? 0))));
  const threshold = Math.min(96, Math.max(32, at(frame.map(distance), 0.95) + 24));
  const cells = new Uint8Array(width * height).map((_, p) => (distance(p * channels) > threshold ? 1 : 0));
  return { width, height, cells };
}

function randomMask(random: () => number): BinaryMask {
  const width = 1 + Math.floor(random() * 90);
  const height = 1 + Math.floor(random() * 70);
  const density = random() * 0.5;
  const cells = new Uint8Array(width * height).map(() => (random() < density ? 1 : 0));
  return { width, height, cells };
}

describe('componentsWithin', () => {
  it('finds the components of the dilated mask, measured on the mask, in the order of their first cell', () => {
    const random = seededRandom(2024);
    for (let trial = 0; trial < 300; trial++) {
      const mask = randomMask(random);
      const runs = runsOf(mask);
      for (const radius of [0, 1, 2, 3, 7, 40]) {
        expect(componentsWithin(runs, radius), `trial ${trial}, radius ${radius}`).toEqual(
          labelByDefinition(dilateByDefinition(mask, radius), mask),
        );
      }
    }
  });
});

describe('foregroundRuns', () => {
  it('marks the cells that differ from the frame’s median colour by more than its noise', () => {
    const random = seededRandom(99);
    for (let trial = 0; trial < 60; trial++) {
      const width = 4 + Math.floor(random() * 60);
      const height = 4 + Math.floor(random() * 40);
      const background = [0, 1, 2].map(() => Math.floor(random() * 256));
      // Mostly exact background (the fast path), with noise and strokes.
      const data = new Uint8Array(width * height * 3).map((_, i) => {
        const base = background[i % 3] ?? 0;
        const r = random();
        if (r < 0.7) return base;
        if (r < 0.9) return Math.max(0, Math.min(255, base + Math.round((random() - 0.5) * 40)));
        return Math.floor(random() * 256);
      });
      expect(foregroundRuns(data, width, height, 3)).toEqual(
        runsOf(maskByDefinition(data, width, height, 3)),
      );
      // Four channels take the plain path: the same cells.
      const rgba = new Uint8Array(width * height * 4).map((_, i) =>
        i % 4 === 3 ? 255 : (data[(i >> 2) * 3 + (i % 4)] ?? 0),
      );
      expect(foregroundRuns(rgba, width, height, 4)).toEqual(
        runsOf(maskByDefinition(rgba, width, height, 4)),
      );
    }
  });
});

describe('findFiguresInPixels', () => {
  const sheets = async () => [
    await makeOpenPoseSheet(1024, 512, rowOfFigures(5, 1024, 512, { detachedHeads: true })),
    await makeOpenPoseSheet(2048, 1024, rowOfFigures(4, 2048, 1024)),
    await makeOpenPoseSheet(3000, 1000, rowOfFigures(6, 3000, 1000)),
    await makeOpenPoseSheet(900, 900, figuresInCells(gridCells(3, 2, 900, 900))),
    await makeSilhouetteSheet(1600, 900, rowOfFigures(4, 1600, 900)),
    await makeOpenPoseSheet(600, 400, rowOfFigures(2, 600, 400)),
  ];

  it('gives findFigures’ boxes from the pixels an import decodes, for PNG, JPEG, WebP and transparency', async () => {
    for (const sheet of await sheets()) {
      const variants: [string, Buffer][] = [
        ['png', sheet.png],
        ['jpeg', await sharp(sheet.png).jpeg({ quality: 80 }).toBuffer()],
        ['webp', await sharp(sheet.png).webp({ quality: 80 }).toBuffer()],
        ['transparent', await sharp(sheet.png).ensureAlpha(0.8).png().toBuffer()],
      ];
      for (const [kind, bytes] of variants) {
        const { facts, pixels } = await inspectAndDecode(bytes, { decodeSide: FIGURE_ANALYSIS_SIZE });
        expect(Math.max(pixels.info.width, pixels.info.height)).toBeLessThanOrEqual(FIGURE_ANALYSIS_SIZE);
        const expected = await findFigures(bytes);
        expect(expected.length, `${sheet.width}x${sheet.height} ${kind}`).toBeGreaterThan(0);
        expect(await findFiguresInPixels(pixels, facts), `${sheet.width}x${sheet.height} ${kind}`).toEqual(
          expected,
        );
      }
    }
  });

  it('shrinks larger pixels to the analysis size first, as findFigures does', async () => {
    const sheet = await makeOpenPoseSheet(1536, 768, rowOfFigures(3, 1536, 768));
    const pixels = await decodeForUpload(sheet.png); // 1536 px: larger than the analysis size
    expect(await findFiguresInPixels(pixels, { width: 1536, height: 768 })).toEqual(
      await findFigures(sheet.png),
    );
  });
});

describe('makeThumbnail from decoded pixels', () => {
  it('makes the thumbnail from pixels without decoding a file', async () => {
    const sheet = await makeOpenPoseSheet(1024, 512, rowOfFigures(3, 1024, 512));
    const { pixels } = await inspectAndDecode(sheet.png, { decodeSide: FIGURE_ANALYSIS_SIZE });
    const out = `${dir.path}/from-pixels.webp`;
    const thumb = await makeThumbnail(pixels, { size: 640, out });
    expect([thumb.width, thumb.height]).toEqual([640, 320]);
    expect((await sharp(out).metadata()).format).toBe('webp');
  });
});
