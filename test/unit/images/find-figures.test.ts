import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findFigures, sortInReadingOrder } from '../../../src/images';
import {
  makeOpenPoseSheet,
  makeSilhouetteSheet,
  rowOfFigures,
  type FigureSpec,
} from '../../fixtures-gen/pose-sheets';
import { expectBoxesNear } from './figure-assertions';

describe('findFigures', () => {
  it('finds five OpenPose skeletons in a row, heads detached from bodies, tightly packed', async () => {
    // Every other figure lacks its neck limb, as OpenPose draws it when it misses the neck; the gap
    // between the 4th and 5th figure is under 8% of a figure's height.
    const sheet = await makeOpenPoseSheet(2048, 1024, rowOfFigures(5, 2048, 1024, { detachedHeads: true }));
    const boxes = await findFigures(sheet.png);
    expectBoxesNear(boxes, sheet.figures, 6);
  });

  it('finds three skeletons on a smaller sheet', async () => {
    const sheet = await makeOpenPoseSheet(1536, 768, rowOfFigures(3, 1536, 768));
    expectBoxesNear(await findFigures(sheet.png), sheet.figures, 6);
  });

  it('finds dark silhouettes on white', async () => {
    const sheet = await makeSilhouetteSheet(1600, 900, rowOfFigures(4, 1600, 900));
    expectBoxesNear(await findFigures(sheet.png), sheet.figures, 6);
  });

  it('returns two rows in reading order', async () => {
    const specs: FigureSpec[] = [
      ...rowOfFigures(3, 1200, 1200, { top: 60, figureHeight: 480 }),
      ...rowOfFigures(2, 1200, 1200, { top: 660, figureHeight: 480, detachedHeads: true }),
    ];
    const sheet = await makeOpenPoseSheet(1200, 1200, specs);
    expectBoxesNear(await findFigures(sheet.png), sheet.figures, 6);
  });

  it('still works on a JPEG-compressed sheet (ringing around the lines)', async () => {
    const sheet = await makeOpenPoseSheet(1024, 512, rowOfFigures(4, 1024, 512, { detachedHeads: true }));
    const jpeg = await sharp(sheet.png).jpeg({ quality: 60 }).toBuffer();
    expectBoxesNear(await findFigures(jpeg), sheet.figures, 6);
  });

  it('drops specks (stray dots far from any figure)', async () => {
    const sheet = await makeSilhouetteSheet(1200, 600, rowOfFigures(3, 1200, 600));
    const dots = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600">` +
        [
          [30, 30],
          [600, 580],
          [1180, 20],
          [200, 560],
        ]
          .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="3" fill="#333"/>`)
          .join('') +
        `</svg>`,
    );
    const dotted = await sharp(sheet.png)
      .composite([{ input: dots }])
      .png()
      .toBuffer();
    expectBoxesNear(await findFigures(dotted), sheet.figures, 6);
  });

  it('reads a sheet with a transparent background', async () => {
    const sheet = await makeOpenPoseSheet(1024, 512, rowOfFigures(3, 1024, 512));
    // Turn black into transparency: alpha = the brightest channel.
    const { data, info } = await sharp(sheet.png).raw().toBuffer({ resolveWithObject: true });
    const rgba = Buffer.alloc(info.width * info.height * 4);
    for (let p = 0; p < info.width * info.height; p++) {
      const [r, g, b] = [data[p * 3] ?? 0, data[p * 3 + 1] ?? 0, data[p * 3 + 2] ?? 0];
      rgba.set([r, g, b, Math.max(r, g, b)], p * 4);
    }
    const png = await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } })
      .png()
      .toBuffer();
    expectBoxesNear(await findFigures(png), sheet.figures, 6);
  });

  it('refuses bytes that are not an image with IMAGE_REJECTED', async () => {
    await expect(findFigures(Buffer.from('no pixels here'))).rejects.toMatchObject({
      code: 'IMAGE_REJECTED',
    });
  });

  it('finds nothing on a blank sheet and one figure on a single pose', async () => {
    const blank = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await findFigures(blank)).toEqual([]);
    const single = await makeOpenPoseSheet(512, 768, [
      { pose: 'walking', centreX: 256, top: 100, height: 560 },
    ]);
    expectBoxesNear(await findFigures(single.png), single.figures, 4);
  });
});

describe('sortInReadingOrder', () => {
  it('keeps figures of different heights in one row, rows top to bottom', () => {
    const crouch = { x: 300, y: 250, width: 100, height: 150 };
    const jump = { x: 50, y: 100, width: 100, height: 250 };
    const stand = { x: 550, y: 120, width: 100, height: 280 };
    const below = { x: 10, y: 500, width: 100, height: 200 };
    expect(sortInReadingOrder([below, stand, crouch, jump])).toEqual([jump, crouch, stand, below]);
  });
});
