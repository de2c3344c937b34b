/**
 * What the browser host can do with the OS, and copying from another project, in Chromium through the
 * browser host: "Copy parameters" and "Copy image" through navigator.clipboard (read back from the
 * clipboard), a result dragged out as a Chromium download (DownloadURL, whose URL serves the image's
 * exact bytes), and the "Copy from another project" dialog bringing a character and a pose library over
 * with their provenance shown, once. The desktop app's own path (main's clipboard and startDrag) is
 * tested in test/unit/main/os-transfer.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeImage } from '../fixtures-gen/simple-images';
import { makePoseSheet } from '../fakes/pose-sheet';
import { checkAccessibility } from './axe';
import { launchBrowser, openPage, screenshot, startApp, type RunningApp } from './harness';
import { E2E_SHEET, seedProject } from './seed-project';
import { handlersOf, seedResults } from './workspace-seed';

describe('the OS and other projects, in the browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let bookOne: string;
  let seededPoseName: string;
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });

  beforeAll(async () => {
    app = await startApp();
    const seeded = await seedProject(app, 'Book one');
    bookOne = seeded.dir;
    seededPoseName = seeded.poseName;
    await call('characters.addReferences', {
      id: seeded.characterId,
      sources: [{ name: 'face.png', dataBase64: (await makeImage('png', 240, 200)).toString('base64') }],
    });
    await seedResults(app, bookOne, {
      characterId: seeded.characterId,
      poseId: seeded.poseId,
      sheet: await makePoseSheet(E2E_SHEET),
      description: 'young lighthouse keeper',
      count: 3,
    });
    browser = await launchBrowser();
    page = await openPage(browser, app);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.host.url });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('copies the parameters and the image of a result to the clipboard', async () => {
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    const grid = page.getByRole('listbox', { name: 'Results' });
    await expect.poll(() => grid.getByRole('option').count()).toBe(3);
    await grid.getByRole('option').first().click();
    const { ids } = await call<{ ids: string[] }>('results.queryIds', { filter: {}, sort: 'newest' });
    const detail = await call<{ parameters: string; summary: { width: number; height: number } }>(
      'results.get',
      { id: ids[0] },
    );

    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Parameters copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(detail.parameters);

    await page.getByRole('button', { name: 'Copy image' }).click();
    await page.getByText('Image copied').waitFor();
    const pasted = await page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      if (!item) return null;
      const blob = await item.getType('image/png');
      const bitmap = await createImageBitmap(blob);
      return { types: item.types, width: bitmap.width, height: bitmap.height };
    });
    expect(pasted).toEqual({
      types: ['image/png'],
      width: detail.summary.width,
      height: detail.summary.height,
    });
    await screenshot(page, 'transfer-1-copied-image');
  });

  it('drags a result out as a download of its exact file', async () => {
    const grid = page.getByRole('listbox', { name: 'Results' });
    const first = grid.getByRole('option').first();
    expect(await first.getAttribute('draggable')).toBe('true');
    const downloadUrl = await first.evaluate((cell) => {
      const data = new DataTransfer();
      cell.dispatchEvent(new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: data }));
      return data.getData('DownloadURL');
    });
    const { items } = await call<{ items: { file: string }[] }>('results.query', {
      filter: {},
      sort: 'newest',
      offset: 0,
      limit: 1,
    });
    const file = items[0]!.file;
    const match = /^image\/jpeg:([^:]+):(http:\/\/127\.0\.0\.1:\d+\/media\/.+)$/.exec(downloadUrl);
    expect(match, downloadUrl).not.toBeNull();
    expect(match![1]).toBe(file.slice(file.lastIndexOf('/') + 1));
    const served = Buffer.from(await (await fetch(match![2]!)).arrayBuffer());
    expect(served.equals(await readFile(join(bookOne, file)))).toBe(true);
  });

  it('copies a character and a pose library from another project, once, and shows where they came from', async () => {
    await call('projects.create', { dir: join(app.workDir, 'Book two'), name: 'Book two' });
    await page.reload();
    await nav().getByRole('button', { name: 'Characters', exact: true }).click();
    await page.getByRole('button', { name: 'Copy from another project…' }).waitFor();
    await screenshot(page, 'transfer-0-empty-characters');
    await page.getByRole('button', { name: 'Copy from another project…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy from another project' });
    // Book one is a recent project: one click opens it.
    await dialog.getByRole('group', { name: 'Recent projects' }).waitFor();
    await screenshot(page, 'transfer-2a-dialog-recent');
    await dialog.getByRole('button', { name: /^Book one/ }).click();
    await dialog.getByText('In Book one').waitFor();
    await dialog.getByRole('checkbox', { name: /Mira/ }).check();
    await dialog.getByRole('checkbox', { name: /Standing/ }).check();
    await screenshot(page, 'transfer-2-dialog-1440x900');
    await checkAccessibility(page, 'the copy-from-project dialog');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'transfer-3-dialog-1280x720');
    await page.setViewportSize({ width: 1440, height: 900 });

    await dialog.getByRole('button', { name: 'Copy 2 items' }).click();
    await page.getByText('Copied Mira, Standing').waitFor();
    await page.getByRole('button', { name: /^Mira/ }).first().waitFor();
    await page.getByTestId('copied-from').waitFor();
    expect(await page.getByTestId('copied-from').innerText()).toContain('Copied from Book one');
    await screenshot(page, 'transfer-4-character-copied');

    const { characters } = await call<{
      characters: { name: string; referenceImages: unknown[]; copiedFrom?: { projectName: string } }[];
    }>('characters.list');
    expect(characters).toEqual([
      expect.objectContaining({
        name: 'Mira',
        copiedFrom: expect.objectContaining({ projectName: 'Book one' }),
      }),
    ]);
    expect(characters[0]!.referenceImages).toHaveLength(1);

    await nav()
      .getByRole('button', { name: /^Poses/ })
      .click();
    await page.getByTestId('copied-from').waitFor();
    await screenshot(page, 'transfer-5-library-copied');

    // Again: both are marked as already here and cannot be ticked.
    await page.getByRole('button', { name: 'Copy from another project' }).click();
    await dialog.getByRole('button', { name: /^Book one/ }).click();
    await dialog.getByText('In Book one').waitFor();
    expect(await dialog.getByRole('checkbox', { name: /Mira/ }).isDisabled()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: /Standing/ }).isDisabled()).toBe(true);
    expect(await dialog.getByText('already here').count()).toBe(2);
    await screenshot(page, 'transfer-6-already-here');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const { libraries } = await call<{ libraries: unknown[] }>('poses.list');
    expect(libraries).toHaveLength(1);

    // A pose added to Book one's library since: the library can be chosen again, for that pose alone.
    const bookTwo = join(app.workDir, 'Book two');
    await call('projects.open', { dir: bookOne });
    const original = (await call<{ libraries: { id: string }[] }>('poses.list')).libraries[0]!;
    await call('poses.import', {
      libraryId: original.id,
      sources: [
        {
          name: 'kneeling.png',
          dataBase64: (await makeImage('png', 120, 240, { hue: 300 })).toString('base64'),
        },
      ],
    });
    await call('projects.open', { dir: bookTwo });
    await page.reload();
    await nav()
      .getByRole('button', { name: /^Poses/ })
      .click();
    await page.getByRole('button', { name: 'Copy from another project' }).click();
    await dialog.getByRole('button', { name: /^Book one/ }).click();
    await dialog.getByText('In Book one').waitFor();
    const standing = dialog.getByRole('checkbox', { name: /Standing/ });
    expect(await standing.isDisabled()).toBe(false);
    await dialog.getByText('1 new').waitFor();
    expect(await dialog.getByRole('checkbox', { name: /Mira/ }).isDisabled()).toBe(true);
    await standing.check();
    await screenshot(page, 'transfer-7-new-poses');
    await checkAccessibility(page, 'the copy dialog offering the poses made since');
    await dialog.getByRole('button', { name: 'Copy 1 item' }).click();
    await page.getByText('Copied Standing').waitFor();
    const after = await call<{ libraries: { poses: { name: string }[] }[] }>('poses.list');
    expect(after.libraries).toHaveLength(1);
    expect(after.libraries[0]!.poses.map((p) => p.name)).toEqual([seededPoseName, 'kneeling']);
  });
});
