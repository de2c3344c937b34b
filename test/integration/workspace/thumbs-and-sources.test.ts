import { describe, expect, it } from 'vitest';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId, type Result } from '../../../src/domain';
import { addResult, repairThumbnails } from '../../../src/library/workspace';
import { workspaceProjectSources } from '../../../src/services/workspace/project-sources';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

const tempDir = useTempDirs();

describe('the thumbnail cache', () => {
  it('is rebuilt for results, poses and references when it goes missing', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const c = await ws.characters.create({ name: 'C' });
    const refs = await ws.characters.addReferences(c.id, [
      { name: 'r.png', dataBase64: (await makeImage('png', 60, 60)).toString('base64') },
    ]);
    const library = await ws.poses.create('L');
    const poses = await ws.poses.import(library.id, [
      { name: 'p.png', dataBase64: (await makeImage('png', 70, 50, { hue: 5 })).toString('base64') },
    ]);
    const result = await addResult(
      project,
      draftFor({ characterId: c.id, poseId: poses.imported[0]?.id ?? '' }),
      await resultJpeg(),
    );
    const expected = [refs.added[0]?.id, poses.imported[0]?.image.id, result.id]
      .map((id) => `${id}.webp`)
      .sort();
    expect((await readdir(join(dir, '.studio', 'thumbs'))).sort()).toEqual(expected);

    await rm(join(dir, '.studio', 'thumbs'), { recursive: true });
    const progress: number[] = [];
    expect(await repairThumbnails(ws, { onProgress: (done) => progress.push(done) })).toEqual({
      made: 3,
      failed: 0,
    });
    expect((await readdir(join(dir, '.studio', 'thumbs'))).sort()).toEqual(expected);
    expect(progress.at(-1)).toBe(3);
    // A complete cache costs nothing and reports no task.
    const idle: number[] = [];
    expect(await repairThumbnails(ws, { onProgress: (done) => idle.push(done) })).toEqual({
      made: 0,
      failed: 0,
    });
    expect(idle).toEqual([]);
    await project.close();
  });
});

describe('ProjectSources for the generation pipeline', () => {
  it('reads characters and poses through the stores and commits a result once', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const c = await ws.characters.create({ name: 'C' });
    const library = await ws.poses.create('L');
    const { imported } = await ws.poses.import(library.id, [
      { name: 'p.png', dataBase64: (await makeImage('png', 70, 50)).toString('base64') },
    ]);
    const pose = imported[0];
    if (!pose) throw new Error('no pose');

    expect((await workspaceProjectSources.character(project, c.id)).name).toBe('C');
    const found = await workspaceProjectSources.pose(project, pose.id);
    expect(Buffer.compare(Buffer.from(found.bytes), await readFile(join(dir, pose.image.file)))).toBe(0);
    expect(found.pose.id).toBe(pose.id);

    const id = newId();
    const image = join(await tempDir(), 'output.jpg');
    await writeFile(image, await resultJpeg(90, 60));
    const draft = draftFor({ characterId: c.id, poseId: pose.id, id });
    const result: Result = {
      ...draft,
      file: `results/${id}.jpg`,
      width: 90,
      height: 60,
      review: { rating: 0, flag: 'none', tags: [] },
    };
    await workspaceProjectSources.commitResult(project, result, image);
    await workspaceProjectSources.commitResult(project, result, image); // a retry after a crash: harmless
    expect((await readdir(join(dir, 'results'))).sort()).toEqual([`${id}.jpg`, `${id}.json`]);
    expect(await workspaceProjectSources.result(project, id)).toMatchObject({ id, width: 90, height: 60 });
    expect(
      (
        await ws.results.query({ filter: {}, sort: 'newest', offset: 0, limit: 10 }, await ws.catalog())
      ).items.map((i) => i.id),
    ).toEqual([id]);

    await ws.characters.trash(c.id);
    await expect(workspaceProjectSources.character(project, c.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await ws.poses.trashPoses([pose.id]);
    await expect(workspaceProjectSources.pose(project, pose.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await project.close();
  });
});
