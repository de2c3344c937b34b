import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeThumbnail, makeThumbnails, mapWithConcurrency } from '../../../src/images';
import { makeImage, makeRotatedJpeg } from '../../fixtures-gen/simple-images';
import { useTempDir } from './temp-dir';

const dir = useTempDir();

async function webpSize(file: string): Promise<[number, number]> {
  const bytes = await readFile(file);
  expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
  expect(bytes.toString('latin1', 8, 12)).toBe('WEBP');
  const meta = await sharp(bytes).metadata();
  return [meta.width, meta.height];
}

describe('makeThumbnail', () => {
  it.each([
    [1000, 500, 256, [256, 128]],
    [300, 900, 256, [85, 256]],
    [2048, 2048, 512, [512, 512]],
    [100, 50, 256, [100, 50]], // never enlarged
  ] as const)('%ix%i at %i px -> %j, as WebP', async (width, height, size, expected) => {
    const input = join(dir.path, `in-${width}x${height}.jpg`);
    await writeFile(input, await makeImage('jpeg', width, height));
    const out = join(dir.path, 'thumbs', `${width}x${height}-${size}.webp`);
    const thumb = await makeThumbnail(input, { size, out });
    expect([thumb.width, thumb.height]).toEqual(expected);
    expect(await webpSize(out)).toEqual(expected);
  });

  it('applies EXIF orientation', async () => {
    const out = join(dir.path, 'rotated.webp');
    await makeThumbnail(await makeRotatedJpeg(300, 200), { size: 150, out });
    expect(await webpSize(out)).toEqual([100, 150]);
  });

  it('replaces an existing thumbnail through a temp file and leaves no temp file behind', async () => {
    const folder = join(dir.path, 'replace');
    const out = join(folder, 'a.webp');
    await makeThumbnail(await makeImage('png', 400, 200), { size: 64, out });
    await makeThumbnail(await makeImage('png', 200, 400), { size: 64, out });
    expect(await webpSize(out)).toEqual([32, 64]);
    expect(await readdir(folder)).toEqual(['a.webp']);
  });

  it('leaves the old thumbnail untouched when the new image is broken', async () => {
    const folder = join(dir.path, 'keep');
    const out = join(folder, 'a.webp');
    await makeThumbnail(await makeImage('png', 400, 200), { size: 64, out });
    const before = await readFile(out);
    await expect(makeThumbnail(Buffer.from('not an image'), { size: 64, out })).rejects.toThrow();
    expect((await readFile(out)).equals(before)).toBe(true);
    expect(await readdir(folder)).toEqual(['a.webp']);
  });

  it('makes its folder when it is not there (only then: the write tries first), and blames a broken image, not the folder', async () => {
    const out = join(dir.path, 'new', 'deeper', 'a.webp');
    await makeThumbnail(await makeImage('png', 400, 200), { size: 64, out });
    expect(await webpSize(out)).toEqual([64, 32]);
    const broken = makeThumbnail(Buffer.from('not an image'), {
      size: 64,
      out: join(dir.path, 'other', 'b.webp'),
    });
    await expect(broken).rejects.toMatchObject({ code: 'IMAGE_REJECTED' });
  });
});

describe('makeThumbnails', () => {
  it('makes a batch in order and reports a broken file without stopping', async () => {
    const folder = join(dir.path, 'batch');
    const inputs = await Promise.all([
      makeImage('jpeg', 600, 300),
      makeImage('webp', 300, 600),
      makeImage('png', 500, 500),
    ]);
    const outcomes = await makeThumbnails(
      [
        { input: inputs[0] as Buffer, out: join(folder, '0.webp'), size: 100 },
        { input: Buffer.from('garbage'), out: join(folder, '1.webp'), size: 100 },
        { input: inputs[1] as Buffer, out: join(folder, '2.webp'), size: 100 },
        { input: inputs[2] as Buffer, out: join(folder, '3.webp'), size: 100 },
      ],
      2,
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true]);
    expect(outcomes[0]).toMatchObject({ width: 100, height: 50 });
    expect(outcomes[2]).toMatchObject({ width: 50, height: 100 });
    const failed = outcomes[1];
    if (failed?.ok !== false) throw new Error('expected a failure');
    expect(failed.error.code).toBe('IMAGE_REJECTED');
    expect((await readdir(folder)).sort()).toEqual(['0.webp', '2.webp', '3.webp']);
  });
});

describe('mapWithConcurrency', () => {
  it('never runs more than the limit at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([50, 10, 30, 20, 40, 0], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50]);
    expect(peak).toBe(3);
  });
});
