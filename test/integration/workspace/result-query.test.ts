import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultFilter, ResultSort } from '../../../src/contract/calls/workspace';
import type { ProjectHandle } from '../../../src/library/project-store';
import type { Workspace } from '../../../src/library/workspace';
import { emptyCatalog, summarize } from '../../../src/library/workspace/result-query';
import type { IndexEntry } from '../../../src/library/workspace/result-index-file';
import { useSuiteTempDirs } from '../../helpers/temp-dir';
import { entryMaker, projectWithRows } from './index-rows';

const tempDir = useSuiteTempDirs();

const e = entryMaker({
  base: Date.UTC(2025, 0, 0),
  stepMs: 86_400_000,
  seedFrom: 100,
  width: 10,
  height: 10,
});

const cat = emptyCatalog();
cat.characters.set('charmira1', { name: 'Mira' });
cat.poses.set('posewalk1', { name: 'Walk cycle', libraryId: 'library01', kind: 'sheet', figures: 5 });
cat.trashed.set('chartom01', { trashId: 'trash0001', name: 'Tom' });
cat.trashed.set('posejump1', {
  trashId: 'trash0002',
  name: 'Jump',
  libraryId: 'library02',
  kind: 'single',
  figures: 1,
});

const entries = [
  e({ rating: 5, tags: ['Cover'], flag: 'pick' }),
  e({ characterId: 'chartom01', rating: 2 }),
  e({ poseId: 'posejump1', flag: 'reject' }),
  e({
    cutFrom: { resultId: 'result0001', figureIndex: 0, box: { x: 0, y: 0, width: 1, height: 1 } },
    modelId: 'v3',
  }),
].reverse(); // newest first, as the index keeps them

const ids = (list: readonly { id: string }[]) => list.map((x) => x.id);

let project: ProjectHandle;
let ws: Workspace;
beforeAll(async () => {
  ({ project, ws } = await projectWithRows(tempDir, entries));
});
afterAll(() => project.close());

/** The filtered, sorted list, read through the index's SQL. */
const query = async (filter: ResultFilter, sort: ResultSort = 'newest') =>
  (await ws.results.query({ filter, sort, offset: 0, limit: 100 }, cat)).items;

describe('result filters', () => {
  it.each([
    [{}, 4],
    [{ characterIds: ['chartom01'] }, 1],
    [{ libraryIds: ['library02'] }, 1],
    [{ minRating: 2 }, 2],
    [{ maxRating: 0 }, 2],
    [{ flags: ['pick', 'reject'] }, 2],
    [{ tags: ['cover'] }, 1],
    [{ tags: ['cover', 'other'] }, 0],
    [{ modelIds: ['v3'] }, 1],
    [{ source: 'cuts' }, 1],
    [{ source: 'generated' }, 3],
    [{ cutFromIds: ['result0001'] }, 1],
    [{ text: 'tom' }, 1],
    [{ text: 'jump' }, 1],
    [{ text: 'mira walk' }, 2],
    [{ text: '101' }, 1],
    [{ ids: ['result0001', 'result0002'], minRating: 3 }, 1],
  ] as const)('%j matches %i', async (filter, count) => {
    expect(await query(filter as ResultFilter)).toHaveLength(count);
  });

  it('dates: from inclusive, to exclusive', async () => {
    const from = entries[2]?.createdAt ?? '';
    const to = entries[0]?.createdAt ?? '';
    expect(ids(await query({ from, to }))).toEqual([entries[1]?.id, entries[2]?.id]);
  });
});

describe('sorting', () => {
  it('newest first, oldest first, and by rating then newest', async () => {
    expect(ids(await query({}, 'newest'))).toEqual(ids(entries));
    expect(ids(await query({}, 'oldest'))).toEqual(ids([...entries].reverse()));
    expect(ids(await query({}, 'rating'))).toEqual(['result0001', 'result0002', 'result0004', 'result0003']);
  });
});

describe('summaries and facets', () => {
  it('name what a result points at, in the trash or not', () => {
    const [cut, jumped, toms] = entries;
    expect(summarize(toms as IndexEntry, cat, false)).toMatchObject({
      characterName: 'Tom',
      characterInTrash: true,
      characterTrashId: 'trash0001',
      poseName: 'Walk cycle',
      poseKind: 'sheet',
      poseFigures: 5,
    });
    expect(summarize(jumped as IndexEntry, cat, true)).toMatchObject({
      poseName: 'Jump',
      poseInTrash: true,
      poseTrashId: 'trash0002',
      imageMissing: true,
      thumbFile: '.studio/thumbs/result0003.webp',
    });
    const gone = summarize({ ...(cut as IndexEntry), characterId: 'nobody123' }, cat, false);
    expect(gone).toMatchObject({ characterName: null, characterInTrash: false });
    expect(gone.characterTrashId).toBeUndefined();
  });

  it('count characters, poses, tags, models, flags and ratings', async () => {
    const f = await ws.results.facets({}, cat);
    expect(f.total).toBe(4);
    expect(f.characters).toEqual([
      { id: 'charmira1', name: 'Mira', inTrash: false, count: 3 },
      { id: 'chartom01', name: 'Tom', inTrash: true, count: 1 },
    ]);
    expect(f.poses).toContainEqual({
      id: 'posejump1',
      name: 'Jump',
      libraryId: 'library02',
      inTrash: true,
      count: 1,
    });
    expect(f.tags).toEqual([{ tag: 'Cover', count: 1 }]);
    expect(f.models).toEqual([
      { id: 'v1', count: 3 },
      { id: 'v3', count: 1 },
    ]);
    expect(f.flags).toEqual({ none: 2, pick: 1, reject: 1 });
    expect(f.ratings).toEqual([2, 0, 1, 0, 0, 1]);
  });
});
