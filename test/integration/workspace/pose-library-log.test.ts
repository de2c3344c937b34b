/**
 * Issue 10: a change to a pose library writes what changed, not the whole library. A library is
 * library.json plus a log of changes (pose-library-file.ts). What a person relies on: an edit in a big
 * library is small on disk; a crash mid-write loses at most that edit; a damaged log is reported and
 * set aside while the library stands; a link in the log's place is refused; the log is folded back into
 * library.json before it outgrows it, with nothing lost.
 */
import { describe, expect, it } from 'vitest';
import { appendFile, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId, nowIso, type Pose, type PoseLibrary } from '../../../src/domain';
import { openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import {
  CHANGES_FILE_NAME,
  COMPACT_AT,
  applyPoseLibraryChange,
} from '../../../src/library/workspace/pose-library-file';
import { useTempDirs } from '../../helpers/temp-dir';
import { libraryOnDisk, newProject } from './support';

const tempDir = useTempDirs();

/** A library of `count` poses written whole, as an older version of the app (or a big import) leaves it. */
async function bigLibrary(dir: string, count: number): Promise<PoseLibrary> {
  const id = newId();
  const poses: Pose[] = Array.from({ length: count }, (_, i) => {
    const imageId = newId();
    return {
      id: newId(),
      name: `Pose ${i + 1}`,
      kind: 'single',
      image: {
        id: imageId,
        file: `poses/${id}/${imageId}.png`,
        originalName: `pose-${i + 1}.png`,
        width: 512,
        height: 768,
        format: 'png',
        bytes: 1000 + i,
        sha256: `${i}`.padStart(64, '0'),
      },
      figures: [{ x: 10, y: 20, width: 200, height: 500 }],
      tags: ['standing'],
      createdAt: nowIso(),
    };
  });
  const library: PoseLibrary = { id, name: 'Big', tags: [], poses, createdAt: nowIso(), updatedAt: nowIso() };
  const folder = join(dir, 'poses', id);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'library.json'), JSON.stringify(library, null, 2));
  return library;
}

const sizeOf = (file: string) =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );

describe('a pose library’s log of changes', () => {
  it('renames one pose of 2,000 by appending a line of well under 2 KB; library.json is not rewritten', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await bigLibrary(dir, 2000);
    const file = join(dir, 'poses', library.id, 'library.json');
    const before = await stat(file);
    const target = library.poses[1234] as Pose;

    await ws.poses.updatePose(target.id, { name: 'Hero stance', tags: ['hero'] });
    await ws.poses.update(library.id, { name: 'Big book' });

    const after = await stat(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.size).toBe(before.size);
    const logBytes = await sizeOf(join(dir, 'poses', library.id, CHANGES_FILE_NAME));
    expect(logBytes).toBeGreaterThan(0);
    expect(logBytes).toBeLessThan(2 * 1024);
    expect(before.size).toBeGreaterThan(500 * 1024); // what every edit used to rewrite

    // Read back, here and after reopening: the edits are there, the order and the rest untouched.
    for (const ws2 of [ws, workspaceFor(await reopened(project, dir))]) {
      const read = await ws2.poses.get(library.id);
      expect(read.name).toBe('Big book');
      expect(read.poses.map((p) => p.id)).toEqual(library.poses.map((p) => p.id));
      expect(read.poses[1234]).toMatchObject({ name: 'Hero stance', tags: ['hero'] });
      expect(read.poses[1233]).toEqual(library.poses[1233]);
    }
  });

  it('folds the log into library.json once it outgrows it, keeping the bytes written near the changes’', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Small');
    const folder = join(dir, 'poses', library.id);
    let appended = 0;
    let folds = 0;
    for (let i = 0; i < 400; i++) {
      const logBefore = await sizeOf(join(folder, CHANGES_FILE_NAME));
      await ws.poses.update(library.id, { name: `${'n'.repeat(190)} ${i}` });
      const logAfter = await sizeOf(join(folder, CHANGES_FILE_NAME));
      if (logAfter > logBefore) appended += logAfter - logBefore;
      else folds++;
    }
    expect(folds).toBeGreaterThan(0);
    // Never larger than the threshold plus one line.
    expect(await sizeOf(join(folder, CHANGES_FILE_NAME))).toBeLessThan(COMPACT_AT + 1024);
    expect((await libraryOnDisk(dir, library.id)).name).toBe(`${'n'.repeat(190)} 399`);
    expect(appended).toBeGreaterThan(400 * 190);
    await project.close();
  });

  it('ignores a line a crash tore at the end, and cuts it off before the next change', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Torn');
    await ws.poses.update(library.id, { name: 'Kept' });
    const log = join(dir, 'poses', library.id, CHANGES_FILE_NAME);
    await appendFile(log, '{"updatedAt":"2026-11-30T10:00:00.000Z","set":{"name":"Half wri');
    expect((await libraryOnDisk(dir, library.id)).name).toBe('Kept');

    const next = await reopened(project, dir);
    const ws2 = workspaceFor(next);
    expect(next.problems).toEqual([]);
    await ws2.poses.update(library.id, { name: 'After the crash' });
    const lines = (await readFile(log, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect((await ws2.poses.get(library.id)).name).toBe('After the crash');
    void ws;
  });

  it('sets a log damaged in the middle aside with a problem; library.json stands and the library loads', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Damaged');
    await ws.poses.update(library.id, { name: 'Renamed' });
    const log = join(dir, 'poses', library.id, CHANGES_FILE_NAME);
    await appendFile(
      log,
      'not json at all\n{"updatedAt":"2026-11-30T10:00:00.000Z","set":{"name":"Later"}}\n',
    );
    await project.close();

    const next = await openProject(dir);
    const { libraries, problems } = await workspaceFor(next).poses.readAll();
    expect(problems).toEqual([
      expect.objectContaining({
        file: `poses/${library.id}/${CHANGES_FILE_NAME}`,
        reason: expect.stringMatching(/change log is damaged at line 2/),
      }),
    ]);
    // library.json as it was written whole: the name it was created with.
    expect(libraries.map((l) => l.name)).toEqual(['Damaged']);
    expect(await readdir(join(dir, 'poses', library.id))).toEqual(['library.json']);
    await next.close();
  });

  it('refuses a link in the log’s place, leaving the file it points to untouched', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Linked');
    const outside = join(await tempDir(), 'elsewhere.txt');
    await writeFile(outside, 'not yours\n');
    await symlink(outside, join(dir, 'poses', library.id, CHANGES_FILE_NAME));

    // Refused with a clear error; the link is moved aside (quarantine, as any hostile file is), never
    // written through, and the library keeps its name.
    await expect(ws.poses.update(library.id, { name: 'Nope' })).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
    });
    expect(await readFile(outside, 'utf8')).toBe('not yours\n');
    expect(await readdir(join(dir, 'poses', library.id))).toEqual(['library.json']);
    expect(project.problems).toEqual([
      expect.objectContaining({ file: `poses/${library.id}/${CHANGES_FILE_NAME}` }),
    ]);
    expect((await ws.poses.get(library.id)).name).toBe('Linked');
    await project.close();
  });

  it('replays changes library.json already holds without changing anything (a crash while folding)', () => {
    const library = {
      id: 'library01',
      name: 'L',
      tags: [],
      poses: [
        { id: 'posepose01', name: 'A' },
        { id: 'posepose02', name: 'B' },
      ],
      createdAt: nowIso(),
      updatedAt: nowIso(),
    };
    const changes = [
      { updatedAt: '2026-11-30T10:00:00.000Z', put: [{ id: 'posepose03', name: 'C' }] },
      { updatedAt: '2026-11-30T10:00:01.000Z', drop: ['posepose01'] },
      { updatedAt: '2026-11-30T10:00:02.000Z', put: [{ id: 'posepose02', name: 'B2' }], set: { name: 'M' } },
    ];
    const once = changes.reduce<unknown>((value, change) => applyPoseLibraryChange(value, change), library);
    const twice = changes.reduce<unknown>((value, change) => applyPoseLibraryChange(value, change), once);
    expect(twice).toEqual(once);
    expect(once).toMatchObject({
      name: 'M',
      poses: [{ id: 'posepose02', name: 'B2' }, { id: 'posepose03' }],
    });
  });
});

async function reopened(project: { close(): Promise<void> }, dir: string) {
  await project.close();
  return openProject(dir);
}
