import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cutFigures, findFigures, scaleBox } from '../../../src/images';
import { makeOpenPoseSheet, rowOfFigures } from '../../fixtures-gen/pose-sheets';

/** A stand-in for a V1 result: the sheet upscaled by `factor` (figures at the same places), as JPEG. */
async function resultFor(sheetPng: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(sheetPng).resize(width, height, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
}

describe('cutFigures', () => {
  it('cuts a 2x result into one PNG per figure at the scaled boxes', async () => {
    const sheet = await makeOpenPoseSheet(1024, 512, rowOfFigures(4, 1024, 512, { detachedHeads: true }));
    const boxes = await findFigures(sheet.png);
    expect(boxes).toHaveLength(4);
    const result = await resultFor(sheet.png, 2048, 1024);

    const cuts = await cutFigures(result, boxes, 2, { padding: 0 });
    expect(cuts.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    cuts.forEach((cut, i) => {
      const box = boxes[i];
      if (!box) throw new Error('missing box');
      expect(cut.box).toEqual({ x: box.x * 2, y: box.y * 2, width: box.width * 2, height: box.height * 2 });
    });
    for (const cut of cuts) {
      const meta = await sharp(cut.png).metadata();
      expect(meta).toMatchObject({ format: 'png', width: cut.box.width, height: cut.box.height });
      // Each cut holds exactly one whole figure, which fills it.
      const inside = await findFigures(cut.png);
      expect(inside).toHaveLength(1);
      expect(inside[0]?.width).toBeGreaterThan(cut.box.width * 0.9);
      expect(inside[0]?.height).toBeGreaterThan(cut.box.height * 0.9);
    }
  });

  it('pads, and clamps at the result edges', async () => {
    const sheet = await makeOpenPoseSheet(600, 300, [
      { pose: 'standing', centreX: 40, top: 5, height: 290 },
      { pose: 'armsUp', centreX: 300, top: 30, height: 240 },
    ]);
    const boxes = await findFigures(sheet.png);
    expect(boxes).toHaveLength(2);
    const result = await resultFor(sheet.png, 1800, 900);
    const cuts = await cutFigures(result, boxes, 3, { padding: 80 });
    const [edge, middle] = cuts;
    const [b0, b1] = boxes;
    if (!edge || !middle || !b0 || !b1) throw new Error('missing cut');
    expect(edge.box.x).toBe(0); // clamped at the left
    expect(edge.box.y).toBe(0); // clamped at the top
    expect(edge.box.y + edge.box.height).toBe(900); // and at the bottom
    expect(middle.box).toEqual({
      x: b1.x * 3 - 80,
      y: b1.y * 3 - 80,
      width: b1.width * 3 + 160,
      height: b1.height * 3 + 160,
    });
  });

  it('measures the scale per axis from the sheet size when the server rounded the result', async () => {
    const sheet = await makeOpenPoseSheet(1000, 500, rowOfFigures(3, 1000, 500));
    const boxes = await findFigures(sheet.png);
    // 2x would be 2000 x 1000; a server rounding to multiples of 64 answers 1984 x 960.
    const result = await resultFor(sheet.png, 1984, 960);
    const cuts = await cutFigures(result, boxes, { width: 1000, height: 500 }, { padding: 0 });
    expect(cuts).toHaveLength(3);
    cuts.forEach((cut, i) => {
      const box = boxes[i];
      if (!box) throw new Error('missing box');
      expect(cut.box.x).toBe(Math.floor(box.x * 1.984));
      expect(cut.box.y).toBe(Math.floor(box.y * 1.92));
      expect(cut.box.x + cut.box.width).toBe(Math.ceil((box.x + box.width) * 1.984));
    });
    for (const cut of cuts) expect(await findFigures(cut.png)).toHaveLength(1);
  });

  it('refuses a result that is not an image with IMAGE_REJECTED', async () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    await expect(cutFigures(Buffer.from('<html>'), [box], 2)).rejects.toMatchObject({
      code: 'IMAGE_REJECTED',
    });
  });

  it('scaleBox drops a box wholly outside the result and defaults padding to 6% of the figure', () => {
    expect(scaleBox({ x: 900, y: 10, width: 50, height: 50 }, 2, 2, 1000, 1000, 0)).toBeUndefined();
    expect(scaleBox({ x: 100, y: 100, width: 50, height: 100 }, 2, 2, 1000, 1000)).toEqual({
      x: 188,
      y: 188,
      width: 124,
      height: 224,
    });
  });
});
