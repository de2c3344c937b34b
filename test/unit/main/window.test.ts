// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());

import * as electron from 'electron';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  WINDOW_BACKGROUND,
  createMainWindow,
  flushWindowState,
  secureWebPreferences,
} from '../../../main/window';
import { fake, type FakeBrowserWindowInstance } from './electron-fake';

const e = fake(electron);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccs-window-'));
  e.windows.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = async () =>
  (await createMainWindow({
    preload: '/app/dist/main/preload.cjs',
    userDataDir: dir,
    url: 'app://bundle/index.html',
  })) as unknown as FakeBrowserWindowInstance;

describe('the main window', () => {
  it('has exactly the secure web preferences', () => {
    expect(secureWebPreferences('/app/dist/main/preload.cjs')).toStrictEqual({
      preload: '/app/dist/main/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      safeDialogs: true,
    });
  });

  it('is created hidden on the dark background with those preferences, loads the app, and shows on ready-to-show', async () => {
    const win = await open();
    expect(win.options).toMatchObject({
      show: false,
      backgroundColor: WINDOW_BACKGROUND,
      width: 1440,
      height: 900,
    });
    expect(WINDOW_BACKGROUND).toBe('#1c1d20');
    expect(win.options.webPreferences).toStrictEqual(secureWebPreferences('/app/dist/main/preload.cjs'));
    expect(win.loadedUrl).toBe('app://bundle/index.html');
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('remembers its bounds in user data and uses them next time', async () => {
    const first = await open();
    first.bounds = { x: 100, y: 80, width: 1300, height: 850 };
    first.maximized = true;
    first.emit('close');
    await flushWindowState();
    expect(JSON.parse(await readFile(join(dir, 'window-state.json'), 'utf8'))).toEqual({
      x: 100,
      y: 80,
      width: 1300,
      height: 850,
      maximized: true,
    });
    const second = await open();
    expect(second.options).toMatchObject({ x: 100, y: 80, width: 1300, height: 850 });
    second.emit('ready-to-show');
    expect(second.maximized).toBe(true);
  });

  it('drops a position that is on no display any more, and ignores a damaged file', async () => {
    await writeFile(
      join(dir, 'window-state.json'),
      JSON.stringify({ x: 9000, y: 9000, width: 1000, height: 700 }),
    );
    const offscreen = await open();
    expect(offscreen.options).toMatchObject({ width: 1000, height: 700 });
    expect(offscreen.options).not.toHaveProperty('x');
    await writeFile(join(dir, 'window-state.json'), '{not json');
    expect((await open()).options).toMatchObject({ width: 1440, height: 900 });
  });
});
