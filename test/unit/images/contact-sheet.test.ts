import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeContactSheet } from '../../../src/images';
import { makeImage } from '../../fixtures-gen/simple-images';

async function solid(hex: string, width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: hex } })
    .png()
    .toBuffer();
}

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at] ?? -1, data[at + 1] ?? -1, data[at + 2] ?? -1];
}

describe('makeContactSheet', () => {
  it('lays 7 images out in 3 columns x 3 rows of 100 px cells with captions', async () => {
    const items = await Promise.all(
      Array.from({ length: 7 }, async (_, i) => ({
        file: await makeImage('png', 200, 100 + i * 20),
        caption: `Pose ${i}`,
      })),
    );
    const sheet = await makeContactSheet(items, { columns: 3, cellSize: 100, background: '#ffffff' });
    // margin 6 + 3 x 100 + 2 gaps of 6 + margin 6 = 324; rows of 100 + 18 caption, 3 rows, 2 gaps.
    expect([sheet.width, sheet.height]).toEqual([324, 378]);
    const meta = await sharp(sheet.png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 324, height: 378 });
  });

  it('centres each image in its cell and paints the background around it', async () => {
    const items = [
      { file: await solid('#ff0000', 200, 100), caption: 'red' },
      { file: await solid('#0000ff', 100, 200), caption: 'blue' },
    ];
    const sheet = await makeContactSheet(items, { columns: 2, cellSize: 100, background: '#102030' });
    // Cell 0 starts at (6, 6): the red image is 100 x 50, centred vertically.
    expect(await pixel(sheet.png, 56, 56)).toEqual([255, 0, 0]);
    expect(await pixel(sheet.png, 56, 10)).toEqual([16, 32, 48]);
    // Cell 1 starts at (112, 6): the blue image is 50 x 100, centred horizontally.
    expect(await pixel(sheet.png, 162, 56)).toEqual([0, 0, 255]);
    expect(await pixel(sheet.png, 115, 56)).toEqual([16, 32, 48]);
  });

  it('draws captions (XML escaped) and a placeholder for an unreadable image', async () => {
    const items = [
      { file: await solid('#ffffff', 50, 50), caption: 'Tom & Jerry <draft> "quoted" \u0007 日本語' },
      { file: Buffer.from('not an image'), caption: 'broken' },
    ];
    const sheet = await makeContactSheet(items, { columns: 2, cellSize: 128, background: '#000000' });
    const { data, info } = await sharp(sheet.png)
      .extract({ left: 8, top: 8 + 128, width: 128, height: 16 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const bright = [...Array(info.width * info.height).keys()].filter((p) => (data[p * 3] ?? 0) > 128).length;
    expect(bright).toBeGreaterThan(20); // text was rendered in the caption band
    expect(await pixel(sheet.png, 8 + 128 + 8 + 64, 8 + 64)).not.toEqual([0, 0, 0]); // grey placeholder
  });

  it('refuses an empty list and a colour it cannot read', async () => {
    await expect(makeContactSheet([])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      makeContactSheet([{ file: await solid('#fff', 10, 10), caption: '' }], { background: 'red"/><x' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
