/**
 * Issue 9, defect 4: bad input changes nothing. `ccstudio pose import` of files that are all refused
 * used to leave a new, empty pose library behind; now the library is made only with its first accepted
 * pose. Through the real CLI, as a person scripts it (a real process on real files).
 */
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { makePdf } from '../../fixtures-gen/broken-files';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { damagedPngs } from '../../unit/images/damaged-png';
import { treeSnapshot } from './tree-snapshot';
import { cliEnv, runCli } from '../../helpers/cli';

const tempDir = useTempDirs();

const cli = (args: string[], userData: string) => runCli(args, { env: cliEnv(userData) });

describe('ccstudio pose import with nothing acceptable', () => {
  it('fails naming each file and leaves the project folder byte for byte as it was', async () => {
    const work = await tempDir();
    const userData = join(work, 'user-data');
    const dir = join(work, 'Book');
    expect(await cli(['project', 'create', dir, '--name', 'Picture book'], userData)).toMatchObject({
      code: 0,
    });
    const damagedName = 'image data cut short.png';
    const damagedBytes = damagedPngs()[damagedName];
    if (!damagedBytes) throw new Error('no damaged PNG');
    await writeFile(join(work, 'not-a-pose.png'), makePdf());
    await writeFile(join(work, damagedName), damagedBytes);
    const before = await treeSnapshot(dir);

    const run = await cli(
      ['pose', 'import', dir, join(work, 'not-a-pose.png'), join(work, damagedName)],
      userData,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not-a-pose\.png/);
    expect(run.stderr).toContain(damagedName);
    expect(run.stderr).toMatch(/error IMAGE_REJECTED: None of the 2 file\(s\) could be imported/);
    expect(await treeSnapshot(dir)).toEqual(before);

    // The same command with one good picture makes the library, with just that pose in it.
    await writeFile(join(work, 'arms up.png'), await makeImage('png', 80, 60));
    const good = await cli(
      ['pose', 'import', dir, join(work, 'not-a-pose.png'), join(work, 'arms up.png')],
      userData,
    );
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/imported "arms up"/);
    const after = await treeSnapshot(dir);
    expect(after.filter((entry) => /^poses\/[^/]+\/library\.json /.test(entry))).toHaveLength(1);
  }, 60_000);
});

/** A runtime over the project in `dir`, created first when asked. */
async function runtimeFor(dir: string, create = false) {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '9.9.9',
    runQueue: false,
  });
  await dispatchCall(
    rt.handlers,
    create ? 'projects.create' : 'projects.open',
    create ? { dir, name: 'New library' } : { dir },
  );
  return rt;
}

describe('poses.import into a new library', () => {
  it('makes the library with its first accepted pose, and none at all when every file is refused', async () => {
    const dir = join(await tempDir(), 'project');
    // Created and closed first, so the first opening's upkeep (the thumbnail cache marker) is done.
    await (await runtimeFor(dir, true)).dispose();
    const rt = await runtimeFor(dir);
    const call = (name: 'poses.import' | 'poses.list', input: unknown) =>
      dispatchCall(rt.handlers, name, input);
    const pdf = { name: 'doc.png', dataBase64: makePdf().toString('base64') };
    const good = { name: 'arms.png', dataBase64: (await makeImage('png', 80, 60)).toString('base64') };

    // One target, not both or neither.
    expect(await call('poses.import', { sources: [good] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(
      await call('poses.import', { libraryId: 'abcdefgh1234', newLibraryName: 'X', sources: [good] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });

    const before = await treeSnapshot(dir);
    const refused = await call('poses.import', { newLibraryName: 'Standing', sources: [pdf] });
    expect(refused).toMatchObject({ ok: true, value: { imported: [], failed: [{ file: 'doc.png' }] } });
    expect(await treeSnapshot(dir)).toEqual(before);
    expect(await call('poses.list', {})).toMatchObject({ ok: true, value: { libraries: [] } });

    const accepted = await call('poses.import', { newLibraryName: 'Standing', sources: [pdf, good] });
    if (!accepted.ok) throw new Error(accepted.error.message);
    const listed = await call('poses.list', {});
    expect(listed).toMatchObject({
      ok: true,
      value: {
        libraries: [
          {
            id: (accepted.value as { libraryId: string }).libraryId,
            name: 'Standing',
            poses: [{ name: 'arms' }],
          },
        ],
      },
    });
    await rt.dispose();
  });
});
