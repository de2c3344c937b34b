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
