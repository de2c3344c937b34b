import { describe, expect, it } from 'vitest';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { addResult, repairThumbnails } from '../../../src/library/workspace';
import { THUMB_SIZE } from '../../../src/library/workspace/paths';
import { webpSize } from '../../../src/library/workspace/thumbnail-size';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

const tempDir = useTempDirs();
// From the bytes: libvips caches a file's header by name, and these files are replaced in place.
const longSide = async (file: string) => {
  const meta = await sharp(await readFile(file)).metadata();
  return Math.max(meta.width, meta.height);
};

describe('thumbnails big enough for the largest grid cells on a 2x display', () => {
  it('are made at 640 px, never enlarged', async () => {
    const { project, dir } = await newProject(tempDir);
    const big = await addResult(
      project,
      draftFor({ characterId: 'charmira1', poseId: 'posewalk1' }),
      await resultJpeg(1536, 768),
    );
    const small = await addResult(
      project,
      draftFor({ characterId: 'charmira1', poseId: 'posewalk1' }),
      await resultJpeg(300, 120),
    );
    expect(THUMB_SIZE).toBe(640);
    expect(await longSide(join(dir, '.studio', 'thumbs', `${big.id}.webp`))).toBe(640);
    expect(await longSide(join(dir, '.studio', 'thumbs', `${small.id}.webp`))).toBe(300);
    await project.close();
  });

  it('replace the 256 px thumbnails of an older project once, in the background repair', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const image = await resultJpeg(1536, 768);
    const old = await addResult(project, draftFor({ characterId: 'charmira1', poseId: 'posewalk1' }), image);
    const tiny = await addResult(
      project,
      draftFor({ characterId: 'charmira1', poseId: 'posewalk1' }),
      await resultJpeg(200, 100),
    );
    // As an older version left them: a 256 px thumbnail, and no marker saying the cache was checked.
    const thumb = join(dir, '.studio', 'thumbs', `${old.id}.webp`);
    await sharp(image).resize(256, 256, { fit: 'inside' }).webp().toFile(thumb);
    await rm(join(dir, '.studio', 'thumbs-size.json'), { force: true });
    const tinyBefore = await readFile(join(dir, '.studio', 'thumbs', `${tiny.id}.webp`));

    expect(await repairThumbnails(ws)).toEqual({ made: 1, failed: 0 });
    expect(await longSide(thumb)).toBe(640);
    // The small image's thumbnail was already as large as it can be: left alone.
    expect(await readFile(join(dir, '.studio', 'thumbs', `${tiny.id}.webp`))).toEqual(tinyBefore);
    expect(JSON.parse(await readFile(join(dir, '.studio', 'thumbs-size.json'), 'utf8'))).toEqual({
      size: 640,
    });

    // Checked once: with the marker there, a small thumbnail put back is not even looked at.
    await sharp(image).resize(256, 256, { fit: 'inside' }).webp().toFile(thumb);
    const progress: number[] = [];
    expect(await repairThumbnails(ws, { onProgress: (done) => progress.push(done) })).toEqual({
      made: 0,
      failed: 0,
    });
    expect(progress).toEqual([]);
    expect((await stat(thumb)).size).toBeGreaterThan(0);
    await project.close();
  });
});

describe('reading a thumbnail’s size from its header', () => {
  it.each([
    ['lossy', { quality: 75 }, false],
    ['lossless', { lossless: true }, false],
    ['lossy with alpha (VP8X)', { quality: 75 }, true],
  ] as const)('%s', async (_name, options, alpha) => {
    const dir = await tempDir();
    const file = join(dir, 'thumb.webp');
    const image = sharp({
      create: {
        width: 641,
        height: 317,
        channels: alpha ? 4 : 3,
        background: { r: 9, g: 99, b: 199, alpha: 0.5 },
      },
    });
    await writeFile(file, await image.webp(options).toBuffer());
    expect(await webpSize(file)).toEqual({ width: 641, height: 317 });
  });

  it('is null for anything else', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'x.webp'), await resultJpeg(40, 30));
    expect(await webpSize(join(dir, 'x.webp'))).toBeNull();
    expect(await webpSize(join(dir, 'missing.webp'))).toBeNull();
  });
});
