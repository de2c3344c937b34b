/**
 * Issue 8, search: "parrot" found nothing though a prompt said it. The gallery's search words now match
 * the prompts a result's receipt sent (any case), beside names, tags, model, seed and id; after a
 * rating (which leaves the prompt's row alone), a reopen and a rebuild of the index from the receipts.
 */
import { describe, expect, it } from 'vitest';
import { addResult } from '../../../src/library/workspace';
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
});
