/**
 * Files the app reads for itself, outside the stores (user data's settings.json, the project's
 * .studio/leftovers-checked.json), are read the contained way: only a regular file of a sane size, opened
 * without waiting. A named pipe (real, made with mkfifo) in their place answers at once; a plain readFile
 * would block on it for ever, waiting for a writer. Each call gets a deadline so a regression fails here
 * instead of hanging the run, and every pipe is given a writer afterwards, to release a blocked read.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/domain';
import { openProject } from '../../../src/library/project-store';
import { UserDataStore } from '../../../src/library/user-data';
import { addResult } from '../../../src/library/workspace';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, resultJpeg } from './support';

const tempDir = useTempDirs();
const pipes: string[] = [];

afterEach(() => {
  // A read still blocked on a pipe (the bug this guards against) is released by opening it for writing.
  for (const pipe of pipes.splice(0)) {
    try {
      closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting (ENXIO), or the pipe was moved aside: nothing to release
    }
  }
});

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
  pipes.push(path);
}

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

describe('a named pipe where the app keeps a file of its own', () => {
  it('settings.json: the defaults at once, the pipe moved to quarantine', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccstudio-settings-'));
    try {
      const store = new UserDataStore(dir);
      mkfifo(store.settingsFile);
      expect(await within(3000, store.readSettings(), 'readSettings')).toEqual(defaultSettings());
      expect(await readdir(store.quarantineDir)).toHaveLength(1);
      // Saving works again, with a regular file.
      await within(3000, store.updateSettings({ concurrency: 2 }), 'updateSettings');
      expect((await lstat(store.settingsFile)).isFile()).toBe(true);
      expect(JSON.parse(await readFile(store.settingsFile, 'utf8'))).toMatchObject({ concurrency: 2 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('.studio/leftovers-checked.json: the project opens at once and the check is written again', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const library = await ws.poses.create('Standing');
    const { imported } = await ws.poses.import(library.id, [
      { name: 'stand.png', dataBase64: (await makeImage('png', 120, 160)).toString('base64') },
    ]);
    const pose = imported[0];
    if (!pose) throw new Error('pose import failed');
    await addResult(project, draftFor({ characterId: mira.id, poseId: pose.id }), await resultJpeg());
    await project.close();
    const check = join(dir, '.studio', 'leftovers-checked.json');
    await rm(check, { force: true });
    mkfifo(check);

    const reopened = await within(5000, openProject(dir), 'openProject');
    try {
      const written = await lstat(check);
      expect(written.isFile()).toBe(true);
      expect(JSON.parse(await readFile(check, 'utf8'))).toHaveProperty('resultsDirMtimeMs');
    } finally {
      await reopened.close();
    }
  });
});
