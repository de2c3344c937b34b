import { describe, expect, it } from 'vitest';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { createProject, openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import { makePngBomb, makePdf, makeHeicHeader, truncateBytes } from '../../fixtures-gen/broken-files';
import { makeAnimatedGif, makeImage } from '../../fixtures-gen/simple-images';
import { makeOpenPoseSheet, rowOfFigures } from '../../fixtures-gen/pose-sheets';
import { useTempDirs } from '../../helpers/temp-dir';
import {
  LIBRARY_RECORD_FILES,
  libraryBytes,
  libraryOnDisk,
  skipMountTests,
  mountReadOnly,
  newProject,
  tempLeftovers,
  tinyDisk,
} from './support';

const tempDir = useTempDirs();

/** Every pose's image exists, and every image in the folder belongs to a pose: nothing half-imported. */
async function expectConsistent(dir: string, libraryId: string) {
  const library = await libraryOnDisk(dir, libraryId);
  const files = (await readdir(join(dir, 'poses', libraryId))).filter(
    (f) => !LIBRARY_RECORD_FILES.includes(f),
  );
  expect(files.sort()).toEqual(library.poses.map((p) => p.image.file.split('/').pop()).sort());
  for (const pose of library.poses)
    expect((await stat(join(dir, pose.image.file))).size).toBe(pose.image.bytes);
  return library;
}

describe('importing poses from a folder', () => {
  it('keeps the good images, names every failure with its reason, skips duplicates and non-images', async () => {
    const { ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Action poses');
    const src = join(await tempDir(), 'My poses');
    await mkdir(join(src, 'sub', 'deeper'), { recursive: true });

    const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    const single = await makeOpenPoseSheet(256, 384, rowOfFigures(1, 256, 384));
    const jpeg = await makeImage('jpeg', 400, 300);
    await writeFile(join(src, 'sheet three.png'), sheet.png);
    await writeFile(join(src, 'sub', 'single.png'), single.png);
    await writeFile(
      join(src, 'sub', 'deeper', 'Läufer – 走る.png'),
      await makeImage('png', 200, 150, { hue: 90 }),
    );
    await writeFile(join(src, 'animated.gif'), await makeAnimatedGif(4, 80, 60));
    await writeFile(join(src, 'z copy of sheet.png'), sheet.png); // after "sheet three.png" in name order: its duplicate
    await writeFile(join(src, 'empty.png'), Buffer.alloc(0));
    await writeFile(join(src, 'cut off.jpg'), truncateBytes(jpeg, 0.5));
    await writeFile(join(src, 'document.png'), makePdf());
    await writeFile(join(src, 'huge.png'), makePngBomb(20_000, 20_000));
    await writeFile(join(src, 'phone.heic'), makeHeicHeader());
    await writeFile(join(src, 'notes.txt'), 'not an image');
    await writeFile(join(src, '.DS_Store'), 'mac junk');
    expect((await stat(join(src, 'huge.png'))).size).toBeLessThan(200_000); // small on disk, 400 MP decoded

    const progress: [number, number, number][] = [];
    const report = await ws.poses.import(library.id, [{ path: src }], {
      onProgress: (done, total, failed) => progress.push([done, total, failed]),
    });

    expect(report.total).toBe(10);
    expect(report.imported.map((p) => p.image.originalName).sort()).toEqual(
      ['Läufer – 走る.png', 'animated.gif', 'sheet three.png', 'single.png'].sort(),
    );
    const byReason = Object.fromEntries(report.failed.map((f) => [f.file, f]));
    expect(Object.keys(byReason).sort()).toEqual(
      [
        'My poses/cut off.jpg',
        'My poses/document.png',
        'My poses/empty.png',
        'My poses/huge.png',
        'My poses/phone.heic',
      ].sort(),
    );
    expect(byReason['My poses/empty.png']).toMatchObject({ code: 'IMAGE_REJECTED', reason: 'empty' });
    expect(byReason['My poses/cut off.jpg']).toMatchObject({ reason: 'damaged' });
    expect(byReason['My poses/document.png']).toMatchObject({ reason: 'unsupported-format' });
    expect(byReason['My poses/document.png']?.message).toMatch(/PDF/);
    expect(byReason['My poses/huge.png']).toMatchObject({ reason: 'too-many-pixels' });
    expect(byReason['My poses/phone.heic']?.message).toMatch(/HEIC/);
    for (const failure of report.failed) expect(failure.message).toContain(failure.file);

    expect(report.duplicates).toEqual([
      expect.objectContaining({
        file: 'My poses/z copy of sheet.png',
        existing: expect.objectContaining({ kind: 'pose', name: 'sheet three' }),
      }),
    ]);
    expect(report.skipped).toEqual([{ file: 'My poses/notes.txt', reason: 'not an image file name' }]);
    expect(progress.at(-1)).toEqual([10, 10, 5]);

    const byName = Object.fromEntries(report.imported.map((p) => [p.name, p]));
    expect(report.duplicates[0]?.existing).toEqual({
      kind: 'pose',
      id: byName['sheet three']?.id,
      name: 'sheet three',
      libraryId: library.id,
    });
    expect(byName['sheet three']).toMatchObject({
      kind: 'sheet',
      image: { width: 768, height: 384, format: 'png' },
    });
    expect(byName['sheet three']?.figures).toHaveLength(3);
    expect(byName['single']).toMatchObject({ kind: 'single' });
    expect(byName['animated']).toMatchObject({ image: { format: 'gif', width: 80, height: 60 } });
    expect(byName['Läufer – 走る']).toBeDefined();

    // On disk: the library lists exactly the files in its folder, each with a thumbnail; no temp files.
    const onDisk = await expectConsistent(dir, library.id);
    // In the folder's (natural, recursive) order, whatever order the work finished in.
    expect(onDisk.poses.map((p) => p.name)).toEqual(['animated', 'sheet three', 'Läufer – 走る', 'single']);
    for (const pose of onDisk.poses) {
      const thumb = await sharp(join(dir, '.studio', 'thumbs', `${pose.image.id}.webp`)).metadata();
      expect(thumb.format).toBe('webp');
      expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(640);
      expect(byName[pose.name]?.image.thumbFile).toBe(`.studio/thumbs/${pose.image.id}.webp`);
    }
    expect(await tempLeftovers(dir)).toEqual([]);

    // Importing the same folder into another library finds every picture already in the project.
    const other = await ws.poses.create('Other');
    const again = await ws.poses.import(other.id, [
      { path: join(src, 'sheet three.png') },
      { path: join(src, 'sub') },
    ]);
    expect(again.imported).toEqual([]);
    expect(again.duplicates.map((d) => d.file).sort()).toEqual(
      ['sheet three.png', 'sub/deeper/Läufer – 走る.png', 'sub/single.png'].sort(),
    );
  });

  it('imports uploaded bytes (drag and drop in the browser) and names a bad upload by its file name', async () => {
    const { ws } = await newProject(tempDir);
    const library = await ws.poses.create('Uploads');
    const good = await makeImage('webp', 120, 90);
    const report = await ws.poses.import(library.id, [
      { name: 'dropped.webp', dataBase64: good.toString('base64') },
      { name: 'broken.jpg', dataBase64: Buffer.from('nope').toString('base64') },
    ]);
    expect(report.imported).toEqual([
      expect.objectContaining({ name: 'dropped', image: expect.objectContaining({ format: 'webp' }) }),
    ]);
    expect(report.imported[0]?.image.file).toMatch(/^poses\/[a-z0-9]+\/[a-z0-9]+\.webp$/);
    expect(report.failed).toEqual([
      expect.objectContaining({ file: 'broken.jpg', code: 'IMAGE_REJECTED', reason: 'not-an-image' }),
    ]);
    expect(report.failed[0]?.message).toContain('broken.jpg');
  });

  it('names a path that does not exist instead of failing the whole import', async () => {
    const { ws } = await newProject(tempDir);
    const library = await ws.poses.create('L');
    const file = join(await tempDir(), 'ok.png');
    await writeFile(file, await makeImage('png', 50, 50));
    const report = await ws.poses.import(library.id, [{ path: '/no/such/place/gone.png' }, { path: file }]);
    expect(report.imported).toHaveLength(1);
    expect(report.failed).toEqual([expect.objectContaining({ file: 'gone.png', code: 'NOT_FOUND' })]);
  });

  it('stops at a cancel, keeping only complete imports', async () => {
    const { ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Big');
    const src = await tempDir();
    for (let i = 0; i < 12; i++)
      await writeFile(join(src, `p${i}.png`), await makeImage('png', 64, 64, { hue: i * 25 }));
    const controller = new AbortController();
    const report = await ws.poses.import(library.id, [{ path: src }], {
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 3) controller.abort();
      },
    });
    expect(report.cancelled).toBe(true);
    expect(report.imported.length).toBeGreaterThanOrEqual(3);
    expect(report.imported.length).toBeLessThan(12);
    const onDisk = await expectConsistent(dir, library.id);
    expect(onDisk.poses.map((p) => p.id).sort()).toEqual(report.imported.map((p) => p.id).sort());
    expect(await tempLeftovers(dir)).toEqual([]);
  });

  it('refuses to import into a project opened read-only, touching nothing', async () => {
    const dir = join(await tempDir(), 'p');
    const first = await createProject(dir, 'Shared');
    const library = await workspaceFor(first).poses.create('L');
    const second = await openProject(dir); // the lock is held by `first`: read-only here
    expect(second.readOnly).toBe(true);
    const file = join(await tempDir(), 'a.png');
    await writeFile(file, await makeImage('png', 40, 40));
    await expect(workspaceFor(second).poses.import(library.id, [{ path: file }])).rejects.toMatchObject({
      code: 'PROJECT_READ_ONLY',
    });
    expect((await libraryOnDisk(dir, library.id)).poses).toEqual([]);
    await second.close();
    await first.close();
  });

  it.skipIf(skipMountTests)(
    'on a read-only disk: PERMISSION_DENIED, and the library and source files are untouched',
    async () => {
      // As root, permission bits do not stop writes; a read-only bind mount of the project folder does
      // (the kernel answers EROFS), exactly like a locked USB stick or a revoked network share.
      const { ws, dir, project } = await newProject(tempDir);
      const library = await ws.poses.create('L');
      const src = await tempDir();
      await writeFile(join(src, 'a.png'), await makeImage('png', 40, 40));
      await writeFile(join(src, 'b.png'), await makeImage('png', 40, 40, { hue: 100 }));
      const before = await libraryBytes(dir, library.id);
      const undo = mountReadOnly(dir);
      try {
        const error = await ws.poses.import(library.id, [{ path: src }]).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'PERMISSION_DENIED', detail: { imported: [] } });
        expect((error as Error).message).toMatch(/read-only/);
        expect((error as Error).message).toMatch(/Nothing was lost/);
      } finally {
        undo();
      }
      expect(await libraryBytes(dir, library.id)).toBe(before);
      expect(await readdir(join(dir, 'poses', library.id))).toEqual(['library.json']);
      expect((await readdir(src)).sort()).toEqual(['a.png', 'b.png']);
      // Writable again: the same import now works.
      expect((await ws.poses.import(library.id, [{ path: src }])).imported).toHaveLength(2);
      await project.close();
    },
  );

  it.skipIf(skipMountTests)(
    'on a full disk: DISK_FULL naming what got in; nothing half-imported, no temp files',
    async () => {
      const disk = await tinyDisk(2 * 1024 * 1024);
      try {
        const dir = join(disk.dir, 'project');
        const project = await createProject(dir, 'Full');
        const ws = workspaceFor(project);
        const library = await ws.poses.create('L');
        const src = await tempDir();
        await writeFile(join(src, '1 small.png'), await makeImage('png', 48, 48));
        // Noise does not compress: about 800 KB as PNG.
        const noise = randomBytes(512 * 512 * 3);
        await writeFile(
          join(src, '2 large.png'),
          await sharp(noise, { raw: { width: 512, height: 512, channels: 3 } })
            .png()
            .toBuffer(),
        );
        // Leave about 300 KB free: the small image fits, the large one cannot.
        const fs = await statfs(disk.dir);
        const free = fs.bavail * fs.bsize;
        await writeFile(join(disk.dir, 'filler'), Buffer.alloc(Math.max(0, free - 300 * 1024)));

        const error = await ws.poses.import(library.id, [{ path: src }]).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'DISK_FULL' });
        expect((error as Error).message).toMatch(/disk is full/);
        // Both files are processed at once, so the small one may or may not have got in before the disk
        // filled; either way the library lists exactly what is complete on disk, and says so.
        const onDisk = await expectConsistent(dir, library.id);
        const names = onDisk.poses.map((p) => p.image.originalName);
        expect(names).not.toContain('2 large.png');
        expect((error as { detail: { imported: string[] } }).detail.imported).toEqual(names);
        expect(await tempLeftovers(dir)).toEqual([]);

        // Free the space and try again: the rest comes in, what was in already is a duplicate.
        await rm(join(disk.dir, 'filler'));
        const retry = await ws.poses.import(library.id, [{ path: src }]);
        expect([...retry.imported.map((p) => p.image.originalName), ...names].sort()).toEqual([
          '1 small.png',
          '2 large.png',
        ]);
        expect(retry.duplicates.map((d) => d.file)).toEqual(names.map((n) => `${src.split('/').pop()}/${n}`));
        expect((await expectConsistent(dir, library.id)).poses).toHaveLength(2);
        await project.close();
      } finally {
        await disk.release();
      }
    },
  );
});

describe('editing and trashing poses', () => {
  it('renames a library, edits a pose, trashes and restores a pose and a library', async () => {
    const { ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('First');
    const src = await tempDir();
    await writeFile(join(src, 'a.png'), await makeImage('png', 40, 40));
    await writeFile(join(src, 'b.png'), await makeImage('png', 40, 40, { hue: 10 }));
    const { imported } = await ws.poses.import(library.id, [{ path: src }]);
    const [a, b] = imported;
    if (!a || !b) throw new Error('import failed');

    expect((await ws.poses.update(library.id, { name: 'Renamed' })).name).toBe('Renamed');
    const edited = await ws.poses.updatePose(a.id, { name: 'Hero stance', tags: ['hero'], kind: 'sheet' });
    expect(edited).toMatchObject({
      name: 'Hero stance',
      tags: ['hero'],
      kind: 'sheet',
      libraryId: library.id,
    });
    expect((await libraryOnDisk(dir, library.id)).poses.find((p) => p.id === a.id)).toMatchObject({
      name: 'Hero stance',
    });

    const trashId = await ws.poses.trashPoses([a.id]);
    let onDisk = await expectConsistent(dir, library.id);
    expect(onDisk.poses.map((p) => p.id)).toEqual([b.id]);
    const view = await ws.trashView();
    expect(view).toEqual([
      expect.objectContaining({ id: trashId, kind: 'pose', label: 'Hero stance', restorable: true }),
    ]);

    // Trash the library too: the pose's entry now waits for the library.
    const libraryTrash = await ws.poses.trashLibrary(library.id);
    expect((await ws.poses.readAll()).libraries).toEqual([]);
    const blocked = (await ws.trashView()).find((e) => e.id === trashId);
    expect(blocked).toMatchObject({
      restorable: false,
      blockedBy: expect.stringMatching(/Renamed.*restore it first/),
    });
    await expect(ws.restore(trashId)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await ws.restore(libraryTrash)).toBe('poseLibrary');
    expect(await ws.restore(trashId)).toBe('pose');
    onDisk = await expectConsistent(dir, library.id);
    expect(onDisk.poses.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
    expect(onDisk.poses.find((p) => p.id === a.id)).toMatchObject({ name: 'Hero stance', tags: ['hero'] });
    expect(await ws.trashView()).toEqual([]);
  });
});
