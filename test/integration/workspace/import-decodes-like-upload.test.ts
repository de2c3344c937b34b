/**
 * Issue 9, defect 3, as the person met it: damaged PNGs went into a pose library (no thumbnail,
 * "0 figures") and were only refused at generation. Import now decodes as the upload does, so each is
 * refused by name at import, and whatever is imported can be normalised for upload.
 */
import { describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normaliseForUpload } from '../../../src/images';
import { useTempDirs } from '../../helpers/temp-dir';
import { damagedPngs, soundPng } from '../../unit/images/damaged-png';
import { newProject } from './support';

const tempDir = useTempDirs();

describe('pose import refuses what generation could not decode', () => {
  it('names each damaged PNG as damaged, stores none of them, and imports the sound one', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Poses');
    const folder = join(await tempDir(), 'from the scanner');
    await mkdir(folder);
    const damaged = damagedPngs();
    for (const [name, bytes] of Object.entries(damaged)) await writeFile(join(folder, name), bytes);
    await writeFile(join(folder, 'sound.png'), soundPng());

    const report = await ws.poses.import(library.id, [{ path: folder }]);
    expect(report.failed.map((f) => [f.file, f.code, f.reason]).sort()).toEqual(
      Object.keys(damaged)
        .map((name) => [`from the scanner/${name}`, 'IMAGE_REJECTED', 'damaged'])
        .sort(),
    );
    expect(report.imported.map((p) => p.image.originalName)).toEqual(['sound.png']);

    const stored = (await ws.poses.get(library.id)).poses;
    expect(stored).toHaveLength(1);
    for (const pose of stored) {
      const bytes = await readFile(join(dir, ...pose.image.file.split('/')));
      await expect(normaliseForUpload(bytes)).resolves.toMatchObject({ width: 120, height: 80 });
    }
    expect(await readdir(join(dir, '.studio', 'thumbs'))).toEqual([`${stored[0]?.image.id}.webp`]);
    await project.close();
  });
});
