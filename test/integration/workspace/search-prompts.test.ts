/**
 * Issue 8, search: "parrot" found nothing though a prompt said it. The gallery's search words now match
 * the prompts a result's receipt sent (any case), beside names, tags, model, seed and id; after a
 * rating (which leaves the prompt's row alone), a reopen and a rebuild of the index from the receipts.
 * Parts of words, tags, seeds and the model are found through the index's full-text table; a query made
 * of full-text syntax is only text: it finds what holds it, and never fails.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../../src/library/project-store';
import { addResult, workspaceFor, type Workspace } from '../../../src/library/workspace';
import { RESULTS_INDEX_VERSION } from '../../../src/library/workspace/results-index-db';
import { ftsTrigrams } from '../../../src/library/workspace/results/result-sql';
import { useTempDirs } from '../../helpers/temp-dir';
import { draftFor, newProject, reopen, resultJpeg } from './support';

const tempDir = useTempDirs();

describe('searching results by their prompts', () => {
  it('finds a word of the prompt, in any case, with other words narrowing it, and keeps finding it', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const add = async (prompt: string) =>
      addResult(
        project,
        draftFor({ characterId: mira.id, poseId: 'posepose01', prompt }),
        await resultJpeg(),
      );
    const parrot = await add('A girl with a GREEN Parrot on her shoulder, 2D illustration style');
    const coat = await add('A girl in a red coat, watercolor');
    await add('A lighthouse at night');

    const search = async (text: string, w = ws) =>
      (
        await w.results.query({ filter: { text }, sort: 'newest', offset: 0, limit: 50 }, await w.catalog())
      ).items
        .map((i) => i.id)
        .sort();
    expect(await search('parrot')).toEqual([parrot.id]);
    expect(await search('Green PARROT')).toEqual([parrot.id]);
    expect(await search('girl')).toEqual([parrot.id, coat.id].sort());
    expect(await search('girl watercolor')).toEqual([coat.id]);
    expect(await search('mira parrot')).toEqual([parrot.id]); // the character's name and a prompt word
    expect(await search('parrot coat')).toEqual([]);

    await ws.results.review([parrot.id], { rating: 4 });
    expect(await search('parrot')).toEqual([parrot.id]);
    const again = await reopen(project, dir);
    expect(await search('parrot', again.ws)).toEqual([parrot.id]);
    await again.ws.results.rebuild();
    expect(await search('parrot', again.ws)).toEqual([parrot.id]);
    await again.project.close();
  });

  it('finds parts of words, tags, seeds, names and the model; syntax is only text; follows every change', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const add = async (prompt: string, seed: number) =>
      addResult(
        project,
        draftFor({ characterId: mira.id, poseId: 'posepose01', prompt, seed }),
        await resultJpeg(),
      );
    const parrot = await add('A girl with a green parrot (zq), "quoted" (NEAR) -minus * star', 4898558797);
    const coat = await add('A girl in a red coat, watercolour', 1234567);
    const same = await add('A girl in a red coat, watercolour', 7654321); // the same prompt, kept once
    const search = async (text: string, w: Workspace = ws) =>
      (
        await w.results.query({ filter: { text }, sort: 'newest', offset: 0, limit: 50 }, await w.catalog())
      ).items
        .map((i) => i.id)
        .sort();
    const all = [parrot.id, coat.id, same.id].sort();

    expect(await search('parr')).toEqual([parrot.id]); // the start of a word
    expect(await search('arro')).toEqual([parrot.id]); // its middle
    expect(await search('colour')).toEqual([coat.id, same.id].sort());
    expect(await search('zq')).toEqual([parrot.id]); // two letters: no trigram, still found
    expect(await search('4898558797')).toEqual([parrot.id]); // a seed
    expect(await search('34567')).toEqual([coat.id]); // part of a seed
    expect(await search('neolemon')).toEqual(all); // the model
    expect(await search('MIRA')).toEqual(all); // the character's name
    expect(await search(parrot.id.slice(-6))).toEqual([parrot.id]); // the id
    // Full-text query syntax is read as the text it is: found where the prompt holds it, else nothing.
    expect(await search('"quoted"')).toEqual([parrot.id]);
    expect(await search('(near)')).toEqual([parrot.id]);
    expect(await search('-minus')).toEqual([parrot.id]);
    expect(await search('*')).toEqual([parrot.id]);
    expect(await search('NEAR(parrot')).toEqual([]);
    for (const hostile of ['"', '""', 'NEAR(', 'AND', 'OR', '-', '^x', 'col:x', "';DROP", '"*', '\\']) {
      const found = await search(`girl ${hostile}`);
      expect(found.every((id) => all.includes(id))).toBe(true);
    }

    // Tags: added, found (any case, part of one), removed, not found; the prompt still is.
    await ws.results.review([coat.id], { addTags: ['Zebra Cover'] });
    expect(await search('ZEBRA')).toEqual([coat.id]);
    expect(await search('ebr')).toEqual([coat.id]);
    await ws.results.review([coat.id], { removeTags: ['Zebra Cover'] });
    expect(await search('zebra')).toEqual([]);
    expect(await search('watercolour')).toEqual([coat.id, same.id].sort());

    // Trashed: gone from the search; restored: back.
    const trashId = await ws.results.trash([parrot.id], await ws.catalog());
    expect(await search('parrot')).toEqual([]);
    await ws.restore(trashId);
    expect(await search('parrot')).toEqual([parrot.id]);

    // The index keeps each distinct search text once (the two red coats share theirs).
    await project.close();
    const db = new Database(join(dir, '.studio', 'results-index.sqlite'), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(RESULTS_INDEX_VERSION);
      expect(db.prepare('SELECT count(DISTINCT doc_n) FROM results').pluck().get()).toBe(2);
    } finally {
      db.close();
    }
    const again = await openProject(dir);
    expect(await search('arro', workspaceFor(again))).toEqual([parrot.id]);
    await again.close();
  });

  it('rebuilds an index of the version before (prompts in result_text) into the full-text one', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const parrot = await addResult(
      project,
      draftFor({ characterId: mira.id, poseId: 'posepose01', prompt: 'a parrot' }),
      await resultJpeg(),
    );
    await project.close();
    // What version 5 left: its own text table, and its version number.
    const file = join(dir, '.studio', 'results-index.sqlite');
    const old = new Database(file);
    old.exec(
      'DROP TABLE search_fts; DROP TABLE search_docs; CREATE TABLE result_text (result_id TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID',
    );
    old.pragma('user_version = 5');
    old.close();
    const again = await openProject(dir);
    const w = workspaceFor(again);
    await w.results.settled();
    const found = await w.results.query(
      { filter: { text: 'parr' }, sort: 'newest', offset: 0, limit: 10 },
      await w.catalog(),
    );
    expect(found.items.map((i) => i.id)).toEqual([parrot.id]);
    await again.close();
  });
});

describe('a word as a full-text query', () => {
  it('is every three characters of it, each quoted, so nothing in it is syntax', () => {
    expect(ftsTrigrams('parrot')).toBe('"par" AND "arr" AND "rro" AND "rot"');
    expect(ftsTrigrams('ab')).toBeNull();
    expect(ftsTrigrams('a"b"')).toBe('"a""b" AND """b"""');
    expect(ftsTrigrams('aaaa')).toBe('"aaa"'); // each trigram once
    expect(ftsTrigrams('おうむ返し')).toBe('"おうむ" AND "うむ返" AND "む返し"'); // characters, not bytes
    expect(ftsTrigrams('NEAR(x')).toBe('"NEA" AND "EAR" AND "AR(" AND "R(x"');
  });

  it('remakes an index whose full-text table SQLite cannot read, and still finds what the receipts say', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const mira = await ws.characters.create({ name: 'Mira' });
    const parrot = await addResult(
      project,
      draftFor({ characterId: mira.id, poseId: 'posepose01', prompt: 'A girl with a green parrot' }),
      await resultJpeg(),
    );
    await project.close();
    // Damaged as another program could leave it (SQLite's defensive mode, on in the app, forbids this):
    // the full-text table's settings gone, while everything the open checks still looks right.
    const { execFileSync } = await import('node:child_process');
    execFileSync('python3', [
      '-c',
      'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM search_fts_config"); c.commit()',
      join(dir, '.studio', 'results-index.sqlite'),
    ]);
    const again = await reopen(project, dir);
    const query = async (text: string) =>
      (
        await again.ws.results.query(
          { filter: { text }, sort: 'newest', offset: 0, limit: 50 },
          await again.ws.catalog(),
        )
      ).items.map((i) => i.id);
    expect(await query('parrot')).toEqual([parrot.id]);
    expect(await query('parr')).toEqual([parrot.id]);
    await again.project.close();
  });
});
