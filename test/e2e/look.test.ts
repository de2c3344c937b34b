import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { openSession, screenshot, type E2ESession, type RunningApp } from './harness';
import { seedResults } from './workspace-seed';
import { checkAccessibility } from './axe';

const SIZES = [
  [1440, 900],
  [1280, 720],
] as const;

/**
 * The look, checked where a person sees it: no stray focus line under the grid, the export dialog
 * saying why "Embed the parameters" stays on, a contact sheet at print size (A4 at 300 dpi), and the
 * first "Import poses" as one step. Real Chromium, the real services behind the browser host.
 */
describe('the look', () => {
  let session: E2ESession | undefined;
  let app: RunningApp;
  let page: Page;
  let projectDir: string;
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });
  const h = () => app.runtime.handlers;

  beforeAll(async () => {
    session = await openSession({
      prepare: async (started) => {
        app = started;
        projectDir = join(app.workDir, 'Look book');
        await h()['projects.create']({ dir: projectDir, name: 'Look book' });
      },
    });
    ({ app, page } = session);
  });
  afterAll(() => session?.close());

  it('the first "Import poses" is one step: no library appears before there are images for it', async () => {
    const folder = join(app.workDir, 'First poses');
    await mkdir(folder, { recursive: true });
    const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    await writeFile(join(folder, 'three.png'), sheet.png);

    await nav().getByRole('button', { name: 'Poses', exact: true }).click();
    await page.getByRole('heading', { name: 'No poses yet' }).waitFor();
    // Nothing was made by opening the screen or by the button alone.
    await page.getByRole('button', { name: 'Import poses' }).click();
    const path = page.getByLabel('Path of an image or a folder on this computer');
    await expect.poll(() => path.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await h()['poses.list']({})).libraries).toHaveLength(0);
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `look-first-import-${width}x${height}`);
      await checkAccessibility(page, `the empty Poses screen at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    await path.fill(folder);
    await path.press('Enter');
    const grid = page.getByRole('listbox', { name: 'Poses' });
    await expect.poll(() => grid.getByRole('option').count()).toBe(1);
    const { libraries } = await h()['poses.list']({});
    expect(libraries.map((l) => [l.name, l.poses.length])).toEqual([['Poses', 1]]);
    // The library's own screen offers import as its toolbar's business, not a second empty-state button.
    expect(await page.getByRole('button', { name: 'Import poses', exact: true }).count()).toBe(0);
  });

  it('no stray focus line under the grid: the focused grid rings its active cell', async () => {
    const character = await h()['characters.create']({ name: 'Mira', description: 'a lighthouse keeper' });
    const { libraries } = await h()['poses.list']({});
    const pose = libraries[0]?.poses[0];
    if (!pose) throw new Error('the pose should be there');
    const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    await seedResults(app, projectDir, {
      characterId: character.id,
      poseId: pose.id,
      sheet: sheet.png,
      description: 'a lighthouse keeper',
      count: 3,
    });
    await h()['results.refresh']({ full: true });
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    const grid = page.getByRole('listbox', { name: 'Results' });
    await expect.poll(() => grid.getByRole('option').count()).toBe(3);

    await grid.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => grid.getAttribute('aria-activedescendant')).toMatch(/^result-/);
    // The grid itself draws no outline (its box is as tall as every row: the line under the last row).
    expect(await grid.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none');
    const active = page.locator('.cell.active');
    expect(await active.evaluate((el) => getComputedStyle(el).boxShadow)).toMatch(/rgb/);
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `look-grid-focus-${width}x${height}`);
      await checkAccessibility(page, `the focused grid at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('the export dialog says why the parameters are always embedded, and makes an A4 contact sheet at 300 dpi', async () => {
    const grid = page.getByRole('listbox', { name: 'Results' });
    await grid.getByRole('option').nth(0).click();
    await grid
      .getByRole('option')
      .nth(1)
      .click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Export…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Export 2 results' });
    await dialog.waitFor();
    const embed = dialog.getByRole('checkbox', { name: /Embed the parameters/ });
    expect(await embed.isDisabled()).toBe(true);
    expect(await embed.isChecked()).toBe(true);
    await dialog.getByText('Always on, so an exported image can always be traced back').waitFor();

    const out = join(app.workDir, 'Print');
    await dialog.getByLabel('Folder').fill(out);
    await dialog.getByLabel('Also make a contact sheet').check();
    await dialog.getByLabel('Contact sheet size').selectOption('a4');
    await dialog.getByText('captions at least 9 pt').waitFor();
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `look-export-dialog-${width}x${height}`);
      await checkAccessibility(page, `the export dialog at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByText('Exported 2 images').waitFor({ timeout: 30_000 });

    expect(await readdir(out)).toContain('Contact sheet.png');
    const meta = await sharp(join(out, 'Contact sheet.png')).metadata();
    expect([
      [2480, 3508],
      [3508, 2480],
    ]).toContainEqual([meta.width, meta.height]);
    expect(meta.density).toBe(300);
  });

  it('several toasts stack into one beside the navigator, and spread out when pointed at', async () => {
    const dock = page.getByRole('region', { name: 'Notifications' });
    const toasts = dock.locator('.toast');
    const grid = page.getByRole('listbox', { name: 'Results' });
    const boxes = () =>
      toasts.evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return { left: r.left, top: r.top, bottom: r.bottom, height: r.height, width: r.width };
        }),
      );
    // Four ratings of two results in a row: four toasts (each with its Undo, 4 s), all on screen at once.
    // The order alternates, so the four shown are known to be this round's, not the last round's.
    let round = 0;
    const raise = async () => {
      const keys = round++ % 2 === 0 ? ['1', '2', '3', '4'] : ['5', '4', '3', '2'];
      await page.mouse.move(900, 300);
      await grid.getByRole('option').nth(0).click();
      await grid
        .getByRole('option')
        .nth(1)
        .click({ modifiers: ['Control'] });
      for (const key of keys) await page.keyboard.press(key);
      // textContent: the older toasts' text is hidden behind the newest, so has no innerText.
      const stars = async () =>
        (await toasts.evaluateAll((els) => els.map((el) => el.textContent ?? ''))).map(
          (text) => /★+/.exec(text)?.[0].length,
        );
      await expect.poll(stars).toEqual(keys.map(Number));
    };
    const navRight = async () =>
      (await page.getByRole('navigation', { name: 'Navigator' }).boundingBox())?.width ?? 0;

    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await raise();
      // Stacked, once settled: the newest in front and the edges of the three behind it showing above
      // it, so the four cover no more than one toast and 30 px.
      await expect
        .poll(async () => {
          const b = await boxes();
          const newest = b.at(-1);
          if (!newest) return -1;
          return Math.max(...b.map((x) => x.bottom)) - Math.min(...b.map((x) => x.top)) - newest.height;
        })
        .toSatisfy((above: number) => above >= 15 && above <= 3 * 10 + 1);
      expect(Math.min(...(await boxes()).map((b) => b.left))).toBeGreaterThanOrEqual(await navRight());
      await screenshot(page, `look-toasts-stacked-${width}x${height}`);

      // Focus moved into the stack (Tab, or the pointer over it: the same rule): spread out, one above
      // the other, none covering another. Focus, not hover: hover waits for the toast to hold still,
      // which on a loaded machine can outlast its 4 s.
      await raise();
      await toasts.last().getByRole('button', { name: 'Undo' }).focus();
      await expect
        .poll(async () => {
          const b = await boxes();
          const sameWidth = b.every((x) => Math.abs(x.width - (b[0]?.width ?? 0)) < 0.5);
          return sameWidth && b.slice(1).every((x, i) => (b[i]?.bottom ?? Infinity) <= x.top + 0.5);
        })
        .toBe(true);
      await screenshot(page, `look-toasts-spread-${width}x${height}`);
      await checkAccessibility(page, `the toasts spread out at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    // The navigator folded to a rail: the toasts move with its edge.
    await raise();
    await page.getByRole('button', { name: 'Collapse the navigator' }).click();
    await expect.poll(navRight).toBeLessThan(80);
    await expect.poll(async () => Math.min(...(await boxes()).map((b) => b.left))).toBeLessThan(120);
    expect(Math.min(...(await boxes()).map((b) => b.left))).toBeGreaterThanOrEqual(await navRight());
    await page.getByRole('button', { name: 'Expand the navigator' }).click();
  });
});
