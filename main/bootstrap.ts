import { app, BrowserWindow, ipcMain, net, safeStorage, session } from 'electron';
import { join, resolve } from 'node:path';
import { createAppRuntime } from '../src/services/runtime';
import type { AppRuntime } from '../src/services/runtime-types';
import { chooseSecretStore } from '../src/secrets/choose-secret-store';
import { deferSecretStore } from '../src/secrets/deferred-store';
import type { SecretStore } from '../src/secrets/secret-store';
import type { KeytarLike } from '../src/secrets/keytar-store';
import { registerAppProtocol, registerPrivilegedSchemes } from './app-protocol';
import { forwardEvents, registerIpc } from './ipc';
import { registerMediaProtocol } from './media-protocol';
import { createElectronPlatform } from './platform-adapter';
import { electronSegmindTransport } from './segmind-transport';
import { APP_ENTRY_URL } from './schemes';
import { hardenSession, installAppGuards } from './security';
import { createMainWindow, flushWindowState } from './window';

/**
 * main.cjs runs from inside app.asar: load keytar with require, which Electron redirects to
 * app.asar.unpacked for the native .node file (a dynamic import() from an asar is less certain).
 */
const loadKeytarWithRequire = async (): Promise<KeytarLike> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('keytar') as KeytarLike;

export interface BootstrapOptions {
  /** The folder holding main.cjs and preload.cjs (dist/main); the renderer is ../renderer. */
  mainDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** How long quitting waits for the services to finish writing (jobs, settings) before giving up. */
const DISPOSE_TIMEOUT_MS = 5_000;
/** How long startup waits for the keychain probe before opening the window anyway (the store is deferred). */
const SECRET_GRACE_MS = 1_500;

/**
 * The whole main process. Before ready: the user-data override, the sandbox for every renderer, the
 * privileged schemes, the single-instance lock, the app-wide guards. On ready: session hardening,
 * the app:// and ccs-media:// protocols, the secret store, the runtime, IPC and events, the window.
 * On quit: runtime.dispose() (bounded), window state flushed, then exit.
 */
export function bootstrap(options: BootstrapOptions = {}): void {
  const env = options.env ?? process.env;
  const mainDir = options.mainDir ?? __dirname;
  // Electron needs an absolute path; set before ready so Chromium's own data goes there too.
  const userDataOverride = env.CCSTUDIO_USER_DATA ? resolve(env.CCSTUDIO_USER_DATA) : undefined;
  if (userDataOverride) app.setPath('userData', userDataOverride);
  app.enableSandbox();
  registerPrivilegedSchemes();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let window: BrowserWindow | null = null;
  let runtime: AppRuntime | null = null;
  let stopIpc: (() => void) | null = null;
  let stopEvents: (() => void) | null = null;
  let quitting: 'no' | 'disposing' | 'done' = 'no';

  const focusWindow = (): void => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  const openWindow = async (userDataDir: string): Promise<void> => {
    window = await createMainWindow({
      preload: join(mainDir, 'preload.cjs'),
      userDataDir,
      url: APP_ENTRY_URL,
    });
    window.on('closed', () => {
      window = null;
    });
  };

  installAppGuards(app);
  app.on('second-instance', focusWindow);

  const start = async (): Promise<void> => {
    const userDataDir = userDataOverride ?? app.getPath('userData');
    hardenSession(session.defaultSession);
    registerAppProtocol(join(mainDir, '..', 'renderer'));

    const choice = chooseSecretStore({ userDataDir, safeStorage, loadKeytar: loadKeytarWithRequire });
    const secrets: SecretStore = await Promise.race([
      choice,
      new Promise<SecretStore>((resolve) =>
        setTimeout(() => resolve(deferSecretStore(choice)), SECRET_GRACE_MS).unref(),
      ),
    ]);

    const created = await createAppRuntime({
      userDataDir,
      platform: createElectronPlatform(() => window),
      secrets,
      appVersion: app.getVersion(),
      // Chromium's network stack, so Segmind requests use the OS proxy (net is usable only after ready).
      segmindTransport: electronSegmindTransport(net),
      ...(env.CCSTUDIO_SEGMIND_URL ? { segmindBaseUrl: env.CCSTUDIO_SEGMIND_URL } : {}),
    });
    runtime = created;
    registerMediaProtocol(() => created.projectRoot());
    stopIpc = registerIpc(ipcMain, created.handlers);
    stopEvents = forwardEvents(created.events, () => BrowserWindow.getAllWindows().map((w) => w.webContents));

    await openWindow(userDataDir);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0 && quitting === 'no') void openWindow(userDataDir);
    });
  };

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', (event) => {
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'disposing') return;
    quitting = 'disposing';
    void shutdown().finally(() => {
      quitting = 'done';
      app.quit();
    });
  });

  const shutdown = async (): Promise<void> => {
    stopEvents?.();
    stopIpc?.();
    const dispose = runtime ? runtime.dispose() : Promise.resolve();
    await Promise.race([
      dispose.catch((error: unknown) =>
        console.error('[ccstudio] shutdown failed:', (error as Error).message),
      ),
      new Promise<void>((resolve) => setTimeout(resolve, DISPOSE_TIMEOUT_MS).unref()),
    ]);
    await flushWindowState();
  };

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(
        '[ccstudio] the app could not start:',
        error instanceof Error ? error.message : String(error),
      );
      app.exit(1);
    });
}
