/**
 * The scale issue: every imported pose rewrote its whole library.json (1,000 poses wrote 429 MB). Poses
 * now join their library in batches (commit-batches.ts). What must still hold: the library lists every
 * pose in the order given, each with its image and thumbnail; a batch that cannot be written takes its
 * images back out; and until its batch is written an image is held in flight, so reopening the project
 * meanwhile does not take it for a crash's leftover.
 */
import { describe, expect, it, vi } from 'vitest';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import type * as AtomicWrite from '../../../src/library/atomic-write';
import type * as PoseLibraryFile from '../../../src/library/workspace/pose-library-file';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { libraryBytes, libraryOnDisk, newProject, tempLeftovers } from './support';
import { CHANGES_FILE_NAME } from '../../../src/library/workspace/pose-library-file';

const writes = vi.hoisted(() => ({ log: [] as string[], failLibraries: false }));
vi.mock('../../../src/library/atomic-write', async (importOriginal) => {
  const real = await importOriginal<typeof AtomicWrite>();
  const writeFileAtomic = async (file: string, data: string | Uint8Array) => {
    writes.log.push(file);
    if (writes.failLibraries && file.endsWith('library.json'))
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    return real.writeFileAtomic(file, data);
  };
  return {
    ...real,
    writeFileAtomic,
    writeJsonAtomic: (file: string, value: unknown) =>
      writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`),
  };
});

// A library's changes are appended to its log (pose-library-file.ts): counted, and failed like the
// whole-file writes above when the disk is "full".
vi.mock('../../../src/library/workspace/pose-library-file', async (importOriginal) => {
  const real = await importOriginal<typeof PoseLibraryFile>();
  return {
    ...real,
    appendPoseLibraryChange: async (file: string, change: PoseLibraryFile.PoseLibraryChange) => {
      writes.log.push(real.changesFileOf(file));
      if (writes.failLibraries)
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return real.appendPoseLibraryChange(file, change);
    },
  };
});

const tempDir = useTempDirs();

async function folderOf(count: number): Promise<string> {
  const src = await tempDir();
  for (let i = 0; i < count; i++)
    await writeFile(join(src, `pose ${i + 1}.png`), await makeImage('png', 48, 40, { hue: i * 7 }));
  return src;
}

const libraryWrites = () =>
  writes.log.filter((file) => file.endsWith('library.json') || file.endsWith(CHANGES_FILE_NAME)).length;

describe('importing many poses', () => {
  it('writes the library a few times, not once per pose, and lists every pose in order', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Many');
    const src = await folderOf(40);
    writes.log.length = 0;
    const report = await ws.poses.import(library.id, [{ path: src }]);
    expect(report.imported).toHaveLength(40);
    expect(libraryWrites()).toBeLessThan(10); // one per batch: in practice one or two

    const onDisk = await libraryOnDisk(dir, library.id);
    expect(onDisk.poses.map((p) => p.name)).toEqual(Array.from({ length: 40 }, (_, i) => `pose ${i + 1}`));
    expect(onDisk.poses.map((p) => p.id)).toEqual(report.imported.map((p) => p.id));
    for (const pose of onDisk.poses) {
      expect((await stat(join(dir, pose.image.file))).size).toBe(pose.image.bytes);
      await stat(join(dir, '.studio', 'thumbs', `${pose.image.id}.webp`));
    }
    expect(await tempLeftovers(dir)).toEqual([]);
    await project.close();
  });

  it('takes every image of a batch back out when its library.json cannot be written', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Full disk');
    const before = await libraryBytes(dir, library.id);
    const src = await folderOf(6);
    writes.failLibraries = true;
    try {
      const error = await ws.poses.import(library.id, [{ path: src }]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DISK_FULL', detail: { imported: [] } });
    } finally {
      writes.failLibraries = false;
    }
    expect(await readdir(join(dir, 'poses', library.id))).toEqual(['library.json']);
    expect(await libraryBytes(dir, library.id)).toBe(before);
    expect(await readdir(join(dir, '.studio', 'thumbs')).catch(() => [])).toEqual([]);
    // Into a new library: it never comes to be, not even as a folder.
    writes.failLibraries = true;
    try {
      await expect(ws.poses.import({ newLibrary: { name: 'Never' } }, [{ path: src }])).rejects.toMatchObject(
        { code: 'DISK_FULL' },
      );
    } finally {
      writes.failLibraries = false;
    }
    expect(await readdir(join(dir, 'poses'))).toEqual([library.id]);
    await project.close();
  });

  it('holds every image of a waiting batch in flight: reopening the project meanwhile moves none aside', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Held');
    const src = await folderOf(5);
    // Hold the library's lock: the import writes its images, then its batch waits to be recorded.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    void ws.locks.run(`library:${library.id}`, () => held);
    const importing = ws.poses.import(library.id, [{ path: src }]);

    const images = async () =>
      (await readdir(join(dir, 'poses', library.id))).filter((n) => n.endsWith('.png') && !n.startsWith('.'));
    for (let i = 0; (await images()).length < 5; i++) {
      if (i > 1000) throw new Error('the import never wrote its images');
      await new Promise((r) => setTimeout(r, 10));
    }
    await project.close();
    const reopened = await openProject(dir);
    expect(reopened.summary().problems).toEqual([]);
    expect(await images()).toHaveLength(5);

    release();
    expect((await importing).imported).toHaveLength(5);
    await reopened.close();
    const last = await openProject(dir);
    expect(last.summary().problems).toEqual([]);
    expect((await workspaceFor(last).poses.get(library.id)).poses).toHaveLength(5);
    await last.close();
  });
});
