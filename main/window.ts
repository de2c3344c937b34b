import { BrowserWindow, screen, type Rectangle, type WebPreferences } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../src/library/atomic-write';

export const WINDOW_BACKGROUND = '#1c1d20';
export const WINDOW_STATE_FILE = 'window-state.json';
const DEFAULT_SIZE = { width: 1440, height: 900 };
const MIN_SIZE = { width: 960, height: 600 };

/**
 * The renderer's web preferences, all spelled out (even where they equal Electron's defaults) so a
 * change of default can never loosen them: isolated, sandboxed, no Node, web security on, no
 * <webview>, no spellchecker (it would send words to a service on some platforms), no navigation by
 * dropping a file on the window (drops are imports).
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
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
  };
}

const WindowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(MIN_SIZE.width).max(20_000),
  height: z.number().int().min(MIN_SIZE.height).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

/** The saved bounds, if they are valid and still overlap a display's work area; otherwise the default size. */
export async function loadWindowState(userDataDir: string): Promise<WindowState> {
  try {
    const parsed = WindowStateSchema.safeParse(
      JSON.parse(await readFile(join(userDataDir, WINDOW_STATE_FILE), 'utf8')),
    );
    if (parsed.success) {
      const state = parsed.data;
      if (state.x === undefined || state.y === undefined)
        return { width: state.width, height: state.height, maximized: state.maximized };
      if (isOnSomeDisplay({ x: state.x, y: state.y, width: state.width, height: state.height })) return state;
      return { width: state.width, height: state.height, maximized: state.maximized };
    }
  } catch {
    // missing or unreadable: the defaults
  }
  return { ...DEFAULT_SIZE, maximized: false };
}

function isOnSomeDisplay(bounds: Rectangle): boolean {
  try {
    return screen.getAllDisplays().some(({ workArea: a }) => {
      const overlapX = Math.min(bounds.x + bounds.width, a.x + a.width) - Math.max(bounds.x, a.x);
      const overlapY = Math.min(bounds.y + bounds.height, a.y + a.height) - Math.max(bounds.y, a.y);
      return overlapX >= 100 && overlapY >= 50;
    });
  } catch {
    return false;
  }
}

const pendingWrites = new Set<Promise<void>>();

/** Waits for window-state writes still in flight (main awaits this before quitting). */
export async function flushWindowState(): Promise<void> {
  await Promise.allSettled([...pendingWrites]);
}

function saveWindowState(win: BrowserWindow, userDataDir: string): void {
  if (win.isDestroyed()) return;
  const bounds = win.getNormalBounds();
  const state: WindowState = { ...bounds, maximized: win.isMaximized() };
  const write = writeJsonAtomic(join(userDataDir, WINDOW_STATE_FILE), state)
    .catch((error: unknown) =>
      console.warn('[ccstudio] could not save the window size:', (error as Error).message),
    )
    .finally(() => pendingWrites.delete(write));
  pendingWrites.add(write);
}

export interface MainWindowOptions {
  preload: string;
  userDataDir: string;
  url: string;
}

/**
 * The one app window: dark background from the first frame, shown on ready-to-show (no white flash),
 * secure web preferences, and the size and place it had last time.
 */
export async function createMainWindow(options: MainWindowOptions): Promise<BrowserWindow> {
  const state = await loadWindowState(options.userDataDir);
  // Electronegativity cannot see into secureWebPreferences() (contextIsolation and sandbox are on), and
  // middle-click windows are denied by setWindowOpenHandler (security.ts): false positives.
  const win = /* eng-disable contextIsolationJSCheck sandboxJSCheck auxclickJSCheck */ new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    backgroundColor: WINDOW_BACKGROUND,
    title: 'Consistent Character Studio',
    webPreferences: secureWebPreferences(options.preload),
  });
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });

  let timer: NodeJS.Timeout | undefined;
  const saveSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => saveWindowState(win, options.userDataDir), 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('close', () => {
    clearTimeout(timer);
    saveWindowState(win, options.userDataDir);
  });

  await win.loadURL(options.url);
  return win;
}
