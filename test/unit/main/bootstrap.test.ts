// `electron` is mocked (./electron-fake): Electron cannot run on these machines (ENVIRONMENT.md).
// The runtime and the secret-store choice are mocked too: this checks main's wiring only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());
vi.mock('../../../src/services/runtime', () => ({ createAppRuntime: vi.fn() }));
vi.mock('../../../src/secrets/choose-secret-store', () => ({ chooseSecretStore: vi.fn() }));

import * as electron from 'electron';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../../../main/bootstrap';
import { createAppRuntime } from '../../../src/services/runtime';
import { chooseSecretStore } from '../../../src/secrets/choose-secret-store';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { EventBus } from '../../../src/services/event-bus';
import { callNames, type Handlers } from '../../../src/contract';
import type { AppRuntime, RuntimeOptions } from '../../../src/services/runtime-types';
import { fake, fakeEvent, type FakeBrowserWindowInstance } from './electron-fake';

const e = fake(electron);
let userData: string;
let runtime: AppRuntime & { dispose: ReturnType<typeof vi.fn> };

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'ccs-boot-'));
  runtime = {
    handlers: Object.fromEntries(callNames.map((n) => [n, vi.fn(async () => null)])) as unknown as Handlers,
    events: new EventBus(),
    projectRoot: () => null,
    dispose: vi.fn(async () => undefined),
  };
  vi.mocked(createAppRuntime).mockResolvedValue(runtime);
  vi.mocked(chooseSecretStore).mockResolvedValue(new MemoryStore());
});
afterEach(async () => {
  await rm(userData, { recursive: true, force: true });
});

// One bootstrap per file: the fake app is shared, as Electron's is.
describe('bootstrap', () => {
  it('wires lock, sandbox, schemes, runtime, protocols, IPC, events, window and a clean quit', async () => {
    const env = { CCSTUDIO_USER_DATA: userData, CCSTUDIO_SEGMIND_URL: 'http://127.0.0.1:4010' };
    bootstrap({ mainDir: '/app/dist/main', env });

    // Before ready.
    expect(e.app.getPath('userData')).toBe(userData);
    expect(e.app.enableSandbox).toHaveBeenCalled();
    expect(e.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(e.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(e.app.listenerCount('web-contents-created')).toBe(1);
    expect(createAppRuntime).not.toHaveBeenCalled();

    e.app.becomeReady();
    await vi.waitFor(() => expect(e.windows).toHaveLength(1));
    const win = e.windows[0] as FakeBrowserWindowInstance;

    const options = vi.mocked(createAppRuntime).mock.calls[0]![0] as RuntimeOptions;
    expect(options).toMatchObject({
      userDataDir: userData,
      appVersion: '0.1.0-test',
      segmindBaseUrl: 'http://127.0.0.1:4010',
    });
    expect(options.platform.shell).toBe('electron');
    // Segmind requests go through Electron's net.fetch (the OS proxy), with redirects never followed.
    expect(options.segmindTransport?.route).toEqual({
      kind: 'system-proxy',
      label: 'System proxy (Electron)',
    });
    await options.segmindTransport!.fetch(new URL('http://127.0.0.1:4010/v1/get-user-credits'), {
      method: 'GET',
    });
    expect(e.net.fetch).toHaveBeenCalledWith(
      'http://127.0.0.1:4010/v1/get-user-credits',
      expect.objectContaining({ method: 'GET', redirect: 'manual', credentials: 'omit', cache: 'no-store' }),
    );
    expect(options.secrets.status().backend).toBe('memory');
    expect(vi.mocked(chooseSecretStore).mock.calls[0]![0]).toMatchObject({
      userDataDir: userData,
      safeStorage: e.safeStorage,
    });

    expect([...e.protocol.handlers.keys()].sort()).toEqual(['app', 'ccs-media']);
    expect(e.session.defaultSession.permissionRequestHandler).not.toBeNull();
    expect([...e.ipcMain.handlers.keys()].sort()).toEqual(callNames.map((n) => `call:${n}`).sort());
    expect(win.loadedUrl).toBe('app://bundle/index.html');
    expect((win.options.webPreferences as { preload: string }).preload).toBe(
      join('/app/dist/main', 'preload.cjs'),
    );

    // Events reach the window.
    runtime.events.emit('network.changed', { online: false });
    expect(win.webContents.sent).toContainEqual({
      channel: 'event:network.changed',
      args: [{ online: false }],
    });

    // A second launch focuses the existing window.
    win.minimized = true;
    e.app.emit('second-instance');
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);

    // Quit: held until the runtime is disposed, then quits for real.
    const quit = fakeEvent();
    e.app.emit('before-quit', quit);
    expect(quit.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(e.app.quit).toHaveBeenCalled());
    expect(runtime.dispose).toHaveBeenCalledTimes(1);
    expect(e.ipcMain.handlers.size).toBe(0);
    const again = fakeEvent();
    e.app.emit('before-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it('a second instance quits at once without starting anything', async () => {
    vi.mocked(createAppRuntime).mockClear();
    e.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    e.app.quit.mockClear();
    e.app.whenReady.mockClear();
    bootstrap({ mainDir: '/app/dist/main', env: {} });
    expect(e.app.quit).toHaveBeenCalled();
    expect(e.app.whenReady).not.toHaveBeenCalled();
  });
});
