import { describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { openProject, type ProjectHandle } from '../../../src/library/project-store';
import { addResult, workspaceFor, type Workspace } from '../../../src/library/workspace';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

/**
 * Trashing and restoring are small transactions whose intent is written in the trash entry (`state`)
 * before anything moves. A crash can stop them after any step; these tests lay down, with real files, the
 * state each such stop leaves (the entry in its state, some files moved, a record rewritten or not), then
 * open the project as the app does after a crash and check that nothing is half done: the change is
 * wholly undone (it never committed) and can be made again.
 *
 * RELIABILITY.md items 4 (an interrupted poses.trash / removeReference left the pose listed with its image
 * in the trash), 5 (an interrupted restore lost what it restored), 6 (an interrupted results.trash split a
 * result) and 10 (an entry naming `..` broke the gallery).
 */
const tempDir = useTempDirs();

const exists = async (path: string) => (await stat(path).catch(() => null)) !== null;
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

async function setEntryState(dir: string, trashId: string, state: string | undefined): Promise<void> {
  const file = join(dir, 'trash', trashId, 'entry.json');
  const entry = await readJson(file);
  if (state === undefined) delete entry.state;
  else entry.state = state;
  await writeFile(file, JSON.stringify(entry, null, 2));
}

/** Moves a project path between its place and its place in a trash entry, as a rename of the app would. */
async function move(dir: string, trashId: string, rel: string, to: 'trash' | 'project'): Promise<void> {
  const inProject = join(dir, ...rel.split('/'));
  const inTrash = join(dir, 'trash', trashId, 'files', ...rel.split('/'));
  const [from, dest] = to === 'trash' ? [inProject, inTrash] : [inTrash, inProject];
  await mkdir(dirname(dest), { recursive: true });
  await rename(from, dest);
}

async function reopen(project: ProjectHandle): Promise<{ project: ProjectHandle; ws: Workspace }> {
  await project.close();
  const opened = await openProject(project.root);
  return { project: opened, ws: workspaceFor(opened) };
}

async function entryFolders(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'trash'))).filter((name) => !name.startsWith('.'));
}

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(join(dir, '.studio', 'leftovers'), { recursive: true }).catch(() => [])).map(String);
}

/** A project with a library holding two poses. */
async function withPoses() {
  const { project, ws, dir } = await newProject(tempDir);
  const library = await ws.poses.create('Standing');
  const { imported } = await ws.poses.import(library.id, [
    { name: 'stand.png', dataBase64: (await makeImage('png', 120, 160)).toString('base64') },
    { name: 'lean.png', dataBase64: (await makeImage('png', 100, 150, { hue: 40 })).toString('base64') },
  ]);
  const [pose, other] = imported;
  if (!pose || !other) throw new Error('pose import failed');
  const libraryFile = join(dir, 'poses', library.id, 'library.json');
  return { project, ws, dir, library, pose, other, libraryFile };
}

async function posesOf(ws: Workspace, libraryId: string): Promise<string[]> {
  return (await ws.poses.get(libraryId)).poses.map((p) => p.id).sort();
}

describe('an interrupted poses.trash is undone when the project opens', () => {
  // The steps of a put: entry `moving`, the image into the trash, library.json drops the pose, entry `done`.
  for (const stoppedAfter of ['the entry', 'the image moved', 'library.json rewritten'] as const) {
    it(`stopped after ${stoppedAfter}: the pose is in its library with its image, nothing in the trash`, async () => {
      const { project, ws, dir, library, pose, other, libraryFile } = await withPoses();
      const listed = await readFile(libraryFile);
      const trashId = await ws.poses.trashPoses([pose.id]);
      // Lay down what the crash left: back from the finished state, step by step.
      await setEntryState(dir, trashId, 'moving');
      if (stoppedAfter !== 'library.json rewritten') await writeFile(libraryFile, listed);
      if (stoppedAfter === 'the entry') await move(dir, trashId, pose.image.file, 'project');

      const again = await reopen(project);
      expect(await posesOf(again.ws, library.id)).toEqual([pose.id, other.id].sort());
      expect(await exists(join(dir, pose.image.file))).toBe(true);
      expect(await again.ws.trashView()).toEqual([]);
      expect(await entryFolders(dir)).toEqual([]);
      expect(await leftovers(dir)).toEqual([]);
      expect(again.project.problems).toEqual([]);
      // And the delete can be made again.
      await again.ws.poses.trashPoses([pose.id]);
      expect(await posesOf(again.ws, library.id)).toEqual([other.id]);
      expect((await again.ws.trashView()).map((e) => e.label)).toEqual([pose.name]);
      await again.project.close();
    });
  }
});

describe('an interrupted characters.removeReference is undone when the project opens', () => {
  it('stopped after the image moved: the reference is on its character with its file', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const ref = join(await tempDir(), 'face.png');
    await writeFile(ref, await makeImage('png', 120, 160));
    const [image] = (await ws.characters.addReferences(mira.id, [{ path: ref }])).added;
    if (!image) throw new Error('reference import failed');
    const characterFile = join(dir, 'characters', mira.id, 'character.json');
    const before = await readFile(characterFile);
    const { trashId } = await ws.characters.removeReference(mira.id, image.id);
    await setEntryState(dir, trashId, 'moving');
    await writeFile(characterFile, before);

    const again = await reopen(project);
    expect((await again.ws.characters.get(mira.id)).referenceImages.map((i) => i.id)).toEqual([image.id]);
    expect(await exists(join(dir, image.file))).toBe(true);
    expect(await again.ws.trashView()).toEqual([]);
    expect(await entryFolders(dir)).toEqual([]);
    await again.project.close();
  });
});

describe('an interrupted trash.restore of poses is undone when the project opens', () => {
  // The steps of a restore: entry `restoring`, library.json lists the pose again, the image back, the
  // entry folder taken away (the commit).
  for (const stoppedAfter of ['the entry', 'library.json rewritten', 'the image moved back'] as const) {
    it(`stopped after ${stoppedAfter}: the entry is whole in the trash and can be restored`, async () => {
      const { project, ws, dir, library, pose, other, libraryFile } = await withPoses();
      const trashId = await ws.poses.trashPoses([pose.id]);
      const trashed = await readFile(libraryFile);
      await ws.restore(trashId);
      const restored = await readFile(libraryFile);
      // Lay down the crash: the entry as it was, then forward step by step.
      await mkdir(join(dir, 'trash', trashId, 'files', 'poses', library.id), { recursive: true });
      await writeFile(
        join(dir, 'trash', trashId, 'entry.json'),
        JSON.stringify({ ...(await trashEntryOf(ws, trashId, pose.id, library)), state: 'restoring' }),
      );
      await writeFile(libraryFile, stoppedAfter === 'the entry' ? trashed : restored);
      if (stoppedAfter !== 'the image moved back') await move(dir, trashId, pose.image.file, 'trash');

      const again = await reopen(project);
      expect(await posesOf(again.ws, library.id)).toEqual([other.id]);
      expect(await exists(join(dir, pose.image.file))).toBe(false);
      expect((await again.ws.trashView()).map((e) => e.id)).toEqual([trashId]);
      expect(await leftovers(dir)).toEqual([]);
      await again.ws.restore(trashId);
      expect(await posesOf(again.ws, library.id)).toEqual([pose.id, other.id].sort());
      expect(await exists(join(dir, pose.image.file))).toBe(true);
      expect(await entryFolders(dir)).toEqual([]);
      await again.project.close();
    });
  }

  it('keeps an entry an older version left half restored (files back, poses not), and restoring it recovers them', async () => {
    const { project, ws, dir, library, pose, other } = await withPoses();
    const trashId = await ws.poses.trashPoses([pose.id]);
    // What the old order left: the image moved back, library.json never told, the entry without a state.
    await setEntryState(dir, trashId, undefined);
    await move(dir, trashId, pose.image.file, 'project');

    const again = await reopen(project);
    expect((await again.ws.trashView()).map((e) => e.id)).toEqual([trashId]);
    expect(await entryFolders(dir)).toEqual([trashId]);
    await again.ws.restore(trashId);
    expect(await posesOf(again.ws, library.id)).toEqual([pose.id, other.id].sort());
    expect(await exists(join(dir, pose.image.file))).toBe(true);
    await again.project.close();
  });
});

describe('restoring a pose whose library was deleted for good', () => {
  it('brings the library back (same id and name) holding the pose', async () => {
    const { project, ws, dir, library, pose } = await withPoses();
    const poseEntry = await ws.poses.trashPoses([pose.id]);
    const libraryEntry = await ws.poses.trashLibrary(library.id);
    await ws.emptyTrash([libraryEntry]);
    await ws.restore(poseEntry);
    const back = await ws.poses.get(library.id);
    expect(back.name).toBe(library.name);
    expect(back.poses.map((p) => p.id)).toEqual([pose.id]);
    expect(await exists(join(dir, pose.image.file))).toBe(true);
    expect(await entryFolders(dir)).toEqual([]);
    await project.close();
  });
});

/** The entry of a trash that was restored since, as it was written (rebuilt from the pose's record). */
async function trashEntryOf(
  ws: Workspace,
  trashId: string,
  poseId: string,
  library: { id: string; name: string },
) {
  const pose = (await ws.poses.get(library.id)).poses.find((p) => p.id === poseId);
  if (!pose) throw new Error('pose missing');
  return {
    schemaVersion: 1,
    id: trashId,
    kind: 'pose',
    label: pose.name,
    trashedAt: new Date().toISOString(),
    count: 1,
    moves: [pose.image.file],
    refs: {
      poses: [
        {
          id: pose.id,
          name: pose.name,
          libraryId: library.id,
          kind: pose.kind,
          figures: pose.figures.length,
        },
      ],
    },
    thumbIds: [pose.image.id],
    payload: { poses: [{ libraryId: library.id, libraryName: library.name, pose }] },
  };
}

describe('an interrupted results.trash never splits a result', () => {
  async function withResults() {
    const { project, ws, dir } = await newProject(tempDir);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const result = await addResult(
        project,
        draftFor({ characterId: 'character001', poseId: 'pose00001' }),
        await resultJpeg(64, 48, i * 90),
      );
      ids.push(result.id);
    }
    return { project, ws, dir, ids };
  }

  it('moves each image into the trash before its receipt, and takes receipts out first', async () => {
    const { project, ws, dir, ids } = await withResults();
    const trashId = await ws.results.trash(ids, await ws.catalog());
    const entry = await readJson(join(dir, 'trash', trashId, 'entry.json'));
    const moves = entry.moves as string[];
    // Every receipt is listed after every image: the order they go in (and, reversed, come back).
    const lastImage = Math.max(...moves.map((m, i) => (m.endsWith('.json') ? -1 : i)));
    const firstReceipt = Math.min(...moves.map((m, i) => (m.endsWith('.json') ? i : moves.length)));
    expect(lastImage).toBeLessThan(firstReceipt);
    await project.close();
  });

  for (const order of ['images first (this version)', 'receipts first (an older version)'] as const) {
    it(`stopped half way, ${order}: the result is whole in results/ after opening, nothing moved aside`, async () => {
      const { project, ws, dir, ids } = await withResults();
      const [id] = ids;
      const trashId = await ws.results.trash([id ?? ''], await ws.catalog());
      await setEntryState(dir, trashId, 'moving');
      // One of the two files moved back: what a crash between the two renames left.
      const stillInProject = order.startsWith('images') ? `results/${id}.json` : `results/${id}.jpg`;
      await move(dir, trashId, stillInProject, 'project');

      const again = await reopen(project);
      expect(await exists(join(dir, 'results', `${id}.json`))).toBe(true);
      expect(await exists(join(dir, 'results', `${id}.jpg`))).toBe(true);
      expect(await leftovers(dir)).toEqual([]);
      expect(await again.ws.trashView()).toEqual([]);
      const page = await again.ws.results.query(
        { offset: 0, limit: 10, filter: {}, sort: 'newest' },
        await again.ws.catalog(),
      );
      expect(page.items.map((r) => r.id).sort()).toEqual([...ids].sort());
      await again.project.close();
    });
  }

  it('an interrupted restore of results leaves them in the trash, whole', async () => {
    const { project, ws, dir, ids } = await withResults();
    const [id] = ids;
    const trashId = await ws.results.trash([id ?? ''], await ws.catalog());
    await setEntryState(dir, trashId, 'restoring');
    // The receipt came back first; the crash came before the image.
    await move(dir, trashId, `results/${id}.json`, 'project');

    const again = await reopen(project);
    expect(await exists(join(dir, 'results', `${id}.json`))).toBe(false);
    expect(await exists(join(dir, 'trash', trashId, 'files', 'results', `${id}.jpg`))).toBe(true);
    expect((await again.ws.trashView()).map((e) => e.id)).toEqual([trashId]);
    await again.ws.restore(trashId);
    const page = await again.ws.results.query(
      { offset: 0, limit: 10, filter: {}, sort: 'newest' },
      await again.ws.catalog(),
    );
    expect(page.items.map((r) => r.id).sort()).toEqual([...ids].sort());
    await again.project.close();
  });
});

describe('a restore that fails part way puts everything back', () => {
  it('a restored receipt that cannot be read: the entry and its files stay in the trash byte for byte', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const result = await addResult(
      project,
      draftFor({ characterId: 'character001', poseId: 'pose00001' }),
      await resultJpeg(),
    );
    const trashId = await ws.results.trash([result.id], await ws.catalog());
    const receipt = join(dir, 'trash', trashId, 'files', 'results', `${result.id}.json`);
    await writeFile(receipt, '{"id": "not a whole receipt"');
    const entryFile = join(dir, 'trash', trashId, 'entry.json');
    const before = { entry: await readFile(entryFile), receipt: await readFile(receipt) };

    await expect(ws.restore(trashId)).rejects.toMatchObject({ code: 'PROJECT_DAMAGED' });
    expect(await readFile(entryFile)).toEqual(before.entry);
    expect(await readFile(receipt)).toEqual(before.receipt);
    expect(await exists(join(dir, 'trash', trashId, 'files', result.file))).toBe(true);
    expect((await readdir(join(dir, 'results'))).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect((await ws.trashView()).map((e) => e.id)).toEqual([trashId]);
    const page = await ws.results.query(
      { offset: 0, limit: 10, filter: {}, sort: 'newest' },
      await ws.catalog(),
    );
    expect(page.total).toBe(0);
    await project.close();
  });
});

describe('a trash entry naming a path the app never trashes', () => {
  it('is quarantined and reported; the trash and the gallery go on working', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const result = await addResult(
      project,
      draftFor({ characterId: 'character001', poseId: 'pose00001' }),
      await resultJpeg(),
    );
    const kept = await ws.results.trash([result.id], await ws.catalog());
    const bad = 'tamperedentry1';
    await mkdir(join(dir, 'trash', bad, 'files', 'results'), { recursive: true });
    await writeFile(join(dir, 'trash', bad, 'files', 'results', 'a.json'), '{}');
    await writeFile(
      join(dir, 'trash', bad, 'entry.json'),
      JSON.stringify({
        schemaVersion: 1,
        id: bad,
        kind: 'results',
        label: 'x',
        trashedAt: new Date().toISOString(),
        count: 1,
        moves: ['results/../../../evil'],
        refs: {},
      }),
    );
    ws.invalidateCatalog();

    expect((await ws.trashView()).map((e) => e.id)).toEqual([kept]);
    const page = await ws.results.query(
      { offset: 0, limit: 10, filter: {}, sort: 'newest' },
      await ws.catalog(),
    );
    expect(page.total).toBe(0);
    expect(project.problems.map((p) => p.file)).toContain(`trash/${bad}/entry.json`);
    expect(await exists(join(dir, 'trash', bad, 'entry.json'))).toBe(false);
    expect(await readdir(join(dir, 'trash', bad, 'files', 'results'))).toEqual(['a.json']);
    await expect(ws.restore(bad)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await project.close();
  });
});
