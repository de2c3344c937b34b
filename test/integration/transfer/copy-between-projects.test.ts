/**
 * Characters and pose libraries brought from one project into another (transfer.inspect, transfer.copy)
 * over real folders, real sharp, through the untrusted-input path the UI uses (dispatchCall). The other
 * project is only read; every copied image is checked; a second copy is recognised by its provenance.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CharacterView } from '../../../src/contract/calls/workspace';
import type { Character, PoseLibrary } from '../../../src/domain';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { treeOf } from '../archive/support';
import { startRuntime } from '../archive/support';

const tempDir = useTempDirs();
const b64 = (bytes: Buffer) => bytes.toString('base64');
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

type Runtime = Awaited<ReturnType<typeof startRuntime>>;
interface CopyReport {
  from: { id: string; name: string };
  characters: { sourceId: string; status: string; id: string; images: number; name: string }[];
  poseLibraries: { sourceId: string; status: string; id: string; images: number; name: string }[];
  images: number;
  cancelled: boolean;
}

let sourceDir: string;
let targetDir: string;
let source: { project: { id: string; name: string }; character: Character; library: PoseLibrary };
let app: Runtime;

/** A source project with a character that has every field set and two references, and a pose library. */
async function makeSource(dir: string): Promise<typeof source> {
  const maker = await startRuntime(await tempDir());
  const { call } = maker;
  const project = await call<{ id: string; name: string }>('projects.create', { dir, name: 'Book one' });
  const created = await call<Character>('characters.create', {
    name: 'Mira',
    description: 'a girl of ten, red scarf, yellow raincoat',
    styleWords: 'watercolor, soft light',
    negativePrompt: 'blurry, extra fingers',
    tags: ['lead', 'chapter 1'],
    notes: 'Scarf is always on the left shoulder.',
    colorLabel: 'orange',
  });
  await call('characters.addReferences', {
    id: created.id,
    sources: [
      { name: 'face front.png', dataBase64: b64(await makeImage('png', 200, 160, { hue: 10 })) },
      { name: 'full body.jpg', dataBase64: b64(await makeImage('jpeg', 180, 320, { hue: 200 })) },
    ],
  });
  const library = await call<PoseLibrary>('poses.createLibrary', { name: 'Walk cycle', tags: ['motion'] });
  const imported = await call<{ imported: { id: string }[] }>('poses.import', {
    libraryId: library.id,
    sources: [
      { name: 'three standing.png', dataBase64: b64(await makePoseSheet()) },
      { name: 'single.png', dataBase64: b64(await makeImage('png', 120, 240, { hue: 90 })) },
    ],
  });
  // Edited after the import, so these live in the library's change log: the copy must see them.
  await call('poses.update', {
    poseId: imported.imported[0]!.id,
    changes: {
      name: 'Three standing, edited',
      tags: ['group'],
      figures: [{ x: 4, y: 6, width: 50, height: 90 }],
    },
  });
  const character = await call<Character>('characters.get', { id: created.id });
  const { libraries } = await call<{ libraries: PoseLibrary[] }>('poses.list', {});
  await maker.rt.dispose();
  return { project, character, library: libraries.find((l) => l.id === library.id)! };
}

beforeEach(async () => {
  const work = await tempDir();
  sourceDir = join(work, 'Book one');
  targetDir = join(work, 'Book two');
  source = await makeSource(sourceDir);
  app = await startRuntime(await tempDir());
  await app.call('projects.create', { dir: targetDir, name: 'Book two' });
  return () => app.rt.dispose();
});

const copyAll = () =>
  app.call<CopyReport>('transfer.copy', {
    dir: sourceDir,
    characterIds: [source.character.id],
    poseLibraryIds: [source.library.id],
  });

/** An image record without what a copy must change (its id and where it lives). */
const imageFacts = ({ id: _id, file: _file, thumbFile: _thumb, ...facts }: Record<string, unknown>) => facts;

describe('copying characters and pose libraries from another project', () => {
  it('keeps every field and every image byte for byte, and notes where each came from', async () => {
    const sourceTree = await treeOf(sourceDir);
    const listed = await app.call<{
      project: { id: string; name: string };
      characters: { id: string; name: string; images: number; alreadyHere?: unknown }[];
      poseLibraries: { id: string; name: string; images: number; alreadyHere?: unknown }[];
    }>('transfer.inspect', { dir: sourceDir });
    expect(listed.project).toMatchObject({ id: source.project.id, name: 'Book one' });
    expect(listed.characters).toEqual([
      expect.objectContaining({ id: source.character.id, name: 'Mira', images: 2 }),
    ]);
    expect(listed.poseLibraries).toEqual([
      expect.objectContaining({ id: source.library.id, name: 'Walk cycle', images: 2 }),
    ]);
    expect(listed.characters[0]!.alreadyHere).toBeUndefined();

    const report = await copyAll();
    expect(report).toMatchObject({
      from: { id: source.project.id, name: 'Book one' },
      images: 4,
      cancelled: false,
      characters: [{ sourceId: source.character.id, status: 'copied', images: 2 }],
      poseLibraries: [{ sourceId: source.library.id, status: 'copied', images: 2 }],
    });

    // The character: every field the person set, the same images (bytes and records), new ids.
    const copy = await app.call<CharacterView>('characters.get', { id: report.characters[0]!.id });
    expect(copy.id).not.toBe(source.character.id);
    const fields = (c: Character) => {
      const { id: _i, referenceImages: _r, updatedAt: _u, copiedFrom: _c, ...rest } = c;
      return rest;
    };
    expect(fields(copy)).toEqual(fields(source.character));
    expect(copy.copiedFrom).toMatchObject({
      projectId: source.project.id,
      projectName: 'Book one',
      itemId: source.character.id,
    });
    expect(copy.referenceImages.map((i) => imageFacts(i as unknown as Record<string, unknown>))).toEqual(
      source.character.referenceImages.map((i) => imageFacts(i as unknown as Record<string, unknown>)),
    );
    for (const [index, image] of copy.referenceImages.entries()) {
      const original = source.character.referenceImages[index]!;
      expect(image.id).not.toBe(original.id);
      const bytes = await readFile(join(targetDir, image.file));
      expect(sha(bytes)).toBe(original.sha256);
      expect((await stat(join(targetDir, image.thumbFile))).size).toBeGreaterThan(0);
    }

    // The pose library: name, tags, date, and each pose's name, kind, figures, tags and image.
    const { libraries } = await app.call<{ libraries: PoseLibrary[] }>('poses.list', {});
    const lib = libraries.find((l) => l.id === report.poseLibraries[0]!.id)!;
    expect(lib).toMatchObject({ name: 'Walk cycle', tags: ['motion'], createdAt: source.library.createdAt });
    expect(lib.copiedFrom).toMatchObject({ projectId: source.project.id, itemId: source.library.id });
    const poseFields = (p: PoseLibrary['poses'][number]) => {
      const { id: _i, image, ...rest } = p as typeof p & { libraryId?: string };
      const { libraryId: _l, ...kept } = rest as typeof rest & { libraryId?: string };
      return { ...kept, image: imageFacts(image as unknown as Record<string, unknown>) };
    };
    expect(lib.poses.map(poseFields)).toEqual(source.library.poses.map(poseFields));
    expect(lib.poses[0]).toMatchObject({
      name: 'Three standing, edited',
      tags: ['group'],
      figures: [{ x: 4, y: 6, width: 50, height: 90 }],
    });
    for (const pose of lib.poses) {
      const bytes = await readFile(join(targetDir, pose.image.file));
      expect(sha(bytes)).toBe(pose.image.sha256);
    }

    // Provenance outlives later edits (a rename goes into the library's change log).
    await app.call('poses.updateLibrary', { id: lib.id, name: 'Walk cycle (book two)' });
    const renamed = (await app.call<{ libraries: PoseLibrary[] }>('poses.list', {})).libraries[0]!;
    expect(renamed).toMatchObject({ name: 'Walk cycle (book two)', copiedFrom: lib.copiedFrom });
    await app.call('characters.update', { id: copy.id, changes: { notes: 'Edited in book two.' } });
    expect((await app.call<Character>('characters.get', { id: copy.id })).copiedFrom).toEqual(
      copy.copiedFrom,
    );

    // Results stay behind, and the other project was only read.
    expect(await readdir(join(targetDir, 'results'))).toEqual([]);
    expect(await treeOf(sourceDir)).toEqual(sourceTree);
  });

  it('copying twice does not duplicate: the provenance is recognised', async () => {
    await copyAll();
    const after = await treeOf(targetDir);
    const again = await copyAll();
    expect(again.images).toBe(0);
    expect(again.characters).toEqual([
      expect.objectContaining({ status: 'already-here', id: expect.any(String) }),
    ]);
    expect(again.poseLibraries).toEqual([expect.objectContaining({ status: 'already-here' })]);
    expect(await treeOf(targetDir)).toEqual(after);
    const { characters } = await app.call<{ characters: Character[] }>('characters.list', {});
    expect(characters).toHaveLength(1);
    const listed = await app.call<{ characters: { alreadyHere?: { name: string } }[] }>('transfer.inspect', {
      dir: sourceDir,
    });
    expect(listed.characters[0]!.alreadyHere).toMatchObject({ name: 'Mira' });
  });

  it('copying a library again brings the poses made since in the other project, not one removed here', async () => {
    const first = await copyAll();
    const copyId = first.poseLibraries[0]!.id;
    const library = async () =>
      (await app.call<{ libraries: PoseLibrary[] }>('poses.list', {})).libraries.find(
        (l) => l.id === copyId,
      )!;
    // Here, the person removes one of the two copied poses.
    const removed = (await library()).poses[1]!;
    await app.call('poses.trash', { poseIds: [removed.id] });
    // There, a pose is added to the original after the copy.
    const added = await makeImage('png', 140, 260, { hue: 300 });
    const maker = await startRuntime(await tempDir());
    try {
      await maker.call('projects.open', { dir: sourceDir });
      await maker.call('poses.import', {
        libraryId: source.library.id,
        sources: [{ name: 'kneeling.png', dataBase64: b64(added) }],
      });
    } finally {
      await maker.rt.dispose();
    }

    const listed = await app.call<{ poseLibraries: { alreadyHere?: { newPoses?: number } }[] }>(
      'transfer.inspect',
      { dir: sourceDir },
    );
    expect(listed.poseLibraries[0]!.alreadyHere?.newPoses).toBe(1);
    const again = await copyAll();
    expect(again.poseLibraries).toEqual([
      expect.objectContaining({ status: 'updated', id: copyId, images: 1 }),
    ]);
    expect(again.characters).toEqual([expect.objectContaining({ status: 'already-here' })]);
    const poses = (await library()).poses;
    expect(poses.map((p) => p.name)).toEqual(['Three standing, edited', 'kneeling']);
    expect(poses.some((p) => p.image.sha256 === removed.image.sha256)).toBe(false);
    const kneeling = poses[1]!;
    expect(await readFile(join(targetDir, kneeling.image.file))).toEqual(added);
    expect(kneeling.image.sha256).toBe(sha(added));

    // Nothing new the third time: nothing written.
    const after = await treeOf(targetDir);
    const third = await copyAll();
    expect(third.poseLibraries).toEqual([expect.objectContaining({ status: 'already-here' })]);
    expect(third.images).toBe(0);
    expect(await treeOf(targetDir)).toEqual(after);
  });

  it('two copies of the same thing at once make one', async () => {
    const [first, second] = await Promise.all([copyAll(), copyAll()]);
    const statuses = [first, second].map((r) => r.characters[0]!.status).sort();
    expect(statuses).toEqual(['already-here', 'copied']);
    expect(await readdir(join(targetDir, 'characters'))).toHaveLength(1);
    expect(await readdir(join(targetDir, 'poses'))).toHaveLength(1);
  });

  it('a copy of a copy is recognised too (A → B, then B → C finds what A → C brought)', async () => {
    await copyAll(); // Book one → Book two
    const third = join(await tempDir(), 'Book three');
    const other = await startRuntime(await tempDir());
    try {
      await other.call('projects.create', { dir: third, name: 'Book three' });
      await other.call('transfer.copy', { dir: sourceDir, characterIds: [source.character.id] });
      await app.call('projects.close', {});
      const { characters } = await other.call<{ characters: { id: string; alreadyHere?: unknown }[] }>(
        'transfer.inspect',
        { dir: targetDir },
      );
      expect(characters[0]!.alreadyHere).toBeDefined();
      const report = await other.call<CopyReport>('transfer.copy', {
        dir: targetDir,
        characterIds: [characters[0]!.id],
      });
      expect(report.characters[0]!.status).toBe('already-here');
    } finally {
      await other.rt.dispose();
    }
  });

  it('an image that fails the check is refused and that item leaves nothing behind', async () => {
    // A reference whose bytes changed on disk since it was imported: not copied.
    const ref = source.character.referenceImages[0]!;
    await writeFile(join(sourceDir, ref.file), await makeImage('png', 200, 160, { hue: 300 }));
    const before = await treeOf(targetDir);
    const changed = await app.raw('transfer.copy', { dir: sourceDir, characterIds: [source.character.id] });
    expect(changed).toMatchObject({
      ok: false,
      error: { code: 'PROJECT_DAMAGED', detail: { reason: 'changed-on-disk' } },
    });
    expect(await treeOf(targetDir)).toEqual(before);

    // Bytes that match their record but are no image at all: the import's check refuses them.
    const garbage = Buffer.from('this is not an image, only text pretending to be one');
    await writeFile(join(sourceDir, ref.file), garbage);
    const file = join(sourceDir, 'characters', source.character.id, 'character.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as Character;
    json.referenceImages[0]!.sha256 = sha(garbage);
    await writeFile(file, JSON.stringify(json));
    const rejected = await app.raw('transfer.copy', { dir: sourceDir, characterIds: [source.character.id] });
    expect(rejected).toMatchObject({ ok: false, error: { code: 'IMAGE_REJECTED' } });
    expect(await treeOf(targetDir)).toEqual(before);
    expect(await readdir(join(targetDir, 'characters'))).toEqual([]);

    // The library is fine and still copies.
    const report = await app.call<CopyReport>('transfer.copy', {
      dir: sourceDir,
      poseLibraryIds: [source.library.id],
    });
    expect(report.poseLibraries[0]!.status).toBe('copied');
  });

  it('a cancel midway leaves the item being copied out entirely, thumbnails included', async () => {
    const before = await treeOf(targetDir);
    const off = app.rt.events.on((name, payload) => {
      const progress = payload as { taskId: string; done: number; finished: boolean };
      if (
        name === 'task.progress' &&
        progress.taskId === 'copy-1' &&
        progress.done === 1 &&
        !progress.finished
      )
        void app.rt.handlers['tasks.cancel']({ taskId: 'copy-1' }); // aborts at once, before the next step
    });
    try {
      const report = await app.call<CopyReport>('transfer.copy', {
        dir: sourceDir,
        characterIds: [source.character.id],
        poseLibraryIds: [source.library.id],
        taskId: 'copy-1',
      });
      expect(report).toMatchObject({ cancelled: true, characters: [], poseLibraries: [], images: 0 });
    } finally {
      off();
    }
    expect(await treeOf(targetDir)).toEqual(before);
    expect(await readdir(join(targetDir, 'characters'))).toEqual([]);
    expect(await readdir(join(targetDir, '.studio', 'thumbs')).catch(() => [])).toEqual([]);
  });

  it('refuses the open project itself, a folder that is no project, unknown ids and empty choices', async () => {
    expect(await app.raw('transfer.inspect', { dir: targetDir })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', detail: { reason: 'same-project' } },
    });
    expect(await app.raw('transfer.inspect', { dir: await tempDir() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await app.raw('transfer.copy', { dir: sourceDir, characterIds: ['zzzzzzzzzzzz'] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await app.raw('transfer.copy', { dir: sourceDir })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await readdir(join(targetDir, 'characters'))).toEqual([]);
  });
});
