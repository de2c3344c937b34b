import sharp, { type OverlayOptions } from 'sharp';
import { AppError } from '../domain/errors';
import { defaultImageConcurrency, mapWithConcurrency } from './concurrency';
import { decodeOptions } from './decode-policy';
import { escapeXml, fitText } from './svg-text';

export interface ContactSheetItem {
  /**
   * A path, the image bytes, or a function that reads them when the image's turn comes (so a sheet of
   * 500 results holds only a few in memory at once, and the caller chooses how files are read).
   */
  file: string | Uint8Array | (() => Promise<Uint8Array>);
  caption: string;
}

export interface ContactSheetOptions {
  columns?: number;
  /** Each image is fitted inside a cellSize x cellSize square. */
  cellSize?: number;
  /** `#rgb` or `#rrggbb`. Captions are drawn in black or white, whichever contrasts. */
  background?: string;
  /** Caption size in pixels (default cellSize / 16, at least 10). */
  fontSize?: number;
  /** The sheet's size when it must be exactly this (a paper size): the grid is centred on it. */
  canvas?: { width: number; height: number };
  /** Pixels per inch written into the PNG (pHYs), so it prints at its intended size. */
  density?: number;
}

/** Print resolution: a sheet meant for paper has 300 pixels per inch. */
export const PRINT_DPI = 300;
/** Captions on paper at 9 pt or more stay legible: 9/72 inch at 300 dpi. */
export const PRINT_CAPTION_PX = Math.ceil((9 / 72) * PRINT_DPI);
/** Paper sizes in pixels at 300 dpi, portrait (ISO A4 and A3: 210 x 297 and 297 x 420 mm; US Letter: 8.5 x 11 in). */
export const PAPER_PX = {
  a4: { width: 2480, height: 3508 },
  letter: { width: 2550, height: 3300 },
  a3: { width: 3508, height: 4961 },
} as const;
export type PaperSize = keyof typeof PAPER_PX;
/** What a print-size sheet is fitted to: a paper size (either orientation) or a long edge in pixels. */
export type PrintTarget = { paper: PaperSize } | { longEdge: number };

export interface ContactSheet {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * Layout, in pixels: a margin around everything, a gap between cells, and under each image a caption
 * band of captionHeight. Exported so callers (and tests) can predict the sheet's size.
 */
export function contactSheetLayout(count: number, options: ContactSheetOptions = {}) {
  const columns = Math.max(1, Math.min(options.columns ?? 4, Math.max(1, count)));
  const cellSize = options.cellSize ?? 256;
  const rows = Math.max(1, Math.ceil(count / columns));
  const gap = Math.round(cellSize / 16);
  const margin = gap;
  const fontSize = options.fontSize ?? Math.max(10, Math.round(cellSize / 16));
  const captionHeight = Math.round(fontSize * 1.8);
  const rowHeight = cellSize + captionHeight;
  const gridWidth = margin * 2 + columns * cellSize + (columns - 1) * gap;
  const gridHeight = margin * 2 + rows * rowHeight + (rows - 1) * gap;
  const width = Math.max(gridWidth, options.canvas?.width ?? 0);
  const height = Math.max(gridHeight, options.canvas?.height ?? 0);
  // On a fixed canvas (a paper size) the grid sits in the middle.
  const offsetX = Math.floor((width - gridWidth) / 2);
  const offsetY = Math.floor((height - gridHeight) / 2);
  return {
    columns,
    rows,
    cellSize,
    gap,
    margin,
    fontSize,
    captionHeight,
    gridWidth,
    gridHeight,
    width,
    height,
    /** Top-left corner of cell `i`. */
    cell: (i: number) => ({
      x: offsetX + margin + (i % columns) * (cellSize + gap),
      y: offsetY + margin + Math.floor(i / columns) * (rowHeight + gap),
    }),
  };
}

/**
 * The options that lay `count` images out at print size: the largest cells that fit the paper (in
 * whichever orientation gives larger ones) or a square of `longEdge`, with captions of at least 9 pt at
 * 300 dpi, and the PNG marked 300 dpi. A sheet for a long edge is exactly that long on its longer side.
 */
export function printSheetOptions(count: number, target: PrintTarget): ContactSheetOptions {
  const n = Math.max(1, count);
  const canvases =
    'paper' in target
      ? [
          PAPER_PX[target.paper],
          { width: PAPER_PX[target.paper].height, height: PAPER_PX[target.paper].width },
        ]
      : [{ width: target.longEdge, height: target.longEdge }];
  let best: { columns: number; cellSize: number; canvas: { width: number; height: number } } | undefined;
  for (const canvas of canvases) {
    for (let columns = 1; columns <= Math.min(n, 20); columns++) {
      const cellSize = largestCell(n, columns, canvas);
      if (cellSize > 0 && (!best || cellSize > best.cellSize)) best = { columns, cellSize, canvas };
    }
  }
  if (!best) throw new AppError('INVALID_INPUT', `${n} images do not fit on a sheet that size.`);
  const fontSize = captionPx(best.cellSize);
  let canvas = best.canvas;
  if (!('paper' in target)) {
    // Only the long edge is fixed: the short side is the grid's own.
    const grid = contactSheetLayout(n, { columns: best.columns, cellSize: best.cellSize, fontSize });
    canvas =
      grid.gridWidth >= grid.gridHeight
        ? { width: target.longEdge, height: grid.gridHeight }
        : { width: grid.gridWidth, height: target.longEdge };
  }
  return { columns: best.columns, cellSize: best.cellSize, fontSize, canvas, density: PRINT_DPI };
}

const captionPx = (cellSize: number): number => Math.max(PRINT_CAPTION_PX, Math.round(cellSize / 16));

/** The largest whole cell size whose grid fits `canvas` (0 when none does). */
function largestCell(count: number, columns: number, canvas: { width: number; height: number }): number {
  const fits = (cellSize: number) => {
    const grid = contactSheetLayout(count, { columns, cellSize, fontSize: captionPx(cellSize) });
    return grid.gridWidth <= canvas.width && grid.gridHeight <= canvas.height;
  };
  let low = 0;
  let high = Math.max(canvas.width, canvas.height);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * One PNG grid of images with a caption under each: for sharing a set of results or printing a pose
 * library. An image that cannot be read (or whose reader refuses it) leaves a grey placeholder with its
 * caption, so one bad file does not cost the whole sheet.
 */
export async function makeContactSheet(
  items: readonly ContactSheetItem[],
  options: ContactSheetOptions = {},
): Promise<ContactSheet> {
  if (items.length === 0) throw new AppError('INVALID_INPUT', 'A contact sheet needs at least one image.');
  const layout = contactSheetLayout(items.length, options);
  const background = parseHexColour(options.background ?? '#ffffff');
  const textColour = luminance(background) > 140 ? '#111111' : '#f2f2f2';

  const tiles = await mapWithConcurrency(items, defaultImageConcurrency(), async (item) => {
    try {
      const input = typeof item.file === 'function' ? await item.file() : item.file;
      const { data, info } = await sharp(input, { ...decodeOptions(), pages: 1, autoOrient: true })
        .resize({ width: layout.cellSize, height: layout.cellSize, fit: 'inside', fastShrinkOnLoad: true })
        .ensureAlpha()
        .toColourspace('srgb')
        .png({ compressionLevel: 0 })
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    } catch {
      return undefined;
    }
  });

  const composites: OverlayOptions[] = [];
  const captions: string[] = [];
  tiles.forEach((tile, i) => {
    const { x, y } = layout.cell(i);
    if (tile) {
      composites.push({
        input: tile.data,
        left: x + Math.floor((layout.cellSize - tile.width) / 2),
        top: y + Math.floor((layout.cellSize - tile.height) / 2),
      });
    } else {
      captions.push(
        `<rect x="${x}" y="${y}" width="${layout.cellSize}" height="${layout.cellSize}" fill="#888" fill-opacity="0.35"/>`,
      );
    }
    const caption = fitText(items[i]?.caption ?? '', layout.fontSize, layout.cellSize);
    captions.push(
      `<text x="${x + layout.cellSize / 2}" y="${y + layout.cellSize + layout.captionHeight * 0.68}" ` +
        `font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${layout.fontSize}" ` +
        `fill="${textColour}" text-anchor="middle">${escapeXml(caption)}</text>`,
    );
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">` +
    `${captions.join('')}</svg>`;
  composites.push({ input: Buffer.from(svg), left: 0, top: 0 });

  let sheet = sharp({
    create: { width: layout.width, height: layout.height, channels: 3, background },
  }).composite(composites);
  if (options.density) sheet = sheet.withDensity(options.density);
  const png = await sheet.png().toBuffer();
  return { png, width: layout.width, height: layout.height };
}

function parseHexColour(hex: string): { r: number; g: number; b: number } {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!match?.[1]) throw new AppError('INVALID_INPUT', `“${hex}” is not a colour like #ffffff.`);
  const digits = match[1].length === 3 ? [...match[1]].map((d) => d + d).join('') : match[1];
  const value = Number.parseInt(digits, 16);
  return { r: (value >> 16) & 0xff, g: (value >> 8) & 0xff, b: value & 0xff };
}

const luminance = ({ r, g, b }: { r: number; g: number; b: number }): number =>
  0.2126 * r + 0.7152 * g + 0.0722 * b;
