import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSegmindStandIn, type SegmindStandIn } from '../fakes/segmind-stand-in';
import { DEFAULT_MODEL_ID } from '../../src/models';
import type { Job } from '../../src/domain';
import { checkAccessibility } from './axe';
import { openSession, screenshot, type E2ESession, type RunningApp } from './harness';
import { seedProject, type SeededProject } from './seed-project';

/**
 * Spend in the browser: the figures equal what the receipts on disk record (in total and per character),
 * the cap is set, shown on its bar and saved in Settings, a bad cap is refused with a message and changes
 * nothing; Spend opens from the credits pill, the navigator and the palette; and a job on the async API
 * says where it is at Segmind. Real Chromium, the real services, the stand-in over real HTTP.
 */
describe('Spend in the browser', () => {
  let standIn: SegmindStandIn;
  let session: E2ESession | undefined;
  let app: RunningApp;
  let seeded: SeededProject;
  let page: Page;
  let oskarId: string;
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });
  const spendHeading = () => page.getByRole('heading', { name: 'Spend', level: 1 });

  /** At both sizes UI.md names, then back to 1440x900. */
  const shots = async (name: string) => {
    await screenshot(page, `spend-${name}-1440`);
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, `spend-${name}-1280`);
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  const run = (characterId: string) =>
    app.runtime.handlers['generation.enqueue']({
      modelId: DEFAULT_MODEL_ID,
      characterId,
      poseId: seeded.poseId,
      params: {},
    });
  const delivered = async (jobs: Job[]) => {
    await expect
      .poll(
        async () =>
          (await app.runtime.handlers['jobs.list']({})).jobs.filter(
            (j) => jobs.some((q) => q.id === j.id) && j.resultId,
          ).length,
        { timeout: 30_000 },
      )
      .toBe(jobs.length);
  };
  /** The receipts' costs as the files record them, summed per character (three decimals, as shown). */
  const receiptCosts = async () => {
    const h = app.runtime.handlers;
    const page = await h['results.query']({
      filter: { source: 'generated' },
      sort: 'newest',
      offset: 0,
      limit: 100,
    });
    const perCharacter = new Map<string, number>();
    let total = 0;
    for (const item of page.items) {
      const { result } = await h['results.get']({ id: item.id });
      const cost = result.receipt.response.headers.cost ?? 0;
      total += cost;
      perCharacter.set(item.characterId, (perCharacter.get(item.characterId) ?? 0) + cost);
    }
    return { total, perCharacter };
  };

  beforeAll(async () => {
    standIn = await startSegmindStandIn({ credits: 25, cost: 0.137, latencyMs: 100 });
    session = await openSession({
      standIn,
      prepare: async (started) => {
        app = started;
        seeded = await seedProject(app);
        const h = app.runtime.handlers;
        await h['key.set']({ key: standIn.key });
        await h['settings.update']({ requestsPerMinute: 600, concurrency: 2 });
        oskarId = (
          await h['characters.create']({
            name: 'Oskar',
            description: 'old fisherman, blue cap',
            styleWords: '2D illustration style',
          })
        ).id;
      },
    });
    ({ app, page } = session);
  });
  afterAll(() => session?.close());

  it('before any run: the navigator opens Spend on its empty state, with the cap ready to set', async () => {
    await nav().getByRole('button', { name: 'Spend', exact: true }).click();
    await spendHeading().waitFor();
    await page.getByRole('heading', { name: 'Nothing spent yet' }).waitFor();
    await expect.poll(() => page.getByTestId('cap-text').innerText()).toContain('No cap');
    await shots('1-empty');
    await checkAccessibility(page, 'Spend, nothing spent yet');
  });

  it('shows the total and each character’s spend exactly as the receipts record them', async () => {
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    const jobs = [await run(seeded.characterId), await run(seeded.characterId), await run(oskarId)];
    await delivered(jobs);
    const { total, perCharacter } = await receiptCosts();
    expect(total).toBeCloseTo(3 * 0.137, 9);

    // The credits pill (its look unchanged) opens Spend.
    await page.getByTestId('credits-pill').click();
    await spendHeading().waitFor();
    await expect.poll(() => page.getByTestId('spend-total').innerText()).toBe(`${total.toFixed(3)} credits`);
    await expect.poll(() => page.getByTestId('spend-runs').innerText()).toBe('3');
    const rows = page.getByTestId('spend-characters').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    for (const [id, name] of [
      [seeded.characterId, seeded.characterName],
      [oskarId, 'Oskar'],
    ] as const) {
      const row = rows.filter({ has: page.getByRole('rowheader', { name, exact: true }) });
      await expect.poll(() => row.locator('td').nth(1).innerText()).toBe(perCharacter.get(id)!.toFixed(3));
    }
    await expect
      .poll(() => page.getByTestId('spend-balance').innerText())
      .toBe(`${standIn.credits.toFixed(3)} credits`);
    await expect.poll(() => page.getByTestId('balance-chart').getAttribute('aria-label')).toContain('3 runs');
    expect(await page.getByTestId('spend-unknown').count()).toBe(0);
    await shots('2-figures');
    await checkAccessibility(page, 'Spend with figures');
  });

  it('refuses a bad cap with a message and saves nothing; a good one shows on the bar and is saved', async () => {
    const card = page.getByTestId('spend-cap');
    const input = card.getByLabel('Set a cap for this project');
    await input.fill('twenty');
    await card.getByRole('button', { name: 'Set cap' }).click();
    await card.getByRole('alert').filter({ hasText: '“twenty” is not a number of credits' }).waitFor();
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    expect((await app.runtime.handlers['settings.get']({})).spendingCapByProject).toEqual({});
    await card.scrollIntoViewIfNeeded();
    await shots('3-bad-cap');
    await checkAccessibility(page, 'Spend, a cap refused');

    await input.fill('-3');
    await card.getByRole('button', { name: 'Set cap' }).click();
    await card.getByRole('alert').filter({ hasText: 'A cap cannot be below 0 credits.' }).waitFor();
    expect((await app.runtime.handlers['settings.get']({})).spendingCapByProject).toEqual({});

    await input.fill('1.5');
    await card.getByRole('button', { name: 'Set cap' }).click();
    const spent = (await receiptCosts()).total;
    await expect
      .poll(() => card.getByTestId('cap-text').innerText())
      .toBe(`${spent.toFixed(3)} of 1.500 credits`);
    await expect
      .poll(() => card.getByRole('progressbar', { name: 'Spending cap used' }).getAttribute('aria-valuenow'))
      .toBe(String(Math.round((spent / 1.5) * 100)));
    const project = await app.runtime.handlers['projects.current']({});
    const projectId = project!.id;
    expect((await app.runtime.handlers['settings.get']({})).spendingCapByProject).toEqual({
      [projectId]: 1.5,
    });
    await card.scrollIntoViewIfNeeded();
    await shots('4-cap-set');
    await checkAccessibility(page, 'Spend with a cap');

    // Changed, then cleared: both saved.
    await card.getByLabel('Cap for this project').fill('2');
    await card.getByRole('button', { name: 'Save cap' }).click();
    await expect
      .poll(() => card.getByTestId('cap-text').innerText())
      .toBe(`${spent.toFixed(3)} of 2.000 credits`);
    expect((await app.runtime.handlers['settings.get']({})).spendingCapByProject).toEqual({ [projectId]: 2 });
    await card.getByRole('button', { name: 'Clear cap' }).click();
    await expect.poll(() => card.getByTestId('cap-text').innerText()).toContain('No cap');
    expect((await app.runtime.handlers['settings.get']({})).spendingCapByProject).toEqual({});
  });

  it('opens from the command palette', async () => {
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    await spendHeading().waitFor({ state: 'detached' });
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByRole('combobox', { name: 'Search commands' }).pressSequentially('go to spend');
    await expect.poll(() => palette.getByRole('option').first().innerText()).toContain('Go to Spend');
    await page.keyboard.press('Enter');
    await spendHeading().waitFor();
  });

  it('a job on the async API says it waits at Segmind, then that Segmind is drawing, and cannot be cancelled', async () => {
    const h = app.runtime.handlers;
    await h['settings.update']({ segmindApiByModel: { [DEFAULT_MODEL_ID]: 'v2' } });
    standIn.v2.holdRuns();
    const job = await run(oskarId);
    await nav()
      .getByRole('button', { name: /^Queue/ })
      .click();
    const row = page.getByRole('listitem', { name: /Oskar × .*: Waiting at Segmind/ });
    await row.waitFor({ timeout: 15_000 });
    await row.getByTestId('accepted-note').waitFor();
    expect(await row.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    await shots('5-queue-waiting-at-segmind');
    await checkAccessibility(page, 'Queue, a run waiting at Segmind');

    // Released, the run takes a few seconds at Segmind: the next poll sees PROCESSING.
    standIn.latencyMs = 6_000;
    standIn.v2.releaseRuns();
    await page.getByRole('listitem', { name: /Oskar × .*: Segmind is drawing/ }).waitFor({ timeout: 15_000 });
    await shots('6-queue-segmind-drawing');
    standIn.latencyMs = 100;
    await delivered([job]);
    // Oskar's earlier (synchronous) run and this one, both done.
    await expect
      .poll(() => page.getByRole('listitem', { name: /Oskar × .*: Done/ }).count(), { timeout: 15_000 })
      .toBe(2);
  });
});
