/**
 * The gallery's queries in SQL agree with the plain reference (result-query-reference.ts: the filters,
 * sorts, stacks and counts as the app computed them over an array before) on random projects and random
 * filters: every page, the selection, the stack places and the facet counts. And the counts the index
 * keeps between changes (by difference, never counting again) stay equal to the reference's after every
 * kind of change.
 */
import { readdir, stat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ResultFacets,
  ResultFilter,
  ResultSort,
  ResultSummary,
} from '../../../src/contract/calls/workspace';
import { ResultSchema } from '../../../src/domain';
import { readJsonFile } from '../../../src/library/json-file';
import type { ProjectHandle } from '../../../src/library/project-store';
import { addResult, type Workspace } from '../../../src/library/workspace';
import { entryOf, type IndexEntry } from '../../../src/library/workspace/result-index-file';
import { emptyCatalog, type Catalog } from '../../../src/library/workspace/result-query';
import { seeded } from '../../bench/synthetic-project';
import { useSuiteTempDirs, useTempDirs } from '../../helpers/temp-dir';
import { projectWithRows } from './index-rows';
import { arrangeStacks, compileFilter, facetsOf, sortEntries, stackPlace } from './result-query-reference';
import { draftFor, newProject, reopen, resultJpeg } from './support';

const SORTS: ResultSort[] = ['newest', 'oldest', 'rating'];

const cat: Catalog = emptyCatalog();
cat.version = 1;
cat.characters.set('charmira1', { name: 'Mira the Brave' });
cat.characters.set('charotto1', { name: 'Otto' });
cat.trashed.set('chartom01', { trashId: 'trash0001', name: 'Tom' });
cat.poses.set('posewalk1', { name: 'Walk cycle', libraryId: 'library01', kind: 'sheet', figures: 5 });
cat.poses.set('posesit01', { name: 'Sitting', libraryId: 'library01', kind: 'single', figures: 1 });
cat.poses.set('poserun01', { name: 'Run', libraryId: 'library02', kind: 'sheet', figures: 3 });
cat.trashed.set('posejump1', {
  trashId: 'trash0002',
  name: 'Jump',
  libraryId: 'library02',
  kind: 'single',
  figures: 1,
});
const CHARACTERS = ['charmira1', 'charotto1', 'chartom01', 'charghost'];
const POSES = ['posewalk1', 'posesit01', 'poserun01', 'posejump1', 'poseghost'];
const TAGS = ['Cover', 'cover', 'hero shot', 'Night', 'draft', 'ünïcode'];
const MODELS = ['v1', 'v3', 'Model-X'];
const FLAGS = ['none', 'pick', 'reject'] as const;
/** Prompts as receipts send them (folded to lower case, as the index keeps them); some results have none. */
const PROMPTS = [
  'a girl with a green parrot on her shoulder, walking',
  'mira in a red coat, 2d illustration style',
  'a lighthouse keeper at night, watercolor\nblurry, extra fingers',
  'héroïne ünïcode cape',
];

/** A random project: sheets, cuts of them, a few cuts of cuts, ties in time, tags in mixed case. */
function randomEntries(count: number, random: () => number): IndexEntry[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const out: IndexEntry[] = [];
  const base = Date.parse('2025-03-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    // Some share a millisecond: then the id decides.
    const t = base + Math.floor(random() * count * 0.7) * 1000;
    const tags = [...new Set(Array.from({ length: Math.floor(random() * 3) }, () => pick(TAGS)))].filter(
      (tag, k, all) => all.findIndex((x) => x.toLowerCase() === tag.toLowerCase()) === k,
    );
    const entry: IndexEntry = {
      id: `${t.toString(36)}${i.toString(36).padStart(4, '0')}`,
      file: `results/r${i}.jpg`,
      width: 100,
      height: 100,
      createdAt: new Date(t).toISOString(),
      t,
      modelId: pick(MODELS),
      characterId: pick(CHARACTERS),
      poseId: pick(POSES),
      rating: Math.floor(random() * 6),
      flag: pick(FLAGS),
      tags,
      seed: random() < 0.2 ? null : Math.floor(random() * 100_000),
      cost: 0.1,
      m: 0,
      s: 0,
    };
    if (random() < 0.7) entry.text = pick(PROMPTS);
    const earlier = out.slice(0, i);
    if (earlier.length > 0 && random() < 0.35) {
      const sheets = earlier.filter((e) => !e.cutFrom || random() < 0.05);
      const sheet = sheets.length > 0 ? pick(sheets) : pick(earlier);
      entry.cutFrom = {
        resultId: sheet.id,
        figureIndex: Math.floor(random() * 4),
        box: { x: 0, y: 0, width: 10, height: 10 },
      };
    }
    out.push(entry);
  }
  return out;
}

function randomFilter(random: () => number, entries: IndexEntry[]): ResultFilter {
  const some = <T>(list: readonly T[], most = 2): T[] =>
    list.filter(() => random() < most / list.length).slice(0, most);
  const filter: ResultFilter = {};
  const maybe = (p = 0.2) => random() < p;
  if (maybe()) filter.characterIds = some(CHARACTERS);
  if (maybe()) filter.poseIds = some(POSES);
  if (maybe()) filter.libraryIds = some(['library01', 'library02']);
  if (maybe()) filter.minRating = Math.floor(random() * 4);
  if (maybe()) filter.maxRating = 2 + Math.floor(random() * 4);
  if (maybe()) filter.flags = some(FLAGS);
  if (maybe(0.15)) filter.tags = some(['COVER', 'night', 'hero shot'], 1);
  if (maybe(0.15)) filter.modelIds = some(MODELS);
  if (maybe(0.15)) filter.from = new Date(Date.parse('2025-03-01T00:00:00Z') + 40_000).toISOString();
  if (maybe(0.15)) filter.to = new Date(Date.parse('2025-03-01T00:00:00Z') + 120_000).toISOString();
  if (maybe(0.25))
    filter.text = some(
      // Names, tags, models (any case), seeds, ids, prompts; words of one and two characters (no
      // trigram: the texts are scanned), parts of words (the trigram index), and full-text query syntax
      // that must be read as plain text.
      [
        ...['mira', 'walk', 'cover', 'x', '7', 'tom ', 'ünï', 'jump', 'hero', 'parrot', 'coat', 'fingers'],
        ...['parr', 'arro', 'odel-x', 'v3', '12', 'fing', 'ïcode', 'ght,', 'r\nb', 'er,'],
        ...['"', 'a*', 'near(', '-', 'girl"', '"parrot"', "'", 'or', 'and', 'not', '(a', '^', ':'],
      ],
      2,
    ).join(' ');
  if (maybe(0.15)) filter.source = some(['all', 'generated', 'cuts'] as const, 1)[0] ?? 'all';
  if (maybe(0.1))
    filter.cutFromIds = some(
      entries.map((e) => e.id),
      3,
    );
  if (maybe(0.1))
    filter.ids = some(
      entries.map((e) => e.id),
      40,
    );
  if (maybe(0.6)) {
    filter.stackCuts = true;
    const sheets = entries.filter((e) => entries.some((c) => c.cutFrom?.resultId === e.id)).map((e) => e.id);
    if (maybe(0.7))
      filter.expandedStacks = [
        ...some(sheets, 4),
        ...some(
          entries.map((e) => e.id),
          1,
        ),
      ];
  }
  return filter;
}

/** The reference's list, as the app laid it out before. */
function referenceList(entries: IndexEntry[], filter: ResultFilter, sort: ResultSort): IndexEntry[] {
  const newest = sortEntries(entries, 'newest', false);
  return arrangeStacks(sortEntries(newest.filter(compileFilter(filter, cat)), sort, true), filter);
}

/** Facets compared as sets: ties in count may come in another order, a tag's case is either seen. */
const comparable = (f: ResultFacets) => ({
  total: f.total,
  characters: [...f.characters].sort((a, b) => a.id.localeCompare(b.id)),
  poses: [...f.poses].sort((a, b) => a.id.localeCompare(b.id)),
  models: [...f.models].sort((a, b) => a.id.localeCompare(b.id)),
  flags: f.flags,
  ratings: f.ratings,
  tags: f.tags.map((t) => `${t.tag.toLowerCase()}:${t.count}`).sort(),
});

async function pagedThrough(
  ws: Workspace,
  filter: ResultFilter,
  sort: ResultSort,
  pageSize: number,
  c: Catalog = cat,
): Promise<ResultSummary[]> {
  const items: ResultSummary[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await ws.results.query({ filter, sort, offset, limit: pageSize }, c);
    items.push(...page.items);
    if (offset + pageSize >= page.total) {
      expect(items).toHaveLength(page.total);
      return items;
    }
  }
}

describe('the gallery queries in SQL agree with the reference', () => {
  const tempDir = useSuiteTempDirs();
  const random = seeded(2024);
  const entries = randomEntries(400, random);
  let project: ProjectHandle;
  let ws: Workspace;
  beforeAll(async () => {
    ({ project, ws } = await projectWithRows(tempDir, entries));
  });
  afterAll(() => project.close());

  it('on 150 random filters, each in every sort: every page, the selection, stacks and counts', async () => {
    let nonEmpty = 0;
    let stacked = 0;
    for (let round = 0; round < 150; round++) {
      const filter = randomFilter(random, entries);
      const facets = await ws.results.facets(filter, cat);
      for (const sort of SORTS) {
        const expected = referenceList(entries, filter, sort);
        const pageSize = 1 + Math.floor(random() * 60);
        const items = await pagedThrough(ws, filter, sort, pageSize);
        const why = `${JSON.stringify(filter)} sorted ${sort}, pages of ${pageSize}`;
        expect(
          items.map((i) => i.id),
          why,
        ).toEqual(expected.map((e) => e.id));
        expect(
          items.map((i) => ({ stack: i.stack, inStack: i.inStack })),
          why,
        ).toEqual(
          expected
            .map((e) => ({ ...stackPlace(expected, e.id) }))
            .map((p) => ({
              stack: p.stack,
              inStack: p.inStack,
            })),
        );
        expect((await ws.results.queryIds(filter, sort, cat)).ids, why).toEqual(expected.map((e) => e.id));
        if (sort === 'newest') expect(comparable(facets), why).toEqual(comparable(facetsOf(expected, cat)));
        if (expected.length > 0) nonEmpty++;
        if (items.some((i) => i.stack?.expanded)) stacked++;
      }
    }
    // The random filters did reach lists worth comparing, open stacks among them.
    expect(nonEmpty).toBeGreaterThan(200);
    expect(stacked).toBeGreaterThan(30);
  });
});

describe('the counts kept between changes', () => {
  const tempDir = useTempDirs();

  /** Every receipt in results/, read as the index would: what the reference counts. */
  async function receiptsOf(dir: string): Promise<IndexEntry[]> {
    const names = (await readdir(join(dir, 'results'))).filter((n) => n.endsWith('.json'));
    const out: IndexEntry[] = [];
    for (const name of names) {
      const file = join(dir, 'results', name);
      const read = await readJsonFile(file, ResultSchema);
      if (read.ok) out.push(entryOf(read.value, await stat(file)));
    }
    return out;
  }

  it('equal a count from scratch after reviews, cuts, trash, restore and an outside deletion', async () => {
    const { project, ws, dir } = await newProject(tempDir);
    const random = seeded(99);
    const jpeg = await resultJpeg(16, 16);
    const character = await ws.characters.create({ name: 'Mira' });
    const library = await ws.poses.create('Poses');
    const sheets: string[] = [];
    const all: string[] = [];
    for (let i = 0; i < 40; i++) {
      const draft = draftFor({
        characterId: character.id,
        poseId: library.id,
        createdAt: new Date(Date.parse('2025-05-01T00:00:00Z') + i * 1000).toISOString(),
      });
      const sheet = sheets.length > 0 && random() < 0.4 ? sheets[Math.floor(random() * sheets.length)] : null;
      if (sheet)
        draft.cutFrom = { resultId: sheet, figureIndex: i % 3, box: { x: 0, y: 0, width: 4, height: 4 } };
      else sheets.push(draft.id);
      await addResult(project, draft, jpeg);
      all.push(draft.id);
    }
    const filters: ResultFilter[] = [
      {},
      { stackCuts: true, expandedStacks: sheets.slice(0, 3) },
      { stackCuts: true, minRating: 2 },
    ];
    const check = async (step: string) => {
      const c = await ws.catalog();
      const receipts = await receiptsOf(dir);
      for (const filter of filters) {
        const expected = referenceList(receipts, filter, 'newest');
        const facets = await ws.results.facets(filter, c);
        const page = await ws.results.query({ filter, sort: 'newest', offset: 0, limit: 5 }, c);
        expect(page.total, `${step}: ${JSON.stringify(filter)}`).toBe(expected.length);
        expect(comparable(facets), `${step}: ${JSON.stringify(filter)}`).toEqual(
          comparable(facetsOf(expected, c)),
        );
      }
    };
    const atStart = ws.results.countedFromScratch;
    await check('first count');
    // Each filter was counted at most once (the whole project's counts are kept from its creation on);
    // from here on every change only adjusts them.
    const counted = ws.results.countedFromScratch;
    expect(counted - atStart).toBeLessThanOrEqual(filters.length);
    const pickSome = (n: number) => all.filter(() => random() < n / all.length);
    await ws.results.review(pickSome(10), { rating: 3, addTags: ['Hero'] });
    await check('rated and tagged');
    await ws.results.review(pickSome(8), { rating: 1, flag: 'reject', removeTags: ['hero'] });
    await check('rated down, untagged');
    const trashed = await ws.results.trash(sheets.slice(0, 2), await ws.catalog());
    await check('two sheets trashed (their cuts come out of the stacks)');
    await ws.restore(trashed);
    await check('restored');
    const gone = sheets[3] ?? '';
    await rm(join(dir, 'results', `${gone}.json`));
    await ws.results.refresh();
    await check('a receipt deleted by another program, then a refresh');
    expect(ws.results.countedFromScratch).toBe(counted);

    // Opened again, the whole project's counts and the gallery's default list are read, not counted.
    const again = await reopen(project, dir);
    const c = await again.ws.catalog();
    const receipts = await receiptsOf(dir);
    const facets = await again.ws.results.facets({}, c);
    expect(comparable(facets)).toEqual(comparable(facetsOf(referenceList(receipts, {}, 'newest'), c)));
    const page = await again.ws.results.query(
      { filter: { stackCuts: true }, sort: 'newest', offset: 0, limit: 5 },
      c,
    );
    expect(page.total).toBe(referenceList(receipts, { stackCuts: true }, 'newest').length);
    expect(again.ws.results.countedFromScratch).toBe(0);
    await again.project.close();
  });
});
