import { describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultSchema, newId } from '../../../src/domain';
import { openProject } from '../../../src/library/project-store';
import { addResult, workspaceFor } from '../../../src/library/workspace';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

/**
 * What a crash leaves behind (an image whose receipt never got written, temp files of atomic writes,
 * a character folder without its character.json, a trash folder without its entry) is settled when the
 * project opens: what is complete is adopted, the rest is moved into .studio/leftovers/ (never deleted)
 * and reported on that open only.
 */
const tempDir = useTempDirs();

const exists = async (path: string) => (await stat(path).catch(() => null)) !== null;

/** A closed project with a character, a pose library with one pose, and one result. */
async function projectOnDisk() {
  const { project, ws, dir } = await newProject(tempDir);
  const mira = await ws.characters.create({ name: 'Mira' });
  const library = await ws.poses.create('Standing');
  const { imported } = await ws.poses.import(library.id, [
    { name: 'stand.png', dataBase64: (await makeImage('png', 120, 160)).toString('base64') },
  ]);
  const pose = imported[0];
  if (!pose) throw new Error('pose import failed');
  const kept = await addResult(
    project,
    draftFor({ characterId: mira.id, poseId: pose.id }),
    await resultJpeg(),
  );
  await project.close();
  return { dir, mira, library, pose, kept };
}

describe('opening a project settles what a crash left behind', () => {
  it('adopts a complete receipt, moves the rest into .studio/leftovers, reports each once, deletes nothing', async () => {
    const { dir, mira, library, pose, kept } = await projectOnDisk();

    // A paid image whose receipt was never written.
    const orphan = newId();
    const orphanBytes = await resultJpeg(40, 30, 200);
    await writeFile(join(dir, 'results', `${orphan}.jpg`), orphanBytes);
    // A result whose receipt was written and synced, but the rename into place never happened: complete.
    const adopted = ResultSchema.parse({
      ...draftFor({ characterId: mira.id, poseId: pose.id }),
      file: '',
      width: 40,
      height: 30,
    });
    adopted.file = `results/${adopted.id}.jpg`;
    await writeFile(join(dir, adopted.file), await resultJpeg(40, 30, 90));
    await writeFile(join(dir, 'results', `.${adopted.id}.json.0a1b2c3d4e5f.tmp`), JSON.stringify(adopted));
    // Temp files of interrupted writes: half a character.json, half a pose image, half a project.json.
    const halfCharacter = `characters/${mira.id}/.character.json.aaaaaaaaaaaa.tmp`;
    const halfPose = `poses/${library.id}/.${newId()}.png.bbbbbbbbbbbb.tmp`;
    const halfProject = '.project.json.cccccccccccc.tmp';
    await writeFile(join(dir, halfCharacter), '{"name": "Mi');
    await writeFile(join(dir, halfPose), (await makeImage('png', 60, 60)).subarray(0, 100));
    await writeFile(join(dir, halfProject), '{"schema');
    // A character folder whose character.json was never written (a duplicate that stopped half way).
    const lostCharacter = newId();
    await mkdir(join(dir, 'characters', lostCharacter, 'refs'), { recursive: true });
    const faceBytes = await makeImage('png', 50, 50);
    await writeFile(join(dir, 'characters', lostCharacter, 'refs', 'face.png'), faceBytes);
    // A trash folder without its entry (emptying the trash stopped half way).
    const lostTrash = newId();
    await mkdir(join(dir, 'trash', lostTrash, 'files', 'results'), { recursive: true });
    await writeFile(join(dir, 'trash', lostTrash, 'files', 'results', 'old.jpg'), orphanBytes);

    const project = await openProject(dir);
    const problems = project.summary().problems;
    expect(problems.map((p) => p.file).sort()).toEqual(
      [
        `results/${orphan}.jpg`,
        halfCharacter,
        halfPose,
        halfProject,
        `characters/${lostCharacter}`,
        `trash/${lostTrash}`,
      ].sort(),
    );
    for (const problem of problems) {
      expect(problem.quarantinedAs).toMatch(/^\.studio\/leftovers\//);
      expect(problem.quarantinedAs?.endsWith(problem.file)).toBe(true);
      expect(await exists(join(dir, problem.file))).toBe(false);
      expect(await exists(join(dir, problem.quarantinedAs ?? ''))).toBe(true);
    }
    const kept_ = (file: string) => problems.find((p) => p.file === file)?.quarantinedAs ?? '';
    expect(await readFile(join(dir, kept_(`results/${orphan}.jpg`)))).toEqual(orphanBytes);
    expect(await readFile(join(dir, kept_(`characters/${lostCharacter}`), 'refs', 'face.png'))).toEqual(
      faceBytes,
    );

    // The complete receipt was adopted: the result is in the project, beside the one that was there.
    expect(await exists(join(dir, 'results', `${adopted.id}.json`))).toBe(true);
    const ws = workspaceFor(project);
    await ws.results.settled();
    expect(ws.results.count()).toBe(2);
    expect(await ws.results.has(adopted.id)).toBe(true);
    expect(await ws.results.has(kept.id)).toBe(true);
    expect((await readdir(join(dir, 'results'))).sort()).toEqual(
      [`${kept.id}.jpg`, `${kept.id}.json`, `${adopted.id}.jpg`, `${adopted.id}.json`].sort(),
    );
    // What was whole stays as it was.
    expect((await ws.characters.readAll()).characters.map((c) => c.name)).toEqual(['Mira']);
    expect((await ws.poses.readAll()).libraries[0]?.poses).toHaveLength(1);
    await project.close();

    // Reported once: the next open has nothing to say, and moves nothing.
    const again = await openProject(dir);
    expect(again.summary().problems).toEqual([]);
    await again.close();
  });

  it('leaves the folder of a character whose character.json is in quarantine where it is', async () => {
    const { dir, mira } = await projectOnDisk();
    await writeFile(join(dir, 'characters', mira.id, 'character.json'), 'not json');
    const first = await openProject(dir);
    await workspaceFor(first).characters.readAll(); // finds it damaged: quarantined
    await first.close();

    const again = await openProject(dir);
    expect(again.summary().problems).toEqual([
      expect.objectContaining({
        file: `characters/${mira.id}/character.json`,
        quarantinedAs: expect.stringMatching(/^\.studio\/quarantine\//),
      }),
    ]);
    expect(await exists(join(dir, 'characters', mira.id))).toBe(true);
    await again.close();
  });

  it('moves nothing when the project is open read-only (another instance may be mid-commit)', async () => {
    const { dir } = await projectOnDisk();
    const writer = await openProject(dir);
    const inFlight = `results/${newId()}.jpg`;
    await writeFile(join(dir, inFlight), await resultJpeg());
    const reader = await openProject(dir);
    expect(reader.readOnly).toBe(true);
    expect(reader.summary().problems).toEqual([]);
    expect(await exists(join(dir, inFlight))).toBe(true);
    await reader.close();
    await writer.close();
  });
});
