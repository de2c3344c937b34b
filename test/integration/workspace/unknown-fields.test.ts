import { describe, expect, it } from 'vitest';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  CHANGES_FILE_NAME,
  changesFileOf,
  readPoseLibraryValue,
} from '../../../src/library/workspace/pose-library-file';
import { openProject, saveProjectFile } from '../../../src/library/project-store';
import { addResult } from '../../../src/library/workspace';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

/**
 * A file written by a newer version of the app may hold fields this one does not know. Changing such a
 * file here (a read-modify-write) must keep them, at every level, or the newer app loses its data.
 */
const tempDir = useTempDirs();

type Json = Record<string, unknown>;
const readJson = async (file: string): Promise<Json> => JSON.parse(await readFile(file, 'utf8')) as Json;
const addFields = async (file: string, add: (json: Json) => void) => {
  const json = await readJson(file);
  add(json);
  await writeFile(file, JSON.stringify(json, null, 2));
};
const first = (value: unknown): Json => (value as Json[])[0] as Json;

describe('fields this version does not know survive a rewrite', () => {
  it('character.json: top-level and inside a reference image', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const face = join(await tempDir(), 'face.png');
    await writeFile(face, await makeImage('png', 80, 80));
    await ws.characters.addReferences(mira.id, [{ path: face }]);
    const file = join(dir, 'characters', mira.id, 'character.json');
    await addFields(file, (json) => {
      json.voice = { pitch: 'high' };
      first(json.referenceImages).focalPoint = { x: 0.4, y: 0.3 };
    });

    await ws.characters.update(mira.id, { description: 'lighthouse keeper' });

    const after = await readJson(file);
    expect(after).toMatchObject({ description: 'lighthouse keeper', voice: { pitch: 'high' } });
    expect(first(after.referenceImages)).toMatchObject({ focalPoint: { x: 0.4, y: 0.3 } });
    await project.close();
  });

  it('a pose library: top-level and inside a pose, through its log of changes and when folded in', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const library = await ws.poses.create('Standing');
    const { imported } = await ws.poses.import(library.id, [
      { name: 'stand.png', dataBase64: (await makeImage('png', 120, 160)).toString('base64') },
    ]);
    // A newer app wrote the library whole (no log) with fields of its own.
    const file = join(dir, 'poses', library.id, 'library.json');
    const written = await readPoseLibraryValue(file);
    if (!written.ok) throw new Error('unreadable');
    const json = written.value as Json;
    json.sortOrder = 'manual';
    first(json.poses).camera = 'low angle';
    await writeFile(file, JSON.stringify(json, null, 2));
    await rm(changesFileOf(file), { force: true });

    await ws.poses.update(library.id, { name: 'Standing poses' });
    await ws.poses.updatePose(imported[0]?.id ?? '', { tags: ['idle'] });

    const expectKept = (after: Json) => {
      expect(after).toMatchObject({ name: 'Standing poses', sortOrder: 'manual' });
      expect(first(after.poses)).toMatchObject({ tags: ['idle'], camera: 'low angle' });
    };
    const read = await readPoseLibraryValue(file);
    expectKept((read.ok ? read.value : {}) as Json);
    // Enough edits to fold the log into library.json: the fields are in the file itself then.
    for (let i = 0; (await readdir(dirname(file))).includes(CHANGES_FILE_NAME) || i === 0; i++)
      await ws.poses.updatePose(imported[0]?.id ?? '', { tags: ['idle'], name: `Stand ${i}` });
    const folded = await readJson(file);
    expect(folded.sortOrder).toBe('manual');
    expect(first(folded.poses)).toMatchObject({ tags: ['idle'], camera: 'low angle' });
    await project.close();
  });

  it('a result receipt, when the result is reviewed', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const result = await addResult(
      project,
      draftFor({ characterId: 'character01', poseId: 'posepose01' }),
      await resultJpeg(),
    );
    const file = join(dir, 'results', `${result.id}.json`);
    await addFields(file, (json) => {
      json.upscaledFrom = 'abc';
      (json.review as Json).note = 'hands look off';
      ((json.receipt as Json).timings as Json).decodedAt = '2025-01-01T00:00:00.000Z';
    });

    await ws.results.review([result.id], { rating: 4 });

    const after = await readJson(file);
    expect(after).toMatchObject({
      upscaledFrom: 'abc',
      review: { rating: 4, note: 'hands look off' },
      receipt: { timings: { decodedAt: '2025-01-01T00:00:00.000Z' } },
    });
    await project.close();
  });

  it('project.json, when the project is renamed', async () => {
    const { project, dir } = await newProject(tempDir);
    await project.close();
    await addFields(join(dir, 'project.json'), (json) => {
      json.defaultModel = 'consistent-character-v2';
    });
    const reopened = await openProject(dir);
    await saveProjectFile(reopened, { name: 'Renamed' });
    expect(await readJson(join(dir, 'project.json'))).toMatchObject({
      name: 'Renamed',
      defaultModel: 'consistent-character-v2',
    });
    await reopened.close();
  });
});
