import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type SegmindStandIn } from '../fakes/segmind-stand-in';
import { screenshot, type E2ESession, type RunningApp } from './harness';
import { openSeededSession, type SeededProject } from './seed-project';
import { seedResults } from './workspace-seed';
import { makePoseSheet } from '../fakes/pose-sheet';
import { E2E_SHEET } from './seed-project';
import { DEFAULT_MODEL_ID } from '../../src/models';

/**
 * "Last run" means the results of the jobs queued together most recently, not "today": results made an
 * hour ago today stay out, both results of the run are in. Real services, the stand-in over HTTP.
 */
describe('the "Last run" saved filter', () => {
  let standIn: SegmindStandIn;
  let session: E2ESession | undefined;
  let app: RunningApp;
  let page: Page;
  let seeded: SeededProject;

  beforeAll(async () => {
    ({ session, standIn, seeded } = await openSeededSession({ credits: 10 }));
    ({ app, page } = session);
  });
  afterAll(() => session?.close());

  it('shows the last batch of generations and leaves out results made minutes before in another run', async () => {
    const h = app.runtime.handlers;
    // Three results made ten minutes ago: the same sitting, but another run.
    await seedResults(app, seeded.dir, {
      characterId: seeded.characterId,
      poseId: seeded.poseId,
      sheet: await makePoseSheet(E2E_SHEET),
      description: 'young lighthouse keeper',
      count: 3,
      startedAt: Date.now() - 12 * 60_000,
    });
    await h['results.refresh']({ full: true });
    // Now a run of two jobs queued together.
    await h['key.set']({ key: standIn.key });
    const jobs = [
      await h['generation.enqueue']({
        modelId: DEFAULT_MODEL_ID,
        characterId: seeded.characterId,
        poseId: seeded.poseId,
        params: {},
      }),
      await h['generation.enqueue']({
        modelId: DEFAULT_MODEL_ID,
        characterId: seeded.characterId,
        poseId: seeded.poseId,
        params: {},
      }),
    ];
    await expect
      .poll(
        async () =>
          (await h['jobs.list']({})).jobs.filter((j) => jobs.some((q) => q.id === j.id) && j.resultId).length,
        { timeout: 20_000 },
      )
      .toBe(2);
    const runResults = (await h['jobs.list']({})).jobs.map((j) => j.resultId).filter(Boolean);

    await page
      .getByRole('navigation', { name: 'Navigator' })
      .getByRole('button', { name: 'Last run' })
      .click();
    const grid = page.getByRole('listbox', { name: 'Results' });
    await expect.poll(() => grid.getByRole('option').count(), { timeout: 10_000 }).toBe(2);
    const shown = await grid
      .getByRole('option')
      .evaluateAll((options) => options.map((o) => o.id.replace(/^result-/, '')));
    expect(shown.sort()).toEqual([...runResults].sort());
    await screenshot(page, 'last-run');
    expect(standIn.generatedCount).toBe(2);
  });
});
