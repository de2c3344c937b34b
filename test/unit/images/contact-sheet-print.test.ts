import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  contactSheetLayout,
  makeContactSheet,
  PAPER_PX,
  PRINT_CAPTION_PX,
  printSheetOptions,
} from '../../../src/images';

async function solid(hex: string, width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: hex } })
    .png()
    .toBuffer();
}

/** Rows (top to bottom) of a band that hold a dark pixel: how tall the drawn caption text is. */
async function inkRows(png: Buffer, band: { left: number; top: number; width: number; height: number }) {
  const { data, info } = await sharp(png)
    .extract(band)
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let first = -1;
  let last = -1;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if ((data[y * info.width + x] ?? 255) < 128) {
        if (first === -1) first = y;
        last = y;
        break;
      }
    }
  }
  return first === -1 ? 0 : last - first + 1;
}

describe('contact sheets at print size', () => {
  it('fills A4 at 300 dpi exactly, in the orientation that gives the larger cells, with 9 pt captions', () => {
    const portrait = printSheetOptions(12, { paper: 'a4' });
    expect(portrait.density).toBe(300);
    expect(portrait.fontSize).toBeGreaterThanOrEqual(PRINT_CAPTION_PX);
    const sizes = [PAPER_PX.a4, { width: PAPER_PX.a4.height, height: PAPER_PX.a4.width }];
    expect(sizes).toContainEqual(portrait.canvas);
    const layout = contactSheetLayout(12, portrait);
    expect([layout.width, layout.height]).toEqual([portrait.canvas?.width, portrait.canvas?.height]);
    // The grid fits the paper and uses it: no other column count gives larger cells.
    expect(layout.gridWidth).toBeLessThanOrEqual(layout.width);
    expect(layout.gridHeight).toBeLessThanOrEqual(layout.height);
    expect(layout.cellSize).toBeGreaterThan(500);
    // One image on A3 takes nearly the whole page.
    expect(printSheetOptions(1, { paper: 'a3' }).cellSize).toBeGreaterThan(3000);
  });

  it('a long edge is exactly that long, whichever side it is', () => {
    for (const count of [1, 5, 24]) {
      const options = printSheetOptions(count, { longEdge: 3000 });
      const layout = contactSheetLayout(count, options);
      expect(Math.max(layout.width, layout.height)).toBe(3000);
      expect(layout.fontSize).toBeGreaterThanOrEqual(PRINT_CAPTION_PX);
    }
  });

  it('writes a Letter sheet at 2550 x 3300 marked 300 dpi, with captions drawn at least 9 pt tall', async () => {
    const items = await Promise.all(
      ['#c0392b', '#2980b9', '#27ae60', '#8e44ad', '#f39c12', '#16a085'].map(async (hex, i) => ({
        file: await solid(hex, 768, 512),
        caption: `Mira · Standing ${i + 1}`,
      })),
    );
    const options = printSheetOptions(items.length, { paper: 'letter' });
    const sheet = await makeContactSheet(items, { ...options, background: '#ffffff' });
    const sizes = [
      [2550, 3300],
      [3300, 2550],
    ];
    expect(sizes).toContainEqual([sheet.width, sheet.height]);
    const meta = await sharp(sheet.png).metadata();
    expect(meta.density).toBe(300);
    // The first caption's glyphs (capital M and the descender of g) span most of a 9 pt line.
    const layout = contactSheetLayout(items.length, options);
    const cell = layout.cell(0);
    const ink = await inkRows(sheet.png, {
      left: cell.x,
      top: cell.y + layout.cellSize,
      width: layout.cellSize,
      height: layout.captionHeight,
    });
    expect(ink).toBeGreaterThanOrEqual(Math.round(PRINT_CAPTION_PX * 0.7));
  });

  it('refuses a target the images cannot fit with legible captions', () => {
    expect(() => printSheetOptions(100, { longEdge: 1000 })).not.toThrow();
    expect(() => printSheetOptions(5000, { longEdge: 1000 })).toThrow(/do not fit/);
  });
});
