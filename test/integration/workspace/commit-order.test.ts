import { describe, expect, it, vi } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addResult, hasResult, workspaceFor } from '../../../src/library/workspace';
import { useTempDirs } from '../../helpers/temp-dir';
import type * as AtomicWrite from '../../../src/library/atomic-write';
import type * as PoseLibraryFile from '../../../src/library/workspace/pose-library-file';
import { draftFor, libraryBytes, newProject, readIndexRows, resultJpeg } from './support';

/** Every atomic write in order, and switches to make receipt or library.json writes fail as on a full disk. */
const writes = vi.hoisted(() => ({
  log: [] as string[],
  failReceipts: false,
  failLibraries: false,
  /** A project whose index is read at each write of a result's file (what a crash there would leave). */
  watchIndexOf: undefined as string | undefined,
  indexWhileWriting: [] as { rows: string[]; pending: string[] }[],
}));
vi.mock('../../../src/library/atomic-write', async (importOriginal) => {
  const real = await importOriginal<typeof AtomicWrite>();
  const writeFileAtomic = async (file: string, data: string | Uint8Array) => {
    writes.log.push(file);
    if (writes.watchIndexOf && /results[\\/][a-z0-9]+\.(json|jpg)$/.test(file)) {
      const { rows, pending } = readIndexRows(writes.watchIndexOf);
      writes.indexWhileWriting.push({ rows: rows.map((r) => r.id), pending });
    }
    if (
      (writes.failReceipts && /results[\\/][a-z0-9]+\.json$/.test(file)) ||
      (writes.failLibraries && file.endsWith('library.json'))
    ) {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    return real.writeFileAtomic(file, data);
  };
  return {
    ...real,
    writeFileAtomic,
    writeJsonAtomic: (file: string, value: unknown) =>
      writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`),
  };
});
// A change to an existing library is a line appended to its log (pose-library-file.ts): failed the same way.
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

describe('committing a paid result', () => {
  it('writes the image before its JSON, and the index after both', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    await ws.results.load();
    writes.log.length = 0;
    writes.watchIndexOf = dir;
    const draft = draftFor({ characterId: 'character01', poseId: 'posepose01' });
    await addResult(project, draft, await resultJpeg());
    writes.watchIndexOf = undefined;
    const ours = writes.log.filter((f) => f.includes(draft.id));
    expect(ours.map((f) => f.split(/[\\/]/).slice(-2).join('/'))).toEqual([
      `results/${draft.id}.jpg`,
      `results/${draft.id}.json`,
    ]);
    // While each file was written the index only had the id in its pending journal, not its row: a
    // crash there makes the next open read this receipt. After the commit the row is there, unmarked.
    expect(writes.indexWhileWriting).toEqual([
      { rows: [], pending: [draft.id] },
      { rows: [], pending: [draft.id] },
    ]);
    expect(readIndexRows(dir).rows.map((r) => r.id)).toEqual([draft.id]);
    expect(readIndexRows(dir).pending).toEqual([]);
    expect(await ws.results.has(draft.id)).toBe(true);
    await project.close();
  });

  it('keeps the image when the receipt cannot be written, and a retry completes the commit', async () => {
    const { project, dir } = await newProject(tempDir);
    const draft = draftFor({ characterId: 'character01', poseId: 'posepose01' });
    const image = await resultJpeg(80, 60);
    writes.failReceipts = true;
    try {
      const error = await addResult(project, draft, image).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DISK_FULL' });
      expect((error as Error).message).toContain(`The image was kept as results/${draft.id}.jpg`);
    } finally {
      writes.failReceipts = false;
    }
    expect(await readdir(join(dir, 'results'))).toEqual([`${draft.id}.jpg`]);
    expect(await readFile(join(dir, 'results', `${draft.id}.jpg`))).toEqual(image);
    expect(await hasResult(project, draft.id)).toBe(false); // an image without a receipt is not a result yet

    await addResult(project, draft, image);
    expect((await readdir(join(dir, 'results'))).sort()).toEqual([`${draft.id}.jpg`, `${draft.id}.json`]);
    expect(await hasResult(project, draft.id)).toBe(true);
    expect(workspaceFor(project).results.count()).toBe(1);
    await project.close();
  });
});

describe('importing a pose when its library cannot be written', () => {
  it('removes the image and thumbnail it had already placed: nothing half-imported', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('L');
    const before = await libraryBytes(dir, library.id);
    const thumbsBefore = await readdir(join(dir, '.studio', 'thumbs')).catch(() => []);
    writes.log.length = 0;
    writes.failLibraries = true;
    try {
      const error = await ws.poses
        .import(library.id, [{ name: 'a.png', dataBase64: (await resultJpeg(30, 30)).toString('base64') }])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DISK_FULL', detail: { imported: [] } });
    } finally {
      writes.failLibraries = false;
    }
    // The image did get written (then the library's write failed)...
    expect(writes.log.some((f) => /poses[\\/][a-z0-9]+[\\/][a-z0-9]+\.jpg$/.test(f))).toBe(true);
    // ...and was taken back out, with its thumbnail.
    expect(await readdir(join(dir, 'poses', library.id))).toEqual(['library.json']);
    expect(await libraryBytes(dir, library.id)).toBe(before);
    expect(await readdir(join(dir, '.studio', 'thumbs')).catch(() => [])).toEqual(thumbsBefore);
    await project.close();
  });
});
