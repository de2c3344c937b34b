import sharp, { type Sharp } from 'sharp';
import type { Box } from '../domain/pose';
import { RunsBuilder, componentsWithin, type Component, type MaskRuns } from './binary-mask';
import { decodeOptions } from './decode-policy';
import { contrastingBackground } from './flatten-background';
import { rejectingUnreadable } from './image-rejection';
import type { DecodedPixels } from './normalise-for-upload';
import { sortInReadingOrder } from './reading-order';

/**
 * The longest side a sheet is analysed at unless told otherwise. The same as the grid's thumbnail
 * (GRID_THUMB_SIZE), so an import decodes each file once, at this size, for its check, its figures and
 * its thumbnail, which is then only encoded: at 768 the thumbnail needed a second resize, and an import
 * cost 26 CPU ms a file against 21 now (test/bench/import.ts). The boxes lose little: the worst layout
 * of figure-detection-iou.test.ts went from IoU 0.967 to 0.953, every other stays above 0.97, and the
 * cut's padding still holds every figure whole.
 */
export const FIGURE_ANALYSIS_SIZE = 640;

export interface FindFiguresOptions {
  /**
   * The longest side the sheet is analysed at (default FIGURE_ANALYSIS_SIZE). Boxes are accurate to
   * about sheet/analysisSize pixels.
   */
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

/**
 * findFigures on pixels already decoded (an import's check decodes each file once, as the upload does:
 * decodeForUpload), showing a sheet of `sheet` pixels (EXIF orientation applied). Pixels no larger than
 * the analysis size, in sRGB without alpha (what decodeForUpload gives when asked for that size), are
 * analysed as they are: the very pixels findFigures would make from the file, so the same boxes.
 * Larger ones are shrunk first (step 1), as findFigures does.
 */
export async function findFiguresInPixels(
  pixels: DecodedPixels,
  sheet: { width: number; height: number },
  options: FindFiguresOptions = {},
): Promise<Box[]> {
  return rejectingUnreadable('The pose sheet', async () => {
    const { width, height, channels } = pixels.info;
    const analysisSize = options.analysisSize ?? FIGURE_ANALYSIS_SIZE;
    if (Math.max(width, height) <= analysisSize && channels === 3)
      return boxesIn(pixels.data, pixels.info, sheet.width, sheet.height);
    const analysed = await analysisPipeline(
      sharp(pixels.data, { raw: { width, height, channels } }),
      analysisSize,
    ).toBuffer({ resolveWithObject: true });
    return boxesIn(analysed.data, analysed.info, sheet.width, sheet.height);
  });
}

async function find(bytes: Uint8Array, options: FindFiguresOptions): Promise<Box[]> {
  const meta = await sharp(bytes, decodeOptions(0)).metadata();
  let pipeline = sharp(bytes, { ...decodeOptions(), pages: 1, autoOrient: true });
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: await contrastingBackground(bytes) });
  const { data, info } = await analysisPipeline(pipeline, options.analysisSize).toBuffer({
    resolveWithObject: true,
  });
  return boxesIn(data, info, meta.autoOrient.width, meta.autoOrient.height);
}

/** Step 1: the sheet shrunk to `analysisSize` (longest side), as sRGB without alpha. */
const analysisPipeline = (pipeline: Sharp, analysisSize = FIGURE_ANALYSIS_SIZE): Sharp =>
  pipeline
    .resize({ width: analysisSize, height: analysisSize, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw();

/** Steps 2 to 5 on the analysis pixels, the boxes scaled back to the sheet's pixels in reading order. */
function boxesIn(
  data: Uint8Array,
  info: { width: number; height: number; channels: number },
  sheetWidth: number,
  sheetHeight: number,
): Box[] {
  const components = groupFigures(foregroundRuns(data, info.width, info.height, info.channels));
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

/**
 * Steps 2 and 3: background from the border, then a threshold above the border's noise; the foreground
 * as runs of cells, row by row (what steps 4 and 5 work on; no grid of cells is made). Channel values and
 * distances are whole numbers from 0 to 255, so medians and percentiles come from histograms, and the
 * test per pixel is three table look-ups (is this value of this channel far from the background?),
 * skipped where four pixels in a row are exactly the background.
 */
export function foregroundRuns(data: Uint8Array, width: number, height: number, channels: number): MaskRuns {
  const band = Math.max(1, Math.round(Math.min(width, height) * 0.015));
  // The frame: whole rows at the top and bottom, `band` cells at each end of the rows between.
  const border = new Int32Array(Math.min(width * height, 2 * band * (width + height)));
  let framed = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (y < band || y >= height - band) {
      for (let x = 0; x < width; x++) border[framed++] = (row + x) * channels;
      continue;
    }
    for (let x = 0; x < Math.min(band, width); x++) border[framed++] = (row + x) * channels;
    for (let x = Math.max(band, width - band); x < width; x++) border[framed++] = (row + x) * channels;
  }
  // Histograms of the frame's channel values, then of their distances from the background.
  const values = new Uint32Array(768);
  for (let k = 0; k < framed; k++) {
    const i = border[k] as number;
    for (let c = 0; c < 3; c++) {
      const v = 256 * c + (data[i + c] ?? 0);
      values[v] = (values[v] as number) + 1;
    }
  }
  const background = [0, 1, 2].map((c) => median(values.subarray(256 * c, 256 * c + 256)));
  const b0 = background[0] ?? 0;
  const b1 = background[1] ?? 0;
  const b2 = background[2] ?? 0;
  const distance = (i: number): number =>
    Math.max(
      Math.abs((data[i] ?? 0) - b0),
      Math.abs((data[i + 1] ?? 0) - b1),
      Math.abs((data[i + 2] ?? 0) - b2),
    );
  const distances = new Uint32Array(256);
  for (let k = 0; k < framed; k++) {
    const d = distance(border[k] as number);
    distances[d] = (distances[d] as number) + 1;
  }
  // The 95th percentile, not the maximum: a figure touching the edge must not raise the bar for all.
  const noise = percentile(distances, 0.95);
  const threshold = Math.min(96, Math.max(32, noise + 24));

  // far[256 c + v]: 1 when value v of channel c differs from the background's by more than the threshold.
  const far = new Uint8Array(768);
  for (let v = 0; v < 256; v++) {
    for (let c = 0; c < 3; c++) far[256 * c + v] = Math.abs(v - (background[c] ?? 0)) > threshold ? 1 : 0;
  }
  const fast = channels === 3 && data.byteOffset % 4 === 0 && data.length >= width * height * 3;
  // Most of a sheet is its background, exactly. With 3 channels four pixels are three whole 32-bit
  // words: when they equal four background pixels, the four are passed over without a look-up.
  const pattern = new Uint8Array(12).map((_, k) => background[k % 3] ?? 0);
  const [w0, w1, w2] = new Uint32Array(pattern.buffer);
  const words = fast
    ? new Uint32Array(data.buffer, data.byteOffset, Math.floor((width * height) / 4) * 3)
    : null;

  const runs = new RunsBuilder(width, height);
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    const rowEnd = rowStart + width;
    let runStart = -1;
    for (let p = rowStart; p < rowEnd;) {
      if (words && (p & 3) === 0 && p + 4 <= rowEnd) {
        const w = (p >> 2) * 3;
        if (words[w] === w0 && words[w + 1] === w1 && words[w + 2] === w2) {
          if (runStart >= 0) runs.add(y, runStart - rowStart, p - 1 - rowStart);
          runStart = -1;
          p += 4;
          continue;
        }
      }
      const i = p * channels;
      const on = fast
        ? ((far[data[i] as number] as number) |
            (far[256 + (data[i + 1] as number)] as number) |
            (far[512 + (data[i + 2] as number)] as number)) !==
          0
        : distance(i) > threshold;
      if (on) {
        if (runStart < 0) runStart = p;
      } else if (runStart >= 0) {
        runs.add(y, runStart - rowStart, p - 1 - rowStart);
        runStart = -1;
      }
      p++;
    }
    if (runStart >= 0) runs.add(y, runStart - rowStart, rowEnd - 1 - rowStart);
  }
  return runs.finish();
}

/** Steps 4 and 5. */
function groupFigures(runs: MaskRuns): Component[] {
  const pieces = componentsWithin(runs, 1);
  if (pieces.length === 0) return [];
  const figureHeight = pieces.reduce((tallest, c) => Math.max(tallest, heightOf(c)), -Infinity);
  const radius = Math.max(1, Math.round(figureHeight * 0.01));
  let groups = componentsWithin(runs, radius);

  const tallest = groups.reduce((most, c) => Math.max(most, heightOf(c)), -Infinity);
  groups = attachSatellites(groups, tallest);
  groups = mergeOverlapping(groups);
  const largestArea = groups.reduce((most, g) => Math.max(most, g.area), -Infinity);
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

/** The median of the values counted in `histogram` (counts[v]: how many are v). */
function median(histogram: Uint32Array): number {
  return percentile(histogram, 0.5);
}

/** The value at index floor(p * n) of the n values sorted (the last one at most), or 0 for none. */
function percentile(histogram: Uint32Array, p: number): number {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  const rank = Math.min(total - 1, Math.floor(p * total));
  let below = 0;
  for (let v = 0; v < histogram.length; v++) {
    below += histogram[v] ?? 0;
    if (below > rank) return v;
  }
  return 0;
}
