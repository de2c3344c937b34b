import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listModels } from '../../src/models';
import { checkAccessibility } from './axe';
import { screenshot, type E2ESession, type RunningApp } from './harness';
import { openSeededSession } from './seed-project';

/**
 * Settings, "How each model is sent": per model, Segmind's v1 API or the async API (v2), V1 on v1 by
 * default. The choice is saved through the contract and is what the queue then uses. Real Chromium, the
 * real services behind the browser host.
 */
describe('choosing the Segmind API per model in Settings', () => {
  let session: E2ESession | undefined;
  let app: RunningApp;
  let page: Page;

  beforeAll(async () => {
    ({ session } = await openSeededSession({ credits: 10 }));
    ({ app, page } = session);
  });
  afterAll(() => session?.close());

  /** Scrolls the settings column (not the window) so the section is in view. */
  const showSection = () =>
    page.getByTestId('model-api-settings').evaluate((el) => {
      const column = el.closest('.stage-body');
      if (column)
        column.scrollTop += el.getBoundingClientRect().top - column.getBoundingClientRect().top - 16;
    });

  it('shows each model with its API, V1 on v1 by default, and saves a change', async () => {
    await page.getByRole('navigation').getByRole('button', { name: 'Settings', exact: true }).click();
    const section = page.getByTestId('model-api-settings');
    await section.getByRole('heading', { name: 'How each model is sent' }).waitFor();
    await showSection();

    const models = listModels();
    for (const model of models) {
      const row = section.getByTestId(`model-api-${model.id}`);
      await row.getByText(model.name, { exact: true }).waitFor();
      const expected = model.id === 'consistent-character-ai-neolemon' ? 'Wait (v1)' : 'Async (v2)';
      expect(await row.getByRole('radio', { name: expected }).isChecked()).toBe(true);
    }
    await screenshot(page, 'settings-model-api-1440');
    await checkAccessibility(page, 'Settings, how each model is sent');

    // V1 through the async API: saved, and the queue's choice follows the stored setting.
    const v1 = section.getByTestId('model-api-consistent-character-ai-neolemon');
    await v1.locator('label', { hasText: 'Async (v2)' }).click();
    await v1.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await v1.getByText('changed here').waitFor();
    expect(await v1.getByRole('radio', { name: 'Async (v2)' }).isChecked()).toBe(true);
    const stored = await app.runtime.handlers['settings.get']({});
    expect(stored.segmindApiByModel).toEqual({ 'consistent-character-ai-neolemon': 'v2' });

    await page.setViewportSize({ width: 1280, height: 720 });
    await showSection();
    await screenshot(page, 'settings-model-api-1280');
    await checkAccessibility(page, 'Settings, how each model is sent (1280x720)');

    // And back: the row says it is on its default again.
    await v1.locator('label', { hasText: 'Wait (v1)' }).click();
    await expect
      .poll(async () => (await app.runtime.handlers['settings.get']({})).segmindApiByModel)
      .toEqual({ 'consistent-character-ai-neolemon': 'v1' });
    await expect.poll(() => v1.getByText('changed here').count()).toBe(0);
  });
});
