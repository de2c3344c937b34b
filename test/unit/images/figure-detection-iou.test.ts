/**
 * How well findFigures frames every figure, measured as intersection over union against the true box,
 * on sheets drawn here: 1 to 8 figures in rows, grids and unevenly spaced rows, as OpenPose skeletons on
 * black (some with the head floating free, as OpenPose draws a missed neck) and as silhouettes on white.
 * The bar is IoU >= 0.9 for every figure of every sheet; the minimum per layout is printed for the record.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/domain/pose';
import { findFigures } from '../../../src/images';
import {
  figuresInCells,
  gridCells,
  makeOpenPoseSheet,
  makeSilhouetteSheet,
  unevenRowCells,
  type FigureSpec,
  type PoseSheet,
} from '../../fixtures-gen/pose-sheets';
import { iou, matchBoxes } from './iou';

interface Layout {
  name: string;
  width: number;
  height: number;
  specs: FigureSpec[];
}

const row = (count: number, width: number, height: number): Layout => ({
  name: `row of ${count}`,
  width,
  height,
  specs: figuresInCells(gridCells(count, 1, width, height)),
});

const grid = (cols: number, rows: number, count: number, width: number, height: number): Layout => ({
  name: `grid ${cols}x${rows} with ${count}`,
  width,
  height,
  specs: figuresInCells(gridCells(cols, rows, width, height, count), { firstPose: 1 }),
});

/** Figures of one height placed by hand: gaps of 5%, 30%, 12% and 60% of the figure's height. */
function handPlaced(width: number, height: number): Layout {
  const figureHeight = height * 0.7;
  const poses = ['standing', 'armsUp', 'walking', 'kicking', 'armsOut'] as const;
  // Half-widths (left, right) of each pose in units of its height, from POSES.
  const reach: Record<(typeof poses)[number], [number, number]> = {
    standing: [0.14, 0.14],
    armsUp: [0.22, 0.22],
    walking: [0.22, 0.22],
    kicking: [0.17, 0.4],
    armsOut: [0.3, 0.3],
  };
  const gaps = [0.05, 0.3, 0.12, 0.6];
  const specs: FigureSpec[] = [];
  let x = width * 0.04;
  poses.forEach((pose, i) => {
    const [left, right] = reach[pose];
    const centreX = x + left * figureHeight;
    specs.push({ pose, centreX, top: height * 0.15, height: figureHeight });
    x = centreX + right * figureHeight + (gaps[i] ?? 0) * figureHeight;
  });
  return { name: 'hand-placed, uneven gaps', width: Math.ceil(x + width * 0.02), height, specs };
}

const LAYOUTS: Layout[] = [
  { name: 'single figure', width: 768, height: 1024, specs: figuresInCells(gridCells(1, 1, 768, 1024)) },
  row(2, 1024, 768),
  row(3, 1536, 768),
  row(4, 1600, 800),
  row(5, 2048, 1024),
  row(6, 2048, 768),
  row(7, 2048, 640),
  row(8, 2048, 640),
  grid(2, 2, 4, 1024, 1024),
  grid(3, 2, 5, 1536, 1024),
  grid(3, 2, 6, 1536, 1024),
  grid(4, 2, 7, 2048, 1024),
  grid(4, 2, 8, 2048, 1024),
  grid(3, 3, 8, 1536, 1536),
  {
    name: 'uneven row, mixed sizes',
    width: 2048,
    height: 1024,
    specs: figuresInCells(unevenRowCells([1, 1.7, 0.8, 1.3, 0.9], [0.85, 0.6, 0.9, 0.5, 0.75], 2048, 1024)),
  },
  {
    name: 'uneven grid, two rows of 3 and 4',
    width: 2048,
    height: 1280,
    specs: [
      ...figuresInCells(unevenRowCells([1, 2, 1.2], [0.45], 2048, 640)),
      ...figuresInCells(unevenRowCells([1.4, 0.8, 1, 1.1], [0.4], 2048, 640), { firstPose: 2 }).map((s) => ({
        ...s,
        top: s.top + 640,
      })),
    ],
  },
  handPlaced(2048, 1024),
];

/** IoU of every true figure with the found box matched to it (0 when none is). */
async function measure(
  sheet: PoseSheet,
  bytes: Buffer = sheet.png,
): Promise<{ found: Box[]; ious: number[] }> {
  const found = await findFigures(bytes);
  const matched = matchBoxes(sheet.figures, found);
  return { found, ious: sheet.figures.map((t, i) => (matched[i] ? iou(t, matched[i]) : 0)) };
}

const minimums: string[] = [];

function record(kind: string, layout: Layout, ious: number[]): void {
  minimums.push(`${kind.padEnd(10)} ${layout.name.padEnd(34)} min IoU ${Math.min(...ious).toFixed(3)}`);
}

describe('findFigures frames every figure with IoU >= 0.9', () => {
  for (const layout of LAYOUTS) {
    it(`OpenPose skeletons: ${layout.name}`, async () => {
      // Every other figure's head floats free (no neck limb), as OpenPose draws a missed neck.
      const specs = layout.specs.map((s, i) => ({ ...s, detachedHead: i % 2 === 1 }));
      const sheet = await makeOpenPoseSheet(layout.width, layout.height, specs);
      const { found, ious } = await measure(sheet);
      record('openpose', layout, ious);
      expect(found).toHaveLength(sheet.figures.length);
      for (const [i, value] of ious.entries()) expect(value, `figure ${i}`).toBeGreaterThanOrEqual(0.9);
    });

    it(`silhouettes on white: ${layout.name}`, async () => {
      const sheet = await makeSilhouetteSheet(layout.width, layout.height, layout.specs);
      const { found, ious } = await measure(sheet);
      record('silhouette', layout, ious);
      expect(found).toHaveLength(sheet.figures.length);
      for (const [i, value] of ious.entries()) expect(value, `figure ${i}`).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('JPEG-compressed skeleton sheets (ringing around the lines) still frame every figure', async () => {
    for (const layout of [row(8, 2048, 640), grid(3, 3, 8, 1536, 1536), handPlaced(2048, 1024)]) {
      const sheet = await makeOpenPoseSheet(layout.width, layout.height, layout.specs);
      const jpeg = await sharp(sheet.png).jpeg({ quality: 70 }).toBuffer();
      const { found, ious } = await measure(sheet, jpeg);
      record('jpeg q70', layout, ious);
      expect(found).toHaveLength(sheet.figures.length);
      for (const [i, value] of ious.entries()) expect(value, `figure ${i}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('prints the minimum IoU per layout', () => {
    console.log(`findFigures, minimum IoU per layout:\n${minimums.join('\n')}`);
    expect(minimums.length).toBeGreaterThan(0);
  });
});
