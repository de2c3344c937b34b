import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { checkAccessibility } from './axe';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { canvasInk, canvasPixel, inkDistance, paneMismatchPx, readPanes } from './pane-geometry';
import { handlersOf, seedResults } from './workspace-seed';

interface Summary {
  id: string;
  rating: number;
  flag: string;
  seed: number | null;
}

const RESULTS = 6;
/** A review is written (and fsynced) by the app through the host: give it time on a busy 2-core machine. */
const WRITE = { timeout: 20_000 };

/**
 * Compare, survey and the same pose across results, in Chromium through the browser host, driven with the
 * mouse and the keyboard as a person would; the panes' views are read from the DOM (the transforms the
 * person sees), never from the app's state.
 */
describe('comparing results', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let projectDir: string;
  let ids: string[] = [];
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;
  const summary = async (id: string) => (await call<{ summary: Summary }>('results.get', { id })).summary;
  const grid = () => page.getByRole('listbox', { name: 'Results' });
  const compareRegion = () => page.getByRole('region', { name: 'Compare' });
  const allLoaded = async () => (await readPanes(page)).every((p) => p.loaded);
  const mismatch = async () => paneMismatchPx(await readPanes(page));
  const captions = () => page.locator('.pane-caption');

  beforeAll(async () => {
    app = await startApp();
    projectDir = join(app.workDir, 'Compare book');
    await call('projects.create', { dir: projectDir, name: 'Compare book' });
    const character = await call<{ id: string }>('characters.create', {
      name: 'Mira',
      description: 'young lighthouse keeper, yellow raincoat',
    });
    const library = await call<{ id: string }>('poses.createLibrary', { name: 'Sheets' });
    const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    const sheetFile = join(app.workDir, 'three-up.png');
    await writeFile(sheetFile, sheet.png);
    const imported = await call<{ imported: { id: string; figures: unknown[] }[] }>('poses.import', {
      libraryId: library.id,
      sources: [{ path: sheetFile }],
    });
    const pose = imported.imported[0];
    if (!pose) throw new Error('the pose sheet should import');
    ids = await seedResults(app, projectDir, {
      characterId: character.id,
      poseId: pose.id,
      sheet: sheet.png,
      description: 'young lighthouse keeper, yellow raincoat',
      count: RESULTS,
    });
    // The two newest differ in seed (each seeded result has the next seed) and, after this, in steps.
    const newest = ids.at(-1) ?? '';
    const receiptFile = join(projectDir, 'results', `${newest}.json`);
    const receipt = JSON.parse(await readFile(receiptFile, 'utf8')) as {
      receipt: { request: Record<string, unknown>; timings: { durationMs: number } };
    };
    receipt.receipt.request.num_inference_steps = 30;
    await writeFile(receiptFile, JSON.stringify(receipt, null, 2));
    await call('results.rebuildIndex');
    browser = await launchBrowser();
    page = await openPage(browser, app);
    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: /^Results/ })
      .click();
    await grid()
      .getByRole('option')
      .nth(RESULTS - 1)
      .waitFor();
  });
  // Back to the grid, whatever the test before left open (a failed test must not fail the rest).
  const toGrid = async () => {
    for (let i = 0; i < 3 && !(await grid().isVisible()); i++) await page.keyboard.press('Escape');
  };
  /** Compare open on the two newest results, side by side (opened afresh unless it already is). */
  const ensureCompare = async () => {
    if (await compareRegion().isVisible()) {
      await page.keyboard.press('s');
      return;
    }
    await toGrid();
    const options = grid().getByRole('option');
    await options.nth(0).click();
    await options.nth(1).click({ modifiers: ['Control'] });
    await page.keyboard.press('c');
    await compareRegion().waitFor();
    await expect.poll(allLoaded).toBe(true);
  };
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("paints both panes from their previews at once, without waiting for either result's details", async () => {
    // Each result's details (its receipt) take 8 s to arrive here: the panes must not wait for them.
    // Two results nothing has asked the details of yet (this test runs first).
    const slow = async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      await route.continue().catch(() => undefined);
    };
    await page.route('**/api/call/results.get', slow);
    try {
      const options = grid().getByRole('option');
      await options.nth(2).click();
      await options.nth(3).click({ modifiers: ['Control'] });
      const pressed = Date.now();
      await page.keyboard.press('c');
      await compareRegion().waitFor();
      const sharpPanes = () => page.locator('.zoom-pane[data-sharp="true"]').count();
      await expect.poll(sharpPanes, { timeout: 6_000, interval: 20 }).toBe(2);
      expect(Date.now() - pressed).toBeLessThan(6_000);
      // The captions name both results before their details arrive.
      await expect.poll(() => captions().count()).toBe(2);
      expect(await captions().first().innerText()).toMatch(/Mira × three-up/);
    } finally {
      await page.unroute('**/api/call/results.get', slow);
      await page.keyboard.press('Escape');
      await grid().waitFor();
    }
  });

  it('opens by keyboard with two selected and lists exactly the fields that differ', async () => {
    const options = grid().getByRole('option');
    await options.nth(0).click();
    await options.nth(1).click({ modifiers: ['Control'] });
    await page.keyboard.press('c');
    await compareRegion().waitFor();
    await expect.poll(allLoaded).toBe(true);
    expect(await readPanes(page)).toHaveLength(2);
    // Newest first: the first cell is the newest result (steps 30), the second the one before.
    const rows = page.getByTestId('diff-row');
    await expect.poll(() => rows.count()).toBe(2);
    const keys = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(keys.sort()).toEqual(['param:num_inference_steps', 'seed']);
    await expect(page.getByTestId('diff-same').innerText()).resolves.toMatch(/\d+ other fields are the same/);
    await screenshot(page, 'compare-1-side-by-side');
    await checkAccessibility(page, 'compare side by side');
  });

  it('links zoom by wheel and keys, and pan by drag, in relative coordinates', async () => {
    await ensureCompare();
    const panes = page.locator('.zoom-pane');
    const box = await panes.nth(1).boundingBox();
    if (!box) throw new Error('the candidate pane should be on screen');
    // Wheel zoom at a point off centre of the candidate: the select follows.
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
    await expect.poll(async () => (await readPanes(page))[0]?.scale ?? 0).toBeGreaterThan(0.8);
    expect(await mismatch()).toBeLessThan(0.5);
    const zoomed = await readPanes(page);
    // Zoomed in: each pane shows less than the whole image.
    expect((zoomed[0]?.rect[2] ?? 1) - (zoomed[0]?.rect[0] ?? 0)).toBeLessThan(0.9);

    // Drag to pan the select: the candidate follows.
    const left = await panes.nth(0).boundingBox();
    if (!left) throw new Error('the select pane should be on screen');
    await page.mouse.move(left.x + left.width / 2, left.y + left.height / 2);
    await page.mouse.down();
    await page.mouse.move(left.x + left.width / 2 - 120, left.y + left.height / 2 - 40, { steps: 8 });
    await page.mouse.up();
    const panned = await readPanes(page);
    expect(panned[0]?.rect[0]).not.toBeCloseTo(zoomed[0]?.rect[0] ?? 0, 3);
    expect(await mismatch()).toBeLessThan(0.5);

    // Keys: + zooms in, Ctrl+0 fits, Ctrl+1 is 100% (one image pixel per device pixel).
    const before = (await readPanes(page))[0]?.scale ?? 0;
    await page.keyboard.press('+');
    await expect.poll(async () => (await readPanes(page))[0]?.scale ?? 0).toBeGreaterThan(before * 1.2);
    expect(await mismatch()).toBeLessThan(0.5);
    await page.keyboard.press('Control+1');
    await expect.poll(async () => (await readPanes(page))[0]?.scale).toBeCloseTo(1, 3);
    // The label follows the zoom on the next render: polled, as the scale is.
    await expect.poll(() => page.getByTestId('zoom-label').innerText()).toBe('100%');
    expect(await page.locator('.zoom-pane.zoom-crisp').count()).toBe(0);
    await page.keyboard.press('+');
    // Beyond 100% the pixels stay crisp.
    await expect.poll(() => page.locator('.zoom-pane.zoom-crisp').count()).toBe(2);
    await screenshot(page, 'compare-2-zoomed');
    await page.keyboard.press('Control+0');
    // Fit: the wide sheet spans each pane's width exactly.
    await expect.poll(async () => Math.abs((await readPanes(page))[0]?.rect[0] ?? 1)).toBeLessThan(0.001);
    expect((await readPanes(page))[0]?.rect[2]).toBeCloseTo(1, 3);
    await expect.poll(() => page.getByTestId('zoom-label').innerText()).toContain('Fit');
    expect(await mismatch()).toBeLessThan(0.5);
  });

  it('keeps an offset set by hand when zoom is unlinked and linked again', async () => {
    await ensureCompare();
    const panes = page.locator('.zoom-pane');
    const right = await panes.nth(1).boundingBox();
    if (!right) throw new Error('the candidate pane should be on screen');
    await page.keyboard.press('l');
    await page.mouse.move(right.x + right.width / 2, right.y + right.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(mismatch).toBeGreaterThan(5);
    const offset = await readPanes(page);
    await page.keyboard.press('l');
    // Linked again: zooming the select moves the candidate too, by the same relative amount.
    const left = await panes.nth(0).boundingBox();
    if (!left) throw new Error('the select pane should be on screen');
    await page.mouse.move(left.x + left.width / 2, left.y + left.height / 2);
    await page.mouse.wheel(0, -200);
    await expect
      .poll(async () => (await readPanes(page))[0]?.scale ?? 0)
      .toBeGreaterThan((offset[0]?.scale ?? 0) * 1.05);
    const after = await readPanes(page);
    const ratioBefore = (offset[1]?.scale ?? 1) / (offset[0]?.scale ?? 1);
    const ratioAfter = (after[1]?.scale ?? 1) / (after[0]?.scale ?? 1);
    expect(ratioAfter).toBeCloseTo(ratioBefore, 3);
    await page.keyboard.press('l');
    await page.keyboard.press('Control+0');
    await page.mouse.move(right.x + right.width / 2, right.y + right.height / 2);
    await page.keyboard.press('Control+0');
    await page.keyboard.press('l');
  });

  it('moves the A/B slider by drag and by keys; flips; blends by difference', async () => {
    await ensureCompare();
    await page.keyboard.press('a');
    const divider = page.getByRole('slider', { name: /Divider/ });
    await divider.waitFor();
    const pane = await page.locator('.zoom-pane').first().boundingBox();
    if (!pane) throw new Error('the slider pane should be on screen');
    const grip = await divider.boundingBox();
    if (!grip) throw new Error('the divider should be on screen');
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width * 0.3, grip.y + grip.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => divider.getAttribute('aria-valuenow')).toBe('30');
    await divider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => divider.getAttribute('aria-valuenow')).toBe('32');
    await page.keyboard.press(']');
    await expect.poll(() => divider.getAttribute('aria-valuenow')).toBe('37');
    await screenshot(page, 'compare-3-slider');
    await checkAccessibility(page, 'compare slider');

    // What the canvas shows, sampled left and right of the divider: the select (blue ink) on the left, the
    // candidate (another seed, another ink) on the right.
    const inkAt = (fx: number) => canvasInk(page, fx);
    // rowOfFigures(3) centres its figures at 1/6, 1/2 and 5/6 of the width.
    const leftInk = await inkAt(1 / 6);
    const rightInk = await inkAt(5 / 6);
    expect(inkDistance(leftInk, rightInk)).toBeGreaterThan(60);

    await page.locator('.compare-view').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('f');
    await page.getByText('Showing the candidate').waitFor();
    await expect.poll(async () => inkDistance(await inkAt(1 / 6), rightInk)).toBeLessThan(30);
    await screenshot(page, 'compare-4-flip');
    await page.keyboard.press('f');
    await page.getByText('Showing the select').waitFor();
    await expect.poll(async () => inkDistance(await inkAt(5 / 6), leftInk)).toBeLessThan(30);

    await page.keyboard.press('d');
    await page.getByText('Difference: black where').waitFor();
    await expect.poll(allLoaded).toBe(true);
    // The paper is the same colour in both: the difference is black there.
    // Between the first two figures, on the paper of both.
    await expect.poll(async () => Math.max(...(await canvasPixel(page, 1 / 3, 0.5)))).toBeLessThan(16);
    await screenshot(page, 'compare-5-difference');
    await page.keyboard.press('s');
    await expect.poll(async () => (await readPanes(page)).length).toBe(2);
  });

  it('steps, swaps and rates inside the view', async () => {
    await ensureCompare();
    const seedIn = async (index: number) =>
      (await captions().nth(index).innerText()).match(/seed (\d+)/)?.[1];
    const selectSeed = await seedIn(0);
    const candidateSeed = await seedIn(1);
    expect(selectSeed).toMatch(/^\d+$/);
    expect(candidateSeed).toMatch(/^\d+$/);
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(async () => {
        const seed = await seedIn(1);
        return seed !== undefined && seed !== candidateSeed;
      })
      .toBe(true);
    const stepped = await seedIn(1);
    expect(stepped).not.toBe(selectSeed);
    await page.keyboard.press('Tab');
    await expect.poll(() => seedIn(0)).toBe(stepped);
    await expect.poll(() => seedIn(1)).toBe(selectSeed);
    // Rating and flags apply to the focused side: the last one clicked or dragged (here, the candidate).
    await captions().nth(1).getByRole('button').first().click();
    await page.keyboard.press('4');
    await page.keyboard.press('p');
    const all = await Promise.all(ids.map(summary));
    const candidate = all.find((s) => String(s.seed) === selectSeed);
    await expect
      .poll(async () => summary(candidate?.id ?? ''), WRITE)
      .toMatchObject({ rating: 4, flag: 'pick' });
    await captions().nth(0).getByRole('button').first().click();
    await page.keyboard.press('2');
    const select = all.find((s) => String(s.seed) === stepped);
    await expect.poll(async () => (await summary(select?.id ?? '')).rating, WRITE).toBe(2);
    await expect.poll(() => captions().nth(0).innerText()).toContain('2');
    // Enter keeps the candidate as the select.
    await page.keyboard.press('Enter');
    await expect.poll(() => seedIn(0)).toBe(selectSeed);
    await page.keyboard.press('Escape');
    await grid().waitFor();
  });

  it('opens from the Compare button of a selection of two, and from "Compare with…"', async () => {
    await toGrid();
    const options = grid().getByRole('option');
    await options.nth(2).click();
    await options.nth(3).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Compare', exact: true }).last().click();
    await compareRegion().waitFor();
    await expect.poll(() => captions().count()).toBe(2);
    await page.keyboard.press('Escape');
    await options.nth(4).click();
    await page.getByRole('button', { name: 'Compare with…' }).click();
    await page.getByText('Click the result to compare with').waitFor();
    await screenshot(page, 'compare-6-choose');
    await options.nth(0).click();
    await compareRegion().waitFor();
    await page.keyboard.press('Escape');
  });

  it('surveys four and removes one with one click', async () => {
    await toGrid();
    const options = grid().getByRole('option');
    await options.nth(0).click();
    for (const i of [1, 2, 3]) await options.nth(i).click({ modifiers: ['Control'] });
    await page.keyboard.press('n');
    const survey = page.getByRole('region', { name: 'Survey' });
    await survey.waitFor();
    await expect.poll(async () => (await readPanes(page)).length).toBe(4);
    await expect.poll(allLoaded).toBe(true);
    const box = await page.locator('.zoom-pane').nth(3).boundingBox();
    if (!box) throw new Error('the pane should be on screen');
    const fit = (await readPanes(page))[0]?.scale ?? 0;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await readPanes(page))[0]?.scale ?? 0).toBeGreaterThan(fit * 1.2);
    expect(await mismatch()).toBeLessThan(0.5);
    await page.keyboard.press('Control+0');
    await screenshot(page, 'survey-1-four');
    await checkAccessibility(page, 'survey');
    await page
      .getByRole('button', { name: /^Remove .* from the survey$/ })
      .nth(1)
      .click();
    await expect.poll(async () => (await readPanes(page)).length).toBe(3);
    await page.keyboard.press('5');
    await expect
      .poll(async () => (await Promise.all(ids.map(summary))).filter((s) => s.rating === 5).length, WRITE)
      .toBe(1);
    await page.keyboard.press('Escape');
  });

  it('shows the same figure from every result made with the sheet, mapped by the real size ratio', async () => {
    await toGrid();
    await grid().getByRole('option').nth(0).click();
    await page.getByRole('button', { name: 'Same pose…' }).click();
    const view = page.getByRole('region', { name: 'Same pose across results' });
    await view.waitFor();
    await expect.poll(async () => (await readPanes(page)).length).toBe(RESULTS);
    await page.getByRole('button', { name: 'Figure 2' }).click();
    await expect.poll(allLoaded).toBe(true);
    const { libraries } = await call<{
      libraries: {
        poses: {
          figures: { x: number; y: number; width: number; height: number }[];
          image: { width: number };
        }[];
      }[];
    }>('poses.list');
    const pose = libraries[0]?.poses[0];
    const figure = pose?.figures[1];
    if (!pose || !figure) throw new Error('the sheet should have its figures');
    // Results are the sheet at upscale 2: the region shown is the figure's box doubled (plus padding).
    const shown = (await readPanes(page))[0];
    const region = { w: shown?.imageWidth ?? 0, h: shown?.imageHeight ?? 0 };
    expect(region.w).toBeGreaterThanOrEqual(figure.width * 2);
    // Padded by 6% of the figure's longer side at most (less where a neighbour is near).
    const pad = Math.ceil(0.06 * 2 * Math.max(figure.width, figure.height)) + 2;
    expect(region.w).toBeLessThanOrEqual(figure.width * 2 + 2 * pad);
    expect(region.h).toBeLessThanOrEqual(figure.height * 2 + 2 * pad);
    expect(region.h).toBeGreaterThanOrEqual(figure.height * 2);
    const box = await page.locator('.zoom-pane').nth(2).boundingBox();
    if (!box) throw new Error('the pane should be on screen');
    const fit = shown?.scale ?? 0;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await readPanes(page))[0]?.scale ?? 0).toBeGreaterThan(fit * 1.2);
    expect(await mismatch()).toBeLessThan(0.5);
    await page.keyboard.press('Control+0');
    await screenshot(page, 'same-pose-1');
    await checkAccessibility(page, 'same pose across results');
    await page.keyboard.press('Escape');
  });

  it('zooms the loupe at the pointer with the same keys, and its label tells the true zoom', async () => {
    await toGrid();
    await grid().getByRole('option').nth(0).click();
    await page.keyboard.press('e');
    const loupe = page.getByRole('region', { name: 'Loupe' });
    await loupe.waitFor();
    await expect.poll(allLoaded).toBe(true);
    const label = () => page.getByTestId('zoom-label').innerText();
    const trueZoom = async () => `${Math.round(((await readPanes(page))[0]?.scale ?? 0) * 100)}%`;
    await expect.poll(label).toContain('Fit');
    expect(await label()).toContain(await trueZoom());
    const pane = await page.locator('.zoom-pane').boundingBox();
    if (!pane) throw new Error('the loupe should show the image');
    // The wheel zooms at the pointer: the image point under it stays under it.
    const at = { x: pane.x + pane.width * 0.3, y: pane.y + pane.height * 0.5 };
    const before = (await readPanes(page))[0];
    await page.mouse.move(at.x, at.y);
    await page.mouse.wheel(0, -300);
    await expect
      .poll(async () => (await readPanes(page))[0]?.scale ?? 0)
      .toBeGreaterThan((before?.scale ?? 0) * 1.2);
    const after = (await readPanes(page))[0];
    const imageX = (g: typeof before) =>
      g ? g.rect[0] + ((g.rect[2] - g.rect[0]) * (at.x - pane.x)) / g.width : 0;
    expect(imageX(after)).toBeCloseTo(imageX(before), 3);
    expect(await label()).toBe(await trueZoom());
    // Z: from any zoom back to fit, and from fit to 100% at the pointer.
    await page.keyboard.press('z');
    await expect.poll(label).toContain('Fit');
    await page.keyboard.press('z');
    await expect.poll(label).toBe('100%');
    await page.keyboard.press('-');
    await expect.poll(label).toBe('80%');
    await page.keyboard.press('Control+0');
    await expect.poll(label).toContain('Fit');
    await screenshot(page, 'loupe-1');
    await checkAccessibility(page, 'loupe');
    // Space tapped goes back to the grid.
    await page.keyboard.press(' ');
    await grid().waitFor();
  });

  it('fits the compare view at 1280x720', async () => {
    await toGrid();
    await page.setViewportSize({ width: 1280, height: 720 });
    const options = grid().getByRole('option');
    await options.nth(0).click();
    await options.nth(1).click({ modifiers: ['Control'] });
    await page.keyboard.press('c');
    await expect.poll(allLoaded).toBe(true);
    const panes = await readPanes(page);
    for (const pane of panes) expect(pane.width).toBeGreaterThan(200);
    await screenshot(page, 'compare-7-1280x720');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
