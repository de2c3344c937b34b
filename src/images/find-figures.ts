import sharp from 'sharp';
import type { Box } from '../domain/pose';
import { connectedComponents, dilate, type BinaryMask, type Component } from './binary-mask';
import { decodeOptions } from './decode-policy';
import { contrastingBackground } from './flatten-background';
import { rejectingUnreadable } from './image-rejection';
import { sortInReadingOrder } from './reading-order';

export interface FindFiguresOptions {
  /** The longest side the sheet is analysed at. Boxes are accurate to about sheet/analysisSize pixels. */
  analysisSize?: number;
}

/**
 * Finds the figures in a pose sheet (OpenPose skeletons on black, dark figures on white, or anything
 * drawn on a plain background) and returns their boxes in the sheet's pixels (EXIF orientation
 * applied, as normaliseForUpload sends it), in reading order.
 *
 * How, in steps that each say why:
 * 1. Shrink the sheet so its longest side is `analysisSize`: the layout does not need full resolution
 *    and the components pass is linear in pixels.
 * 2. Estimate the background from the border (the median colour of a thin frame): sheets are black,
 *    white or anything else, and figures rarely cover the border.
 * 3. Foreground = differs from the background by more than the border's own noise (JPEG ringing,
 *    paper texture) plus a margin.
 * 4. Connected components twice. First with no real dilation, to learn how tall a figure is. Then with
 *    a dilation proportional to that height (1%), so lines broken by downscaling or JPEG become one
 *    component, without a fixed radius that would merge small, tightly packed figures or fail to join
 *    large ones. Only 1%: at 2.5% two figures drawn less than about 5% of a figure's height apart (thick
 *    silhouettes in a row of five or eight) merged into one; the wider gaps inside one skeleton (a head
 *    whose neck OpenPose missed) are step 5's job, which judges each piece by its size.
 *    (test/unit/images/figure-detection-iou.test.ts measures every layout against the true boxes.)
 * 5. Small pieces left over (a floating head, a hand) join the nearest figure when they are close to it;
 *    boxes that mostly overlap are merged; what remains that is tiny is dropped as a speck.
 */
export async function findFigures(bytes: Uint8Array, options: FindFiguresOptions = {}): Promise<Box[]> {
  return rejectingUnreadable('The pose sheet', () => find(bytes, options));
}

async function find(bytes: Uint8Array, options: FindFiguresOptions): Promise<Box[]> {
  const analysisSize = options.analysisSize ?? 768;
  const meta = await sharp(bytes, decodeOptions(0)).metadata();
  const sheetWidth = meta.autoOrient.width;
  const sheetHeight = meta.autoOrient.height;

  let pipeline = sharp(bytes, { ...decodeOptions(), pages: 1, autoOrient: true });
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: await contrastingBackground(bytes) });
  const { data, info } = await pipeline
    .resize({ width: analysisSize, height: analysisSize, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });

  const mask = foregroundMask(data, info.width, info.height, info.channels);
  const components = groupFigures(mask);
  const scaleX = sheetWidth / info.width;
  const scaleY = sheetHeight / info.height;
  const boxes = components.map((c): Box => {
    const x = Math.max(0, Math.floor(c.x0 * scaleX));
    const y = Math.max(0, Math.floor(c.y0 * scaleY));
    const right = Math.min(sheetWidth, Math.ceil((c.x1 + 1) * scaleX));
    const bottom = Math.min(sheetHeight, Math.ceil((c.y1 + 1) * scaleY));
    return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
  });
  return sortInReadingOrder(boxes);
}

/** Steps 2 and 3: background from the border, then a threshold above the border's noise. */
export function foregroundMask(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): BinaryMask {
  const band = Math.max(1, Math.round(Math.min(width, height) * 0.015));
  const border: number[] = [];
  for (let y = 0; y < height; y++) {
    const inBandY = y < band || y >= height - band;
    for (let x = 0; x < width; x++) {
      if (inBandY || x < band || x >= width - band) border.push((y * width + x) * channels);
    }
  }
  const background = [0, 1, 2].map((c) => median(border.map((i) => data[i + c] ?? 0)));
  const distance = (i: number): number =>
    Math.max(
      Math.abs((data[i] ?? 0) - (background[0] ?? 0)),
      Math.abs((data[i + 1] ?? 0) - (background[1] ?? 0)),
      Math.abs((data[i + 2] ?? 0) - (background[2] ?? 0)),
    );
  // The 95th percentile, not the maximum: a figure touching the edge must not raise the bar for all.
  const noise = percentile(border.map(distance), 0.95);
  const threshold = Math.min(96, Math.max(32, noise + 24));
  const cells = new Uint8Array(width * height);
  for (let p = 0; p < cells.length; p++) cells[p] = distance(p * channels) > threshold ? 1 : 0;
  return { width, height, cells };
}

/** Steps 4 and 5. */
function groupFigures(mask: BinaryMask): Component[] {
  const pieces = connectedComponents(dilate(mask, 1), mask);
  if (pieces.length === 0) return [];
  const figureHeight = Math.max(...pieces.map(heightOf));
  const radius = Math.max(1, Math.round(figureHeight * 0.01));
  let groups = connectedComponents(dilate(mask, radius), mask);

  const tallest = Math.max(...groups.map(heightOf));
  groups = attachSatellites(groups, tallest);
  groups = mergeOverlapping(groups);
  const largestArea = Math.max(...groups.map((g) => g.area));
  return groups.filter(
    (g) =>
      Math.max(heightOf(g), widthOf(g)) >= Math.max(4, tallest * 0.2) &&
      g.area >= Math.max(8, largestArea * 0.01),
  );
}

const heightOf = (c: Component): number => c.y1 - c.y0 + 1;
const widthOf = (c: Component): number => c.x1 - c.x0 + 1;

function union(a: Component, b: Component): Component {
  return {
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
    area: a.area + b.area,
  };
}

/** Gap between two boxes (0 when they touch or overlap), in cells, along the larger axis. */
function gapBetween(a: Component, b: Component): number {
  const dx = Math.max(0, a.x0 - b.x1 - 1, b.x0 - a.x1 - 1);
  const dy = Math.max(0, a.y0 - b.y1 - 1, b.y0 - a.y1 - 1);
  return Math.max(dx, dy);
}

/**
 * A piece much smaller than a figure (under a third of the tallest figure's height) joins the nearest
 * figure when it is close to it: within 15% of that figure's height when it is substantial (at least
 * 1% of the figure's ink: a head whose neck OpenPose missed, a forearm past a missed elbow), within 5%
 * when it is a mere dot (a lone wrist joint). Anything else stays alone and is judged as a speck later.
 */
function attachSatellites(groups: Component[], tallest: number): Component[] {
  const isFigure = (c: Component) => heightOf(c) >= tallest / 3 || widthOf(c) >= tallest / 3;
  const figures = groups.filter(isFigure);
  const rest: Component[] = [];
  for (const piece of groups.filter((c) => !isFigure(c))) {
    let best = -1;
    let bestGap = Infinity;
    figures.forEach((figure, i) => {
      const reach = heightOf(figure) * (piece.area >= figure.area * 0.01 ? 0.15 : 0.05);
      const gap = gapBetween(piece, figure);
      if (gap <= reach && gap < bestGap) {
        best = i;
        bestGap = gap;
      }
    });
    const target = figures[best];
    if (target) figures[best] = union(target, piece);
    else rest.push(piece);
  }
  return [...figures, ...rest];
}

/** Boxes that share at least half of the smaller one's area are one figure (an arm across a body). */
function mergeOverlapping(groups: Component[]): Component[] {
  const boxes = [...groups];
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i] as Component;
        const b = boxes[j] as Component;
        const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 1;
        const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
        if (w <= 0 || h <= 0) continue;
        const smaller = Math.min(widthOf(a) * heightOf(a), widthOf(b) * heightOf(b));
        if (w * h >= smaller * 0.5) {
          boxes[i] = union(a, b);
          boxes.splice(j, 1);
          merged = true;
          break outer;
        }
      }
    }
  }
  return boxes;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
