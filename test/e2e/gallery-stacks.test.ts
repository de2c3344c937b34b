import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { webpSize } from '../../src/library/workspace/thumbnail-size';
import { makePoseSheet } from '../fakes/pose-sheet';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { E2E_CHARACTER, E2E_SHEET, seedProject, type SeededProject } from './seed-project';
import { handlersOf, seedResults } from './workspace-seed';

const RESULTS = 8;

interface Summary {
  id: string;
  rating: number;
  width: number;
  height: number;
}

/**
 * Cuts stacked under their sheet (issue 7), in Chromium through the browser host: a cut sheet shows once
 * with a badge counting its cuts; the badge and S open and close the stack; the sheet stays selected and
 * the inspector and the keys stay on it while the list changes; a filter for cuts shows them flat; a tall
 * cut shows whole; the caption line toggles and is remembered.
 */
describe('the gallery stacks cuts under their sheet', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let seeded: SeededProject;
  let ids: string[] = [];
  let sheetId = '';
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;
  const grid = () => page.getByRole('listbox', { name: 'Results' });
  const options = () => grid().getByRole('option');
  const option = (id: string) => page.locator(`#result-${id}`);
  const inspector = () => page.getByRole('complementary', { name: 'Inspector' });
  const summary = async (id: string) => (await call<{ summary: Summary }>('results.get', { id })).summary;
  /** The result the inspector shows, by the image its preview loads. */
  const inspected = () =>
    inspector()
      .locator('.insp-preview img')
      .first()
      .evaluate((img) => (img as HTMLImageElement).src);

  beforeAll(async () => {
    app = await startApp();
    seeded = await seedProject(app, 'Stacks book');
    ids = await seedResults(app, seeded.dir, {
      characterId: seeded.characterId,
      poseId: seeded.poseId,
      sheet: await makePoseSheet(E2E_SHEET),
      description: E2E_CHARACTER.description,
      count: RESULTS,
    });
    ids.reverse(); // newest first, as the grid shows them
    // The seeded thumbnails are 256 px, as an older version made them: reopening the project remakes them
    // at 640 px in the background, once (the marker beside the cache says it was checked).
    await rm(join(seeded.dir, '.studio', 'thumbs-size.json'), { force: true });
    await call('projects.close');
    await call('projects.open', { dir: seeded.dir });
    const longSide = async (id: string) => {
      const size = await webpSize(join(seeded.dir, '.studio', 'thumbs', `${id}.webp`));
      return size ? Math.max(size.width, size.height) : 0;
    };
    const started = Date.now();
    while (Math.min(...(await Promise.all(ids.map(longSide)))) < 640) {
      if (Date.now() - started > 30_000) throw new Error('the 256 px thumbnails were not remade');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    browser = await launchBrowser();
    page = await openPage(browser, app);
    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: /^Results/ })
      .click();
    await options()
      .nth(RESULTS - 1)
      .waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows a cut sheet once with a badge, and keeps it selected and inspected', async () => {
    sheetId = ids[2] ?? '';
    await option(sheetId).click();
    await expect.poll(() => option(sheetId).getAttribute('aria-selected')).toBe('true');
    await expect.poll(inspected).toContain(sheetId);

    const cut = await call<{ created: { id: string }[] }>('results.cut', { id: sheetId });
    expect(cut.created).toHaveLength(3);
    // One cell with a badge "3", not four cells.
    const badge = option(sheetId).getByTestId('stack-badge');
    await expect.poll(() => badge.innerText()).toBe('3');
    expect(await options().count()).toBe(RESULTS);
    await expect
      .poll(() => page.getByTestId('results-count').innerText())
      .toBe(`1 of ${RESULTS} results selected`);
    expect(await badge.getAttribute('title')).toMatch(/3 cuts stacked under this sheet: click or press S/);
    expect(await option(sheetId).getAttribute('aria-label')).toContain('3 cuts stacked');

    // Still selected, still the active cell, and the inspector shows the sheet, not a cut.
    expect(await option(sheetId).getAttribute('aria-selected')).toBe('true');
    expect(await option(sheetId).getAttribute('class')).toContain('active');
    await expect.poll(inspected).toContain(sheetId);
    await expect(inspector().innerText()).resolves.not.toMatch(/Figure \d, cut/);
    // The keys act on what the inspector shows.
    await page.keyboard.press('3');
    await expect.poll(async () => (await summary(sheetId)).rating).toBe(3);
    for (const c of cut.created) expect((await summary(c.id)).rating).toBe(0);
  });

  it('opens and closes the stack with the badge and with S, the cuts right after the sheet', async () => {
    const sheetIndex = ids.indexOf(sheetId);
    const positions = async () =>
      (await options().evaluateAll((els) => els.map((el) => el.getAttribute('data-index') ?? ''))).map(
        Number,
      );

    await option(sheetId).getByTestId('stack-badge').click();
    await expect.poll(() => options().count()).toBe(RESULTS + 3);
    const cuts = (
      await call<{ ids: string[] }>('results.queryIds', { filter: { cutFromIds: [sheetId] }, sort: 'newest' })
    ).ids;
    const byFigure = await Promise.all(
      cuts.map(async (id) => ({
        id,
        figure: (await call<{ result: { cutFrom: { figureIndex: number } } }>('results.get', { id })).result
          .cutFrom.figureIndex,
      })),
    );
    byFigure.sort((a, b) => a.figure - b.figure);
    for (const [i, c] of byFigure.entries()) {
      await expect.poll(() => option(c.id).getAttribute('data-index')).toBe(String(sheetIndex + 1 + i));
      expect(await option(c.id).getAttribute('data-stack-place')).toBe(`${i + 1}/3`);
    }
    expect(await option(sheetId).getAttribute('class')).toContain('stack-open');
    // Opening it changed neither the selection nor what the inspector shows.
    expect(await option(sheetId).getAttribute('aria-selected')).toBe('true');
    await expect.poll(inspected).toContain(sheetId);
    expect((await positions()).length).toBe(RESULTS + 3);

    // S closes it (the cursor is on the sheet) and opens it again.
    await page.keyboard.press('s');
    await expect.poll(() => options().count()).toBe(RESULTS);
    await page.keyboard.press('s');
    await expect.poll(() => options().count()).toBe(RESULTS + 3);

    // Into the stack with the arrow: the inspector shows that cut; S from a cut closes its stack and the
    // cursor goes back to the sheet, selected and inspected.
    await page.keyboard.press('ArrowRight');
    const first = byFigure[0]?.id ?? '';
    await expect.poll(() => option(first).getAttribute('aria-selected')).toBe('true');
    await expect.poll(inspected).toContain(first);
    await expect(inspector().innerText()).resolves.toMatch(/Figure 1, cut/);
    await page.keyboard.press('s');
    await expect.poll(() => options().count()).toBe(RESULTS);
    await expect.poll(() => option(sheetId).getAttribute('aria-selected')).toBe('true');
    await expect.poll(inspected).toContain(sheetId);
    await page.keyboard.press('4');
    await expect.poll(async () => (await summary(sheetId)).rating).toBe(4);
    expect((await summary(first)).rating).toBe(0);
  });

  it('keeps the cursor on its result when a new one arrives above it', async () => {
    await seedResults(app, seeded.dir, {
      characterId: seeded.characterId,
      poseId: seeded.poseId,
      sheet: await makePoseSheet(E2E_SHEET),
      description: E2E_CHARACTER.description,
      count: 1,
      firstSeed: 777,
      startedAt: Date.now(),
    });
    await expect.poll(() => options().count()).toBe(RESULTS + 1);
    // The sheet moved one place down; the cursor, the selection and the inspector went with it.
    await expect
      .poll(() => option(sheetId).getAttribute('data-index'))
      .toBe(String(ids.indexOf(sheetId) + 1));
    await expect.poll(() => option(sheetId).getAttribute('class')).toContain('active');
    expect(await option(sheetId).getAttribute('aria-selected')).toBe('true');
    await expect.poll(inspected).toContain(sheetId);
    await page.keyboard.press('5');
    await expect.poll(async () => (await summary(sheetId)).rating).toBe(5);
  });

  it('shows cuts flat under a filter for cuts only', async () => {
    await page.getByRole('button', { name: 'Filter by kind' }).click();
    await page.getByRole('radio', { name: 'Cut poses' }).click();
    await expect.poll(() => options().count()).toBe(3);
    expect(await grid().getByTestId('stack-badge').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => options().count()).toBe(RESULTS + 1);
  });

  it('shows a tall cut whole: its image box fits in its cell', async () => {
    await option(sheetId).getByTestId('stack-badge').click();
    await expect.poll(() => options().count()).toBe(RESULTS + 4);
    const cuts = grid().locator('.cell.in-stack');
    await expect.poll(() => cuts.count()).toBe(3);
    for (let i = 0; i < 3; i++) await expectWhole(cuts.nth(i));
    // The sheets too, at the largest and the smallest thumbnail size.
    await expectWhole(option(sheetId));
  });

  it('toggles a caption line from the toolbar and remembers it', async () => {
    const toggle = page.getByRole('button', { name: 'Captions' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await grid().locator('.cell-caption').count()).toBe(0);
    await toggle.click();
    await expect.poll(() => grid().locator('.cell-caption').count()).toBe(RESULTS + 4);
    await expect(option(sheetId).locator('.cell-caption').innerText()).resolves.toMatch(/^★★★★★\s*Mira × /);
    const cut = grid().locator('.cell.in-stack').first();
    await expect(cut.locator('.cell-caption').innerText()).resolves.toMatch(/^Figure 1 · Mira × /);
    await expectWhole(cut, 24);
    await page.reload();
    await expect
      .poll(() => page.getByRole('button', { name: 'Captions' }).getAttribute('aria-pressed'))
      .toBe('true');
    await expect.poll(() => grid().locator('.cell-caption').count()).toBeGreaterThan(0);
  });

  it('looks right at 1440x900 and 1280x720, with captions and without', async () => {
    // A second sheet cut and left closed, beside the open one.
    await call('results.cut', { id: ids[5] });
    await expect
      .poll(() =>
        option(ids[5] ?? '')
          .getByTestId('stack-badge')
          .count(),
      )
      .toBe(1);
    if (!(await option(sheetId).getAttribute('class'))?.includes('stack-open'))
      await option(sheetId).getByTestId('stack-badge').click();
    await option(sheetId).click();
    const shots: string[] = [];
    for (const size of [
      { width: 1440, height: 900 },
      { width: 1280, height: 720 },
    ]) {
      await page.setViewportSize(size);
      for (const captions of [true, false]) {
        const toggle = page.getByRole('button', { name: 'Captions' });
        if ((await toggle.getAttribute('aria-pressed')) !== String(captions)) await toggle.click();
        await expect
          .poll(() =>
            grid()
              .locator('.cell-caption')
              .count()
              .then((n) => n > 0),
          )
          .toBe(captions);
        await page.mouse.move(0, 0);
        await waitForThumbnails(page);
        shots.push(
          await screenshot(
            page,
            `gallery-stacks-${size.width}x${size.height}-captions-${captions ? 'on' : 'off'}`,
          ),
        );
        for (const id of [sheetId, ids[5] ?? '']) await expectWhole(option(id), captions ? 24 : 0);
      }
    }
    // The largest cells, where the thumbnails must still be sharp on a 2x display (640 px thumbnails).
    await page.setViewportSize({ width: 1440, height: 900 });
    // A range input cannot be filled, and End is the gallery's key: set it as the browser would.
    await page.getByRole('slider', { name: 'Thumbnail size' }).evaluate((el) => {
      const input = el as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, input.max);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitForThumbnails(page);
    shots.push(await screenshot(page, 'gallery-stacks-1440x900-largest'));
    const natural = await option(sheetId)
      .locator('img')
      .evaluate((img) =>
        Math.max((img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight),
      );
    // Cells never grow past the slider's 320 px, so 640 px thumbnails are sharp on a 2x display.
    const cell = await option(sheetId).evaluate((el) => el.getBoundingClientRect().width);
    expect(cell).toBeGreaterThanOrEqual(240);
    expect(cell).toBeLessThanOrEqual(320);
    expect(natural).toBe(640);
    // The cut's thumbnail is made by the app: 640 px on its long side (or the image's own size, if smaller).
    const cutImg = grid().locator('.cell.in-stack img').first();
    const cutNatural = await cutImg.evaluate((img) =>
      Math.max((img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight),
    );
    expect(cutNatural).toBeGreaterThan(256);
    console.log(`screenshots:\n${shots.join('\n')}`);
  });
});

/** Waits until every thumbnail on screen has loaded. */
async function waitForThumbnails(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page
        .locator('[data-testid="gallery-grid"] img')
        .evaluateAll((imgs) =>
          imgs.every(
            (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
          ),
        ),
    )
    .toBe(true);
}

/**
 * The whole image is in the cell: the img's box is inside the cell (above the caption, when there is
 * one), and so is the picture `object-fit: contain` draws in it.
 */
async function expectWhole(cell: Locator, caption = 0): Promise<void> {
  const img = cell.locator('img');
  await expect
    .poll(() =>
      img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0),
    )
    .toBe(true);
  const box = await cell.evaluate((el, captionHeight) => {
    const image = el.querySelector('img') as HTMLImageElement;
    const c = el.getBoundingClientRect();
    const i = image.getBoundingClientRect();
    const scale = Math.min(i.width / image.naturalWidth, i.height / image.naturalHeight);
    return {
      cell: { top: c.top, left: c.left, right: c.right, bottom: c.bottom - captionHeight },
      img: { top: i.top, left: i.left, right: i.right, bottom: i.bottom },
      drawn: { width: image.naturalWidth * scale, height: image.naturalHeight * scale },
      fit: getComputedStyle(image).objectFit,
    };
  }, caption);
  expect(box.fit).toBe('contain');
  expect(box.img.top).toBeGreaterThanOrEqual(box.cell.top - 0.5);
  expect(box.img.left).toBeGreaterThanOrEqual(box.cell.left - 0.5);
  expect(box.img.right).toBeLessThanOrEqual(box.cell.right + 0.5);
  expect(box.img.bottom).toBeLessThanOrEqual(box.cell.bottom + 0.5);
  expect(box.drawn.width).toBeLessThanOrEqual(box.img.right - box.img.left + 0.5);
  expect(box.drawn.height).toBeLessThanOrEqual(box.img.bottom - box.img.top + 0.5);
}
