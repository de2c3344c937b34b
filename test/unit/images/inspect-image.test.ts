import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import { inspectImage, sha256, type ImageFacts } from '../../../src/images';
import { makeHeicHeader, makePdf, makePngBomb, truncateBytes } from '../../fixtures-gen/broken-files';
import {
  makeAnimatedGif,
  makeImage,
  makeRotatedJpeg,
  type SimpleFormat,
} from '../../fixtures-gen/simple-images';
import { useTempDir } from './temp-dir';

const dir = useTempDir();

/** Runs inspectImage and returns the AppError it threw; fails the test when it did not throw one. */
async function rejection(promise: Promise<ImageFacts>): Promise<AppError> {
  const outcome = await promise.then(
    (facts) => ({ facts }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.facts)}`);
  expect(outcome.error).toBeInstanceOf(AppError);
  const error = outcome.error as AppError;
  expect(error.code).toBe('IMAGE_REJECTED');
  return error;
}

describe('inspectImage: accepted formats', () => {
  it.each(['png', 'jpeg', 'webp', 'avif', 'tiff', 'gif'] as SimpleFormat[])(
    'accepts %s and reads its facts from the bytes',
    async (format) => {
      const bytes = await makeImage(format, 320, 200, { alpha: format === 'png' });
      const facts = await inspectImage(bytes, { fileName: `pose.${format}` });
      expect(facts).toMatchObject({ format, width: 320, height: 200, bytes: bytes.length, pages: 1 });
      expect(facts.sha256).toBe(sha256(bytes));
      if (format === 'png') expect(facts.hasAlpha).toBe(true);
      if (format === 'jpeg') expect(facts.hasAlpha).toBe(false);
    },
  );

  it('takes the format from the bytes, not the extension (a JPEG named .png)', async () => {
    const file = join(dir.path, 'really-a-jpeg.png');
    await writeFile(file, await makeImage('jpeg'));
    expect((await inspectImage(file)).format).toBe('jpeg');
  });

  it('reads a file with a non-ASCII name, and names it in messages', async () => {
    const name = 'Pose – Ärger 日本語 ✨.png';
    const file = join(dir.path, name);
    await writeFile(file, await makeImage('png', 64, 32));
    expect(await inspectImage(file)).toMatchObject({ format: 'png', width: 64, height: 32 });

    const broken = join(dir.path, `kaputt-${name}`);
    await writeFile(broken, truncateBytes(await makeImage('png', 400, 300)));
    const error = await rejection(inspectImage(broken));
    expect(error.message).toContain(`kaputt-${name}`);
    expect(error.detail).toMatchObject({ file: `kaputt-${name}`, reason: 'damaged' });
  });

  it('records the frames of an animated GIF and describes the first frame', async () => {
    const facts = await inspectImage(await makeAnimatedGif(3, 64, 48));
    expect(facts).toMatchObject({ format: 'gif', width: 64, height: 48, pages: 3 });
  });

  it('reports the size as displayed when EXIF says the photo is rotated', async () => {
    const facts = await inspectImage(await makeRotatedJpeg(300, 200));
    expect(facts).toMatchObject({ width: 200, height: 300 });
  });
});

describe('inspectImage: refused files', () => {
  it('refuses a zero-byte file', async () => {
    const file = join(dir.path, 'empty.png');
    await writeFile(file, Buffer.alloc(0));
    const error = await rejection(inspectImage(file));
    expect(error.message).toContain('empty.png');
    expect(error.message).toMatch(/empty/);
    expect(error.detail).toMatchObject({ file: 'empty.png', reason: 'empty' });
  });

  it('refuses a truncated JPEG (an interrupted download)', async () => {
    const error = await rejection(
      inspectImage(truncateBytes(await makeImage('jpeg', 800, 600), 0.6), { fileName: 'half.jpg' }),
    );
    expect(error.detail).toMatchObject({ file: 'half.jpg', reason: 'damaged', format: 'jpeg' });
    expect(error.message).toMatch(/“half\.jpg”.*damaged or incomplete/);
  });

  it('refuses truncated PNG and WebP files too', async () => {
    for (const format of ['png', 'webp'] as const) {
      const error = await rejection(inspectImage(truncateBytes(await makeImage(format, 800, 600), 0.5)));
      expect(error.detail?.reason).toBe('damaged');
    }
  });

  it('refuses a PDF renamed .png and says what it really is', async () => {
    const file = join(dir.path, 'sheet.png');
    await writeFile(file, makePdf());
    const error = await rejection(inspectImage(file));
    expect(error.message).toContain('sheet.png');
    expect(error.message).toContain('PDF');
    expect(error.detail).toMatchObject({ reason: 'unsupported-format' });
  });

  it('gives HEIC photos their own advice', async () => {
    const error = await rejection(inspectImage(makeHeicHeader(), { fileName: 'IMG_0042.HEIC' }));
    expect(error.message).toBe('“IMG_0042.HEIC”: HEIC photos are not supported yet: export as PNG or JPEG.');
    expect(error.detail).toMatchObject({ reason: 'heic' });
  });

  it('refuses text and unknown bytes', async () => {
    expect((await rejection(inspectImage(Buffer.from('hello, world')))).detail?.reason).toBe('not-an-image');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect((await rejection(inspectImage(svg))).message).toContain('SVG');
  });

  it('refuses a file over the byte cap without reading it', async () => {
    const file = join(dir.path, 'big.png');
    await writeFile(file, await makeImage('png', 400, 400));
    const error = await rejection(inspectImage(file, { maxBytes: 1000 }));
    expect(error.detail).toMatchObject({ reason: 'too-large', maxBytes: 1000 });
    expect(error.message).toContain('big.png');
  });

  it('refuses a file that cannot be read', async () => {
    const error = await rejection(inspectImage(join(dir.path, 'missing.png')));
    expect(error.detail).toMatchObject({ file: 'missing.png', reason: 'unreadable' });
  });

  it('refuses a 20000 x 20000 PNG bomb from its header: fast, and without allocating it', async () => {
    const bomb = makePngBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100_000); // small on disk...
    const file = join(dir.path, 'bomb.png');
    await writeFile(file, bomb);

    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const error = await rejection(inspectImage(file));
    const elapsed = performance.now() - started;
    const rssGrowth = process.memoryUsage().rss - rssBefore;

    expect(error.detail).toMatchObject({ reason: 'too-many-pixels', width: 20_000, height: 20_000 });
    expect(error.message).toContain('20000 × 20000');
    expect(elapsed).toBeLessThan(1500); // decoding 400 MP would take seconds
    expect(rssGrowth).toBeLessThan(100 * 1024 * 1024); // ...but 400 MB or more once decoded
  });

  it('the bomb really is one: with the cap lifted, libvips sees 400 megapixels to decode', async () => {
    // Guards the test above: if the fixture stopped being a valid 20000 x 20000 image, that test would
    // pass for the wrong reason.
    const meta = await sharp(makePngBomb(20_000, 20_000), { limitInputPixels: false }).metadata();
    expect(meta.width * meta.height).toBe(400_000_000);
  });

  it('applies a caller-given pixel cap', async () => {
    const error = await rejection(inspectImage(await makeImage('png', 200, 100), { maxPixels: 10_000 }));
    expect(error.detail).toMatchObject({ reason: 'too-many-pixels', maxPixels: 10_000 });
  });
});
