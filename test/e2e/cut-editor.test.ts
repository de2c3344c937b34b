/**
 * The cut editor in Chromium through the browser host: opened from the inspector on a stand-in result,
 * a box moved by dragging and the padding set to 0, then Save, and the crop made is checked pixel for
 * pixel against the result's region under the moved box; the pose keeps the moved box in its sheet's
 * pixels. Cancel changes nothing; the keyboard moves, deletes, adds and undoes. Screenshots at 1440x900
 * and 1280x720, and axe-core over the editor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { handlersOf, seedResults } from './workspace-seed';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface PoseView {
  id: string;
  figures: Box[];
  image: { width: number; height: number };
}
interface Summary {
  id: string;
  file: string;
  cutFrom?: { resultId: string; figureIndex: number; box: Box };
}

const SHEET = { width: 1024, height: 512, figures: 4 };

/** "Figure 2, 120 by 340 pixels at 40, 60" back into a box. */
function boxFromLabel(label: string | null): Box {
  const m = /(\d+) by (\d+) pixels at (\d+), (\d+)/.exec(label ?? '');
  if (!m) throw new Error(`not a box label: ${label}`);
  return { width: Number(m[1]), height: Number(m[2]), x: Number(m[3]), y: Number(m[4]) };
}

describe('the cut editor', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let projectDir: string;
  let pose: PoseView;
  let resultId: string;
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;
  const editor = () => page.getByRole('dialog', { name: 'Cut into poses' });
  const box = (n: number): Locator => editor().getByTestId(`cut-box-${n}`);
  const currentPose = async (): Promise<PoseView> => {
    const { libraries } = await call<{ libraries: { poses: PoseView[] }[] }>('poses.list');
    const found = libraries.flatMap((l) => l.poses).find((p) => p.id === pose.id);
    if (!found) throw new Error('the pose is gone');
    return found;
  };
  const cutsOf = async (): Promise<Summary[]> =>
    (
      await call<{ items: Summary[] }>('results.query', {
        filter: { source: 'cuts', cutFromIds: [resultId] },
        sort: 'newest',
        offset: 0,
        limit: 100,
      })
    ).items;

  const openEditor = async () => {
    await page
      .getByRole('complementary', { name: 'Inspector' })
      .getByRole('button', { name: 'Cut into poses' })
      .click();
    await editor().waitFor();
    await box(SHEET.figures).waitFor();
    // The image has loaded and been laid out at fit.
    await expect
      .poll(() =>
        editor()
          .locator('.cut-stage img')
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
      )
      .toBeGreaterThan(0);
  };

  /** Screen pixels per image pixel in the editor right now. */
  const scale = async () => {
    const stage = await editor().locator('[data-cut-stage]').boundingBox();
    if (!stage) throw new Error('no stage');
    return stage.width / (SHEET.width * 2);
  };

  const dragBy = async (target: Locator, dx: number, dy: number) => {
    const b = await target.boundingBox();
    if (!b) throw new Error('not on screen');
    const x = b.x + b.width / 2;
    const y = b.y + b.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + dx, y + dy, { steps: 8 });
    await page.mouse.up();
  };

  beforeAll(async () => {
    app = await startApp();
    projectDir = join(app.workDir, 'Cut book');
    await call('projects.create', { dir: projectDir, name: 'Cut book' });
    const character = await call<{ id: string }>('characters.create', { name: 'Mira' });
    const library = await call<{ id: string }>('poses.createLibrary', { name: 'Sheets' });
    const sheet = await makeOpenPoseSheet(
      SHEET.width,
      SHEET.height,
      rowOfFigures(SHEET.figures, SHEET.width, SHEET.height),
    );
    const report = await call<{ imported: PoseView[] }>('poses.import', {
      libraryId: library.id,
      sources: [{ name: 'four-poses.png', dataBase64: sheet.png.toString('base64') }],
    });
    pose = report.imported[0] as PoseView;
    expect(pose.figures).toHaveLength(SHEET.figures);
    [resultId] = (await seedResults(app, projectDir, {
      characterId: character.id,
      poseId: pose.id,
      sheet: sheet.png,
      description: 'young lighthouse keeper, yellow raincoat',
      count: 2,
    })) as [string];

    browser = await launchBrowser();
    page = await openPage(browser, app);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('draws the pose’s boxes over the result, scaled by the real ratio of the sizes', async () => {
    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: /^Results/ })
      .click();
    const grid = page.getByRole('listbox', { name: 'Results' });
    await expect.poll(() => grid.getByRole('option').count()).toBe(2);
    // The oldest result (the first seeded) is last in the newest-first grid.
    await grid.getByRole('option').nth(1).click();
    await openEditor();
    for (const [i, f] of pose.figures.entries()) {
      const drawn = boxFromLabel(await box(i + 1).getAttribute('aria-label'));
      expect(drawn).toEqual({ x: f.x * 2, y: f.y * 2, width: f.width * 2, height: f.height * 2 });
    }
    await editor().getByTestId('cut-preview-1').waitFor();
    await screenshot(page, 'cut-editor-1440x900');
  });

  it('changes nothing on Cancel, whatever was edited', async () => {
    await dragBy(box(1), 40, 10);
    await box(3).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => editor().getByTestId('cut-box-4').count()).toBe(0);
    await editor().getByRole('button', { name: 'Cancel' }).click();
    await editor().waitFor({ state: 'detached' });
    expect((await currentPose()).figures).toEqual(pose.figures);
    expect(await cutsOf()).toEqual([]);
  });

  it('moves, resizes, deletes, adds and undoes with the keyboard and the pointer', async () => {
    await openEditor();
    await box(2).focus();
    const before = boxFromLabel(await box(2).getAttribute('aria-label'));
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Alt+ArrowLeft');
    await expect
      .poll(async () => boxFromLabel(await box(2).getAttribute('aria-label')))
      .toEqual({ x: before.x + 1, y: before.y + 10, width: before.width - 1, height: before.height });
    await screenshot(page, 'cut-editor-keyboard');
    await page.keyboard.press('Delete');
    await expect.poll(() => box(4).count()).toBe(0);
    await page.keyboard.press('n');
    await expect.poll(() => box(4).count()).toBe(1);
    // Undo the add, the delete and the three key presses: back to the pose's boxes.
    for (let i = 0; i < 5; i++) await page.keyboard.press('Control+z');
    await expect.poll(async () => boxFromLabel(await box(2).getAttribute('aria-label'))).toEqual(before);
    await expect.poll(() => box(4).count()).toBe(1);

    // With the pointer: a handle resizes the selected box; a drag on empty image draws a new one.
    const k = await scale();
    await box(2).click();
    await dragBy(editor().getByTestId('cut-handle-se'), 30, 20);
    const resized = boxFromLabel(await box(2).getAttribute('aria-label'));
    expect([resized.x, resized.y]).toEqual([before.x, before.y]);
    expect(Math.abs(resized.width - (before.width + 30 / k))).toBeLessThanOrEqual(1.5);
    expect(Math.abs(resized.height - (before.height + 20 / k))).toBeLessThanOrEqual(1.5);
    const stage = await editor().locator('[data-cut-stage]').boundingBox();
    if (!stage) throw new Error('no stage');
    await page.mouse.move(stage.x + stage.width * 0.05, stage.y + stage.height * 0.9);
    await page.mouse.down();
    await page.mouse.move(stage.x + stage.width * 0.2, stage.y + stage.height * 0.98, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => box(5).count()).toBe(1);
    await editor().getByTestId('cut-preview-5').waitFor();
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(() => box(5).count()).toBe(0);
    await expect.poll(async () => boxFromLabel(await box(2).getAttribute('aria-label'))).toEqual(before);

    // Esc steps back: off the selected box, then out of the editor.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await editor().waitFor({ state: 'detached' });
    expect((await currentPose()).figures).toEqual(pose.figures);
  });

  it('saves a dragged box with the pose and cuts exactly the region under it', async () => {
    await openEditor();
    const before = boxFromLabel(await box(2).getAttribute('aria-label'));
    const k = await scale();
    await dragBy(box(2), 60, -30);
    const moved = boxFromLabel(await box(2).getAttribute('aria-label'));
    // The drag moved the box by the pointer's travel in image pixels (within a pixel of rounding).
    expect(Math.abs(moved.x - (before.x + 60 / k))).toBeLessThanOrEqual(1.5);
    expect(Math.abs(moved.y - (before.y - 30 / k))).toBeLessThanOrEqual(1.5);
    expect([moved.width, moved.height]).toEqual([before.width, before.height]);

    const padding = editor().getByRole('spinbutton', { name: 'Padding in pixels' });
    await padding.fill('0');
    await padding.press('Tab');
    await expect
      .poll(() => editor().getByTestId('cut-preview-size-2').textContent())
      .toBe(`Crop 2, ${moved.width} × ${moved.height}`);
    await page.setViewportSize({ width: 1280, height: 720 });
    await box(2).click();
    await screenshot(page, 'cut-editor-1280x720');
    await page.setViewportSize({ width: 1440, height: 900 });

    await editor()
      .getByRole('button', { name: /^Save and cut/ })
      .click();
    await editor().waitFor({ state: 'detached' });
    await page.getByText(`Cut into ${SHEET.figures} poses`).waitFor();

    // The crop of figure 2 is the moved box, and its pixels are the result's pixels there.
    const cuts = await cutsOf();
    expect(cuts).toHaveLength(SHEET.figures);
    const crop = cuts.find((c) => c.cutFrom?.figureIndex === 1);
    if (!crop) throw new Error('no crop of figure 2');
    expect(crop.cutFrom?.box).toEqual(moved);
    const result = join(projectDir, 'results', `${resultId}.jpg`);
    const expected = await sharp(result)
      .extract({ left: moved.x, top: moved.y, width: moved.width, height: moved.height })
      .raw()
      .toBuffer();
    const actual = await sharp(join(projectDir, crop.file)).removeAlpha().raw().toBuffer();
    expect((await sharp(join(projectDir, crop.file)).metadata()).width).toBe(moved.width);
    expect(actual.equals(expected)).toBe(true);

    // The pose keeps the moved box, in its sheet's pixels (half the result's), the others unchanged.
    const kept = (await currentPose()).figures;
    expect(kept[1]).toEqual({
      x: Math.floor(moved.x / 2),
      y: Math.floor(moved.y / 2),
      width: Math.ceil((moved.x + moved.width) / 2) - Math.floor(moved.x / 2),
      height: Math.ceil((moved.y + moved.height) / 2) - Math.floor(moved.y / 2),
    });
    expect([kept[0], kept[2], kept[3]]).toEqual([pose.figures[0], pose.figures[2], pose.figures[3]]);
  });

  it('opens again from the kept boxes, and axe finds no serious or critical problem', async () => {
    await openEditor();
    const kept = (await currentPose()).figures[1] as Box;
    expect(boxFromLabel(await box(2).getAttribute('aria-label'))).toEqual({
      x: kept.x * 2,
      y: kept.y * 2,
      width: kept.width * 2,
      height: kept.height * 2,
    });
    await editor().getByText('earlier crops of this sheet move to the trash', { exact: false }).waitFor();
    // The page's CSP forbids inline scripts (rightly), so axe goes in through the debugger instead.
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    await page.evaluate(await readFile(axePath, 'utf8'));
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run(
              context: Element,
            ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
          };
        }
      ).axe;
      const dialog = document.querySelector('dialog.cut-editor');
      if (!dialog) throw new Error('no editor');
      const report = await axe.run(dialog);
      return report.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        targets: v.nodes.map((n) => n.target.join(' ')),
      }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious, JSON.stringify(violations, null, 2)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await editor().waitFor({ state: 'detached' });
  });
});
