/**
 * The results index (.studio/results-index.sqlite) against the receipts it caches: it agrees with them
 * after every kind of change, after a change made by another program, after a crash in the middle of a
 * write, and after a rebuild; and one change writes kilobytes, not the whole index.
 */
import { describe, expect, it } from 'vitest';
import { copyFile, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultSchema, newId } from '../../../src/domain';
import { openProject } from '../../../src/library/project-store';
import { addResult, workspaceFor, type Workspace } from '../../../src/library/workspace';
import { ResultsIndexDb } from '../../../src/library/workspace/results-index-db';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, readIndexRows, reopen, resultJpeg } from './support';

const tempDir = useTempDirs();

/** What the receipts in results/ say: id, rating and flag of each. */
async function receiptsOnDisk(dir: string): Promise<{ id: string; rating: number; flag: string }[]> {
  const names = (await readdir(join(dir, 'results'))).filter((n) => /^[a-z0-9]+\.json$/.test(n));
  const out = await Promise.all(
    names.map(async (name) => {
      const r = ResultSchema.parse(JSON.parse(await readFile(join(dir, 'results', name), 'utf8')));
      return { id: r.id, rating: r.review.rating, flag: r.review.flag };
    }),
  );
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The index's rows and the open app's list both equal the receipts. */
async function expectIndexAgrees(dir: string, ws: Workspace): Promise<void> {
  const disk = await receiptsOnDisk(dir);
  const rows = readIndexRows(dir)
    .rows.map((r) => ({ id: r.id, rating: r.rating, flag: r.flag }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  expect(rows).toEqual(disk);
  const listed = await ws.results.queryIds({}, 'newest', await ws.catalog());
  expect([...listed.ids].sort()).toEqual(disk.map((d) => d.id));
}

async function withResults(count: number) {
  const { project, ws, dir } = await newProject(tempDir);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await addResult(
      project,
      draftFor({
        characterId: 'character01',
        poseId: 'posepose01',
        seed: 100 + i,
        createdAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      }),
      await resultJpeg(64, 48, i * 30),
    );
    ids.push(result.id);
  }
  return { project, ws, dir, ids };
}

describe('the results index agrees with the receipts', () => {
  it('after adding, reviewing, trashing, restoring and rebuilding, open and reopened', async () => {
    const { project, ws, dir, ids } = await withResults(4);
    await expectIndexAgrees(dir, ws);
    await ws.results.review([ids[0] as string, ids[2] as string], { rating: 5, flag: 'pick' });
    await expectIndexAgrees(dir, ws);
    const trashId = await ws.results.trash([ids[1] as string], await ws.catalog());
    await expectIndexAgrees(dir, ws);
    let open = await reopen(project, dir);
    await expectIndexAgrees(dir, open.ws);
    await open.ws.restore(trashId);
    await expectIndexAgrees(dir, open.ws);
    open = await reopen(open.project, dir);
    expect((await open.ws.results.load()).mode).toBe('cache');
    await expectIndexAgrees(dir, open.ws);
    await open.ws.results.rebuild();
    await expectIndexAgrees(dir, open.ws);
    await open.project.close();
  });

  it('after another program adds and deletes receipts while the project is closed', async () => {
    const { project, dir, ids } = await withResults(3);
    await project.close();
    const copy = newId();
    const receipt = JSON.parse(await readFile(join(dir, 'results', `${ids[0]}.json`), 'utf8'));
    await copyFile(join(dir, 'results', `${ids[0]}.jpg`), join(dir, 'results', `${copy}.jpg`));
    await writeFile(
      join(dir, 'results', `${copy}.json`),
      JSON.stringify({ ...receipt, id: copy, file: `results/${copy}.jpg` }),
    );
    await rm(join(dir, 'results', `${ids[2]}.json`));
    const again = await openProject(dir);
    const ws = workspaceFor(again);
    expect(await ws.results.load()).toMatchObject({ listed: true, added: 1, removed: 1 });
    await ws.results.settled();
    await expectIndexAgrees(dir, ws);
    await again.close();
  });

  it('after a crash between writing a receipt and recording it, even with the folder time recorded after', async () => {
    // The state a kill leaves when another change recorded the results folder's time after this
    // receipt was written but before its own row was: only the pending mark tells the next open.
    const { project, dir, ids } = await withResults(2);
    await project.close();
    const { db } = await ResultsIndexDb.open(join(dir, '.studio', 'results-index.sqlite'), {
      readOnly: false,
    });
    const late = newId();
    db.markPending([late]);
    const receipt = JSON.parse(await readFile(join(dir, 'results', `${ids[0]}.json`), 'utf8'));
    await copyFile(join(dir, 'results', `${ids[0]}.jpg`), join(dir, 'results', `${late}.jpg`));
    await writeFile(
      join(dir, 'results', `${late}.json`),
      JSON.stringify({ ...receipt, id: late, file: `results/${late}.jpg` }),
    );
    db.apply({ dirMtimeMs: (await stat(join(dir, 'results'))).mtimeMs });
    db.close();

    const again = await openProject(dir);
    const ws = workspaceFor(again);
    // Found without listing the folder: the open read exactly the one pending receipt.
    expect(await ws.results.load()).toMatchObject({ mode: 'cache', listed: false, read: 1 });
    await expectIndexAgrees(dir, ws);
    expect(readIndexRows(dir).pending).toEqual([]);
    await again.close();
  });
});

describe('the refresh on focus', () => {
  it('checks only what another program changed while the project is open, without listing the folder', async () => {
    const { project, ws, dir, ids } = await withResults(4);
    const [edited, deleted, template] = ids as [string, string, string];
    expect(await ws.results.refresh()).toMatchObject({ listed: false, read: 0, added: 0, removed: 0 });

    // A sync tool: one receipt edited in place (no rename), one deleted, one added.
    const receipt = JSON.parse(await readFile(join(dir, 'results', `${edited}.json`), 'utf8'));
    await writeFile(
      join(dir, 'results', `${edited}.json`),
      JSON.stringify({ ...receipt, review: { rating: 4, flag: 'pick', tags: ['synced'] } }),
    );
    await rm(join(dir, 'results', `${deleted}.json`));
    await rm(join(dir, 'results', `${deleted}.jpg`));
    const added = newId();
    await copyFile(join(dir, 'results', `${template}.jpg`), join(dir, 'results', `${added}.jpg`));
    await writeFile(
      join(dir, 'results', `${added}.json`),
      JSON.stringify({ ...receipt, id: added, file: `results/${added}.jpg` }),
    );
    const report = await ws.results.refresh();
    expect(report).toMatchObject({
      mode: 'refresh',
      listed: false,
      added: 1,
      removed: 1,
      changed: 1,
      read: 2,
    });
    await expectIndexAgrees(dir, ws);
    expect(readIndexRows(dir).rows.find((r) => r.id === edited)).toMatchObject({ rating: 4, flag: 'pick' });

    // An image lost outside the app is noticed the same way.
    await rm(join(dir, 'results', `${template}.jpg`));
    await ws.results.refresh();
    expect(readIndexRows(dir).rows.find((r) => r.id === template)?.image_missing).toBe(1);
    expect(ws.results.isImageMissing(template)).toBe(true);
    await project.close();
  });
});

describe('the cost of one change', () => {
  it('a rating in a project of 3,000 results writes kilobytes to the index, not the index', async () => {
    const { project, ws, dir, ids } = await withResults(1);
    // 3,000 receipts made by copying one (the index cares about receipts, not distinct images).
    const receipt = JSON.parse(await readFile(join(dir, 'results', `${ids[0]}.json`), 'utf8'));
    const t0 = Date.UTC(2024, 0, 1);
    await Promise.all(
      Array.from({ length: 3000 }, async (_, i) => {
        const id = newId();
        await writeFile(
          join(dir, 'results', `${id}.json`),
          JSON.stringify({ ...receipt, id, createdAt: new Date(t0 + i * 60_000).toISOString() }),
        );
      }),
    );
    await ws.results.rebuild();
    const indexFiles = async () => {
      let bytes = 0;
      for (const suffix of ['', '-wal']) {
        bytes +=
          (await stat(join(dir, '.studio', `results-index.sqlite${suffix}`)).catch(() => null))?.size ?? 0;
      }
      return bytes;
    };
    const before = await indexFiles();
    const [one] = ids;
    await ws.results.review([one as string], { rating: 3 });
    const grew = (await indexFiles()) - before;
    // The WAL grows by the pages the change touched (a few 4 KB pages); the JSON index rewrote ~1 MB here.
    expect(grew).toBeLessThan(64 * 1024);
    expect(readIndexRows(dir).rows.find((r) => r.id === one)?.rating).toBe(3);
    await project.close();
  });
});
