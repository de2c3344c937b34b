import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { openProject } from '../../../src/library/project-store';
import { addResult, workspaceFor } from '../../../src/library/workspace';
import { runCli } from '../../../src/cli/run-cli';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

/**
 * A file moved to quarantine stays a problem of the project on every open, named by its original path,
 * until the person deals with it (deletes it from quarantine, or moves it back): the images it described
 * are still in the project, and without the notice they would look simply gone.
 */
const tempDir = useTempDirs();

/** A project with a pose library holding one pose, and one result; closed again. */
async function projectOnDisk() {
  const { project, ws, dir } = await newProject(tempDir);
  const library = await ws.poses.create('Standing');
  const imported = await ws.poses.import(library.id, [
    { name: 'stand.png', dataBase64: (await makeImage('png', 120, 160)).toString('base64') },
  ]);
  const pose = imported.imported[0];
  if (!pose) throw new Error('pose import failed');
  const mira = await ws.characters.create({ name: 'Mira' });
  const result = await addResult(
    project,
    draftFor({ characterId: mira.id, poseId: pose.id }),
    await resultJpeg(),
  );
  await project.close();
  return { dir, library, pose, result };
}

/** Opens the project, lets the stores find the damaged files (moving them to quarantine), closes it. */
async function openAndLoad(dir: string) {
  const project = await openProject(dir);
  const ws = workspaceFor(project);
  await ws.poses.readAll();
  await ws.results.settled();
  const problems = project.summary().problems;
  await project.close();
  return problems;
}

describe('what is in quarantine is reported on every open', () => {
  it('a pose library whose library.json was quarantined is still a problem on the next open, until it leaves quarantine', async () => {
    const { dir, library, pose } = await projectOnDisk();
    const libraryFile = `poses/${library.id}/library.json`;
    await writeFile(join(dir, libraryFile), '{"name": "Standing", "poses": [');

    const first = await openAndLoad(dir);
    expect(first).toEqual([
      expect.objectContaining({ file: libraryFile, reason: expect.stringMatching(/not valid JSON/) }),
    ]);
    const quarantinedAs = first[0]?.quarantinedAs ?? '';

    const again = await openProject(dir);
    expect(again.summary().problems).toEqual([
      expect.objectContaining({
        file: libraryFile,
        quarantinedAs,
        reason: expect.stringMatching(/quarantine/),
      }),
    ]);
    // The pose list names it too, and the library's image is still where it was.
    const listed = await workspaceFor(again).poses.readAll();
    expect(listed.libraries).toEqual([]);
    expect(listed.problems).toEqual([expect.objectContaining({ file: libraryFile, quarantinedAs })]);
    expect((await stat(join(dir, pose.image.file))).isFile()).toBe(true);
    await again.close();

    // Dealt with: the person deletes it from quarantine. Then it is no longer a problem; the library's
    // folder, now without its library.json, is moved aside with its images (said once, nothing deleted).
    await rm(join(dir, quarantinedAs));
    const cleared = await openProject(dir);
    expect(cleared.summary().problems).toEqual([
      expect.objectContaining({
        file: `poses/${library.id}`,
        quarantinedAs: expect.stringMatching(/^\.studio\/leftovers\//),
      }),
    ]);
    await cleared.close();
    const quiet = await openProject(dir);
    expect(quiet.summary().problems).toEqual([]);
    await quiet.close();
  });

  it('a result whose receipt was quarantined is still a problem on the next open, and its image stays in results/', async () => {
    const { dir, result } = await projectOnDisk();
    const receipt = `results/${result.id}.json`;
    // Replaced by a sync tool (write beside, rename over), so the results folder changes and the app looks.
    await writeFile(join(dir, 'results', 'incoming'), '{"id": "broken"');
    await rename(join(dir, 'results', 'incoming'), join(dir, receipt));

    const first = await openAndLoad(dir);
    expect(first).toEqual([expect.objectContaining({ file: receipt })]);
    const quarantinedAs = first[0]?.quarantinedAs ?? '';

    for (let open = 0; open < 2; open++) {
      const again = await openProject(dir);
      expect(again.summary().problems).toEqual([expect.objectContaining({ file: receipt, quarantinedAs })]);
      await workspaceFor(again).results.settled();
      await again.close();
    }
    expect(await readdir(join(dir, 'results'))).toEqual([`${result.id}.jpg`]);

    // Dealt with: the person moves it back (here: a good receipt, as if repaired).
    await rename(join(dir, quarantinedAs), join(dir, receipt));
    await writeFile(join(dir, receipt), JSON.stringify(result));
    const restored = await openProject(dir);
    expect(restored.summary().problems).toEqual([]);
    expect(await workspaceFor(restored).results.has(result.id)).toBe(true);
    await restored.close();
  });
});

describe('the command line names what is in quarantine', () => {
  let userData: string;
  const previous = process.env.CCSTUDIO_USER_DATA;
  beforeEach(async () => {
    userData = join(await tempDir(), 'user-data');
    process.env.CCSTUDIO_USER_DATA = userData;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.CCSTUDIO_USER_DATA;
    else process.env.CCSTUDIO_USER_DATA = previous;
  });

  it('`results list` prints one line per problem on stderr, with where the file is kept', async () => {
    const { dir, result } = await projectOnDisk();
    const receipt = `results/${result.id}.json`;
    await writeFile(join(dir, 'results', 'incoming'), 'garbage');
    await rename(join(dir, 'results', 'incoming'), join(dir, receipt));
    const [problem] = await openAndLoad(dir);

    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await runCli(['results', 'list', dir], { stdin: new PassThrough(), stdout, stderr });

    expect(code).toBe(0);
    expect(out).toBe('');
    const lines = err.split('\n').filter((line) => line.includes(receipt));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(problem?.quarantinedAs ?? 'no quarantine path');
  });
});
