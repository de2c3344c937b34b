/**
 * A folder picked for import is looked into within bounds (FOLDER_IMPORT_LIMITS, image-import.ts): its
 * subfolders down to a depth (deeper ones named in `skipped`), and at most so many entries looked at and
 * pictures taken per import; a folder past either is refused whole (INVALID_INPUT, 'folder-too-large',
 * nothing of it imported). Picking `/` (or `//`) answers at once instead of walking the whole disk.
 * Real folders and files in temp folders; the real `/` of this machine.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOLDER_IMPORT_LIMITS, expandSources } from '../../../src/library/workspace/image-import';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { newProject } from './support';

const tempDir = useTempDirs();

async function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `count` empty files named like pictures (or not) in `dir`. */
async function fill(dir: string, count: number, name = (i: number) => `p${i}.png`): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i += 500)
    await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, (_, k) => writeFile(join(dir, name(i + k)), '')),
    );
}

describe('expandSources: a picked folder is looked into within bounds', () => {
  it('goes down `depth` levels of subfolders and names each deeper folder in skipped', async () => {
    const root = join(await tempDir(), 'Poses');
    await mkdir(join(root, 'a', 'b', 'c'), { recursive: true });
    await writeFile(join(root, 'top.png'), '');
    await writeFile(join(root, 'a', 'one.png'), '');
    await writeFile(join(root, 'a', 'b', 'two.png'), '');
    await writeFile(join(root, 'a', 'b', 'c', 'three.png'), '');

    const out = await expandSources([{ path: root }], { depth: 2, entries: 100, images: 100 });
    expect(out.items.map((i) => i.display)).toEqual([
      'Poses/a/b/two.png',
      'Poses/a/one.png',
      'Poses/top.png',
    ]);
    expect(out.skipped).toEqual([
      { file: 'Poses/a/b/c', reason: 'a folder more than 2 levels down: not looked into' },
    ]);
    expect(out.failed).toEqual([]);
  });

  it('refuses a folder with more entries than the budget whole, and still takes the other sources', async () => {
    const base = await tempDir();
    const big = join(base, 'Everything');
    await fill(join(big, 'sub'), 30, (i) => `note ${i}.txt`);
    await writeFile(join(big, 'a.png'), '');
    const small = join(base, 'Few');
    await fill(small, 2);
    const file = join(base, 'single.png');
    await writeFile(file, '');

    const out = await expandSources([{ path: file }, { path: big }], {
      depth: 8,
      entries: 20,
      images: 100,
    });
    expect(out.items.map((i) => i.display)).toEqual(['single.png']);
    expect(out.skipped).toEqual([]);
    expect(out.failed).toEqual([
      expect.objectContaining({ file: 'Everything', code: 'INVALID_INPUT', reason: 'folder-too-large' }),
    ]);
    expect(out.failed[0]?.message).toMatch(/“Everything” holds more than 20 files and folders.*nothing in/);

    // The budget is one per import: after the first folder used most of it, a second one past it says so.
    const two = await expandSources([{ path: small }, { path: big }], { depth: 8, entries: 20, images: 100 });
    expect(two.items.map((i) => i.display)).toEqual(['Few/p0.png', 'Few/p1.png']);
    expect(two.failed[0]?.message).toMatch(/“Everything” and the folders picked before it hold more than 20/);
  });

  it('refuses a folder with more pictures than one import takes, and gives them back to the budget', async () => {
    const base = await tempDir();
    const many = join(base, 'Many');
    await fill(many, 12);
    const few = join(base, 'Few');
    await fill(few, 3);

    const out = await expandSources([{ path: many }, { path: few }], { depth: 8, entries: 100, images: 10 });
    expect(out.failed).toEqual([
      expect.objectContaining({ file: 'Many', code: 'INVALID_INPUT', reason: 'folder-too-large' }),
    ]);
    expect(out.failed[0]?.message).toMatch(/more than 10 pictures/);
    expect(out.items.map((i) => i.display)).toEqual(['Few/p0.png', 'Few/p1.png', 'Few/p2.png']);
  });

  it('names a picked path that is not there NOT_FOUND, by the errno table', async () => {
    const out = await expandSources([{ path: join(await tempDir(), 'gone') }]);
    expect(out.failed).toEqual([expect.objectContaining({ file: 'gone', code: 'NOT_FOUND' })]);
  });

  it.each(['/', '//'])('“%s” answers at once: too large, nothing taken', async (path) => {
    const started = Date.now();
    const out = await within(20_000, expandSources([{ path }]), `expandSources ${path}`);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(out.items).toEqual([]);
    expect(out.failed).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', reason: 'folder-too-large' }),
    ]);
  });
});

describe('the import calls: a folder too large is refused, nothing imported', () => {
  it.each(['/', '//'])(
    'characters.addReferences with { path: “%s” } answers, adding nothing',
    async (path) => {
      const { ws, dir } = await newProject(tempDir);
      const mira = await ws.characters.create({ name: 'Mira' });
      const report = await within(
        20_000,
        ws.characters.addReferences(mira.id, [{ path }]),
        `addReferences ${path}`,
      );
      expect(report.added).toEqual([]);
      expect(report.failed).toEqual([
        expect.objectContaining({ code: 'INVALID_INPUT', reason: 'folder-too-large' }),
      ]);
      expect(report.character.referenceImages).toEqual([]);
      expect(await readdir(join(dir, 'characters', mira.id))).not.toContain('refs');
    },
  );

  it('poses.import of a folder with more entries than FOLDER_IMPORT_LIMITS allows imports nothing of it', async () => {
    const { ws } = await newProject(tempDir);
    const library = await ws.poses.create('L');
    const big = join(await tempDir(), 'Downloads');
    await fill(big, FOLDER_IMPORT_LIMITS.entries + 1, (i) => `file ${i}.txt`);
    await writeFile(join(big, 'a.png'), await makeImage('png', 40, 60));

    const report = await within(60_000, ws.poses.import(library.id, [{ path: big }]), 'poses.import');
    expect(report.imported).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.failed).toEqual([
      expect.objectContaining({ file: 'Downloads', code: 'INVALID_INPUT', reason: 'folder-too-large' }),
    ]);
  }, 120_000);
});
