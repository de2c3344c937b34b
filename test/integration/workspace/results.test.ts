import { describe, expect, it } from 'vitest';
import { readFile, readdir, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { ResultSchema, newId } from '../../../src/domain';
import { openProject } from '../../../src/library/project-store';
import { addResult, workspaceFor } from '../../../src/library/workspace';
import { makeOpenPoseSheet, rowOfFigures } from '../../fixtures-gen/pose-sheets';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, readIndexRows, reopen, resultJpeg } from './support';

const tempDir = useTempDirs();

const firstPage = { filter: {}, sort: 'newest' as const, offset: 0, limit: 200 };

/** A project with one character, one library holding a 3-figure sheet, and `count` results. */
async function populated(count: number) {
  const { project, ws, dir } = await newProject(tempDir);
  const mira = await ws.characters.create({ name: 'Mira' });
  const library = await ws.poses.create('Sheets');
  const sheet = await makeOpenPoseSheet(768, 384, rowOfFigures(3, 768, 384));
  const { imported } = await ws.poses.import(library.id, [
    { name: 'three.png', dataBase64: sheet.png.toString('base64') },
  ]);
  const pose = imported[0];
  if (!pose) throw new Error('pose import failed');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await addResult(
      project,
      draftFor({
        characterId: mira.id,
        poseId: pose.id,
        seed: 1000 + i,
        createdAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      }),
      await resultJpeg(64, 48, i * 40),
    );
    ids.push(result.id);
  }
  return { project, ws, dir, mira, library, pose, sheet, ids };
}

describe('committing results', () => {
  it('writes the image and its JSON, a thumbnail, and the index; reopening reads no receipt', async () => {
    const { project, ws, dir, mira, pose, ids } = await populated(3);
    for (const id of ids) {
      const json = ResultSchema.parse(JSON.parse(await readFile(join(dir, 'results', `${id}.json`), 'utf8')));
      expect(json).toMatchObject({
        id,
        file: `results/${id}.jpg`,
        width: 64,
        height: 48,
        characterId: mira.id,
        poseId: pose.id,
      });
      expect(json.review).toEqual({ rating: 0, flag: 'none', tags: [] });
      expect((await sharp(join(dir, json.file)).metadata()).format).toBe('jpeg');
      expect((await sharp(join(dir, '.studio', 'thumbs', `${id}.webp`)).metadata()).format).toBe('webp');
    }
    const index = readIndexRows(dir);
    expect(index.rows.map((e) => e.id)).toEqual([...ids].reverse());
    expect(index.pending).toEqual([]);

    const page = await ws.results.query(firstPage, await ws.catalog());
    expect(page.total).toBe(3);
    expect(page.items[0]).toEqual({
      id: ids[2],
      file: `results/${ids[2]}.jpg`,
      thumbFile: `.studio/thumbs/${ids[2]}.webp`,
      width: 64,
      height: 48,
      createdAt: '2025-01-03T00:00:00.000Z',
      modelId: 'consistent-character-ai-neolemon',
      characterId: mira.id,
      characterName: 'Mira',
      characterInTrash: false,
      poseId: pose.id,
      poseName: 'three',
      poseInTrash: false,
      poseKind: 'sheet',
      poseFigures: 3,
      rating: 0,
      flag: 'none',
      tags: [],
      seed: 1002,
      cost: 0.13,
      imageMissing: false,
    });
    await expect(
      addResult(
        project,
        { ...draftFor({ characterId: mira.id, poseId: pose.id }), id: ids[0] ?? '' },
        await resultJpeg(),
      ),
    ).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });

    const again = await reopen(project, dir);
    const report = await again.ws.results.load();
    // Nothing changed in results/ since the index was written: not even listed.
    expect(report).toMatchObject({ mode: 'cache', listed: false, read: 0 });
    expect(
      (await again.ws.results.query(firstPage, await again.ws.catalog())).items.map((i) => i.id),
    ).toEqual([...ids].reverse());
    await again.project.close();
  });

  it('refuses to commit into a read-only project', async () => {
    const { project, dir, mira, pose } = await populated(0);
    const second = await openProject(dir);
    await expect(
      addResult(second, draftFor({ characterId: mira.id, poseId: pose.id }), await resultJpeg()),
    ).rejects.toMatchObject({
      code: 'PROJECT_READ_ONLY',
    });
    expect(await readdir(join(dir, 'results'))).toEqual([]);
    await second.close();
    await project.close();
  });
});

describe('the results index stays true to the folder', () => {
  it('quarantines a damaged receipt and reports it while the rest load', async () => {
    const { project, dir, ids } = await populated(4);
    await project.close();
    // A sync tool replaces the file (write elsewhere, rename over): the folder changes, the app notices.
    const damaged = ids[1] ?? '';
    await writeFile(join(dir, 'results', 'incoming.tmp'), '{"id": "broken"');
    await rename(join(dir, 'results', 'incoming.tmp'), join(dir, 'results', `${damaged}.json`));

    const again = await openProject(dir);
    const ws = workspaceFor(again);
    let announced = 0;
    ws.results.onBackgroundChange(() => announced++);
    const report = await ws.results.load();
    expect(report).toMatchObject({ mode: 'cache', listed: true });
    // Replaced in place (same id): found by the check that runs after the first page, and announced.
    await ws.results.settled();
    expect(announced).toBe(1);
    expect(report.problems).toEqual([
      expect.objectContaining({
        file: `results/${damaged}.json`,
        reason: expect.stringMatching(/not valid JSON/),
      }),
    ]);
    expect(again.summary().problems).toHaveLength(1);
    const page = await ws.results.query(firstPage, await ws.catalog());
    expect(page.items.map((i) => i.id).sort()).toEqual(ids.filter((id) => id !== damaged).sort());
    const quarantined = await readdir(join(dir, '.studio', 'quarantine'));
    expect(await readFile(join(dir, '.studio', 'quarantine', quarantined[0] ?? ''), 'utf8')).toBe(
      '{"id": "broken"',
    );
    await again.close();
  });

  it('catches a receipt damaged in place with refresh, and when it is opened', async () => {
    const { project, ws, dir, ids } = await populated(3);
    const [a, b] = ids;
    await writeFile(join(dir, 'results', `${a}.json`), 'garbage'); // in place: no rename
    const refreshed = await ws.results.refresh();
    expect(refreshed).toMatchObject({
      changed: 1,
      problems: [expect.objectContaining({ file: `results/${a}.json` })],
    });
    expect(ws.results.count()).toBe(2);

    await writeFile(join(dir, 'results', `${b}.json`), '{}');
    await expect(ws.results.get(b ?? '')).rejects.toMatchObject({ code: 'PROJECT_DAMAGED' });
    expect(ws.results.count()).toBe(1);
    expect(project.problems.map((p) => p.file).sort()).toEqual(
      [`results/${a}.json`, `results/${b}.json`].sort(),
    );
    await project.close();
  });

  it('rebuilds a damaged index from the receipts', async () => {
    const { project, dir, ids } = await populated(5);
    await project.close();
    // Not a database at all (a disk error, a sync tool's conflict copy): made anew from the receipts.
    const indexFile = join(dir, '.studio', 'results-index.sqlite');
    await rm(`${indexFile}-wal`, { force: true });
    await rm(`${indexFile}-shm`, { force: true });
    await writeFile(indexFile, 'SQLite format 3\0 but then nothing of the sort'.repeat(200));
    const again = await openProject(dir);
    const ws = workspaceFor(again);
    expect(await ws.results.load()).toMatchObject({ mode: 'rebuilt', read: 5 });
    expect((await ws.results.query(firstPage, await ws.catalog())).items.map((i) => i.id)).toEqual(
      [...ids].reverse(),
    );
    expect(readIndexRows(dir).rows).toHaveLength(5);

    // A rebuild cut short (the app was killed during it) is never trusted: it runs again.
    const db = new Database(indexFile);
    db.exec(
      "DELETE FROM results WHERE id IN (SELECT id FROM results LIMIT 2); UPDATE meta SET value = 0 WHERE key = 'complete'",
    );
    db.close();
    const third = await reopen(again, dir);
    expect(await third.ws.results.load()).toMatchObject({ mode: 'rebuilt', read: 5 });
    expect(readIndexRows(dir).rows).toHaveLength(5);
    await third.project.close();
  });

  it('notices results deleted, added and images lost outside the app, on reopen and on refresh', async () => {
    const { project, dir, ids, mira, pose } = await populated(4);
    await project.close();
    const [gone, imageless, , template] = ids;
    await rm(join(dir, 'results', `${gone}.json`));
    await rm(join(dir, 'results', `${gone}.jpg`));
    await rm(join(dir, 'results', `${imageless}.jpg`));
    // Copied in from another project: a new receipt and image.
    const newcomer = newId();
    const json = JSON.parse(await readFile(join(dir, 'results', `${template}.json`), 'utf8'));
    await writeFile(
      join(dir, 'results', `${newcomer}.json`),
      JSON.stringify({ ...json, id: newcomer, file: `results/${newcomer}.jpg` }),
    );
    await copyFile(join(dir, 'results', `${template}.jpg`), join(dir, 'results', `${newcomer}.jpg`));

    const again = await openProject(dir);
    const ws = workspaceFor(again);
    expect(await ws.results.load()).toMatchObject({
      mode: 'cache',
      listed: true,
      added: 1,
      removed: 1,
      read: 1,
    });
    await ws.results.settled();
    const page = await ws.results.query(firstPage, await ws.catalog());
    expect(page.items.map((i) => i.id).sort()).toEqual(
      ids
        .filter((id) => id !== gone)
        .concat(newcomer)
        .sort(),
    );
    expect(page.items.find((i) => i.id === imageless)?.imageMissing).toBe(true);
    expect(page.items.find((i) => i.id === newcomer)?.imageMissing).toBe(false);

    // While open: another deletion (receipt and image), caught by refresh.
    await rm(join(dir, 'results', `${newcomer}.json`));
    await rm(join(dir, 'results', `${newcomer}.jpg`));
    expect(await ws.results.refresh()).toMatchObject({ removed: 1 });
    expect((await ws.results.query(firstPage, await ws.catalog())).total).toBe(3);
    // The fast path next time: nothing changed since the index was written.
    const third = await reopen(again, dir);
    expect(await third.ws.results.load()).toMatchObject({
      mode: 'cache',
      listed: false,
      read: 0,
      added: 0,
      removed: 0,
    });
    expect(
      (await third.ws.results.query(firstPage, await third.ws.catalog())).items.find(
        (i) => i.id === imageless,
      )?.imageMissing,
    ).toBe(true);
    expect(mira.id && pose.id).toBeTruthy();
    await third.project.close();
  });
});

describe('reviewing, querying, facets', () => {
  it('reviews many results at once, writing each JSON and the index, and undoes it', async () => {
    const { project, ws, dir, ids } = await populated(5);
    const chosen = ids.slice(0, 3);
    const outcome = await ws.results.review([...chosen, 'nosuchresult1'], {
      rating: 4,
      flag: 'pick',
      addTags: ['keeper', 'Hero'],
    });
    expect(outcome.updated.sort()).toEqual([...chosen].sort());
    expect(outcome.missing).toEqual(['nosuchresult1']);
    expect(outcome.previous.every((p) => p.rating === 0 && p.flag === 'none' && p.tags.length === 0)).toBe(
      true,
    );
    for (const id of chosen) {
      const json = ResultSchema.parse(JSON.parse(await readFile(join(dir, 'results', `${id}.json`), 'utf8')));
      expect(json.review).toEqual({ rating: 4, flag: 'pick', tags: ['keeper', 'Hero'] });
      expect(json.receipt.request.seed).toBeTypeOf('number'); // the rest of the receipt is intact
    }
    for (const e of readIndexRows(dir).rows) expect(e.rating).toBe(chosen.includes(e.id) ? 4 : 0);

    await ws.results.review(chosen.slice(0, 1), { removeTags: ['HERO'], flag: 'reject' });
    expect(JSON.parse(await readFile(join(dir, 'results', `${chosen[0]}.json`), 'utf8')).review).toEqual({
      rating: 4,
      flag: 'reject',
      tags: ['keeper'],
    });

    await ws.results.setReviews(outcome.previous);
    for (const id of chosen) {
      expect(JSON.parse(await readFile(join(dir, 'results', `${id}.json`), 'utf8')).review).toEqual({
        rating: 0,
        flag: 'none',
        tags: [],
      });
    }
    const again = await reopen(project, dir);
    await again.ws.results.load();
    expect((await again.ws.results.facets({}, await again.ws.catalog())).ratings).toEqual([5, 0, 0, 0, 0, 0]);
    await again.project.close();
  });

  it('filters, sorts, pages and counts', async () => {
    const { project, ws, ids, mira, pose } = await populated(6);
    const tom = await ws.characters.create({ name: 'Tom the baker' });
    const toms = [];
    for (let i = 0; i < 2; i++) {
      toms.push(
        (
          await addResult(
            project,
            draftFor({
              characterId: tom.id,
              poseId: pose.id,
              seed: 77 + i,
              createdAt: new Date(Date.UTC(2025, 1, 1 + i)).toISOString(),
            }),
            await resultJpeg(),
          )
        ).id,
      );
    }
    await ws.results.review([ids[0] ?? '', ids[1] ?? ''], { rating: 5, addTags: ['cover'] });
    await ws.results.review([ids[2] ?? ''], { rating: 3, flag: 'reject' });
    const cat = await ws.catalog();
    const q = (filter: object, extra: object = {}) =>
      ws.results.query({ ...firstPage, filter, ...extra }, cat);

    expect((await q({})).total).toBe(8);
    expect((await q({ characterIds: [tom.id] })).items.map((i) => i.id)).toEqual([...toms].reverse());
    expect((await q({ minRating: 4 })).items.map((i) => i.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect((await q({ flags: ['reject'] })).items.map((i) => i.id)).toEqual([ids[2]]);
    expect((await q({ tags: ['COVER'] })).total).toBe(2);
    expect((await q({ text: 'baker 78' })).items.map((i) => i.id)).toEqual([toms[1]]);
    expect(
      (await q({ from: '2025-01-03T00:00:00Z', to: '2025-01-05T00:00:00Z' })).items.map((i) => i.id),
    ).toEqual([ids[3], ids[2]]);
    expect((await q({ poseIds: [pose.id], characterIds: [mira.id] })).total).toBe(6);
    expect((await q({}, { sort: 'oldest', limit: 2 })).items.map((i) => i.id)).toEqual([ids[0], ids[1]]);
    expect((await q({}, { sort: 'rating', limit: 3 })).items.map((i) => i.id)).toEqual([
      ids[1],
      ids[0],
      ids[2],
    ]);
    const page2 = await q({}, { offset: 3, limit: 3 });
    expect(page2.total).toBe(8);
    expect(page2.items.map((i) => i.id)).toEqual([ids[4], ids[3], ids[2]]); // after toms[1], toms[0], ids[5]
    expect((await ws.results.queryIds({ characterIds: [mira.id] }, 'oldest', cat)).ids).toEqual(ids);

    const facets = await ws.results.facets({}, cat);
    expect(facets.total).toBe(8);
    expect(facets.characters).toEqual([
      { id: mira.id, name: 'Mira', inTrash: false, count: 6 },
      { id: tom.id, name: 'Tom the baker', inTrash: false, count: 2 },
    ]);
    expect(facets.poses).toEqual([
      { id: pose.id, name: 'three', libraryId: pose.libraryId, inTrash: false, count: 8 },
    ]);
    expect(facets.tags).toEqual([{ tag: 'cover', count: 2 }]);
    expect(facets.flags).toEqual({ none: 7, pick: 0, reject: 1 });
    expect(facets.ratings).toEqual([5, 0, 0, 1, 0, 2]);
    expect(facets.models).toEqual([{ id: 'consistent-character-ai-neolemon', count: 8 }]);
    await project.close();
  });
});

describe('trash and the results that point into it', () => {
  it('keeps results of a trashed character and says where it is; restoring clears it; results trash and restore whole', async () => {
    const { project, ws, dir, mira, ids, pose } = await populated(3);
    await ws.results.review([ids[0] ?? ''], { rating: 5 });
    const trashId = await ws.characters.trash(mira.id);
    let page = await ws.results.query(firstPage, await ws.catalog());
    expect(page.total).toBe(3);
    for (const item of page.items) {
      expect(item).toMatchObject({
        characterName: 'Mira',
        characterInTrash: true,
        characterTrashId: trashId,
      });
    }
    expect((await ws.results.facets({}, await ws.catalog())).characters).toEqual([
      { id: mira.id, name: 'Mira', inTrash: true, count: 3 },
    ]);

    // Trash the pose as well: the results say so too.
    const poseTrash = await ws.poses.trashPoses([pose.id]);
    page = await ws.results.query(firstPage, await ws.catalog());
    expect(page.items[0]).toMatchObject({
      poseName: 'three',
      poseInTrash: true,
      poseTrashId: poseTrash,
      poseKind: 'sheet',
      poseFigures: 3,
    });

    await ws.restore(trashId);
    await ws.restore(poseTrash);
    page = await ws.results.query(firstPage, await ws.catalog());
    expect(page.items[0]).toMatchObject({ characterInTrash: false, poseInTrash: false });
    expect(page.items[0]?.characterTrashId).toBeUndefined();

    // Results themselves: two go to the trash as one entry and come back with their reviews.
    const resultsTrash = await ws.results.trash([ids[0] ?? '', ids[1] ?? ''], await ws.catalog());
    expect((await ws.results.query(firstPage, await ws.catalog())).items.map((i) => i.id)).toEqual([ids[2]]);
    expect((await readdir(join(dir, 'results'))).sort()).toEqual([`${ids[2]}.jpg`, `${ids[2]}.json`]);
    expect((await ws.trashView()).find((e) => e.id === resultsTrash)).toMatchObject({
      kind: 'results',
      label: '2 results',
      count: 2,
    });
    await ws.restore(resultsTrash);
    const restored = await ws.results.query(firstPage, await ws.catalog());
    expect(restored.items.map((i) => i.id)).toEqual([...ids].reverse());
    expect(restored.items.find((i) => i.id === ids[0])?.rating).toBe(5);

    // Emptying is permanent: files and thumbnails go; the results of a character deleted for good stay.
    const again = await ws.results.trash([ids[2] ?? ''], await ws.catalog());
    const gone = await ws.characters.trash(mira.id);
    expect(await ws.emptyTrash()).toBe(2);
    expect(await readdir(join(dir, 'trash'))).toEqual([]);
    await expect(stat(join(dir, '.studio', 'thumbs', `${ids[2]}.webp`))).rejects.toThrow();
    await expect(ws.restore(again)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    page = await ws.results.query(firstPage, await ws.catalog());
    expect(page.total).toBe(2);
    expect(page.items[0]).toMatchObject({ characterName: null, characterInTrash: false });
    expect(gone).toBeTruthy();
    await project.close();
  });
});

describe('cutting a result sheet', () => {
  it('cuts each figure into a new result with cutFrom, once', async () => {
    const { project, ws, dir, mira, pose, sheet } = await populated(0);
    // The result: the sheet redrawn at twice its size, figures in place (what V1 answers).
    const resultImage = await sharp(sheet.png).resize(1536, 768).jpeg().toBuffer();
    const parent = await addResult(project, draftFor({ characterId: mira.id, poseId: pose.id }), resultImage);
    const geometry = await ws.poseGeometry(pose.id);
    if (!geometry) throw new Error('no geometry');
    const { created, existing } = await ws.results.cut(parent.id, geometry, { padding: 0 });
    expect(existing).toEqual([]);
    expect(created.map((c) => c.cutFrom?.figureIndex)).toEqual([0, 1, 2]);
    for (const [i, cut] of created.entries()) {
      const box = pose.figures[i];
      if (!box) throw new Error('missing box');
      expect(cut.cutFrom?.resultId).toBe(parent.id);
      expect(cut.cutFrom?.box).toEqual({
        x: box.x * 2,
        y: box.y * 2,
        width: box.width * 2,
        height: box.height * 2,
      });
      expect(cut.file).toBe(`results/${cut.id}.png`);
      const meta = await sharp(join(dir, cut.file)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', box.width * 2, box.height * 2]);
      expect(cut).toMatchObject({ characterId: mira.id, poseId: pose.id, receipt: parent.receipt });
    }
    const cat = await ws.catalog();
    const cuts = await ws.results.query({ ...firstPage, filter: { source: 'cuts' } }, cat);
    expect(cuts.total).toBe(3);
    expect(cuts.items.every((i) => i.cost === 0)).toBe(true);
    expect(ws.results.cutsOf(parent.id).sort()).toEqual(created.map((c) => c.id).sort());

    const second = await ws.results.cut(parent.id, geometry, { figures: [1] });
    expect(second).toEqual({ created: [], existing: [created[1]?.id] });
    await project.close();
  });
});
