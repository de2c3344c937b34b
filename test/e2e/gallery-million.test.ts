import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makePoseSheet } from '../fakes/pose-sheet';
import { screenshot, startApp, type RunningApp } from './harness';
import { E2E_CHARACTER, E2E_SHEET, seedProject } from './seed-project';
import { interceptResults, type SyntheticResults } from './synthetic-results';
import { handlersOf, seedResults } from './workspace-seed';

const MILLION = 1_000_000;
const LAST = MILLION - 1;
/** The grid's padding and gap (GalleryGrid.tsx). */
const PAD = 12;
const GAP = 8;
/** MAX_SCROLL_HEIGHT (scaled-scroll.ts). */
const CAP = 15_000_000;

interface View {
  top: number;
  max: number;
  scrollHeight: number;
  /** data-index of every loaded cell at least partly in view, in order. */
  visible: number[];
  /** The cursor's cell. */
  active: number | null;
}

/**
 * A gallery of 1,000,000 results (issue: scale) in Chromium through the browser host: its rows are about
 * 37 million px tall, past what Chromium can lay out (33.5 million), so the grid scales its scroll range
 * (scaled-scroll.ts). End, dragging the scrollbar to the bottom and the wheel all reach the last result;
 * the wheel still moves by pixels; the keys move the cursor near the end; and at 10,000 results nothing is
 * scaled and the grid is laid out as it always was.
 *
 * The project is real (three results, their thumbnails, the services behind the host) but the gallery's
 * list is answered by synthetic-results.ts, which intercepts `results.query`, `results.queryIds` and
 * `results.get` in the browser: what is tested here is the renderer's scroll, which needs it to be told
 * "a million results" with realistic pages of them; a million real results would test the store, whose
 * figures at that size are measured on their own.
 */
describe('the gallery reaches every one of a million results', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let synthetic: SyntheticResults;
  const errors: string[] = [];

  const scroller = () => page.getByTestId('gallery-scroll');
  const grid = () => page.getByRole('listbox', { name: 'Results' });
  const inspector = () => page.getByRole('complementary', { name: 'Inspector' });

  const view = (): Promise<View> =>
    page.evaluate(() => {
      const s = document.querySelector('[data-testid="gallery-scroll"]') as HTMLElement;
      const box = s.getBoundingClientRect();
      const visible = [...s.querySelectorAll<HTMLElement>('[data-index]')]
        .filter((c) => {
          const r = c.getBoundingClientRect();
          return r.bottom > box.top && r.top < box.bottom;
        })
        .map((c) => Number(c.dataset.index))
        .sort((a, b) => a - b);
      const active = s.querySelector<HTMLElement>('.cell.active');
      return {
        top: s.scrollTop,
        max: s.scrollHeight - s.clientHeight,
        scrollHeight: s.scrollHeight,
        visible,
        active: active ? Number(active.dataset.index) : null,
      };
    });
  /** Where the cell of `index` is, relative to the top of the scroll container (null: not rendered). */
  const cellTop = (index: number): Promise<number | null> =>
    page.evaluate((i) => {
      const s = document.querySelector('[data-testid="gallery-scroll"]') as HTMLElement;
      const cell = s.querySelector(`[data-index="${i}"]`);
      return cell ? cell.getBoundingClientRect().top - s.getBoundingClientRect().top : null;
    }, index);
  /** Whether the cell of `index` is loaded and wholly inside the scroll container. */
  const wholly = (index: number): Promise<boolean> =>
    page.evaluate((i) => {
      const s = document.querySelector('[data-testid="gallery-scroll"]') as HTMLElement;
      const cell = s.querySelector(`[data-index="${i}"]`);
      if (!cell) return false;
      const box = s.getBoundingClientRect();
      const r = cell.getBoundingClientRect();
      // Within a pixel: the scaled list maps offsets through a ratio, which can leave a row a pixel off.
      return r.top >= box.top - 1 && r.bottom <= box.top + s.clientHeight + 1 && r.left >= box.left;
    }, index);
  const eventually = async (check: () => Promise<boolean>, what: string, timeout = 20_000) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > timeout)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await view())}`);
      await page.waitForTimeout(50);
    }
  };
  /** Waits until the scroll position stops changing (a wheel's smooth scroll has landed). */
  const settled = async () => {
    let last = -1;
    for (let i = 0; i < 100; i++) {
      const { top } = await view();
      if (top === last) return top;
      last = top;
      await page.waitForTimeout(80);
    }
    return last;
  };
  const seedOf = (index: number) => String(synthetic.summaryAt(index).seed);

  /** A fresh page whose gallery lists `total` synthetic results. */
  async function openGallery(total: number, viewport = { width: 1440, height: 900 }): Promise<void> {
    await page?.context().close();
    const context = await browser.newContext({ viewport, colorScheme: 'dark' });
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    synthetic = await interceptResults(page, handlersOf(app), total);
    await page.goto(app.host.openUrl);
    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: /^Results/ })
      .click();
    await page
      .getByTestId('results-count')
      .getByText(`${total.toLocaleString('en-US')} results`)
      .waitFor();
    await grid().getByRole('option').first().waitFor();
  }

  beforeAll(async () => {
    app = await startApp();
    const seeded = await seedProject(app, 'Million book');
    await seedResults(app, seeded.dir, {
      characterId: seeded.characterId,
      poseId: seeded.poseId,
      sheet: await makePoseSheet(E2E_SHEET),
      description: E2E_CHARACTER.description,
      count: 3,
    });
    // The harness's browser hides scrollbars (Playwright's headless default); these tests drag one.
    browser = await chromium.launch({
      executablePath: process.env.CCSTUDIO_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      ignoreDefaultArgs: ['--hide-scrollbars'],
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
    await openGallery(MILLION);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('caps the scroll content under the browser limit and starts at the first result', async () => {
    const v = await view();
    expect(v.scrollHeight).toBe(CAP);
    expect(v.top).toBe(0);
    expect(v.visible[0]).toBe(0);
    await expect(grid().getByRole('option').first().getAttribute('aria-setsize')).resolves.toBe(
      String(MILLION),
    );
  });

  it('moves by pixels under the wheel, not by rows', async () => {
    await page.mouse.move(600, 500);
    const before = await cellTop(8);
    await page.mouse.wheel(0, 100);
    expect(await settled()).toBe(100);
    expect((before ?? 0) - ((await cellTop(8)) ?? 0)).toBe(100);
    await page.mouse.wheel(0, -100);
    expect(await settled()).toBe(0);
    expect(await cellTop(8)).toBe(before);
  });

  it('shows the last result and puts the cursor on it with End, and the keys move near the end', async () => {
    await grid().getByRole('option').first().click();
    await page.keyboard.press('End');
    await eventually(() => wholly(LAST), 'the last result in view');
    // The cursor lands once the last id is known (every id is fetched for it: see the report).
    await eventually(async () => (await view()).active === LAST, 'the cursor on the last result', 60_000);
    await expect(grid().getAttribute('aria-activedescendant')).resolves.toBe(
      `result-${synthetic.idAt(LAST)}`,
    );
    await inspector().getByText(seedOf(LAST), { exact: true }).waitFor();
    expect((await view()).visible.at(-1)).toBe(LAST);
    await screenshot(page, 'gallery-million-end-1440x900');

    await page.keyboard.press('ArrowLeft');
    await eventually(async () => (await view()).active === LAST - 1, 'the cursor one to the left');
    await inspector()
      .getByText(seedOf(LAST - 1), { exact: true })
      .waitFor();
    // Up several rows, each brought into view, then back down to the last row.
    const perRow = await page.evaluate(() => {
      const cells = [...document.querySelectorAll<HTMLElement>('[data-testid="gallery-grid"] [data-index]')];
      const first = cells[0]?.getBoundingClientRect().top;
      return cells.filter((c) => c.getBoundingClientRect().top === first).length;
    });
    expect(perRow).toBeGreaterThan(1);
    let expected = LAST - 1;
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('ArrowUp');
      expected -= perRow;
      await eventually(
        async () => (await view()).active === expected && (await wholly(expected)),
        `the cursor on ${expected}, in view`,
      );
    }
    await inspector().getByText(seedOf(expected), { exact: true }).waitFor();
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await eventually(async () => (await view()).active === LAST && (await wholly(LAST)), 'back on the last');
    await page.keyboard.press('Home');
    await eventually(async () => (await view()).active === 0 && (await wholly(0)), 'Home: the first result');
    expect((await view()).top).toBeLessThan(PAD);
  });

  it('shows the last result when the scrollbar is dragged to the bottom, crossing the list on the way', async () => {
    await page.keyboard.press('Home');
    await eventually(async () => (await wholly(0)) && (await view()).top < PAD, 'the top');
    const box = (await scroller().boundingBox())!;
    // The thumb is at the top of the track, under the track's up arrow.
    const x = box.x + box.width - 7;
    await page.mouse.move(x, box.y + 20);
    await page.mouse.down();
    const tops: number[] = [];
    for (let step = 1; step <= 8; step++) {
      await page.mouse.move(x, box.y + 20 + (step * (box.height - 20)) / 8);
      await page.waitForTimeout(150);
      tops.push((await view()).top);
    }
    await page.mouse.move(x, box.y + box.height + 100);
    await page.mouse.up();
    // Every step went further down, through the whole range.
    for (let i = 1; i < tops.length; i++) expect(tops[i]).toBeGreaterThan(tops[i - 1] ?? 0);
    // (scrollTop can end a fraction of a pixel past scrollHeight - clientHeight, which is rounded.)
    await eventually(async () => {
      const v = await view();
      return v.top >= v.max;
    }, 'the scroll at its bottom');
    await eventually(() => wholly(LAST), 'the last result in view after the drag');
  });

  it('reaches the last result with the wheel from a few screens above it, moving by pixels on the way', async () => {
    // A few screens above the end (as a drag of the thumb leaves it), then only the wheel.
    await page.evaluate(() => {
      const s = document.querySelector('[data-testid="gallery-scroll"]') as HTMLElement;
      s.scrollTop = s.scrollHeight - s.clientHeight - 3000;
    });
    await settled();
    await page.waitForTimeout(300);
    await page.mouse.move(600, 500);
    const start = await view();
    const watched = start.visible[0] ?? 0;
    const before = await cellTop(watched);
    await page.mouse.wheel(0, 100);
    await settled();
    expect((before ?? 0) - ((await cellTop(watched)) ?? 0)).toBe(100);
    let notches = 1;
    while (!(await wholly(LAST)) && notches < 100) {
      await page.mouse.wheel(0, 100);
      await settled();
      notches++;
    }
    expect(await wholly(LAST)).toBe(true);
    expect(notches).toBeLessThan(60);
    const end = await view();
    expect(end.top).toBeGreaterThanOrEqual(end.max);
    // Rows crossed on the way: about what 100 px a notch covers, not thousands.
    expect(LAST - watched).toBeLessThan(notches * 40);

    // Page Up (the browser's own, on the focused grid) moves by a page of pixels too.
    await grid().focus();
    const top = await view();
    const cell = top.visible[0] ?? 0;
    const at = await cellTop(cell);
    await page.keyboard.press('PageUp');
    const moved = top.top - (await settled());
    expect(moved).toBeGreaterThan(300);
    expect(((await cellTop(cell)) ?? 0) - (at ?? 0)).toBe(moved);
  });

  it('keeps the cursor in view half way down when the thumbnail size changes', async () => {
    // Half way down (as a drag of the thumb leaves it).
    await page.evaluate(() => {
      const s = document.querySelector('[data-testid="gallery-scroll"]') as HTMLElement;
      s.scrollTop = Math.round((s.scrollHeight - s.clientHeight) / 2);
    });
    await settled();
    await eventually(async () => (await view()).visible.length > 0, 'the rows half way down');
    // The cursor there (a click, then a key, which brings its result into view: the grid keeps the
    // cursor's result in view when the columns change).
    const clicked = (await view()).visible[4] ?? 0;
    await page.locator(`[data-index="${clicked}"]`).click();
    await page.keyboard.press('ArrowRight');
    const first = clicked + 1;
    await eventually(async () => (await view()).active === first, 'the cursor half way down');
    expect(Math.abs(first - MILLION / 2)).toBeLessThan(MILLION / 100);
    const slider = page.getByRole('slider', { name: 'Thumbnail size' });
    const size = await slider.inputValue();
    await slider.fill('296');
    await eventually(async () => (await view()).visible.includes(first), `#${first} still in view`);
    await slider.fill(size);
    await eventually(async () => (await view()).visible.includes(first), `#${first} in view again`);
    await grid().focus();
  });

  it('shows the end of the list at 1280x720 too', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.keyboard.press('End');
    await eventually(() => wholly(LAST), 'the last result in view at 1280x720');
    await eventually(async () => (await view()).active === LAST, 'the cursor on the last result');
    // Thumbnails in: the scroll has settled.
    await page.waitForTimeout(400);
    await screenshot(page, 'gallery-million-end-1280x720');
  });

  it('at 10,000 results scales nothing: the grid is laid out and scrolls as it always did', async () => {
    await openGallery(10_000);
    const layout = await page.evaluate(() => {
      const s = document.querySelector('[data-testid="gallery-scroll"]') as HTMLElement;
      const g = document.querySelector('[data-testid="gallery-grid"]') as HTMLElement;
      const cells = [...g.querySelectorAll<HTMLElement>('[data-index]')];
      return {
        gridHeight: g.getBoundingClientRect().height,
        scrollHeight: s.scrollHeight,
        cellHeight: cells[0]?.getBoundingClientRect().height ?? 0,
        cells: cells.map((c) => ({ index: Number(c.dataset.index), transform: c.style.transform })),
      };
    });
    const firstRowY = layout.cells[0]?.transform.match(/, (\d+)px\)/)?.[1];
    const columns = layout.cells.filter((c) => c.transform.endsWith(`, ${firstRowY}px)`)).length;
    const rowHeight = layout.cellHeight + GAP;
    // The content is exactly the rows' height, and each cell sits at its row's own offset.
    expect(layout.gridHeight).toBe(PAD + Math.ceil(10_000 / columns) * rowHeight + PAD);
    expect(layout.scrollHeight).toBe(layout.gridHeight);
    for (const cell of layout.cells)
      expect(cell.transform).toMatch(
        new RegExp(`, ${PAD + Math.floor(cell.index / columns) * rowHeight}px\\)$`),
      );

    await page.mouse.move(600, 500);
    const before = await cellTop(columns);
    await page.mouse.wheel(0, 100);
    expect(await settled()).toBe(100);
    expect((before ?? 0) - ((await cellTop(columns)) ?? 0)).toBe(100);

    await grid().getByRole('option').first().click();
    await page.keyboard.press('End');
    await eventually(
      async () => (await view()).active === 9999 && (await wholly(9999)),
      'the last of 10,000',
    );
    const end = await view();
    // End aligns the last row as before: the bottom padding below it.
    expect(end.top).toBe(end.max - PAD);
    const lastRowTop = PAD + Math.floor(9999 / columns) * rowHeight;
    expect(((await cellTop(9999)) ?? 0) + end.top).toBe(lastRowTop);
    expect(errors).toEqual([]);
  });
});
