import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startSegmindStandIn, type SegmindStandIn } from '../fakes/segmind-stand-in';
import { makePoseSheet } from '../fakes/pose-sheet';
import { openSession, screenshot, type E2ESession, type RunningApp } from './harness';
import { E2E_SHEET, seedProject, type SeededProject } from './seed-project';
import { checkAccessibility } from './axe';

/**
 * The navigator of UI.md and generating from where you are: characters (reference thumbnail, colour label)
 * and pose libraries listed under their headings, each opening where it is; "Generate with this" on a
 * character and a pose; Generate taking what is selected; and a run the balance cannot pay refused with
 * the reason and the real (negative) figure. Real Chromium, the real services, the stand-in over HTTP.
 */
describe('the navigator and generating from where you are', () => {
  let standIn: SegmindStandIn;
  let session: E2ESession | undefined;
  let app: RunningApp;
  let page: Page;
  let seeded: SeededProject;
  let ada: { id: string; name: string };
  let sitting: { id: string; name: string; poseId: string; poseName: string };
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });
  const panel = () => page.getByRole('complementary', { name: 'Generate' });

  beforeAll(async () => {
    // 0.05 credits: less than one run costs.
    standIn = await startSegmindStandIn({ credits: 0.05 });
    session = await openSession({
      standIn,
      prepare: async (started) => {
        app = started;
        seeded = await seedProject(app);
        const h = app.runtime.handlers;
        const character = await h['characters.create']({
          name: 'Ada',
          description: 'an old sailor with a grey beard',
          colorLabel: 'red',
        });
        const face = await sharp({
          create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 120, b: 40 } },
        })
          .png()
          .toBuffer();
        await h['characters.addReferences']({
          id: character.id,
          sources: [{ name: 'ada.png', dataBase64: face.toString('base64') }],
        });
        ada = { id: character.id, name: character.name };
        const library = await h['poses.createLibrary']({ name: 'Sitting' });
        // A sheet of its own (the seeded one would be refused as a duplicate).
        const sheet = await makePoseSheet({
          ...E2E_SHEET,
          figures: E2E_SHEET.figures.map((f) => ({ ...f, y: f.y + 8, height: f.height - 16 })),
        });
        const report = await h['poses.import']({
          libraryId: library.id,
          sources: [{ name: 'on-a-bench.png', dataBase64: sheet.toString('base64') }],
        });
        const pose = report.imported[0];
        if (!pose) throw new Error('the pose was not imported');
        sitting = { id: library.id, name: library.name, poseId: pose.id, poseName: pose.name };
        await h['key.set']({ key: standIn.key });
      },
    });
    ({ app, page } = session);
  });
  afterAll(() => session?.close());

  it('lists characters with their thumbnail and colour label, and pose libraries, under their headings', async () => {
    const characters = nav().getByRole('list', { name: 'Characters' });
    await characters.getByRole('button', { name: /^Ada/ }).waitFor();
    await characters.getByRole('button', { name: seeded.characterName }).waitFor();
    // The colour label is said in words too (colour is never the only signal), and the face is the reference.
    await characters.getByRole('button', { name: 'Ada Red label' }).waitFor();
    await expect
      .poll(() =>
        characters
          .getByRole('button', { name: /^Ada/ })
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
      )
      .toBe(true);
    const libraries = nav().getByRole('list', { name: 'Pose libraries' });
    await libraries.getByRole('button', { name: 'Standing 1' }).waitFor();
    await libraries.getByRole('button', { name: 'Sitting 1' }).waitFor();

    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `navigator-${width}x${height}`);
      await checkAccessibility(page, `the navigator at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('opens a character and a pose library where they are', async () => {
    await nav().getByRole('list', { name: 'Characters' }).getByRole('button', { name: /^Ada/ }).click();
    await page.getByRole('region', { name: 'Character Ada' }).waitFor();
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `navigator-character-${width}x${height}`);
      await checkAccessibility(page, `a character opened from the navigator at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(
      await nav()
        .getByRole('list', { name: 'Characters' })
        .getByRole('button', { name: /^Ada/ })
        .getAttribute('aria-current'),
    ).toBe('page');

    await nav()
      .getByRole('list', { name: 'Pose libraries' })
      .getByRole('button', { name: /^Sitting/ })
      .click();
    await page.getByRole('region', { name: `Pose library ${sitting.name}` }).waitFor();
    await page
      .getByRole('listbox', { name: 'Poses' })
      .getByRole('option', { name: sitting.poseName })
      .waitFor();
  });

  it('"Generate with this" on a character and on a pose opens Generate with them chosen', async () => {
    await nav().getByRole('list', { name: 'Characters' }).getByRole('button', { name: /^Ada/ }).click();
    await page
      .getByRole('region', { name: 'Character Ada' })
      .getByRole('button', { name: 'Generate with this' })
      .click();
    await panel().waitFor();
    await expect.poll(() => panel().getByLabel('Character').inputValue()).toBe(ada.id);
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'hidden' });

    await nav()
      .getByRole('list', { name: 'Pose libraries' })
      .getByRole('button', { name: /^Sitting/ })
      .click();
    await page
      .getByRole('listbox', { name: 'Poses' })
      .getByRole('option', { name: sitting.poseName })
      .click();
    await page.getByRole('complementary', { name: 'Pose details' }).waitFor();
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `navigator-pose-details-${width}x${height}`);
      await checkAccessibility(page, `pose details with "Generate with this" at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('button', { name: 'Generate with this' }).click();
    await panel().waitFor();
    await expect.poll(() => panel().getByLabel('Pose sheet').inputValue()).toBe(sitting.poseId);
    // The character chosen before is still the one in the panel.
    expect(await panel().getByLabel('Character').inputValue()).toBe(ada.id);
    await screenshot(page, 'navigator-generate-with-this');
  });

  it('a run the credits cannot pay for cannot be started: the button says why, credits after is negative', async () => {
    await panel().getByTestId('credits-after').waitFor();
    await expect.poll(() => panel().getByTestId('credits-after').textContent()).toBe('≈ -0.08');
    const button = panel().getByRole('button', { name: /Not enough credits/ });
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('title')).toMatch(/this run costs ≈ 0\.13 and 0\.05 would be left/);
    await panel().getByText('Add credits in your Segmind account').waitFor();
    // Ctrl/Cmd+Enter does not slip past the button: nothing is sent, nothing is queued.
    await page.keyboard.press('Control+Enter');
    await page.waitForTimeout(500);
    expect(standIn.postCount).toBe(0);
    expect((await app.runtime.handlers['jobs.list']({})).jobs).toHaveLength(0);
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `generate-cannot-pay-${width}x${height}`);
      await checkAccessibility(page, `Generate that cannot be paid at ${width}x${height}`);
    }
  });
});
