/**
 * `ccstudio character copy` and `ccstudio poses copy` as a person scripts them: real processes, real
 * files. Failures are one line "error CODE: message" and a non-zero exit.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Character, PoseLibrary } from '../../../src/domain';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { startRuntime, treeOf } from '../archive/support';
import { runCli } from '../../helpers/cli';

const tempDir = useTempDirs();

const cli = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, { env });

describe('ccstudio character copy / poses copy', () => {
  it('copies by name into another project, once; refuses what it must', { timeout: 90_000 }, async () => {
    const work = await tempDir();
    const env = { ...process.env, CCSTUDIO_USER_DATA: join(work, 'user-data') };
    const from = join(work, 'Book one');
    const to = join(work, 'Book two');

    const maker = await startRuntime(await tempDir());
    await maker.call('projects.create', { dir: from, name: 'Book one' });
    const mira = await maker.call<Character>('characters.create', { name: 'Mira', description: 'red scarf' });
    await maker.call('characters.addReferences', {
      id: mira.id,
      sources: [{ name: 'face.png', dataBase64: (await makeImage('png', 120, 100)).toString('base64') }],
    });
    await maker.call('characters.create', { name: 'Otto' });
    const library = await maker.call<PoseLibrary>('poses.createLibrary', { name: 'Standing' });
    await maker.call('poses.import', {
      libraryId: library.id,
      sources: [{ name: 'sheet.png', dataBase64: (await makePoseSheet()).toString('base64') }],
    });
    await maker.rt.dispose();
    const sourceTree = await treeOf(from);

    expect((await cli(['project', 'create', to, '--name', 'Book two'], env)).code).toBe(0);

    const characters = await cli(['character', 'copy', from, to, 'mira'], env);
    expect(characters).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^copied character "Mira" \(1 references\) as [a-z0-9]+\n$/),
    });
    const poses = await cli(['poses', 'copy', from, to, '--all'], env);
    expect(poses).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^copied pose library "Standing" \(1 poses\) as [a-z0-9]+\n$/),
    });
    expect(await readdir(join(to, 'characters'))).toHaveLength(1);
    expect(await readdir(join(to, 'poses'))).toHaveLength(1);

    const again = await cli(['character', 'copy', from, to, 'Mira'], env);
    expect(again).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^character "Mira" is already here \([a-z0-9]+\); not copied again\n$/),
    });
    expect(await readdir(join(to, 'characters'))).toHaveLength(1);

    const unknown = await cli(['character', 'copy', from, to, 'Nobody'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^error NOT_FOUND: The other project has no character named "Nobody" \(it has: Mira, Otto\)/m,
    );
    const self = await cli(['character', 'copy', to, to, '--all'], env);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/^error INVALID_INPUT: That is the project open now/m);
    const none = await cli(['poses', 'copy', from, to], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error INVALID_INPUT: Name at least one pose library to copy, or --all/m);

    expect(await treeOf(from)).toEqual(sourceTree);
  });
});
