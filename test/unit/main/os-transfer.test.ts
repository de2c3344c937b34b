// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
// Everything else is real: the runtime, a project folder made through the real calls, sharp, and main's
// IPC registration with its sender check. This is the desktop app's clipboard and drag-out path, from
// the renderer's call to what Electron is asked to do.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import type { BrowserWindow, IpcMain } from 'electron';
import { realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CallName, CallResult } from '../../../src/contract';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { createAppRuntime } from '../../../src/services/runtime';
import type { AppRuntime } from '../../../src/services/runtime-types';
import { registerIpc } from '../../../main/ipc';
import { createElectronPlatform, DRAG_ICON_WIDTH } from '../../../main/platform-adapter';
import { makeImage } from '../../fixtures-gen/simple-images';
import { useSuiteTempDirs } from '../../helpers/temp-dir';
import { makeRealProject, startRuntime } from '../../integration/archive/support';
import { fake, type FakeNativeImage, type FakeBrowserWindowInstance } from './electron-fake';

const e = fake(electron);
const tempDir = useSuiteTempDirs();

let runtime: AppRuntime;
let win: FakeBrowserWindowInstance;
let projectDir: string;
let results: string[];
let referenceFile: string;

const appFrame = { senderFrame: { url: 'app://bundle/index.html', parent: null } };

/** A call exactly as the preload makes it: through main's IPC handler, from the given sender. */
async function invoke(name: CallName, input: unknown, sender: unknown = appFrame) {
  const handler = e.ipcMain.handlers.get(`call:${name}`);
  if (!handler) throw new Error(`no IPC handler for ${name}`);
  return (await handler(sender, input)) as CallResult<Record<string, unknown>>;
}
async function ok(name: CallName, input: unknown): Promise<Record<string, unknown>> {
  const result = await invoke(name, input);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  projectDir = join(await tempDir(), 'Picture book');
  // The project, made through the real calls (a character with a reference, a pose sheet, results).
  const maker = await startRuntime(await tempDir());
  await makeRealProject(maker, projectDir, 3);
  await maker.rt.dispose();

  win = new e.BrowserWindow({});
  runtime = await createAppRuntime({
    userDataDir: await tempDir(),
    platform: createElectronPlatform(() => win as unknown as BrowserWindow),
    secrets: new MemoryStore(),
    appVersion: '0.0.0-test',
    runQueue: false,
  });
  e.ipcMain.handlers.clear();
  registerIpc(e.ipcMain as unknown as IpcMain, runtime.handlers);
  await ok('projects.open', { dir: projectDir });
  const page = await ok('results.query', { filter: {}, sort: 'newest', offset: 0, limit: 10 });
  results = (page.items as { file: string }[]).map((r) => r.file);
  const { characters } = (await ok('characters.list', {})) as unknown as {
    characters: { referenceImages: { file: string }[] }[];
  };
  referenceFile = characters[0]!.referenceImages[0]!.file;
  return async () => {
    await runtime.dispose();
  };
});

afterEach(() => {
  e.clipboard.write.mockClear();
  e.clipboard.writeText.mockClear();
  e.clipboard.items = [];
  e.clipboard.text = null;
  win.webContents.drags.length = 0;
});

describe('Copy parameters in the desktop app', () => {
  it('puts the text on the OS clipboard through main (the renderer needs no clipboard permission)', async () => {
    const text = 'Mira waving, red scarf\nSteps: 30, Seed: 42, Model: consistent-character';
    expect(await ok('clipboard.writeText', { text })).toEqual({ supported: true });
    expect(e.clipboard.writeText).toHaveBeenLastCalledWith(text);
    expect(e.clipboard.text).toBe(text);
  });

  it('is refused from a page that is not the app’s own, and the clipboard is untouched', async () => {
    const answer = await invoke(
      'clipboard.writeText',
      { text: 'planted' },
      { senderFrame: { url: 'https://evil.example/', parent: null } },
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(e.clipboard.text).toBeNull();
  });
});

describe('copy an image to the clipboard', () => {
  it('a result goes on the clipboard as one PNG item of the same size', async () => {
    const answer = await ok('clipboard.writeImage', { file: results[0] });
    expect(answer).toEqual({ supported: true, width: 96, height: 64 });
    expect(e.clipboard.items).toHaveLength(1);
    const item = e.clipboard.items[0]!;
    expect(item.types).toEqual(['image/png']);
    const png = Buffer.from(await (await item.getType('image/png')).arrayBuffer());
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 96, height: 64 });
  });

  it('refuses paths outside the project, links out of it, non-images and damaged images', async () => {
    const outside = join(projectDir, '..', 'private.png');
    await writeFile(outside, await makeImage('png', 40, 40));
    await symlink(outside, join(projectDir, 'results', 'linked.png'));
    await writeFile(join(projectDir, 'results', 'broken.jpg'), Buffer.from('not a jpeg at all'));
    const refusals: [string, string][] = [
      ['../private.png', 'FORBIDDEN_SENDER'],
      [outside, 'FORBIDDEN_SENDER'],
      ['results/linked.png', 'FORBIDDEN_SENDER'],
      ['project.json', 'INVALID_INPUT'],
      ['.studio/thumbs/x.webp', 'INVALID_INPUT'],
      ['results/missing.jpg', 'NOT_FOUND'],
      ['results/broken.jpg', 'IMAGE_REJECTED'],
    ];
    for (const [file, code] of refusals) {
      const answer = await invoke('clipboard.writeImage', { file });
      expect(answer, file).toMatchObject({ ok: false, error: { code } });
    }
    expect(e.clipboard.write).not.toHaveBeenCalled();
    expect(e.clipboard.items).toEqual([]);
  });
});

describe('drag results out of the window', () => {
  it('starts an OS drag of the project files from the app window, with a small thumbnail icon', async () => {
    const answer = await ok('shell.startDrag', { files: [results[0], results[1], referenceFile] });
    expect(answer).toEqual({ supported: true, files: 3 });
    expect(win.webContents.drags).toHaveLength(1);
    const drag = win.webContents.drags[0]!;
    const root = await realpath(projectDir);
    const expected = [results[0]!, results[1]!, referenceFile].map((f) => join(root, ...f.split('/')));
    expect(drag.files).toEqual(expected);
    expect(drag.file).toBe(expected[0]);
    const icon = drag.icon as FakeNativeImage;
    expect(icon.isEmpty()).toBe(false);
    expect(icon.getSize().width).toBeLessThanOrEqual(DRAG_ICON_WIDTH);
    // The icon is the first result's picture (96 × 64: no larger than the width, kept as it is).
    expect(icon.getSize()).toEqual({ width: 96, height: 64 });
  });

  it('never starts a drag that names anything outside the project', async () => {
    for (const files of [
      [results[0]!, '../private.png'],
      ['results/linked.png'],
      ['project.json'],
      ['results/nothing-here.jpg'],
    ]) {
      const answer = await invoke('shell.startDrag', { files });
      expect(answer.ok, files.join(', ')).toBe(false);
    }
    expect(win.webContents.drags).toEqual([]);
  });

  it('refuses bad input before doing anything', async () => {
    expect(await invoke('shell.startDrag', { files: [] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await invoke('shell.startDrag', { files: Array(501).fill(results[0]) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(win.webContents.drags).toEqual([]);
  });
});

describe('with no project open', () => {
  it('copying an image or dragging is NO_PROJECT; copying text still works', async () => {
    await ok('projects.close', {});
    try {
      expect(await invoke('clipboard.writeImage', { file: results[0] })).toMatchObject({
        ok: false,
        error: { code: 'NO_PROJECT' },
      });
      expect(await invoke('shell.startDrag', { files: [results[0]] })).toMatchObject({
        ok: false,
        error: { code: 'NO_PROJECT' },
      });
      expect(await ok('clipboard.writeText', { text: 'seed 1' })).toEqual({ supported: true });
    } finally {
      await ok('projects.open', { dir: projectDir });
    }
  });
});

describe('where the platform cannot (the browser host, the CLI)', () => {
  it('every OS call answers supported: false and touches nothing', async () => {
    const host = await createAppRuntime({
      userDataDir: await tempDir(),
      platform: { shell: 'browser' },
      secrets: new MemoryStore(),
      appVersion: '0.0.0-test',
      runQueue: false,
    });
    try {
      await host.handlers['projects.open']({ dir: await tempDirWithProjectCopy() });
      expect(await host.handlers['clipboard.writeText']({ text: 'x' })).toEqual({ supported: false });
      expect(await host.handlers['clipboard.writeImage']({ file: results[0]! })).toEqual({
        supported: false,
      });
      expect(await host.handlers['shell.startDrag']({ files: [results[0]!] })).toEqual({
        supported: false,
        files: 0,
      });
      expect(e.clipboard.writeText).not.toHaveBeenCalledWith('x');
    } finally {
      await host.dispose();
    }
  });
});

/** A second small project (the first is locked by the runtime above). */
async function tempDirWithProjectCopy(): Promise<string> {
  const dir = join(await tempDir(), 'Other');
  const maker = await startRuntime(await tempDir());
  await maker.call('projects.create', { dir, name: 'Other' });
  await maker.rt.dispose();
  return dir;
}
