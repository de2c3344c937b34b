import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppRuntime } from '../../src/services/runtime';
import type { AppRuntime } from '../../src/services/runtime-types';
import { startBrowserHost, type BrowserHost } from '../../src/host/browser-host';
import { MemoryStore } from '../../src/secrets/memory-store';
import type { SegmindStandIn } from '../fakes/segmind-stand-in';

// import.meta.url, not __dirname: the benches load this module as ESM through tsx.
const here = dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = resolve(here, '../../dist/renderer');
export const SCREENSHOT_DIR = resolve(here, '../../test-results/screenshots');

/** Debian's Chromium; Playwright's own browser download cannot work here (ENVIRONMENT.md). */
const CHROMIUM = process.env.CCSTUDIO_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface RunningApp {
  host: BrowserHost;
  runtime: AppRuntime;
  userDataDir: string;
  /** A scratch folder for projects and imports, removed at close. */
  workDir: string;
  close(): Promise<void>;
}

/**
 * The app as the person gets it, minus Electron: the real services behind the real browser host, serving
 * the built renderer (run `npm run build` first). The key lives in a MemoryStore here because the
 * keychain is proven by its own test and one keychain entry cannot be shared by parallel test files.
 */
export async function startApp(
  options: { userDataDir?: string; segmindBaseUrl?: string } = {},
): Promise<RunningApp> {
  if (!existsSync(join(RENDERER_DIR, 'index.html')))
    throw new Error('dist/renderer is missing: run `npm run build` first');
  const workDir = await mkdtemp(join(tmpdir(), 'ccstudio-e2e-'));
  const userDataDir = options.userDataDir ?? join(workDir, 'user-data');
  const runtime = await createAppRuntime({
    userDataDir,
    platform: { shell: 'browser' },
    secrets: new MemoryStore(),
    appVersion: 'e2e',
    ...(options.segmindBaseUrl ? { segmindBaseUrl: options.segmindBaseUrl } : {}),
  });
  const host = await startBrowserHost({ runtime, rendererDir: RENDERER_DIR });
  return {
    host,
    runtime,
    userDataDir,
    workDir,
    close: async () => {
      await host.close();
      await runtime.dispose();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function openPage(browser: Browser, app: RunningApp): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(app.host.openUrl);
  return page;
}

/** Saves a screenshot as a test artifact (test-results/screenshots) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** One e2e file's world: the app (pointed at the Segmind stand-in when given one) and a page on it. */
export interface E2ESession {
  app: RunningApp;
  browser: Browser;
  page: Page;
  /** Closes the browser, then the app, then the stand-in. */
  close(): Promise<void>;
}

/**
 * What most e2e files start with: the app, pointed at `standIn` as CCSTUDIO_SEGMIND_URL points it;
 * `prepare` run against its services (seed a project, create a character); then Chromium on the app,
 * once its navigator is there. The session owns the stand-in from here: `close` closes it last. A step
 * that fails closes what was started before the error is thrown, so a failed start leaves no server or
 * browser running for the rest of the run.
 */
export async function openSession(
  options: { standIn?: SegmindStandIn; prepare?: (app: RunningApp) => Promise<void> } = {},
): Promise<E2ESession> {
  const opened: { close(): Promise<void> }[] = options.standIn ? [options.standIn] : [];
  const close = async () => {
    for (const part of opened.splice(0).reverse()) await part.close();
  };
  try {
    const app = await startApp(options.standIn ? { segmindBaseUrl: options.standIn.url } : {});
    opened.push(app);
    await options.prepare?.(app);
    const browser = await launchBrowser();
    opened.push(browser);
    const page = await openPage(browser, app);
    await page.getByRole('navigation', { name: 'Navigator' }).waitFor();
    return { app, browser, page, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
