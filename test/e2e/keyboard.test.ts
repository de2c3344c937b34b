import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { checkAccessibility } from './axe';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { handlersOf, seedResults } from './workspace-seed';

const RESULTS = 4;
/** Screenshots of the palette and the sheet at the two window sizes UI.md names, for a person to look at. */
const SHOTS = process.env.CCSTUDIO_KBD_SHOTS ?? '/tmp/shots-kbd';
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
];
const WRITE = { timeout: 20_000 };

interface Summary {
  id: string;
  flag: string;
}

/** WCAG contrast of two CSS colours as Chromium computes them ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * Keyboard everywhere (UI.md, Keyboard), in Chromium through the browser host: the shortcut sheet on ?,
 * the command palette on Ctrl+K (fuzzy search, Enter runs), Esc backing out one level at a time, Ctrl+F,
 * Enter that waits for an IME, and the look: white on the accent at 4.5:1 and the bundled Inter.
 */
describe('keyboard everywhere', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let ids: string[] = [];
  const requests: string[] = [];
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;
  const summary = async (id: string) => (await call<{ summary: Summary }>('results.get', { id })).summary;
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });
  const grid = () => page.getByRole('listbox', { name: 'Results' });
  const palette = () => page.getByRole('dialog', { name: 'Command palette' });
  const sheet = () => page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  const count = () => page.getByTestId('results-count').innerText();
  const shots = async (name: string) => {
    await mkdir(SHOTS, { recursive: true });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, `${name}-${size.width}x${size.height}.png`) });
    }
    await page.setViewportSize(SIZES[0] ?? { width: 1440, height: 900 });
    await screenshot(page, `keyboard-${name}`);
  };

  beforeAll(async () => {
    app = await startApp();
    const projectDir = join(app.workDir, 'Keyboard book');
    await call('projects.create', { dir: projectDir, name: 'Keyboard book' });
    const character = await call<{ id: string }>('characters.create', {
      name: 'Mira',
      description: 'young lighthouse keeper, yellow raincoat',
    });
    const library = await call<{ id: string }>('poses.createLibrary', { name: 'Sheets' });
    const sheetImage = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    const sheetFile = join(app.workDir, 'three-up.png');
    await writeFile(sheetFile, sheetImage.png);
    const imported = await call<{ imported: { id: string }[] }>('poses.import', {
      libraryId: library.id,
      sources: [{ path: sheetFile }],
    });
    const pose = imported.imported[0];
    if (!pose) throw new Error('the pose sheet should import');
    ids = await seedResults(app, projectDir, {
      characterId: character.id,
      poseId: pose.id,
      sheet: sheetImage.png,
      description: 'young lighthouse keeper, yellow raincoat',
      count: RESULTS,
    });
    await call('results.rebuildIndex');
    browser = await launchBrowser();
    page = await openPage(browser, app);
    page.on('request', (request) => requests.push(request.url()));
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    await grid()
      .getByRole('option')
      .nth(RESULTS - 1)
      .waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens the shortcut sheet on ?, grouped as UI.md groups the keys, and closes it on Esc', async () => {
    await grid().getByRole('option').first().click();
    await page.keyboard.press('?');
    await sheet().waitFor();
    const headings = await sheet().getByRole('heading', { level: 3 }).allInnerTexts();
    expect(headings.map((h) => h.split(' ')[0])).toEqual([
      'Views',
      'Review',
      'Zoom',
      'Compare',
      'Everything',
    ]);
    const text = await sheet().innerText();
    // This platform's modifier name (Linux: Ctrl), never the Mac's.
    expect(text).toContain('Ctrl');
    expect(text).not.toContain('⌘');
    for (const name of ['Command palette', 'Generate', 'Search results', 'Pick', 'Zoom to fit', 'A/B slider'])
      expect(text).toContain(name);
    await checkAccessibility(page, 'the shortcut sheet');
    await shots('shortcut-sheet');
    await page.keyboard.press('Escape');
    await sheet().waitFor({ state: 'hidden' });
    // Esc closed the sheet and nothing else: the selection is still there.
    expect(await count()).toMatch(/1 of 4 results selected/);
  });

  it('opens the palette on Ctrl+K; a fuzzy query finds a command and Enter runs it', async () => {
    await page.keyboard.press('Control+k');
    await palette().waitFor();
    const input = palette().getByRole('combobox', { name: 'Search commands' });
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    // Every option shows its shortcut in this platform's words.
    await expect(
      palette()
        .getByRole('option', { name: /^Search results/ })
        .innerText(),
    ).resolves.toContain('Ctrl');
    await checkAccessibility(page, 'the command palette');
    await shots('palette');
    await input.pressSequentially('gosett');
    await expect.poll(() => palette().getByRole('option').first().innerText()).toContain('Go to Settings');
    await page.keyboard.press('Enter');
    await palette().waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();

    // A review command acts on the current selection: pick the selected result, from the palette.
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    await grid().getByRole('option').nth(1).click();
    await page.keyboard.press('Control+k');
    await palette().getByRole('combobox').pressSequentially('pck');
    await expect.poll(() => palette().getByRole('option').first().innerText()).toMatch(/^Pick/);
    await palette().getByRole('combobox').press('Enter');
    await palette().waitFor({ state: 'hidden' });
    const picked = ids.at(-2) ?? '';
    await expect.poll(async () => (await summary(picked)).flag, WRITE).toBe('pick');

    // Arrows move through the list; a shot of a query with matches highlighted.
    await page.keyboard.press('Control+k');
    await palette().getByRole('combobox').pressSequentially('rate');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => palette().getByRole('option', { selected: true }).innerText())
      .not.toBe(await palette().getByRole('option').first().innerText());
    await shots('palette-query');
    await page.keyboard.press('Escape');
    await palette().waitFor({ state: 'hidden' });
    await expect(count()).resolves.toMatch(/1 of 4 results selected/);
  });

  it('backs out one level per Esc: loupe, then the selection, then the section before', async () => {
    await nav().getByRole('button', { name: 'Settings', exact: true }).click();
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    await grid().getByRole('option').first().click();
    await page.keyboard.press('e');
    await page.getByRole('region', { name: 'Loupe' }).waitFor();

    // A popover first: Esc closes it and leaves the loupe open.
    await page.getByRole('button', { name: 'Filter by rating' }).click();
    await page.locator('.popover-panel').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.popover-panel').waitFor({ state: 'hidden' });
    await page.getByRole('region', { name: 'Loupe' }).waitFor();

    await page.keyboard.press('Escape');
    await grid().waitFor();
    expect(await count()).toMatch(/selected/);
    await page.keyboard.press('Escape');
    await expect.poll(count).toBe('4 results');
    await grid().waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();

    // Ctrl+F from anywhere: back to the results, the search field focused.
    await page.keyboard.press('Control+f');
    const search = page.getByRole('searchbox', { name: 'Search results' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('lets an IME finish its word: the Enter that commits a composition adds no tag', async () => {
    await nav().getByRole('button', { name: 'Characters', exact: true }).click();
    const tags = page.getByLabel('Tags');
    await tags.click();
    const seen: { key: string; composing: boolean; keyCode: number }[] = [];
    await page.exposeFunction('ccstudioSawKey', (key: string, composing: boolean, keyCode: number) =>
      seen.push({ key, composing, keyCode }),
    );
    await tags.evaluate((el) =>
      el.addEventListener('keydown', (event) => {
        const e = event as KeyboardEvent;
        const w = window as unknown as { ccstudioSawKey(k: string, c: boolean, n: number): void };
        w.ccstudioSawKey(e.key, e.isComposing, e.keyCode);
      }),
    );
    // A real composition through the DevTools protocol's IME: "にほんご" typed, Enter pressed while composing.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'にほんご', selectionStart: 4, selectionEnd: 4 });
    await cdp.send('Input.dispatchKeyEvent', {
      type: 'rawKeyDown',
      key: 'Enter',
      code: 'Enter',
      windowsVirtualKeyCode: 229,
      nativeVirtualKeyCode: 229,
    });
    await cdp.send('Input.dispatchKeyEvent', {
      type: 'keyUp',
      key: 'Enter',
      code: 'Enter',
      windowsVirtualKeyCode: 229,
    });
    // And the keydown a browser sends when Enter commits the word (isComposing, keyCode 229).
    await tags.evaluate((el) =>
      el.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, keyCode: 229, bubbles: true }),
      ),
    );
    await expect.poll(() => seen.filter((k) => k.key === 'Enter').length).toBeGreaterThanOrEqual(2);
    expect(seen.filter((k) => k.key === 'Enter').every((k) => k.composing || k.keyCode === 229)).toBe(true);
    await page.waitForTimeout(300);
    await expect(page.locator('.tag-chip').count()).resolves.toBe(0);
    expect((await call<{ characters: { tags: string[] }[] }>('characters.list')).characters[0]?.tags).toEqual(
      [],
    );

    // The word committed, a plain Enter adds it whole.
    await cdp.send('Input.insertText', { text: '日本語' });
    await expect(tags.inputValue()).resolves.toBe('日本語');
    await tags.press('Enter');
    await page.locator('.tag-chip', { hasText: '日本語' }).waitFor();
    await expect
      .poll(
        async () => (await call<{ characters: { tags: string[] }[] }>('characters.list')).characters[0]?.tags,
        WRITE,
      )
      .toEqual(['日本語']);
  });

  it('carries white text on the accent at 4.5:1 and draws the UI in the bundled Inter', async () => {
    const primary = page.locator('button.primary').first();
    await primary.waitFor();
    const colours = async () =>
      primary.evaluate((el) => {
        const style = getComputedStyle(el);
        return { background: style.backgroundColor, color: style.color };
      });
    const rest = await colours();
    expect(contrast(rest.background, rest.color)).toBeGreaterThanOrEqual(4.5);
    await primary.hover();
    const hovered = await colours();
    expect(contrast(hovered.background, hovered.color)).toBeGreaterThanOrEqual(4.5);
    console.log(
      `primary button: ${rest.color} on ${rest.background} = ${contrast(rest.background, rest.color).toFixed(2)}:1, hover ${contrast(hovered.background, hovered.color).toFixed(2)}:1`,
    );

    const font = await page.evaluate(async () => {
      await document.fonts.ready;
      await document.fonts.load('13px "Inter Variable"');
      return {
        family: getComputedStyle(document.body).fontFamily,
        check: document.fonts.check('13px "Inter Variable"'),
        loaded: [...document.fonts].filter((f) => f.family.includes('Inter') && f.status === 'loaded').length,
      };
    });
    expect(font.family.startsWith('"Inter Variable"')).toBe(true);
    expect(font.check).toBe(true);
    expect(font.loaded).toBeGreaterThan(0);
    // Offline-first: the font came from the app itself, nothing from the network.
    const origin = new URL(app.host.openUrl).origin;
    expect(requests.filter((url) => url.includes('.woff2')).length).toBeGreaterThan(0);
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
  });
});
