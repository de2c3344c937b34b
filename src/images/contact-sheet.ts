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
}

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
  const fontSize = Math.max(10, Math.round(cellSize / 16));
  const captionHeight = Math.round(fontSize * 1.8);
  const rowHeight = cellSize + captionHeight;
  return {
    columns,
    rows,
    cellSize,
    gap,
    margin,
    fontSize,
    captionHeight,
    width: margin * 2 + columns * cellSize + (columns - 1) * gap,
    height: margin * 2 + rows * rowHeight + (rows - 1) * gap,
    /** Top-left corner of cell `i`. */
    cell: (i: number) => ({
      x: margin + (i % columns) * (cellSize + gap),
      y: margin + Math.floor(i / columns) * (rowHeight + gap),
    }),
  };
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

  const png = await sharp({
    create: { width: layout.width, height: layout.height, channels: 3, background },
  })
    .composite(composites)
    .png()
    .toBuffer();
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
