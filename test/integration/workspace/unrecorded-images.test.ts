/**
 * RELIABILITY.md item 3 and item 4, and the cache's temp files: what interrupted imports and creates
 * leave in a project is settled when it opens.
 *
 * - An import writes the image (poses/<lib>/<id>.png, characters/<id>/refs/<id>.jpg) and then records it
 *   in library.json / character.json; a crash in between leaves an image nothing refers to. Opening the
 *   project moves it into .studio/leftovers/ and reports it once.
 * - Never an image an import still running in this process is about to record (a project closed and
 *   opened again while its import ran on), nor one a trash entry names (the trash's own to settle).
 * - A failed characters.create leaves no folder; a character folder with no file in it is removed.
 * - Temp files of thumbnails in .studio/thumbs/ are removed (the cache is rebuilt).
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newId, nowIso } from '../../../src/domain';
import { createProject, openProject } from '../../../src/library/project-store';
import { workspaceFor } from '../../../src/library/workspace';
import { holdInFlight } from '../../../src/library/workspace/in-flight';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { newProject, skipMountTests, tinyDisk } from './support';

const tempDir = useTempDirs();

const exists = async (path: string) => (await stat(path).catch(() => null)) !== null;

const upload = async (name: string, size = 80) => ({
  name,
  dataBase64: (await makeImage('png', size, size + 20)).toString('base64'),
});

/** A closed project with a character holding one reference and a library holding one pose. */
async function projectOnDisk() {
  const { project, ws, dir } = await newProject(tempDir);
  const mira = await ws.characters.create({ name: 'Mira' });
  const withRef = await ws.characters.addReferences(mira.id, [await upload('face.png', 60)]);
  const library = await ws.poses.create('Standing');
  const { imported } = await ws.poses.import(library.id, [await upload('stand.png')]);
  const pose = imported[0];
  const ref = withRef.added[0];
  if (!pose || !ref) throw new Error('seeding failed');
  await project.close();
  return { dir, mira, library, pose, ref };
}

describe('images nothing refers to, left by an interrupted import', () => {
  it('are moved into .studio/leftovers on open, reported once; recorded and foreign files stay', async () => {
    const { dir, mira, library, pose, ref } = await projectOnDisk();
    const strayPose = `poses/${library.id}/${newId()}.png`;
    const strayRef = `characters/${mira.id}/refs/${newId()}.jpg`;
    const poseBytes = await makeImage('png', 40, 40);
    await writeFile(join(dir, strayPose), poseBytes);
    await writeFile(join(dir, strayRef), await makeImage('jpeg', 30, 30));
    // The person's own files, under names the app never gives: not ours to move.
    await writeFile(join(dir, 'poses', library.id, 'my sketch.png'), poseBytes);
    await writeFile(join(dir, 'characters', mira.id, 'refs', 'notes.txt'), 'hello');

    const project = await openProject(dir);
    const problems = project.summary().problems;
    expect(problems.map((p) => p.file).sort()).toEqual([strayPose, strayRef].sort());
    for (const problem of problems) {
      expect(problem.reason).toMatch(/nothing in the project refers to/);
      expect(problem.quarantinedAs).toMatch(/^\.studio\/leftovers\//);
      expect(await exists(join(dir, problem.file))).toBe(false);
    }
    const keptPose = problems.find((p) => p.file === strayPose)?.quarantinedAs ?? '';
    expect(await readFile(join(dir, keptPose))).toEqual(poseBytes);
    expect(await exists(join(dir, pose.image.file))).toBe(true);
    expect(await exists(join(dir, ref.file))).toBe(true);
    expect(await exists(join(dir, 'poses', library.id, 'my sketch.png'))).toBe(true);
    expect(await exists(join(dir, 'characters', mira.id, 'refs', 'notes.txt'))).toBe(true);
    const ws = workspaceFor(project);
    expect((await ws.poses.readAll()).libraries[0]?.poses.map((p) => p.id)).toEqual([pose.id]);
    await project.close();

    const again = await openProject(dir);
    expect(again.summary().problems).toEqual([]);
    await again.close();
  });

  it('leaves an image a trash entry names where it is (a restore that had moved it back)', async () => {
    const { dir, library } = await projectOnDisk();
    const restored = `poses/${library.id}/${newId()}.png`;
    await writeFile(join(dir, restored), await makeImage('png', 40, 40));
    const trashId = newId();
    await mkdir(join(dir, 'trash', trashId, 'files'), { recursive: true });
    await writeFile(
      join(dir, 'trash', trashId, 'entry.json'),
      JSON.stringify({
        schemaVersion: 1,
        id: trashId,
        kind: 'pose',
        label: 'Kneel',
        trashedAt: nowIso(),
        count: 1,
        moves: [restored],
        refs: { characters: [], libraries: [], poses: [], results: [] },
        thumbIds: [],
      }),
    );
    const project = await openProject(dir);
    expect(project.summary().problems.map((p) => p.file)).not.toContain(restored);
    expect(await exists(join(dir, restored))).toBe(true);
    await project.close();
  });

  it('leaves the images of a folder whose JSON does not read alone', async () => {
    const { dir, library } = await projectOnDisk();
    const libraryFile = join(dir, 'poses', library.id, 'library.json');
    await writeFile(libraryFile, '{"half a library');
    const names = await readdir(join(dir, 'poses', library.id));
    const project = await openProject(dir);
    expect(project.summary().problems).toEqual([]);
    expect(await readdir(join(dir, 'poses', library.id))).toEqual(names);
    await project.close();
  });

  it('never touches an image an import still running in this process is about to record', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Standing');
    // Hold the library's lock, so the import writes its image and then waits to record it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    void ws.locks.run(`library:${library.id}`, () => held);
    const importing = ws.poses.import(library.id, [await upload('kneel.png')]);
    // A new library at the same time: its folder holds only its first image until library.json is written.
    const importingNew = ws.poses.import({ newLibrary: { name: 'New' } }, [await upload('sit.png', 90)]);

    const images = async () =>
      (await readdir(join(dir, 'poses', library.id))).filter((n) => n.endsWith('.png') && !n.startsWith('.'));
    for (let i = 0; (await images()).length === 0; i++) {
      if (i > 500) throw new Error('the import never wrote its image');
      await new Promise((r) => setTimeout(r, 10));
    }
    // The project is closed and opened again while the import runs on.
    await project.close();
    const reopened = await openProject(dir);
    expect(reopened.summary().problems).toEqual([]);
    expect(await images()).toHaveLength(1);

    release();
    const done = await importing;
    const doneNew = await importingNew;
    expect(done.imported).toHaveLength(1);
    expect(doneNew.imported).toHaveLength(1);
    await reopened.close();
    const last = await openProject(dir);
    expect(last.summary().problems).toEqual([]);
    const libraries = (await workspaceFor(last).poses.readAll()).libraries;
    for (const lib of libraries) {
      for (const p of lib.poses) expect(await exists(join(dir, p.image.file))).toBe(true);
    }
    expect(libraries.map((l) => l.poses.length).sort()).toEqual([1, 1]);
    await last.close();
  });
});

describe('what this process holds in flight', () => {
  it('a new library’s folder with only its first image is left alone while held, settled once released', async () => {
    const { dir } = await projectOnDisk();
    const libraryId = newId();
    const imageId = newId();
    await mkdir(join(dir, 'poses', libraryId));
    await writeFile(join(dir, 'poses', libraryId, `${imageId}.png`), await makeImage('png', 40, 40));
    const release = holdInFlight(imageId);
    try {
      const first = await openProject(dir);
      expect(first.summary().problems).toEqual([]);
      expect(await exists(join(dir, 'poses', libraryId, `${imageId}.png`))).toBe(true);
      await first.close();
    } finally {
      release();
    }
    const second = await openProject(dir);
    expect(second.summary().problems.map((p) => p.file)).toEqual([`poses/${libraryId}`]);
    await second.close();
  });
});

describe.skipIf(skipMountTests)('characters.create on a full disk', () => {
  it('fails with DISK_FULL and leaves no folder (never listed as “character.json is missing”)', async () => {
    const disk = await tinyDisk(512 * 1024);
    try {
      const project = await createProject(join(disk.dir, 'project'), 'Full');
      const ws = workspaceFor(project);
      const before = await readdir(join(disk.dir, 'project', 'characters'));
      // Fill the disk: the character's folder can still be made, its character.json cannot be written.
      await writeFile(join(disk.dir, 'filler'), Buffer.alloc(1024 * 1024)).catch(() => undefined);
      await expect(ws.characters.create({ name: 'Nova' })).rejects.toMatchObject({ code: 'DISK_FULL' });
      expect(await readdir(join(disk.dir, 'project', 'characters'))).toEqual(before);
      expect((await ws.characters.readAll()).problems).toEqual([]);
      await project.close();
    } finally {
      await disk.release();
    }
  });
});

describe('settled on open', () => {
  it('a character folder holding no file (only an empty refs/) is removed, without a report', async () => {
    const { dir } = await projectOnDisk();
    const empty = newId();
    await mkdir(join(dir, 'characters', empty, 'refs'), { recursive: true });
    const project = await openProject(dir);
    expect(project.summary().problems).toEqual([]);
    expect(await exists(join(dir, 'characters', empty))).toBe(false);
    await project.close();
  });

  it('temp files inside a trash entry’s files (a write racing the move) are moved aside', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Standing');
    await ws.poses.import(library.id, [await upload('stand.png')]);
    const trashId = await ws.poses.trashLibrary(library.id);
    await project.close();
    const temp = `trash/${trashId}/files/poses/${library.id}/.${newId()}.png.0123456789ab.tmp`;
    await writeFile(join(dir, temp), 'half an image');
    const reopened = await openProject(dir);
    expect(reopened.summary().problems.map((p) => p.file)).toEqual([temp]);
    expect(await exists(join(dir, temp))).toBe(false);
    await reopened.close();
  });

  it('temp files of thumbnails in .studio/thumbs are removed', async () => {
    const { dir } = await projectOnDisk();
    const thumbs = join(dir, '.studio', 'thumbs');
    const temp = `.${newId()}.webp.0123456789ab.tmp`;
    await writeFile(join(thumbs, temp), 'half a thumbnail');
    const before = (await readdir(thumbs)).filter((n) => n !== temp);
    const project = await openProject(dir);
    expect(await readdir(thumbs)).toEqual(before);
    expect(project.summary().problems).toEqual([]);
    await project.close();
  });
});
