/**
 * The skeleton editor and the sheet composer in Chromium through the browser host (issue 12): the starter
 * library added from the empty Poses screen; a pose edited (a joint dragged and the drag undone, a joint
 * nudged, the figure mirrored, the face points dropped, undo and redo) and saved, then checked through
 * the contract against the core's own transforms; Cancel changes nothing; a 4-pose sheet composed, one
 * figure flipped and one scaled, saved, and its figure boxes checked equal to the layout; "Generate from
 * it" opens Generate with the sheet chosen. Screenshots at 1440x900 and 1280x720 and axe-core on both
 * dialogs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Box } from '../../src/domain/pose';
import type { Skeleton, SkeletonFigure } from '../../src/domain/skeleton';
import {
  STARTER_POSES,
  clampToCanvas,
  composeSheet,
  dropFacePoints,
  figureBoxes,
  mirrorFigure,
  starterSkeleton,
} from '../../src/skeleton';
import { checkAccessibility } from './axe';
import { paneMismatchPx, readPanes } from './pane-geometry';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { handlersOf } from './workspace-seed';
import { startSegmindStandIn, type SegmindStandIn } from '../fakes/segmind-stand-in';
import sharp from 'sharp';

interface PoseView {
  id: string;
  name: string;
  libraryId: string;
  figures: Box[];
  skeleton?: Skeleton;
}

const starterNamed = (name: string) => {
  const pose = STARTER_POSES.find((p) => p.name === name);
  if (!pose) throw new Error(`no starter pose ${name}`);
  return pose;
};

/** "right wrist at 187, 391" back into a point. */
function pointFromLabel(label: string | null): { x: number; y: number } {
  const m = / at (-?\d+), (-?\d+)$/.exec(label ?? '');
  if (!m) throw new Error(`not a joint label: ${label}`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

function expectFiguresClose(actual: SkeletonFigure | undefined, expected: SkeletonFigure | undefined) {
  if (!actual || !expected) throw new Error('a figure is missing');
  expect(actual.body.map((p) => p === null)).toEqual(expected.body.map((p) => p === null));
  actual.body.forEach((p, i) => {
    const q = expected.body[i];
    if (!p || !q) return;
    expect(p.x).toBeCloseTo(q.x, 6);
    expect(p.y).toBeCloseTo(q.y, 6);
  });
}

describe('the skeleton editor and the sheet composer', () => {
  let standIn: SegmindStandIn;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;
  const allPoses = async (): Promise<PoseView[]> =>
    (await call<{ libraries: { poses: PoseView[] }[] }>('poses.list')).libraries.flatMap((l) => l.poses);
  const poseNamed = async (name: string): Promise<PoseView> => {
    const found = (await allPoses()).find((p) => p.name === name);
    if (!found) throw new Error(`no pose ${name}`);
    return found;
  };
  const editor = () => page.getByRole('dialog', { name: 'Edit skeleton' });
  const joint = (figure: number, index: number): Locator =>
    editor().getByTestId(`skel-joint-${figure}-${index}`);
  const jointAt = async (figure: number, index: number) =>
    pointFromLabel(await joint(figure, index).getAttribute('aria-label'));
  const grid = () => page.getByRole('listbox', { name: 'Poses' });

  const openEditorFor = async (name: string) => {
    await grid().locator(`[title^="${name}:"]`).click();
    await page.getByRole('button', { name: 'Edit skeleton' }).click();
    await editor().waitFor();
    await joint(0, 1).waitFor();
  };

  beforeAll(async () => {
    standIn = await startSegmindStandIn({ credits: 10, latencyMs: 200 });
    app = await startApp({ segmindBaseUrl: standIn.url });
    await call('projects.create', { dir: join(app.workDir, 'Pose book'), name: 'Pose book' });
    await call('characters.create', {
      name: 'Mira',
      description: 'young lighthouse keeper, yellow raincoat',
    });
    browser = await launchBrowser();
    page = await openPage(browser, app);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await standIn?.close();
  });

  it('adds the starter library from the empty Poses screen', async () => {
    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: 'Poses', exact: true })
      .click();
    await page.getByRole('button', { name: 'Add starter poses' }).first().click();
    await expect
      .poll(() => grid().getByRole('option').count(), { timeout: 60_000 })
      .toBe(STARTER_POSES.length);
    const poses = await allPoses();
    expect(poses.every((p) => p.skeleton && p.figures.length === 1)).toBe(true);
    // A second time adds nothing: every starter pose is there already.
    await page.getByRole('button', { name: 'Add starter poses' }).click();
    await page.getByText('The starter poses are already in this project').waitFor();
    expect(await allPoses()).toHaveLength(STARTER_POSES.length);
    await screenshot(page, 'poses-starter-library');
  });

  it('changes nothing on Cancel', async () => {
    const before = await poseNamed('Standing, front');
    await openEditorFor('Standing, front');
    await joint(0, 4).focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('m');
    await editor().getByRole('button', { name: 'Cancel' }).click();
    await editor().waitFor({ state: 'detached' });
    expect((await poseNamed('Standing, front')).skeleton).toEqual(before.skeleton);

    // Esc steps back: from the joint to its figure, off the figure, then out, saving nothing.
    await page.getByRole('button', { name: 'Edit skeleton' }).click();
    await joint(0, 4).focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => joint(0, 4).count()).toBe(0);
    await editor()
      .getByRole('button', { name: /^Restore right wrist/ })
      .click();
    await expect
      .poll(() => jointAt(0, 4))
      .toEqual(
        pointFromLabel(
          ` at ${before.skeleton?.figures[0]?.body[4]?.x}, ${before.skeleton?.figures[0]?.body[4]?.y}`,
        ),
      );
    await editor().getByTestId('skel-figure-0').focus();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await editor().waitFor({ state: 'detached' });
    expect((await poseNamed('Standing, front')).skeleton).toEqual(before.skeleton);
  });

  it('drags a joint and undoes it, nudges, mirrors, drops the face points, and saves exactly that', async () => {
    const name = 'Waving, front';
    const start = starterSkeleton(starterNamed(name));
    await openEditorFor(name);

    // Drag the right wrist with the pointer; it follows by the screen distance over the scale.
    const svg = await editor().getByTestId('skel-canvas').boundingBox();
    if (!svg) throw new Error('no canvas');
    const k = Math.min(svg.width / start.canvas.width, svg.height / start.canvas.height);
    const wrist = await jointAt(0, 4);
    const b = await joint(0, 4).boundingBox();
    if (!b) throw new Error('no joint');
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2 + 40, b.y + b.height / 2 + 30, { steps: 8 });
    await page.mouse.up();
    const dragged = await jointAt(0, 4);
    expect(Math.abs(dragged.x - (wrist.x + 40 / k))).toBeLessThanOrEqual(2);
    expect(Math.abs(dragged.y - (wrist.y + 30 / k))).toBeLessThanOrEqual(2);
    await page.keyboard.press('Control+z');
    await expect.poll(() => jointAt(0, 4)).toEqual(wrist);

    // The keyboard: nudge the wrist 10 px right, mirror (M), drop the face points, undo and redo that.
    await joint(0, 4).focus();
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => jointAt(0, 4)).toEqual({ x: wrist.x + 10, y: wrist.y });
    await page.keyboard.press('m');
    await editor().getByRole('button', { name: 'Drop the face points' }).click();
    await expect.poll(() => joint(0, 0).count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => joint(0, 0).count()).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => joint(0, 0).count()).toBe(0);
    await editor().getByRole('list', { name: 'Missing keypoints' }).waitFor();
    await screenshot(page, 'skeleton-editor-1440x900');
    await checkAccessibility(page, 'the skeleton editor');
    await page.setViewportSize({ width: 1280, height: 720 });
    await editor().getByRole('button', { name: 'Save' }).waitFor();
    await screenshot(page, 'skeleton-editor-1280x720');
    await page.setViewportSize({ width: 1440, height: 900 });

    await editor().getByRole('button', { name: 'Save', exact: true }).click();
    await editor().waitFor({ state: 'detached' });

    // What the core's transforms make of the same edits, in the same order, each clamped to the canvas.
    const figure = start.figures[0] as SkeletonFigure;
    const w = figure.body[4];
    if (!w) throw new Error('no wrist');
    let expected: SkeletonFigure = {
      ...figure,
      body: figure.body.map((p, i) => (i === 4 ? { x: w.x + 10, y: w.y } : p)),
    };
    expected = clampToCanvas(expected, start.canvas);
    expected = clampToCanvas(mirrorFigure(expected), start.canvas);
    expected = clampToCanvas(dropFacePoints(expected), start.canvas);
    const saved = await poseNamed(name);
    expectFiguresClose(saved.skeleton?.figures[0], expected);
    // The boxes follow the keypoints exactly.
    expect(saved.figures).toEqual(figureBoxes(saved.skeleton as Skeleton));
  });

  it('composes a 4-pose sheet whose boxes equal the layout, and generates from it', async () => {
    const names = ['Standing, front', 'Walking, side', 'Running, side', 'Jumping, front'];
    await page.getByRole('button', { name: 'Compose a sheet…' }).click();
    const composer = page.getByRole('dialog', { name: 'Compose a sheet' });
    await composer.waitFor();
    for (const n of names) await composer.getByRole('checkbox', { name: n, exact: true }).check();
    await composer.getByRole('checkbox', { name: `Flip ${names[1]}` }).check();
    await composer.getByLabel('Scale').nth(2).fill('70');
    await composer.getByTestId('compose-preview').waitFor();
    await expect.poll(() => composer.getByTestId('compose-cost').innerText()).toContain('2048 × 1024');
    await composer.getByLabel('Name').fill('Four poses');
    await screenshot(page, 'sheet-composer-1440x900');
    await checkAccessibility(page, 'the sheet composer');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'sheet-composer-1280x720');
    await page.setViewportSize({ width: 1440, height: 900 });
    await composer.getByRole('button', { name: /^Save sheet/ }).click();
    await composer.getByRole('button', { name: 'Generate from it' }).waitFor();

    const sheet = await poseNamed('Four poses');
    // The same layout computed here from the poses as saved (one was edited above): boxes are equal.
    const byName = new Map((await allPoses()).map((p) => [p.name, p]));
    const items = names.map((n, i) => ({
      figure: byName.get(n)?.skeleton?.figures[0] as SkeletonFigure,
      scale: i === 2 ? 0.7 : 1,
      flip: i === 1,
    }));
    const layout = composeSheet(items, { width: 1024, height: 512 }, 'row');
    expect(sheet.skeleton?.canvas).toEqual({ width: 1024, height: 512 });
    expect(sheet.figures).toHaveLength(4);
    expect(sheet.figures).toEqual(figureBoxes(layout.skeleton));
    layout.skeleton.figures.forEach((f, i) => expectFiguresClose(sheet.skeleton?.figures[i], f));

    await composer.getByRole('button', { name: 'Generate from it' }).click();
    await composer.waitFor({ state: 'detached' });
    const panel = page.getByRole('complementary', { name: 'Generate' });
    await panel.waitFor();
    await expect.poll(() => panel.getByRole('combobox', { name: 'Pose sheet' }).inputValue()).toBe(sheet.id);
    await expect.poll(() => panel.getByTestId('pose-figures').innerText()).toBe('4');
    await screenshot(page, 'sheet-composer-generate');
  });

  it('generates from the sheet against the stand-in and cuts the result along the exact boxes', async () => {
    await call('key.set', { key: standIn.key });
    const sheet = await poseNamed('Four poses');
    const panel = page.getByRole('complementary', { name: 'Generate' });
    await panel.getByRole('combobox', { name: 'Pose sheet' }).selectOption(sheet.id);
    await panel.getByRole('button', { name: /^Generate/ }).click();
    interface Summary {
      id: string;
      file: string;
      width: number;
      height: number;
      cutFrom?: { figureIndex: number; box: Box };
    }
    const query = (filter: object) =>
      call<{ items: Summary[] }>('results.query', { filter, sort: 'newest', offset: 0, limit: 100 });
    await expect.poll(async () => (await query({})).items.length, { timeout: 30_000 }).toBe(1);
    const [result] = (await query({})).items as [Summary];
    // V1 answers the sheet at upscale_by (2) times its size.
    expect([result.width, result.height]).toEqual([2048, 1024]);
    const cut = await call<{ created: Summary[] }>('results.cut', { id: result.id, padding: 0 });
    expect(cut.created).toHaveLength(4);
    const boxes = cut.created
      .map((c) => c.cutFrom)
      .sort((a, b) => (a?.figureIndex ?? 0) - (b?.figureIndex ?? 0))
      .map((c) => c?.box);
    // The exact figure boxes, mapped by the real ratio of sizes: no detection.
    expect(boxes).toEqual(
      sheet.figures.map((b) => ({ x: b.x * 2, y: b.y * 2, width: b.width * 2, height: b.height * 2 })),
    );
    // Each crop holds a figure: it is not the plain background.
    for (const c of cut.created) {
      const stats = await sharp(join(app.workDir, 'Pose book', c.file)).stats();
      expect(Math.max(...stats.channels.map((ch) => ch.stdev))).toBeGreaterThan(5);
    }
  });

  it('compares one pose of the sheet across two results, cut on the fly along its exact box', async () => {
    const sheet = await poseNamed('Four poses');
    const panel = page.getByRole('complementary', { name: 'Generate' });
    await panel.getByRole('button', { name: /^Generate/ }).click();
    const generated = async () =>
      (
        await call<{ items: { id: string }[] }>('results.query', {
          filter: { source: 'generated' },
          sort: 'newest',
          offset: 0,
          limit: 10,
        })
      ).items.length;
    await expect.poll(generated, { timeout: 30_000 }).toBe(2);
    // Generate closes so the inspector (folded while it is open) shows the pose again.
    await page
      .getByRole('banner')
      .getByRole('button', { name: /^Generate/, expanded: true })
      .click();

    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: 'Poses', exact: true })
      .click();
    await grid().locator(`[title^="Four poses:"]`).click();
    await page.getByRole('button', { name: 'Same pose across results' }).click();
    const view = page.getByRole('region', { name: 'Same pose across results' });
    await view.waitFor();
    await page.getByRole('button', { name: 'Figure 3' }).click();
    await expect.poll(async () => (await readPanes(page)).length).toBe(2);
    await expect.poll(async () => (await readPanes(page)).every((p) => p.loaded)).toBe(true);
    // Each result is the sheet at twice its size: each pane shows figure 3's exact box doubled, padded by
    // at most 6% of its longer side, and both panes show the same part of the figure.
    const box = sheet.figures[2]!;
    const pad = Math.ceil(0.06 * 2 * Math.max(box.width, box.height)) + 2;
    await expect
      .poll(async () =>
        (await readPanes(page)).every(
          (p) =>
            p.imageWidth >= box.width * 2 &&
            p.imageWidth <= box.width * 2 + 2 * pad &&
            p.imageHeight >= box.height * 2 &&
            p.imageHeight <= box.height * 2 + 2 * pad,
        ),
      )
      .toBe(true);
    expect(paneMismatchPx(await readPanes(page))).toBeLessThan(0.5);
    await screenshot(page, 'skeleton-sheet-same-pose');
    await checkAccessibility(page, 'same pose of a composed sheet');
    await page.keyboard.press('Escape');
  });
});
