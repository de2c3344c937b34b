/**
 * readJsonFile and writeJsonKeepingUnknown against what a hostile folder puts where a JSON file belongs:
 * a named pipe, a link to /dev/zero, a folder, a link loop, a link out of the project, a file nested
 * 200,000 deep. Each is answered at once as a damaged file (never a hang, never an exception other than
 * the disk's own), and a save never writes through or over such a thing.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardProjectFolder } from '../../../src/library/contained-fs';
import {
  MAX_JSON_DEPTH,
  nestedDeeperThan,
  readJsonFile,
  writeJsonKeepingUnknown,
} from '../../../src/library/json-file';
import { useTempDirs } from '../../helpers/temp-dir';

const tempDir = useTempDirs();
const releases: (() => void)[] = [];
afterEach(() => {
  for (const release of releases.splice(0)) release();
});

const Doc = z.object({ name: z.string() });
const deepArrays = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('readJsonFile refuses what is not a JSON file, at once', () => {
  it('a named pipe', async () => {
    const pipe = join(await tempDir(), 'character.json');
    execFileSync('mkfifo', [pipe]);
    const read = await readJsonFile(pipe, Doc);
    expect(read).toMatchObject({ ok: false, missing: false, refusal: 'not-a-file' });
    expect(!read.ok && !read.missing && read.reason).toMatch(/named pipe/);
  }, 5000);

  it('a link to /dev/zero', async () => {
    const link = join(await tempDir(), 'character.json');
    await symlink('/dev/zero', link);
    expect(await readJsonFile(link, Doc)).toMatchObject({ ok: false, missing: false, refusal: 'not-a-file' });
  }, 5000);

  it('a folder, and a link that loops', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'character.json'));
    await symlink(join(dir, 'library.json'), join(dir, 'library.json'));
    expect(await readJsonFile(join(dir, 'character.json'), Doc)).toMatchObject({
      ok: false,
      missing: false,
      reason: 'it is a folder, not a file',
    });
    expect(await readJsonFile(join(dir, 'library.json'), Doc)).toMatchObject({
      ok: false,
      missing: false,
      refusal: 'link-loop',
    });
  });

  it('a file nested deeper than the limit (200,000 levels) is damaged, not parsed', async () => {
    const file = join(await tempDir(), 'character.json');
    await writeFile(file, `{"name": "Mira", "fromTheFuture": ${deepArrays(200_000)}}`);
    const read = await readJsonFile(file, Doc);
    expect(read).toMatchObject({ ok: false, missing: false });
    expect(!read.ok && !read.missing && read.reason).toMatch(/levels deep/);
  });

  it('a file nested up to the limit is read', async () => {
    const file = join(await tempDir(), 'character.json');
    await writeFile(file, `{"name": "Mira", "x": ${deepArrays(MAX_JSON_DEPTH - 1)}}`);
    expect(await readJsonFile(file, Doc)).toMatchObject({ ok: true, value: { name: 'Mira' } });
  });
});

describe('nestedDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(nestedDeeperThan('{"a": [[1]]}', 3)).toBe(false);
    expect(nestedDeeperThan('{"a": [[[1]]]}', 3)).toBe(true);
    expect(nestedDeeperThan(`{"a": "${'['.repeat(100)}"}`, 3)).toBe(false);
    expect(nestedDeeperThan(`{"a": "\\"${'{'.repeat(100)}"}`, 3)).toBe(false);
    expect(nestedDeeperThan('[{}, {}, [], [], {"b": {}}]', 3)).toBe(false);
  });
});

describe('writeJsonKeepingUnknown', () => {
  it('saves over a file holding 200,000-deep unknown fields without a stack overflow', async () => {
    const file = join(await tempDir(), 'character.json');
    await writeFile(file, `{"name": "Mira", "fromTheFuture": ${deepArrays(200_000)}}`);
    await writeJsonKeepingUnknown(file, Doc, { name: 'Mira B' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ name: 'Mira B' });
  });

  it('in an open project, never replaces a link out of it nor writes into a folder linked out', async () => {
    const base = await tempDir();
    const root = join(base, 'project');
    const outside = join(base, 'outside');
    await mkdir(join(root, 'characters'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'character.json'), '{"name": "Elsewhere"}');
    await mkdir(join(root, 'characters', 'abcdefgh1'));
    await symlink(join(outside, 'character.json'), join(root, 'characters', 'abcdefgh1', 'character.json'));
    await symlink(outside, join(root, 'characters', 'abcdefgh2'));
    releases.push(await guardProjectFolder(root));

    await expect(
      writeJsonKeepingUnknown(join(root, 'characters', 'abcdefgh1', 'character.json'), Doc, { name: 'x' }),
    ).rejects.toMatchObject({
      code: 'PROJECT_DAMAGED',
      detail: { file: 'characters/abcdefgh1/character.json', reason: 'outside-project' },
    });
    await expect(
      writeJsonKeepingUnknown(join(root, 'characters', 'abcdefgh2', 'character.json'), Doc, { name: 'x' }),
    ).rejects.toMatchObject({ code: 'PROJECT_DAMAGED', detail: { reason: 'outside-project' } });
    // Still a link, and nothing outside changed or was added.
    expect((await readdir(join(root, 'characters', 'abcdefgh1'))).sort()).toEqual(['character.json']);
    expect(await readdir(outside)).toEqual(['character.json']);
    expect(await readFile(join(outside, 'character.json'), 'utf8')).toBe('{"name": "Elsewhere"}');
  });
});
