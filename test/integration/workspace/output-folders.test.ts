// Folders the person chooses for output (a new project, an export, a contact sheet) are made one level at a
// time, and every way that can fail answers a typed error (RELIABILITY.md item 15): before, an existing
// file, a name too long or /dev/null answered INTERNAL, and a folder under /proc never answered at all
// (Node's recursive mkdir loops there for ever).
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallName } from '../../../src/contract';
import { MAX_NEW_OUTPUT_FOLDERS, makeOutputFolder } from '../../../src/library/workspace/fs-utils';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { dispatchCall } from '../../../src/services/dispatch';
import { createAppRuntime } from '../../../src/services/runtime';
import sharp from 'sharp';
import { addResult, writeContactSheet } from '../../../src/library/workspace';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

const tempDir = useTempDirs();
const onLinux = process.platform === 'linux';

/** The call's answer, or a failure of the test when it does not answer within `ms` (the old hang). */
async function answerWithin<T>(work: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runtime() {
  const rt = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: '1.2.3',
  });
  const call = (name: CallName, input: unknown) => answerWithin(dispatchCall(rt.handlers, name, input));
  return { rt, call };
}

describe('projects.create into a folder it cannot use', () => {
  it('refuses an existing file, a name too long for the disk and /dev/null with INVALID_INPUT', async () => {
    const { rt, call } = await runtime();
    const base = await tempDir();
    const file = join(base, 'notes.txt');
    await writeFile(file, 'mine\n');
    const cases: [string, string][] = [
      [file, 'not-a-folder'],
      [join(file, 'project'), 'not-a-folder'],
      [join(base, 'n'.repeat(300)), 'name-too-long'],
      ['/dev/null', 'not-a-folder'],
    ];
    for (const [dir, reason] of cases) {
      const answer = await call('projects.create', { dir, name: 'Book' });
      expect(answer, dir).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: { reason } } });
    }
    expect(await readdir(base)).toEqual(['notes.txt']);
    await rt.dispose();
  });

  it.skipIf(!onLinux)('answers at once for a folder under /proc (it used to spin for ever)', async () => {
    const { rt, call } = await runtime();
    for (const dir of ['/proc/ccstudio-test/project', '/proc/self/ccstudio', '/proc/self/status/x']) {
      const answer = await call('projects.create', { dir, name: 'Book' });
      expect(answer, dir).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    await rt.dispose();
  });

  it('still makes a new project several missing folders deep', async () => {
    const { rt, call } = await runtime();
    const dir = join(await tempDir(), 'a', 'b', 'c', 'Book one');
    expect(await call('projects.create', { dir, name: 'Book one' })).toMatchObject({
      ok: true,
      value: { name: 'Book one' },
    });
    expect((await stat(join(dir, 'project.json'))).isFile()).toBe(true);
    await rt.dispose();
  });
});

describe('results.export and results.contactSheet into a folder they cannot use', () => {
  async function withProject() {
    const { rt, call } = await runtime();
    const created = await call('projects.create', { dir: join(await tempDir(), 'p'), name: 'Book' });
    expect(created.ok).toBe(true);
    return { rt, call };
  }
  const someId = '0mx33jqt731m1rmb3';

  it('refuses /dev/null and a file as the export folder with INVALID_INPUT', async () => {
    const { rt, call } = await withProject();
    const file = join(await tempDir(), 'taken');
    await writeFile(file, 'x');
    for (const dir of ['/dev/null', file, join(file, 'deeper')]) {
      const answer = await call('results.export', { ids: [someId], dir });
      expect(answer, dir).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', detail: { reason: 'not-a-folder' } },
      });
    }
    await rt.dispose();
  });

  it.skipIf(!onLinux)('answers at once for an export under /proc', async () => {
    const { rt, call } = await withProject();
    for (const dir of ['/proc/ccstudio-export', '/proc/self/ccstudio/deeper']) {
      const answer = await call('results.export', { ids: [someId], dir });
      expect(answer, dir).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    await rt.dispose();
  });

  it('refuses a contact sheet under /proc or /dev/null, and still makes one in new folders', async () => {
    const { project, ws } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const library = await ws.poses.create('L');
    const png = await sharp({ create: { width: 40, height: 60, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const pose = (await ws.poses.import(library.id, [{ name: 'a.png', dataBase64: png.toString('base64') }]))
      .imported[0];
    if (!pose) throw new Error('no pose');
    const result = await addResult(
      project,
      draftFor({ characterId: mira.id, poseId: pose.id }),
      await resultJpeg(),
    );
    const sheet = (file: string) =>
      answerWithin(writeContactSheet(ws, [result.id], { file, columns: 2, cellSize: 64 }));
    const files = [
      '/dev/null/sheet.png',
      ...(onLinux ? ['/proc/ccstudio/sheet.png', '/proc/self/sheet'] : []),
    ];
    for (const file of files)
      await expect(sheet(file), file).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const made = await sheet(join(await tempDir(), 'new', 'folders', 'sheet.png'));
    expect((await stat(made.file)).isFile()).toBe(true);
    await project.close();
  });
});

describe('makeOutputFolder', () => {
  it('makes every missing level, and takes a folder another program made meanwhile', async () => {
    const base = await tempDir();
    const deep = join(base, 'x', 'y', 'z');
    const made = await Promise.all([
      makeOutputFolder(deep, 'the export'),
      makeOutputFolder(deep, 'the export'),
      makeOutputFolder(join(base, 'x', 'y'), 'the export'),
    ]);
    expect(made[0]).toBe(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it(`refuses more than ${MAX_NEW_OUTPUT_FOLDERS} new levels without making any`, async () => {
    const base = await tempDir();
    const levels = Array.from({ length: MAX_NEW_OUTPUT_FOLDERS + 1 }, (_, i) => `l${i}`);
    await expect(makeOutputFolder(join(base, ...levels), 'the export')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      detail: { reason: 'too-deep' },
    });
    expect(await readdir(base)).toEqual([]);
    await mkdir(join(base, 'l0'));
    await expect(makeOutputFolder(join(base, ...levels), 'the export')).resolves.toBe(join(base, ...levels));
  });
});
