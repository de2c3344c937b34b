import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { makePoseSheet } from '../fakes/pose-sheet';
import { checkAccessibility } from './axe';
import { launchBrowser, startApp, type RunningApp } from './harness';
import { gridColumns, layoutProblems, readLayoutPanes, readToolbarControls } from './pane-geometry';
import { E2E_SHEET, seedProject, type SeededProject } from './seed-project';
import { seedResults } from './workspace-seed';

/** Where the screenshots of every view and state land, to be looked at (issue 8). */
const SHOTS = '/tmp/shots-layout';
const SIZES = [
  [1440, 900],
  [1280, 720],
  [960, 600],
] as const;
const VIEWS = ['results', 'poses', 'characters'] as const;

/**
 * The layout never breaks: at 1440x900, 1280x720 and the 960x600 minimum, with Generate open and closed,
 * in the results, poses and characters views with a selection in the inspector, no two panes overlap,
 * every toolbar control is whole and on top or in its toolbar's overflow menu (which works by keyboard),
 * the grids keep two columns, and axe finds nothing serious. The navigator and the inspector resize by
 * their splitters (mouse and keys), collapse, and come back as they were when the project is reopened.
 */
describe('the layout', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seeded: SeededProject;
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });
  const generate = () => page.locator('[data-pane="generate"]');

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    app = await startApp();
    await seedProject(app, 'Second book'); // another project, with a layout of its own
    seeded = await seedProject(app);
    const sheet = await makePoseSheet(E2E_SHEET);
    await seedResults(app, seeded.dir, {
      characterId: seeded.characterId,
      poseId: seeded.poseId,
      sheet,
      description: 'young lighthouse keeper',
      count: 12,
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(app.host.openUrl);
    await nav().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const setGenerate = async (open: boolean) => {
    if ((await generate().isVisible()) !== open) await page.keyboard.press('Control+g');
    await (open ? generate().waitFor() : generate().waitFor({ state: 'hidden' }));
  };
  const openView = async (view: (typeof VIEWS)[number]) => {
    if (view === 'results') {
      await nav()
        .getByRole('button', { name: /^Results/ })
        .first()
        .click();
      await page.locator('.gallery-grid .cell').first().click();
    } else if (view === 'poses') {
      await nav().getByRole('button', { name: 'Poses', exact: true }).click();
      await page.getByRole('option', { name: /three-figures/ }).click();
    } else {
      await nav().getByRole('button', { name: 'Characters', exact: true }).click();
      await page.getByRole('region', { name: `Character ${seeded.characterName}` }).waitFor();
    }
  };

  it('never overlaps panes, keeps every control reachable and two grid columns, at each size', async () => {
    const failures: string[] = [];
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      for (const generateOpen of [false, true]) {
        for (const view of VIEWS) {
          await setGenerate(false);
          await openView(view);
          await setGenerate(generateOpen);
          // The inspector shows the selection when Generate is closed; it folds while Generate is open.
          if (view !== 'characters')
            await page
              .locator('[data-pane="inspector"]')
              .waitFor({ state: generateOpen ? 'detached' : 'visible' });
          await page.waitForTimeout(150);
          const state = `${view}-${generateOpen ? 'generate' : 'closed'}-${width}x${height}`;
          await page.screenshot({ path: `${SHOTS}/${state}.png` });

          for (const problem of layoutProblems(await readLayoutPanes(page), { width, height }))
            failures.push(`${state}: ${problem}`);
          const controls = await readToolbarControls(page);
          for (const problem of controls.problems) failures.push(`${state}: ${problem}`);
          // What left a toolbar is in its "More" menu, by name.
          for (const [bar, ids] of Object.entries(controls.overflowed)) {
            const more = page.getByRole('button', { name: `More of the ${bar.toLowerCase()}` });
            await more.click();
            const items = await page.locator('[role="menu"] [data-menu-item]').count();
            const names = await page.getByRole('menu').innerText();
            if (items < ids.length) failures.push(`${state}: ${bar} holds ${ids.join(', ')} in ${names}`);
            await page.keyboard.press('Escape');
          }
          const columns = await gridColumns(page);
          if (view === 'results' && columns.results < 2)
            failures.push(`${state}: the results grid shows ${columns.results} column(s)`);
          if (view === 'poses' && width <= 1280 && columns.poses < 2)
            failures.push(`${state}: the pose grid shows ${columns.poses} column(s)`);
          await checkAccessibility(page, state);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('opens the toolbar overflow menu by keyboard: arrows move, Enter chooses, Esc closes', async () => {
    await page.setViewportSize({ width: 960, height: 600 });
    await setGenerate(false);
    await openView('results');
    await setGenerate(true);
    const more = page.getByRole('button', { name: 'More of the results toolbar' });
    await expect(more.getAttribute('aria-haspopup')).resolves.toBe('menu');
    await expect(more.getAttribute('aria-expanded')).resolves.toBe('false');
    await more.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'More of the results toolbar' });
    await menu.waitFor();
    await expect(more.getAttribute('aria-expanded')).resolves.toBe('true');
    const focused = () =>
      page.evaluate(() => document.activeElement?.textContent?.trim() ?? document.activeElement?.tagName);
    const first = await focused();
    await page.keyboard.press('ArrowDown');
    expect(await focused()).not.toBe(first);
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(first);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(first); // wraps
    await page.screenshot({ path: `${SHOTS}/overflow-menu-960x600.png` });
    await checkAccessibility(page, 'the overflow menu');
    // Esc closes the menu only: the focus returns to the button and Generate stays open.
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await expect(more.getAttribute('aria-expanded')).resolves.toBe('false');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');
    await page.waitForTimeout(50);
    await generate().waitFor();

    // Choosing by keyboard: "Larger thumbnails" makes them larger (the size is kept for the next start).
    // (The search is in the top bar, so at this size the sort stays in the toolbar itself.)
    const thumbSize = () => page.evaluate(() => Number(localStorage.getItem('ccstudio.gallery.thumbSize')));
    const before = (await thumbSize()) || 176;
    await page.keyboard.press('ArrowDown');
    await menu.waitFor();
    const larger = menu.getByRole('menuitem', { name: 'Larger thumbnails' });
    for (let i = 0; i < 12 && !(await larger.evaluate((el) => el === document.activeElement)); i++)
      await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(thumbSize).toBeGreaterThan(before);
    // The menu stays open for another step: "Smaller thumbnails" puts them back, Esc closes it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(thumbSize).toBe(before);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await setGenerate(false);
  });

  it('resizes and collapses the navigator and the inspector, and remembers them per project', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await setGenerate(false);
    await openView('results');
    const navSplitter = page.getByRole('separator', { name: 'Navigator width' });
    const inspectorSplitter = page.getByRole('separator', { name: 'Inspector width' });
    await expect(navSplitter.getAttribute('aria-valuenow')).resolves.toBe('240');
    await expect(inspectorSplitter.getAttribute('aria-valuenow')).resolves.toBe('320');

    // Drag the navigator's edge 60 px to the right.
    const box = await navSplitter.boundingBox();
    if (!box) throw new Error('no navigator splitter');
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + 200, { steps: 3 });
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + 200, { steps: 3 });
    await page.mouse.up();
    await expect(navSplitter.getAttribute('aria-valuenow')).resolves.toBe('300');
    expect(Math.round((await page.locator('[data-pane="navigator"]').boundingBox())?.width ?? 0)).toBe(300);

    // The inspector by keys: two steps wider (← widens a pane on the right), Home is its minimum.
    await inspectorSplitter.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(inspectorSplitter.getAttribute('aria-valuenow')).resolves.toBe('352');
    expect(Math.round((await page.locator('[data-pane="inspector"]').boundingBox())?.width ?? 0)).toBe(352);
    await page.screenshot({ path: `${SHOTS}/resized-1440x900.png` });
    for (const problem of layoutProblems(await readLayoutPanes(page), { width: 1440, height: 900 }))
      throw new Error(problem);

    // Collapse both: the inspector by its splitter (Enter), the navigator by its button, to a rail.
    await page.keyboard.press('Enter');
    await page.locator('[data-pane="inspector"]').waitFor({ state: 'detached' });
    await nav().getByRole('button', { name: 'Collapse the navigator' }).click();
    await page.locator('.nav-pane.rail').waitFor();
    expect(
      Math.round((await page.locator('[data-pane="navigator"]').boundingBox())?.width ?? 0),
    ).toBeLessThanOrEqual(48);
    await page.screenshot({ path: `${SHOTS}/collapsed-1440x900.png` });
    await checkAccessibility(page, 'the collapsed panes');

    // Another project has its own layout: the defaults.
    await page.getByRole('button', { name: /switch project/ }).click();
    await page.screenshot({ path: `${SHOTS}/project-switcher-1440x900.png` });
    await checkAccessibility(page, 'the project switcher');
    await page.getByRole('menuitem', { name: 'Second book' }).click();
    await page.getByRole('button', { name: /^Project Second book/ }).waitFor();
    await expect(navSplitter.getAttribute('aria-valuenow')).resolves.toBe('240');

    // Reopen the first (from the picker, after closing): collapsed as left, and sized as left when expanded.
    await page.getByRole('button', { name: /switch project/ }).click();
    await page.getByRole('menuitem', { name: 'Close project' }).click();
    await page.reload();
    await page
      .getByRole('list', { name: 'Recent projects' })
      .getByRole('button', { name: /^Lighthouse book/ })
      .click();
    await page.locator('.nav-pane.rail').waitFor();
    await nav()
      .getByRole('button', { name: /^Results/ })
      .first()
      .click();
    await page.locator('.gallery-grid .cell').first().click();
    expect(await page.locator('[data-pane="inspector"]').count()).toBe(0);
    await nav().getByRole('button', { name: 'Expand the navigator' }).click();
    await expect(navSplitter.getAttribute('aria-valuenow')).resolves.toBe('300');
    await page.getByRole('button', { name: 'Show the inspector' }).click();
    await expect(inspectorSplitter.getAttribute('aria-valuenow')).resolves.toBe('352');
    // Showing the inspector while Generate is open folds Generate away, so panes never overlap.
    await setGenerate(true);
    await page.locator('[data-pane="inspector"]').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Show the inspector' }).click();
    await generate().waitFor({ state: 'hidden' });
    await page.locator('[data-pane="inspector"]').waitFor();
  });
});
