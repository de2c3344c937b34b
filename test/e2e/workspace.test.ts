import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { readParameters } from '../../src/images';
import { makePdf } from '../fixtures-gen/broken-files';
import { makeOpenPoseSheet, rowOfFigures } from '../fixtures-gen/pose-sheets';
import { openSession, screenshot, type E2ESession, type RunningApp } from './harness';
import { dropFiles, handlersOf, seedResults } from './workspace-seed';

const CHARACTER = {
  name: 'Mira',
  description: 'young lighthouse keeper, yellow raincoat, short red hair, freckles',
  styleWords: '2D illustration style, clean line art',
};
const RESULTS = 24;

interface Listed {
  characters: {
    id: string;
    name: string;
    colorLabel: string;
    tags: string[];
    styleWords: string;
    referenceImages: unknown[];
  }[];
}
interface Libraries {
  libraries: {
    id: string;
    name: string;
    poses: { id: string; name: string; kind: string; figures: unknown[] }[];
  }[];
}
interface Summary {
  id: string;
  rating: number;
  flag: string;
}

/**
 * The workspace end to end, in Chromium through the browser host: a character made through the UI, a
 * pose folder imported by path with its bad file named, results rated and flagged with the keyboard,
 * filtered, trashed and restored, and exported with their parameters embedded (read back from the file).
 */
describe('the workspace in the browser', () => {
  let session: E2ESession | undefined;
  let app: RunningApp;
  let page: Page;
  let projectDir: string;
  const shots: string[] = [];
  const shot = async (name: string) => shots.push(await screenshot(page, `workspace-${name}`));
  const nav = () => page.getByRole('navigation', { name: 'Navigator' });
  const call = <T>(name: string, input: unknown = {}) => handlersOf(app)[name]?.(input) as Promise<T>;

  beforeAll(async () => {
    session = await openSession({
      prepare: async (started) => {
        app = started;
        projectDir = join(app.workDir, 'Lighthouse book');
        await call('projects.create', { dir: projectDir, name: 'Lighthouse book' });
      },
    });
    ({ app, page } = session);
  });
  afterAll(() => session?.close());

  it('says what to do next on every empty list, with the one button that does it', async () => {
    await page.getByRole('button', { name: 'Open Generate' }).waitFor();
    await shot('0a-results-empty');
    await nav().getByRole('button', { name: 'Poses', exact: true }).click();
    await page.getByRole('button', { name: 'Import poses' }).waitFor();
    await nav()
      .getByRole('button', { name: /^Trash/ })
      .click();
    await page.getByText('The trash is empty').waitFor();
    await shot('0b-trash-empty');
    await nav().getByRole('button', { name: 'Characters', exact: true }).click();
    await page.getByRole('button', { name: 'Describe your first character' }).waitFor();
    await shot('0c-characters-empty');
  });

  it('creates a character through the UI, edits it in place and previews the exact prompt', async () => {
    await nav().getByRole('button', { name: 'Characters', exact: true }).click();
    await page.getByRole('button', { name: 'Describe your first character' }).click();
    await page.getByLabel('Name').fill(CHARACTER.name);
    await page.getByLabel('Description').fill(CHARACTER.description);
    await page.getByLabel('Style words').fill('2D illustration style');
    await page.getByRole('button', { name: 'Create character' }).click();
    await page.getByRole('region', { name: `Character ${CHARACTER.name}` }).waitFor();

    // Edit in place: the style words save when the field loses focus; the preview follows as you type.
    const style = page.getByLabel('Style words');
    await style.fill(CHARACTER.styleWords);
    await expect.poll(() => page.getByTestId('prompt-preview').innerText()).toContain('clean line art');
    await expect(page.getByTestId('prompt-preview').innerText()).resolves.toContain(CHARACTER.description);
    await page.getByLabel('Negative prompt', { exact: true }).focus();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('radio', { name: 'Blue label' }).click();
    await page.getByLabel('Tags').fill('hero');
    await page.getByLabel('Tags').press('Enter');
    await page.getByText('Saved', { exact: true }).waitFor();

    await expect
      .poll(async () => (await call<Listed>('characters.list')).characters[0])
      .toMatchObject({
        name: CHARACTER.name,
        styleWords: CHARACTER.styleWords,
        colorLabel: 'blue',
        tags: ['hero'],
      });
    // The list shows the colour label beside the name.
    await page
      .getByRole('navigation', { name: 'Characters' })
      .getByText('Blue label')
      .waitFor({ state: 'attached' });

    // Drop a reference image onto the card: in the browser host its bytes are uploaded.
    const face = await sharp({ create: { width: 320, height: 320, channels: 3, background: '#d9a066' } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="320" height="320"><circle cx="160" cy="150" r="90" fill="#f1c27d"/><rect x="70" y="40" width="180" height="60" fill="#c0392b"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    await dropFiles(page, page.getByRole('region', { name: 'Reference images' }), [
      { name: 'mira-face.png', type: 'image/png', base64: face.toString('base64') },
    ]);
    await page.getByText(`Added 1 reference to ${CHARACTER.name}`).waitFor();
    await expect
      .poll(async () => (await call<Listed>('characters.list')).characters[0]?.referenceImages.length)
      .toBe(1);
    await shot('1-character');
  });

  it('imports a pose folder by path, reports the bad file by name and the duplicate, and lists kinds', async () => {
    const folder = join(app.workDir, 'Pose folder');
    await mkdir(join(folder, 'more'), { recursive: true });
    const three = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    const five = await makeOpenPoseSheet(1024, 384, rowOfFigures(5, 1024, 384));
    const single = await makeOpenPoseSheet(256, 384, rowOfFigures(1, 256, 384));
    await writeFile(join(folder, 'arms up.png'), three.png);
    await writeFile(join(folder, 'walk cycle.png'), five.png);
    await writeFile(join(folder, 'more', 'standing.png'), single.png);
    await copyFile(join(folder, 'arms up.png'), join(folder, 'more', 'arms up copy.png'));
    await writeFile(join(folder, 'broken.png'), makePdf());
    await writeFile(join(folder, 'notes.txt'), 'not an image');

    await nav().getByRole('button', { name: 'Poses', exact: true }).click();
    await page.getByRole('button', { name: 'Import poses' }).click();
    const path = page.getByLabel('Path of an image or a folder on this computer');
    await expect.poll(() => path.evaluate((el) => el === document.activeElement)).toBe(true);
    await path.fill(folder);
    await path.press('Enter');

    const report = page.getByRole('region', { name: 'Import report' });
    await report.waitFor();
    await expect(report.innerText()).resolves.toMatch(
      /3 poses imported, 1 file could not be imported, 1 duplicate skipped/,
    );
    await report.getByText('Pose folder/broken.png', { exact: true }).waitFor();
    await report.getByText('Pose folder/more/arms up copy.png', { exact: true }).waitFor();
    const grid = page.getByRole('listbox', { name: 'Poses' });
    await expect.poll(() => grid.getByRole('option').count()).toBe(3);
    await grid.getByText('Sheet · 3 figures').waitFor();
    await grid.getByText('Sheet · 5 figures').waitFor();
    await grid.getByText('Single pose').waitFor();
    await shot('2-poses-import');

    // Select a pose: its details are editable in place.
    await grid.getByRole('option').first().click();
    await page.getByRole('complementary', { name: 'Pose details' }).waitFor();
    await shot('3-pose-details');
  });

  it('shows a long import’s progress and stops it on Cancel, keeping what came in', async () => {
    const folder = join(app.workDir, 'Many poses');
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < 150; i++) {
      const sheet = await makeOpenPoseSheet(640, 320, rowOfFigures(1 + (i % 4), 640, 320));
      // Each file different (a dot in its own place), so none is skipped as a duplicate.
      const marked = await sharp(sheet.png)
        .composite([
          {
            input: { create: { width: 2, height: 2, channels: 3, background: '#fff' } },
            left: i * 4,
            top: 2,
          },
        ])
        .png()
        .toBuffer();
      await writeFile(join(folder, `pose ${String(i + 1).padStart(3, '0')}.png`), marked);
    }
    await page.getByRole('button', { name: 'New pose library' }).click();
    await page.getByLabel('Name of the new library').fill('Many');
    await page.getByLabel('Name of the new library').press('Enter');
    await page.getByRole('region', { name: 'Pose library Many' }).waitFor();
    const path = page.getByLabel('Path of an image or a folder on this computer');
    await path.fill(folder);
    await path.press('Enter');
    const progress = page.getByRole('progressbar', { name: 'Importing' });
    await progress.waitFor();
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await shot('3b-import-progress');
    await page.getByRole('button', { name: 'Cancel' }).click();
    const report = page.getByRole('region', { name: 'Import report' });
    await report.getByText(/^Import stopped: \d+ poses imported/).waitFor();
    const { libraries } = await call<Libraries>('poses.list');
    const many = libraries.find((l) => l.name === 'Many');
    expect(many?.poses.length).toBeGreaterThan(0);
    expect(many?.poses.length).toBeLessThan(150);
    // Back to the first library for what follows.
    await page
      .getByRole('navigation', { name: 'Pose libraries' })
      .getByRole('button', { name: /^Poses/ })
      .click();
  });

  it('rates and flags with the keyboard, undoes, filters, and shows the receipt', async () => {
    const { characters } = await call<Listed>('characters.list');
    const { libraries } = await call<Libraries>('poses.list');
    const character = characters[0];
    const pose = libraries.find((l) => l.name === 'Poses')?.poses.find((p) => p.figures.length === 3);
    if (!character || !pose) throw new Error('the character and the pose should be there');
    const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
    await seedResults(app, projectDir, {
      characterId: character.id,
      poseId: pose.id,
      sheet: sheet.png,
      description: CHARACTER.description,
      count: RESULTS,
    });

    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    const grid = page.getByRole('listbox', { name: 'Results' });
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS} results`);
    await expect.poll(() => grid.getByRole('option').count()).toBe(RESULTS);
    await shot('4-gallery');

    // Click the first, rate 4 and pick it; move right, rate 2 and reject it.
    const options = grid.getByRole('option');
    await options.nth(0).click();
    await page.keyboard.press('4');
    await page.keyboard.press('p');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('2');
    await page.keyboard.press('x');
    const ids = (await call<{ ids: string[] }>('results.queryIds', { filter: {}, sort: 'newest' })).ids;
    const summary = async (index: number) =>
      (await call<{ summary: Summary }>('results.get', { id: ids[index] })).summary;
    await expect.poll(() => summary(0)).toMatchObject({ rating: 4, flag: 'pick' });
    await expect.poll(() => summary(1)).toMatchObject({ rating: 2, flag: 'reject' });
    await expect(options.nth(0).getAttribute('aria-label')).resolves.toContain('4 stars, picked');

    // Ctrl+Z takes the reject back; U clears a flag.
    await page.keyboard.press('Control+z');
    await expect.poll(() => summary(1)).toMatchObject({ rating: 2, flag: 'none' });
    await page.keyboard.press('x');
    await expect.poll(() => summary(1)).toMatchObject({ flag: 'reject' });
    await page.keyboard.press('u');
    await expect.poll(() => summary(1)).toMatchObject({ flag: 'none' });

    // The inspector shows the receipt of the active result.
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await expect.poll(() => inspector.getByTestId('receipt-seed').innerText()).toMatch(/^\d+$/);
    await inspector.getByText('num_inference_steps').waitFor();
    await inspector.getByText('Credits after').waitFor();
    await shot('5-inspector');

    // Space opens the loupe on the active result; Space again goes back to the grid.
    await page.keyboard.press(' ');
    await page.getByRole('region', { name: 'Loupe' }).waitFor();
    await page.getByText(`2 of ${RESULTS}`).waitFor();
    await shot('6-loupe');
    await page.keyboard.press(' ');
    await grid.waitFor();

    // Filter chips: rating 4 and up leaves one; the saved filter "Picks" shows the same one.
    await page.getByRole('button', { name: 'Filter by rating' }).click();
    await page.getByRole('radio', { name: /★★★★ and up/ }).click();
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe('1 result');
    await shot('7-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS} results`);
    await nav()
      .getByRole('button', { name: /^Picks/ })
      .click();
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe('Picks · 1 result');
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS} results`);
  });

  it('moves results and the character to the trash, undoes, and restores from the trash', async () => {
    const grid = page.getByRole('listbox', { name: 'Results' });
    const options = grid.getByRole('option');
    // Click the third, Shift+click the fifth: three selected. Delete moves them to the trash.
    await options.nth(2).click();
    await options.nth(4).click({ modifiers: ['Shift'] });
    await expect
      .poll(() => page.getByTestId('results-count').innerText())
      .toBe(`3 of ${RESULTS} results selected`);
    await page.keyboard.press('Delete');
    await page.getByText('Moved 3 results to the trash').waitFor();
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS - 3} results`);
    await shot('8-trashed-toast');
    // The toast's Undo brings them back.
    await page
      .getByRole('status')
      .filter({ hasText: 'Moved 3 results to the trash' })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS} results`);

    // Trash two, then restore them from the Trash view.
    await options.nth(0).click();
    await options.nth(1).click({ modifiers: ['Control'] });
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS - 2} results`);

    // The character goes to the trash too: its results stay, and say so.
    await nav().getByRole('button', { name: 'Characters', exact: true }).click();
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByText(`Moved ${CHARACTER.name} to the trash`).waitFor();
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    await options.nth(0).click();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByText('is in the trash').waitFor();
    await shot('9-character-in-trash');

    await nav()
      .getByRole('button', { name: /^Trash/ })
      .click();
    const list = page.getByRole('list', { name: 'Trash' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    await shot('10-trash');
    await list.getByRole('button', { name: 'Restore 2 results' }).click();
    await list.getByRole('button', { name: `Restore ${CHARACTER.name}` }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(0);
    await page.getByText('The trash is empty').waitFor();
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS} results`);
    await options.nth(0).click();
    await expect(inspector.getByText('is in the trash').count()).resolves.toBe(0);
  });

  it('asks before emptying the trash, the one action that cannot be undone', async () => {
    const grid = page.getByRole('listbox', { name: 'Results' });
    await grid
      .getByRole('option')
      .nth(RESULTS - 1)
      .click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('results-count').innerText()).toBe(`${RESULTS - 1} results`);
    await nav()
      .getByRole('button', { name: /^Trash/ })
      .click();
    await page.getByRole('button', { name: 'Empty trash' }).click();
    const dialog = page.getByRole('dialog', { name: 'Empty the trash?' });
    await dialog.waitFor();
    await dialog.getByText('1 result will be deleted for good').waitFor();
    await shot('11-empty-trash-confirm');
    await dialog.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByText('The trash is empty', { exact: true }).first().waitFor();
  });

  it('exports the selection with parameters embedded and a receipt beside each, and reads them back', async () => {
    await nav()
      .getByRole('button', { name: /^Results/ })
      .click();
    const grid = page.getByRole('listbox', { name: 'Results' });
    await grid.getByRole('option').nth(0).click();
    await grid
      .getByRole('option')
      .nth(1)
      .click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Export…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Export 2 results' });
    await dialog.waitFor();
    const out = join(app.workDir, 'Exports');
    await dialog.getByLabel('Folder').fill(out);
    await dialog.getByLabel('Also make a contact sheet').check();
    await shot('12-export-dialog');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByText('Exported 2 images').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await shot('13-exported-toast');

    const names = (await readdir(out)).sort();
    const images = names.filter((n) => n.endsWith('.jpg'));
    const receipts = names.filter((n) => n.endsWith('.json'));
    expect(images).toHaveLength(2);
    expect(receipts).toHaveLength(2);
    expect(names).toContain('Contact sheet.png');
    for (const name of images) {
      expect(name).toMatch(
        new RegExp(`^${CHARACTER.name} - arms up - \\d{4}-\\d{2}-\\d{2} - seed \\d+\\.jpg$`, 'i'),
      );
      const parameters = readParameters(await readFile(join(out, name)));
      expect(parameters).toContain(CHARACTER.description);
      const seed = /seed (\d+)/.exec(name)?.[1];
      expect(parameters).toContain(`Seed: ${seed}`);
      expect(parameters).toContain('Steps: 20');
    }
    const receipt = JSON.parse(await readFile(join(out, receipts[0] ?? ''), 'utf8')) as {
      receipt?: { request?: { seed?: number } };
    };
    expect(JSON.stringify(receipt)).not.toMatch(/api[-_ ]?key/i);
  });

  it('shows every screen without a page error', () => {
    expect(shots.length).toBeGreaterThanOrEqual(12);
  });
});
