import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { makePoseSheet } from '../fakes/pose-sheet';
import { startSegmindStandIn, type SegmindStandIn } from '../fakes/segmind-stand-in';
import { checkAccessibility } from './axe';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { seedProject, type SeededProject } from './seed-project';

/**
 * The model family and batches in the browser: choose V3 and see the character's reference go to
 * `ip_image`, generate; plan a batch (12 runs and their cost before anything is sent), confirm it, watch
 * it, and filter the gallery by it. Real Chromium, the real services, the stand-in over real HTTP.
 */
describe('model family and batches in the browser', () => {
  let standIn: SegmindStandIn;
  let app: RunningApp;
  let browser: Browser;
  let seeded: SeededProject;
  let page: Page;

  const picture = (colour: string) =>
    sharp({ create: { width: 120, height: 160, channels: 3, background: colour } })
      .png()
      .toBuffer();

  beforeAll(async () => {
    standIn = await startSegmindStandIn({ credits: 100, latencyMs: 300 });
    app = await startApp({ segmindBaseUrl: standIn.url });
    seeded = await seedProject(app);
    const { handlers } = app.runtime;
    await handlers['key.set']({ key: standIn.key });
    await handlers['settings.update']({ requestsPerMinute: 600, concurrency: 4 });
    await handlers['characters.addReferences']({
      id: seeded.characterId,
      sources: [{ name: 'mira.png', dataBase64: (await picture('#d0a030')).toString('base64') }],
    });
    const second = await handlers['characters.create']({
      name: 'Oskar',
      description: 'old fisherman, blue cap',
      styleWords: '2D illustration style',
    });
    await handlers['characters.addReferences']({
      id: second.id,
      sources: [{ name: 'oskar.png', dataBase64: (await picture('#3050a0')).toString('base64') }],
    });
    const { libraries } = await handlers['poses.list']({});
    for (const x of [12, 50]) {
      const sheet = await makePoseSheet({
        width: 128,
        height: 96,
        figures: [{ x, y: 10, width: 30, height: 70 }],
      });
      await handlers['poses.import']({
        libraryId: libraries[0]!.id,
        sources: [{ name: `single-${x}.png`, dataBase64: sheet.toString('base64') }],
      });
    }
    browser = await launchBrowser();
    page = await openPage(browser, app);
    await page.getByRole('navigation', { name: 'Navigator' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await standIn?.close();
  });

  it('V3: shows the reference going to ip_image and the pose to input_image, and sends them so', async () => {
    await page.keyboard.press('Control+g');
    const panel = page.getByRole('complementary', { name: 'Generate' });
    await panel.waitFor();
    await panel.getByRole('combobox', { name: 'Character' }).selectOption({ label: seeded.characterName });
    await panel.getByRole('combobox', { name: 'Pose sheet' }).selectOption(seeded.poseId);
    await panel.getByRole('combobox', { name: 'Model' }).selectOption('consistent-character-AI-neolemon-v3');

    await expect
      .poll(() => panel.getByTestId('route-ip_image').innerText())
      .toBe(`${seeded.characterName}’s first reference picture`);
    await expect.poll(() => panel.getByTestId('route-input_image').innerText()).toContain('(optional)');
    await expect.poll(() => panel.locator('.cost-line').innerText()).toContain('0.58 credits');
    await screenshot(page, 'batches-1-v3-routing-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'batches-1-v3-routing-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await checkAccessibility(page, 'Generate panel with V3');

    await panel.getByRole('button', { name: /^Generate/ }).click();
    await expect.poll(() => standIn.postCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const body = standIn.bodies.find((b) => typeof b === 'object' && b !== null && 'ip_image' in b) as
      Record<string, unknown> | undefined;
    expect(body).toBeDefined();
    expect(Object.keys(body ?? {}).slice(0, 2)).toEqual(['ip_image', 'input_image']);
    await expect
      .poll(async () => (await app.runtime.handlers['jobs.list']({})).jobs.filter((j) => j.resultId).length, {
        timeout: 20_000,
      })
      .toBe(1);
  });

  it('plans 2 x 3 x 2 as 12 runs with their cost, sends them on one confirmation, and filters by the batch', async () => {
    const panel = page.getByRole('complementary', { name: 'Generate' });
    await panel.getByRole('combobox', { name: 'Model' }).selectOption('consistent-character-ai-neolemon');
    await panel.getByRole('button', { name: /^Batch/ }).click();
    for (const name of [seeded.characterName, 'Oskar'])
      await panel.getByRole('group', { name: 'Characters' }).getByLabel(name).check();
    const sheets = panel.getByRole('group', { name: 'Pose sheets' }).getByRole('checkbox');
    expect(await sheets.count()).toBe(3);
    for (let i = 0; i < 3; i++) await sheets.nth(i).check();
    await panel.getByLabel('New seeds').fill('2');
    const before = standIn.postCount;
    await panel.getByRole('button', { name: 'Plan batch' }).click();

    const plan = panel.getByTestId('batch-plan');
    await plan.waitFor();
    await expect.poll(() => panel.getByTestId('plan-runs').innerText()).toBe('12 (12 pictures)');
    await expect.poll(() => panel.getByTestId('plan-total').innerText()).toBe('≈ 1.56 credits');
    await expect.poll(() => panel.getByTestId('plan-balance').innerText()).toContain('covers it');
    expect(standIn.postCount).toBe(before);
    await plan.scrollIntoViewIfNeeded();
    await screenshot(page, 'batches-2-plan-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await plan.scrollIntoViewIfNeeded();
    await screenshot(page, 'batches-2-plan-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await checkAccessibility(page, 'batch plan');

    await panel.getByRole('button', { name: 'Send 12 runs' }).click();
    const row = panel.getByTestId('batch-row').first();
    await row.waitFor();
    await expect
      .poll(() => row.getByTestId('batch-progress').innerText(), { timeout: 45_000 })
      .toMatch(/^12 of 12 done/);
    expect(standIn.postCount).toBe(before + 12);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'batches-3-done');

    await row.getByRole('button', { name: 'Show results' }).click();
    await page.getByRole('button', { name: /This batch.*remove filter/ }).waitFor();
    const results = await app.runtime.handlers['results.query']({
      filter: { batchIds: [(await app.runtime.handlers['batches.list']({})).batches[0]!.batch.id] },
      sort: 'newest',
      offset: 0,
      limit: 100,
    });
    expect(results.total).toBe(12);
    await screenshot(page, 'batches-4-gallery-this-batch-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'batches-4-gallery-this-batch-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await checkAccessibility(page, 'gallery filtered by a batch');
  });
});
