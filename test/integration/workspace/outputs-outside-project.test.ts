/**
 * Issue 9, defect 2: a contact sheet or an export never lands in the project's own folders (where it
 * could replace a paid result or a pose image), and never replaces an existing file unless the person
 * chose to. Through the contract (untrusted input, dispatchCall) and the real runtime, on real files.
 */
import { describe, expect, it } from 'vitest';
import { readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { MemoryStore } from '../../../src/secrets/memory-store';
import type { CallName } from '../../../src/contract';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { addResult } from '../../../src/library/workspace';
import { draftFor, newProject, resultJpeg } from './support';
import { treeSnapshot } from './tree-snapshot';

const tempDir = useTempDirs();

/** A project with one pose and one result, open in a real runtime, and a way to call the contract. */
async function projectWithResult() {
  const { project, ws, dir } = await newProject(tempDir);
  const mira = await ws.characters.create({ name: 'Mira' });
  const library = await ws.poses.create('L');
  const png = await makeImage('png', 80, 60);
  const { imported } = await ws.poses.import(library.id, [
    { name: 'arms.png', dataBase64: png.toString('base64') },
  ]);
  const pose = imported[0];
  if (!pose) throw new Error('no pose');
  const result = await addResult(
    project,
    draftFor({ characterId: mira.id, poseId: pose.id }),
    await resultJpeg(64, 48),
  );
  await project.close();

  // Opened once and closed, so the first opening's upkeep (index, thumbnail cache) is done and the
  // project then stays still unless an output lands in it.
  await (await openInRuntime(dir)).rt.dispose();
  return { ...(await openInRuntime(dir)), dir, library, pose, result };
}

async function openInRuntime(dir: string) {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '9.9.9',
    runQueue: false,
  });
  const call = async (name: CallName, input: unknown): Promise<unknown> => {
    const answer = await dispatchCall(rt.handlers, name, input);
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer.value;
  };
  await call('projects.open', { dir });
  await call('results.query', {});
  return { rt, call };
}

const refusal = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('outputs stay out of the project’s own folders', () => {
  it('refuses a contact sheet aimed at a pose image, results/ or .studio/ (also through a link), and leaves the project as it was', async () => {
    const { rt, call, dir, pose, result } = await projectWithResult();
    const before = await treeSnapshot(dir);
    const outsideDir = await tempDir();
    const linkToPoses = join(outsideDir, 'link-to-poses');
    await symlink(join(dir, 'poses'), linkToPoses);
    for (const file of [
      join(dir, ...pose.image.file.split('/')),
      join(dir, ...result.file.split('/')).replace(/\.jpg$/, ''), // ".png" is added: results/<id>.png
      join(dir, '.studio', 'thumbs', `${pose.image.id}.png`),
      join(dir, 'characters', 'sheet.png'),
      join(linkToPoses, ...pose.image.file.split('/').slice(1)),
    ]) {
      // Refused as asked, and even when the person says to replace what is there.
      for (const overwrite of [{}, { overwrite: true }]) {
        const refused = await refusal(call('results.contactSheet', { ids: [result.id], file, ...overwrite }));
        expect(refused, file).toMatchObject({ code: 'INVALID_INPUT', detail: { reason: 'inside-project' } });
      }
    }
    expect(await treeSnapshot(dir)).toEqual(before);
    await rt.dispose();
  });

  it('refuses to export into results/, poses/ or trash/ (also through a link), and leaves the project as it was', async () => {
    const { rt, call, dir, library, result } = await projectWithResult();
    const before = await treeSnapshot(dir);
    const outsideDir = await tempDir();
    await symlink(join(dir, 'poses', library.id), join(outsideDir, 'my exports'));
    for (const target of [
      join(dir, 'results'),
      join(dir, 'poses', library.id),
      join(dir, 'trash', 'exports'),
      join(outsideDir, 'my exports'),
    ]) {
      const refused = await refusal(
        call('results.export', { ids: [result.id], dir: target, includeReceipt: true }),
      );
      expect(refused, target).toMatchObject({ code: 'INVALID_INPUT', detail: { reason: 'inside-project' } });
    }
    expect(await treeSnapshot(dir)).toEqual(before);
    await rt.dispose();
  });

  it('exports into a folder of the person’s own inside the project folder', async () => {
    const { rt, call, dir, result } = await projectWithResult();
    const report = (await call('results.export', { ids: [result.id], dir: join(dir, 'For the editor') })) as {
      files: unknown[];
    };
    expect(report.files).toHaveLength(1);
    await rt.dispose();
  });
});

describe('a contact sheet never replaces a file the person did not choose to replace', () => {
  it('refuses an existing file, and replaces it only with overwrite: true', async () => {
    const { rt, call, result } = await projectWithResult();
    const out = join(await tempDir(), 'Contact sheet.png');
    const precious = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    await writeFile(out, precious);

    const refused = await refusal(call('results.contactSheet', { ids: [result.id], file: out }));
    expect(refused).toMatchObject({ code: 'ALREADY_EXISTS', detail: { file: out } });
    expect(Buffer.compare(await readFile(out), precious)).toBe(0);
    expect(await readdir(join(out, '..'))).toEqual(['Contact sheet.png']); // no temp file left behind

    const made = (await call('results.contactSheet', { ids: [result.id], file: out, overwrite: true })) as {
      file: string;
    };
    expect(made.file).toBe(out);
    expect(Buffer.compare(await readFile(out), precious)).not.toBe(0);
    expect((await sharp(out).metadata()).format).toBe('png');

    // A name not taken yet is written without asking.
    const fresh = join(await tempDir(), 'sheets', 'keepers');
    const second = (await call('results.contactSheet', { ids: [result.id], file: fresh })) as {
      file: string;
    };
    expect(second.file).toBe(`${fresh}.png`);
    await rt.dispose();
  });
});
