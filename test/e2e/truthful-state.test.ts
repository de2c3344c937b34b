import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newStandInKey, startSegmindStandIn, type SegmindStandIn } from '../fakes/segmind-stand-in';
import { screenshot, type E2ESession } from './harness';
import { openSeededSession, type SeededProject } from './seed-project';
import { checkAccessibility } from './axe';

/**
 * Truthful state: what the screen says is what is so. The Segmind address in use (an environment override
 * named as such), a lost network noticed within seconds by free probes (no request to Segmind), a key
 * Segmind rejected shown as rejected wherever the person looks, and Ctrl/Cmd+Z taking its toast away.
 * Real Chromium, the real services behind the browser host, the Segmind stand-in over real HTTP.
 */
describe('truthful state', () => {
  let standIn: SegmindStandIn;
  let session: E2ESession | undefined;
  let page: Page;
  let seeded: SeededProject;
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });

  beforeAll(async () => {
    // The harness's segmindBaseUrl is what CCSTUDIO_SEGMIND_URL sets in the app, the host and the CLI.
    ({ session, standIn, seeded } = await openSeededSession({ credits: 10 }));
    ({ page } = session);
  });
  afterAll(() => session?.close());

  it('Settings shows the address requests actually go to, and that the environment set it', async () => {
    await nav().getByRole('button', { name: 'Settings', exact: true }).click();
    await expect.poll(() => page.getByTestId('segmind-address-in-use').textContent()).toBe(standIn.url);
    await page.getByText('Set by CCSTUDIO_SEGMIND_URL in the environment').waitFor();
    // The field is the saved address, labelled as such: it does not decide while the override is set.
    await page.getByLabel('Saved Segmind address').waitFor();
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.getByTestId('segmind-address-in-use').scrollIntoViewIfNeeded();
      await screenshot(page, `truthful-settings-address-${width}x${height}`);
      await checkAccessibility(page, `Settings with an address override at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('notices offline within seconds without a request to Segmind, says so outside the Queue, and back online', async () => {
    await nav().getByRole('button', { name: 'Results', exact: true }).click();
    const requestsBefore = standIn.requestCount;
    // Online, the probes are bare connections: nothing reaches Segmind's HTTP API, nothing is billed.
    await page.waitForTimeout(6_000);
    expect(standIn.requestCount).toBe(requestsBefore);
    expect(standIn.postCount).toBe(0);

    const port = standIn.port;
    const lostAt = Date.now();
    await standIn.close();
    await page.getByTestId('offline-banner').waitFor({ timeout: 15_000 });
    const noticedMs = Date.now() - lostAt;
    console.log(`offline noticed after ${noticedMs} ms`);
    expect(noticedMs).toBeLessThan(10_000);
    await page.getByRole('status', { name: 'Offline' }).waitFor();
    await screenshot(page, 'truthful-offline-banner-results');
    await checkAccessibility(page, 'Results while offline');
    // The Queue says it in its own words; the banner steps aside there.
    await nav().getByRole('button', { name: 'Queue', exact: true }).click();
    await page.getByText('Jobs wait here and go out by themselves').waitFor();
    expect(await page.getByTestId('offline-banner').count()).toBe(0);
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `truthful-offline-queue-${width}x${height}`);
      await checkAccessibility(page, `the Queue while offline at ${width}x${height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    // A key entered offline is kept and checked later (the stand-in does not know this one).
    await nav().getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Your API key').fill(newStandInKey());
    await page.getByRole('button', { name: 'Save key' }).click();
    await page.getByText('You are offline, so it will be checked when the network is back.').waitFor();

    standIn = await startSegmindStandIn({ credits: 10, port });
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByRole('status', { name: 'Online' }).waitFor();
  });

  it('a key Segmind rejected shows as rejected everywhere, and "Enter a new key" focuses the field', async () => {
    // Back online, the balance is checked at once: Segmind refuses the key.
    await page.getByText('Segmind rejected this key').waitFor({ timeout: 10_000 });
    const settingsAction = page.getByRole('button', { name: 'Enter a new key' });
    expect(await settingsAction.getAttribute('class')).toContain('primary');
    // The offline "Key saved" note gives way: Segmind has since said no.
    expect(await page.getByText('Key saved').count()).toBe(0);
    await screenshot(page, 'truthful-key-rejected-settings');
    await checkAccessibility(page, 'Settings with a rejected key');

    await nav().getByRole('button', { name: 'Results', exact: true }).click();
    await page.getByRole('button', { name: 'Key not accepted' }).waitFor();
    const banner = page.getByTestId('key-rejected-banner');
    await banner.waitFor();
    await screenshot(page, 'truthful-key-rejected-results');
    await checkAccessibility(page, 'Results with a rejected key');

    await banner.getByRole('button', { name: 'Enter a new key' }).click();
    await page.getByRole('heading', { name: 'Segmind API key' }).waitFor();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type))
      .toBe('password');

    // The pill leads to the same place, with the field focused.
    await nav().getByRole('button', { name: 'Results', exact: true }).click();
    await page.getByRole('button', { name: 'Key not accepted' }).click();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type))
      .toBe('password');

    // A key Segmind accepts ends it everywhere.
    await page.keyboard.type(standIn.key);
    await page.getByRole('button', { name: 'Replace key' }).click();
    await page.getByText('Key saved').waitFor();
    await page.getByText('A key is set').waitFor();
    await page.getByTestId('credits-pill').waitFor();
    await nav().getByRole('button', { name: 'Results', exact: true }).click();
    expect(await page.getByTestId('key-rejected-banner').count()).toBe(0);
  });

  it('Ctrl/Cmd+Z takes its "Undo" toast away with it', async () => {
    await nav()
      .getByRole('button', { name: /^Poses/ })
      .first()
      .click();
    const pose = page.getByRole('listbox', { name: 'Poses' }).getByRole('option').first();
    await pose.click();
    await page.keyboard.press('Delete');
    const toast = page.getByRole('region', { name: 'Notifications' }).getByText('to the trash');
    await toast.waitFor();
    await page.keyboard.press('Control+Z');
    await toast.waitFor({ state: 'detached', timeout: 3_000 });
    await page
      .getByRole('listbox', { name: 'Poses' })
      .getByRole('option', { name: seeded.poseName })
      .waitFor();
  });
});
