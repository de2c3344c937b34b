import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { checkAccessibility } from './axe';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { handlersOf, seedResults } from './workspace-seed';

/** Where this test's screenshots land, to be looked at: the field empty, typed and with results. */
const SHOTS = '/tmp/shots/b';
const SIZES = [
  [1440, 900],
  [1280, 720],
  [960, 600],
] as const;

/**
 * Issue 8, search, in Chromium through the browser host: the top bar's field (Ctrl+F from any section)
 * finds the results whose prompt says "parrot" (it found nothing before), or part of it, or a seed, and
 * offers the characters and poses that hold the word, each opening where it lives. Esc clears, then
 * leaves. The field fits the top bar at 1440x900, 1280x720 and 960x600.
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
    await mkdir(SHOTS, { recursive: true });
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

  const field = () => page.getByRole('banner').getByRole('searchbox', { name: 'Search results' });
  const shoot = async (state: string) => {
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      // The field stays whole and inside the top bar, beside everything else there, at every size.
      await expect
        .poll(() =>
          page.evaluate(() => {
            const bar = document.querySelector('.topbar')?.getBoundingClientRect();
            const box = document.querySelector('.topbar-search')?.getBoundingClientRect();
            if (!bar || !box) return 'missing';
            const whole = [...document.querySelectorAll('.topbar > *')].every(
              (el) => el.getBoundingClientRect().right <= window.innerWidth,
            );
            const inside =
              whole && bar.right <= window.innerWidth && box.left >= bar.left && box.width >= 100;
            const overlaps = [...document.querySelectorAll('.topbar > *')].some((el) => {
              if (el.classList.contains('topbar-search') || el.classList.contains('spacer')) return false;
              const r = el.getBoundingClientRect();
              return r.width > 0 && r.left < box.right - 1 && r.right > box.left + 1;
            });
            return inside && !overlaps ? 'fits' : `left ${box.left} right ${box.right} width ${box.width}`;
          }),
        )
        .toBe('fits');
      await page.screenshot({ path: join(SHOTS, `search-${state}-${width}x${height}.png`) });
      await checkAccessibility(page, `search ${state} at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  it('searches from the top bar: results by a word of their prompt, and the characters holding it', async () => {
    await shoot('empty');
    // From another section: Ctrl+F focuses the top bar's field, and typing shows the gallery filtered.
    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: 'Characters', exact: true })
      .click();
    await page.keyboard.press('Control+f');
    await expect.poll(() => field().evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Parr'); // part of a word
    await expect.poll(count, { timeout: 10_000 }).toBe('2 results');
    await matches().getByRole('button', { name: /Otto/ }).waitFor();
    await expect.poll(() => matches().innerText()).toMatch(/Otto\s*description/);
    // One search: the gallery's toolbar has no field of its own.
    expect(await page.getByRole('searchbox').count()).toBe(1);
    await shoot('results');

    // Two words narrow it: none of the parrot results is in a red coat.
    await field().fill('parrot coat');
    await expect.poll(count, { timeout: 10_000 }).toBe('0 results');
    await shoot('no-results');
    // Clear filters clears the search too, and the top bar's field follows: one search state.
    await page.getByRole('button', { name: 'Clear filters' }).last().click();
    await expect.poll(() => field().inputValue()).toBe('');
    await expect.poll(count, { timeout: 10_000 }).toBe('5 results');
    // A seed finds its result; text that is full-text query syntax is only text.
    await field().fill('4898558798');
    await expect.poll(count, { timeout: 10_000 }).toBe('1 result');
    await field().fill('"parrot*  NEAR( -coat');
    await expect.poll(count, { timeout: 10_000 }).toBe('0 results');
    await field().fill('parrot');
    await expect.poll(count, { timeout: 10_000 }).toBe('2 results');

    // Esc clears (the whole gallery again), and a second Esc leaves the field.
    await field().press('Escape');
    await expect.poll(() => field().inputValue()).toBe('');
    await expect.poll(count, { timeout: 10_000 }).toBe('5 results');
    await expect.poll(() => field().evaluate((el) => el === document.activeElement)).toBe(true);
    await field().press('Escape');
    await expect.poll(() => field().evaluate((el) => el === document.activeElement)).toBe(false);

    // An input method composing a word: nothing is searched (nor cleared by its Esc) until it commits.
    await field().click();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'おうむ', selectionStart: 3, selectionEnd: 3 });
    await expect.poll(() => field().inputValue()).toBe('おうむ');
    await field().evaluate((el) =>
      el.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Escape', isComposing: true, keyCode: 229, bubbles: true }),
      ),
    );
    await page.waitForTimeout(800); // three typing pauses: a search would have been asked by now
    expect(await count()).toBe('5 results');
    expect(await field().inputValue()).toBe('おうむ');
    await cdp.send('Input.insertText', { text: 'parrot' });
    await expect.poll(() => field().inputValue()).toBe('parrot');
    await expect.poll(count, { timeout: 10_000 }).toBe('2 results');
    await shoot('typed');
    await matches().getByRole('button', { name: /Otto/ }).click();
    await expect
      .poll(() => page.getByRole('textbox', { name: /^Name/ }).first().inputValue(), { timeout: 10_000 })
      .toBe('Otto');
    await screenshot(page, 'search-opened-character');
    // The search is kept while the person looks at the character.
    expect(await field().inputValue()).toBe('parrot');
  });
});
