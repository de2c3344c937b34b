/**
 * The contained way the core touches project files and folders (src/library/contained-fs.ts), with real
 * files, real symlinks and a real named pipe: only regular files are read, never more than the cap, never
 * waiting on a pipe; inside an open project folder nothing is read, listed or created through a link that
 * leads out of it, while a link that stays inside is followed.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertInsideProject,
  guardProjectFolder,
  linkOutOnTheWay,
  listFolderInside,
  makeFolderInside,
  readFileInside,
  readRegularFile,
} from '../../../src/library/contained-fs';
import { moveInto, removeQuietly } from '../../../src/library/workspace/fs-utils';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const releases: (() => void)[] = [];
afterEach(() => {
  for (const release of releases.splice(0)) release();
});

/** A project folder registered as open, and a folder beside it standing for "outside". */
async function guarded() {
  const base = await tempDir();
  const root = join(base, 'project');
  const outside = join(base, 'outside');
  await mkdir(join(root, 'characters'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'secret.json'), '{"secret": true}');
  releases.push(await guardProjectFolder(root));
  return { root, outside };
}

describe('readRegularFile', () => {
  it('reads a regular file whole', async () => {
    const file = join(await tempDir(), 'a.json');
    await writeFile(file, '{"a": 1}');
    const read = await readRegularFile(file, 1024);
    expect(read.ok && read.bytes.toString()).toBe('{"a": 1}');
  });

  it('refuses a named pipe at once instead of waiting for a writer', async () => {
    const pipe = join(await tempDir(), 'pipe.json');
    execFileSync('mkfifo', [pipe]);
    const t0 = Date.now();
    const read = await readRegularFile(pipe, 1024);
    expect(read).toMatchObject({ ok: false, missing: false, refusal: { reason: 'not-a-file' } });
    expect(!read.ok && !read.missing && read.refusal.message).toMatch(/named pipe/);
    expect(Date.now() - t0).toBeLessThan(2000);
  }, 5000);

  it('refuses a link to /dev/zero (a device) without reading it', async () => {
    const link = join(await tempDir(), 'zero.json');
    await symlink('/dev/zero', link);
    expect(await readRegularFile(link, 1024)).toMatchObject({
      ok: false,
      refusal: { reason: 'not-a-file' },
    });
    expect(await readRegularFile(link, 1024, { noFollow: true })).toMatchObject({
      ok: false,
      refusal: { reason: 'link' },
    });
  }, 5000);

  it('refuses a folder, a file over the cap and a link loop; a missing file is missing', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'folder.json'));
    await writeFile(join(dir, 'big.json'), 'x'.repeat(2048));
    await symlink(join(dir, 'loop.json'), join(dir, 'loop.json'));
    expect(await readRegularFile(join(dir, 'folder.json'), 1024)).toMatchObject({
      refusal: { reason: 'not-a-file', message: 'it is a folder, not a file' },
    });
    expect(await readRegularFile(join(dir, 'big.json'), 1024)).toMatchObject({
      refusal: { reason: 'too-large' },
    });
    expect(await readRegularFile(join(dir, 'loop.json'), 1024)).toMatchObject({
      refusal: { reason: 'link-loop' },
    });
    expect(await readRegularFile(join(dir, 'none.json'), 1024)).toEqual({ ok: false, missing: true });
  });
});

describe('inside an open project folder', () => {
  it('refuses a file that is a link out, and one behind a folder linked out, naming the link', async () => {
    const { root, outside } = await guarded();
    await symlink(join(outside, 'secret.json'), join(root, 'presets.json'));
    await symlink(outside, join(root, 'characters', 'abcdefgh1'));

    expect(await readFileInside(join(root, 'presets.json'), 1024)).toMatchObject({
      ok: false,
      refusal: { reason: 'outside-project', link: join(root, 'presets.json') },
    });
    const behind = await readFileInside(join(root, 'characters', 'abcdefgh1', 'secret.json'), 1024);
    expect(behind).toMatchObject({
      ok: false,
      refusal: { reason: 'outside-project', link: join(root, 'characters', 'abcdefgh1') },
    });
    expect(!behind.ok && !behind.missing && behind.refusal.message).toMatch(/characters\/abcdefgh1/);
  });

  it('follows a link that stays inside the project', async () => {
    const { root } = await guarded();
    await writeFile(join(root, 'real.json'), '{"inside": true}');
    await symlink(join(root, 'real.json'), join(root, 'presets.json'));
    const read = await readFileInside(join(root, 'presets.json'), 1024);
    expect(read.ok && read.bytes.toString()).toBe('{"inside": true}');
  });

  it('never lists a folder linked out, nor one in a loop; lists a missing folder as empty', async () => {
    const { root, outside } = await guarded();
    await symlink(outside, join(root, 'poses'));
    await symlink(join(root, 'results'), join(root, 'results'));
    await expect(listFolderInside(join(root, 'poses'))).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { file: 'poses', reason: 'outside-project' },
    });
    await expect(listFolderInside(join(root, 'results'))).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { file: 'results', reason: 'link-loop' },
    });
    expect(await listFolderInside(join(root, 'trash'))).toEqual([]);
  });

  it('never creates a folder through a link out (nor a link to nothing), and leaves the outside as it was', async () => {
    const { root, outside } = await guarded();
    await symlink(outside, join(root, 'poses'));
    await symlink(join(outside, 'not-yet'), join(root, 'trash'));
    await expect(makeFolderInside(join(root, 'poses', 'lib', 'deep'))).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { file: 'poses', reason: 'outside-project' },
    });
    await expect(makeFolderInside(join(root, 'trash', 'entry'))).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { file: 'trash' },
    });
    expect(await readdir(outside)).toEqual(['secret.json']);
    await makeFolderInside(join(root, 'characters', 'abcdefgh2', 'refs'));
    await expect(
      assertInsideProject(join(root, 'characters', 'abcdefgh2', 'x.json')),
    ).resolves.toBeUndefined();
  });

  it('finds the first link out on the way, and none on a path without one', async () => {
    const { root, outside } = await guarded();
    await symlink(outside, join(root, 'characters', 'abcdefgh1'));
    expect(await linkOutOnTheWay(root, join(root, 'characters', 'abcdefgh1', 'character.json'))).toBe(
      join(root, 'characters', 'abcdefgh1'),
    );
    expect(await linkOutOnTheWay(root, join(root, 'characters', 'other', 'character.json'))).toBeUndefined();
  });

  it('moves nothing out of or into a folder linked outside (a trash entry’s files), and removes nothing there', async () => {
    const { root, outside } = await guarded();
    await mkdir(join(outside, 'files', 'characters', 'abcdefgh1'), { recursive: true });
    await writeFile(join(outside, 'files', 'characters', 'abcdefgh1', 'character.json'), '{}');
    await mkdir(join(root, 'trash', 'entry0001'), { recursive: true });
    await symlink(join(outside, 'files'), join(root, 'trash', 'entry0001', 'files'));
    const inTrash = join(root, 'trash', 'entry0001', 'files', 'characters', 'abcdefgh1');

    await expect(moveInto(inTrash, join(root, 'characters', 'abcdefgh1'))).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { file: 'trash/entry0001/files', reason: 'outside-project' },
    });
    await mkdir(join(root, 'characters', 'abcdefgh3'));
    await expect(
      moveInto(join(root, 'characters', 'abcdefgh3'), join(inTrash, '..', 'abcdefgh3')),
    ).rejects.toMatchObject({ code: 'PROJECT_DAMAGED' });
    await removeQuietly(inTrash);
    expect(await readdir(join(outside, 'files', 'characters'))).toEqual(['abcdefgh1']);
    expect(await readdir(join(root, 'characters'))).toEqual(['abcdefgh3']);
  });

  it('holds no longer once the project is released', async () => {
    const base = await tempDir();
    const root = join(base, 'project');
    await mkdir(root);
    await writeFile(join(base, 'secret.json'), '{}');
    await symlink(join(base, 'secret.json'), join(root, 'presets.json'));
    const release = await guardProjectFolder(root);
    expect((await readFileInside(join(root, 'presets.json'), 1024)).ok).toBe(false);
    release();
    release(); // twice is harmless
    expect((await readFileInside(join(root, 'presets.json'), 1024)).ok).toBe(true);
  });
});
