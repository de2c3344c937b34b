import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { normaliseForUpload, sha256 } from '../../../src/images';
import { makeAnimatedGif, makeImage, makeRotatedJpeg } from '../../fixtures-gen/simple-images';
import { variedPixels } from '../../fixtures-gen/bench-images';

describe('normaliseForUpload', () => {
  it('keeps a normal sheet as a PNG of the same size', async () => {
    const out = await normaliseForUpload(await makeImage('jpeg', 1024, 512));
    expect(out).toMatchObject({ format: 'png', width: 1024, height: 512 });
    const meta = await sharp(out.bytes).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 1024, height: 512 });
    expect(out.sha256).toBe(sha256(out.bytes));
  });

  it('scales a large sheet down to maxSide, keeping its aspect', async () => {
    const out = await normaliseForUpload(await makeImage('png', 3000, 1500), { maxSide: 2048 });
    expect([out.width, out.height]).toEqual([2048, 1024]);
    const small = await normaliseForUpload(await makeImage('png', 900, 1800), { maxSide: 600 });
    expect([small.width, small.height]).toEqual([300, 600]);
  });

  it('applies EXIF orientation and strips the metadata', async () => {
    const out = await normaliseForUpload(await makeRotatedJpeg(300, 200));
    expect([out.width, out.height]).toEqual([200, 300]);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
  });

  it('sends the first frame of an animated GIF only', async () => {
    const out = await normaliseForUpload(await makeAnimatedGif(3, 40, 30));
    expect([out.width, out.height]).toEqual([40, 30]);
    const { data } = await sharp(out.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]]).toEqual([255, 0, 0]); // the first frame is red
  });

  it('flattens transparency onto a contrasting colour: light lines onto black, dark onto white', async () => {
    const lines = (colour: string) =>
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">` +
          `<line x1="10" y1="50" x2="90" y2="50" stroke="${colour}" stroke-width="8"/></svg>`,
      );
    for (const [colour, expected] of [
      ['#00ff80', 0],
      ['#202020', 255],
    ] as const) {
      const out = await normaliseForUpload(await sharp(lines(colour)).png().toBuffer());
      const { data, info } = await sharp(out.bytes).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(3);
      expect(data[0]).toBe(expected); // a corner pixel that was transparent
    }
  });

  it('refuses bytes that are not an image with IMAGE_REJECTED', async () => {
    await expect(normaliseForUpload(Buffer.from('nope'))).rejects.toMatchObject({ code: 'IMAGE_REJECTED' });
  });

  it('switches to JPEG when the PNG would be too big for the request', async () => {
    const noisy = await sharp(variedPixels(1, 512, 512), { raw: { width: 512, height: 512, channels: 3 } })
      .png()
      .toBuffer();
    const out = await normaliseForUpload(noisy, { maxPngBytes: 50_000 });
    expect(out.format).toBe('jpeg');
    expect((await sharp(out.bytes).metadata()).format).toBe('jpeg');
    expect([out.width, out.height]).toEqual([512, 512]);
  });
});
