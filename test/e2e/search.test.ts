import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { checkAccessibility } from './axe';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { handlersOf, seedResults } from './workspace-seed';

/**
 * Issue 8, search, in Chromium through the browser host: "parrot" finds the results whose prompt says it
 * (it found nothing before), and the characters and poses that hold the word are offered under the
 * search, each opening where it lives.
 */
describe('search', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;
  const grid = () => page.getByRole('listbox', { name: 'Results' });
  const count = () => page.getByTestId('results-count').innerText();
  const matches = () => page.getByRole('group', { name: 'Also found in characters and poses' });

  beforeAll(async () => {
    app = await startApp();
    const projectDir = join(app.workDir, 'Search book');
    await call('projects.create', { dir: projectDir, name: 'Search book' });
    const mira = await call<{ id: string }>('characters.create', { name: 'Mira' });
    await call('characters.create', {
      name: 'Otto',
      description: 'an old sailor who talks to his green parrot all day, blue cap and a grey beard',
    });
    const library = await call<{ id: string }>('poses.createLibrary', { name: 'Sheets' });
    const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    const imported = await call<{ imported: { id: string }[] }>('poses.import', {
      libraryId: library.id,
      sources: [{ name: 'three-up.png', dataBase64: sheet.png.toString('base64') }],
    });
    const poseId = imported.imported[0]?.id ?? '';
    const seed = { characterId: mira.id, poseId, sheet: sheet.png };
    await seedResults(app, projectDir, { ...seed, description: 'girl with a green parrot', count: 2 });
    await seedResults(app, projectDir, {
      ...seed,
      description: 'girl in a red coat',
      count: 3,
      startedAt: Date.now() - 30 * 60_000,
      firstSeed: 100,
    });
    await call('results.rebuildIndex');
    browser = await launchBrowser();
    page = await openPage(browser, app);
    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: /^Results/ })
      .click();
    await grid().getByRole('option').nth(4).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('finds results by a word of their prompt and offers the character whose description holds it', async () => {
    await page.keyboard.press('Control+f');
    await page.keyboard.type('Parrot');
    await expect.poll(count, { timeout: 10_000 }).toBe('2 results');
    await matches().getByRole('button', { name: /Otto/ }).waitFor();
    await expect.poll(() => matches().innerText()).toMatch(/Otto\s*description/);
    for (const size of [
      { width: 1440, height: 900 },
      { width: 1280, height: 720 },
    ]) {
      await page.setViewportSize(size);
      await screenshot(page, `search-parrot-${size.width}x${size.height}`);
      await checkAccessibility(page, `search at ${size.width}x${size.height}`);
    }
    // Two words narrow it: none of the parrot results is in a red coat.
    await page.getByRole('searchbox', { name: 'Search results' }).fill('parrot coat');
    await expect.poll(count, { timeout: 10_000 }).toBe('0 results');
    await page.getByRole('searchbox', { name: 'Search results' }).fill('parrot');
    await expect.poll(count, { timeout: 10_000 }).toBe('2 results');

    await matches().getByRole('button', { name: /Otto/ }).click();
    await expect
      .poll(() => page.getByRole('textbox', { name: /^Name/ }).first().inputValue(), { timeout: 10_000 })
      .toBe('Otto');
    await screenshot(page, 'search-opened-character');
  });
});
