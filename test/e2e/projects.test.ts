import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';

describe('projects in the browser', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('creates a project, reloads, finds it in the recent list and reopens it', async () => {
    const page = await openPage(browser, app);
    const dir = join(app.workDir, 'Lighthouse book');
    await page.getByRole('heading', { name: 'New project' }).waitFor();
    await page.getByLabel('Project name').fill('The Lighthouse Keeper');
    await page.getByLabel('Folder (an empty or new folder)').fill(dir);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('navigation', { name: 'Navigator' }).waitFor();
    await page.getByRole('button', { name: /Project The Lighthouse Keeper/ }).waitFor();
    expect(JSON.parse(await readFile(join(dir, 'project.json'), 'utf8')).name).toBe('The Lighthouse Keeper');
    await screenshot(page, 'workspace-empty');

    // Close the project (the switcher) and reload: the recent list remembers it.
    await page.getByRole('button', { name: /switch project/ }).click();
    await page.getByRole('menuitem', { name: 'Close project' }).click();
    await page.getByRole('heading', { name: 'Recent projects' }).waitFor();
    await page.reload();
    const recent = page.getByRole('list', { name: 'Recent projects' });
    await recent.getByRole('button', { name: /^The Lighthouse Keeper/ }).waitFor();
    await screenshot(page, 'project-picker');
    await recent.getByRole('button', { name: /^The Lighthouse Keeper/ }).click();
    await page.getByRole('navigation', { name: 'Navigator' }).waitFor();

    // Each section has an empty state that says what to do next.
    for (const [section, text] of [
      ['Characters', 'Describe your first character'],
      ['Poses', 'Import poses'],
      ['Queue', 'The queue is empty'],
    ] as const) {
      await page.getByRole('navigation').getByRole('button', { name: section, exact: true }).click();
      await page.getByText(text, { exact: false }).first().waitFor();
    }
    expect((await stat(join(dir, '.studio', 'lock.json'))).isFile()).toBe(true);
  });

  it('refuses calls without the session token', async () => {
    const response = await fetch(`${app.host.url}/api/call/projects.recent`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(403);
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) is refused even with the token.
    const port = Number(new URL(app.host.url).port);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/call/projects.recent',
          headers: { host: `evil.example:${port}`, 'x-ccstudio-token': app.host.token },
        },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
    const ok = await fetch(`${app.host.url}/api/call/projects.recent`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-ccstudio-token': app.host.token },
    });
    expect(await ok.json()).toMatchObject({ ok: true });
  });
});
