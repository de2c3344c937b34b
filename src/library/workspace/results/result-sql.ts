import type { ResultFacets, ResultFilter, ResultSort } from '../../../contract/calls/workspace';
import type { Flag } from '../../../domain';
import type { Catalog } from '../result-query';
import type { CountRow, SqlParams } from '../results-index-db';

/**
 * The gallery's filters, sorts, stacks and counts as SQL over the index (results-index-db.ts), so a
 * query at 1,000,000 results reads the rows it shows instead of holding every result in memory.
 *
 * Names (of characters and poses) live in the catalog, not in the index: a filter that names them (a
 * library, words of text) is turned into the ids whose names match before it reaches SQL.
 */

/** A filter as SQL, with its named parameters. */
export interface FilterSql {
  /** The condition on the results row named `a` (a stacked list tests a cut and, as `s`, its sheet). */
  matches(a: string): string;
  params: SqlParams;
  /** `stackCuts`: a cut whose sheet is in the list is not listed on its own. */
  stacked: boolean;
}

const listParam = (name: string): string => `(SELECT value FROM json_each(@${name}))`;

/** Compiles a filter for the catalog it names things in. Every value is bound, never spliced in. */
export function filterSql(filter: ResultFilter, cat: Catalog): FilterSql {
  const params: SqlParams = {};
  const parts: ((a: string) => string)[] = [];
  const inList = (column: string, name: string, values: readonly unknown[] | undefined): void => {
    if (!values || values.length === 0) return;
    params[name] = JSON.stringify([...new Set(values)]);
    parts.push((a) => `${a}.${column} IN ${listParam(name)}`);
  };
  inList('id', 'ids', filter.ids);
  inList('character_id', 'characters', filter.characterIds);
  inList('pose_id', 'poses', filter.poseIds);
  if (filter.libraryIds && filter.libraryIds.length > 0) {
    const libraries = new Set(filter.libraryIds);
    const poses: string[] = [];
    for (const [id, pose] of cat.poses) if (libraries.has(pose.libraryId)) poses.push(id);
    for (const [id, item] of cat.trashed)
      if (!cat.poses.has(id) && item.libraryId !== undefined && libraries.has(item.libraryId)) poses.push(id);
    params.libraryPoses = JSON.stringify(poses);
    parts.push((a) => `${a}.pose_id IN ${listParam('libraryPoses')}`);
  }
  if (filter.minRating !== undefined) {
    params.minRating = filter.minRating;
    parts.push((a) => `${a}.rating >= @minRating`);
  }
  if (filter.maxRating !== undefined) {
    params.maxRating = filter.maxRating;
    parts.push((a) => `${a}.rating <= @maxRating`);
  }
  inList('flag', 'flags', filter.flags);
  inList('model_id', 'models', filter.modelIds);
  inList('batch_id', 'batches', filter.batchIds);
  if (filter.from) {
    params.from = Date.parse(filter.from);
    parts.push((a) => `${a}.t >= @from`);
  }
  if (filter.to) {
    params.to = Date.parse(filter.to);
    parts.push((a) => `${a}.t < @to`);
  }
  if (filter.source === 'generated') parts.push((a) => `${a}.cut_from_id IS NULL`);
  if (filter.source === 'cuts') parts.push((a) => `${a}.cut_from_id IS NOT NULL`);
  inList('cut_from_id', 'cutFrom', filter.cutFromIds);
  const tags = [...new Set(filter.tags?.map((t) => t.trim().toLowerCase()).filter(Boolean) ?? [])];
  tags.forEach((tag, i) => {
    params[`tag${i}`] = tag;
    parts.push(
      (a) => `EXISTS (SELECT 1 FROM result_tags t WHERE t.result_id = ${a}.id AND t.tag_lower = @tag${i})`,
    );
  });
  const words = [...new Set((filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean))];
  words.forEach((word, i) => {
    params[`word${i}`] = word;
    const named = idsNamedWith(cat, word);
    if (named.length > 0) params[`named${i}`] = JSON.stringify(named);
    const trigrams = ftsTrigrams(word);
    if (trigrams) params[`fts${i}`] = trigrams;
    // A test that cannot match is left out (each costs a little on every row of a count): names when
    // none holds the word (the catalog's version is part of a text filter's key, so this holds while
    // the filter is kept), seeds and ids when the word has a character they never do.
    const tests = [
      ...(named.length > 0
        ? [
            (a: string) =>
              `${a}.character_id IN ${listParam(`named${i}`)} OR ${a}.pose_id IN ${listParam(`named${i}`)}`,
          ]
        : []),
      (a: string) =>
        `${a}.doc_n IN (SELECT d.n FROM search_docs d WHERE ${
          trigrams ? `d.n IN (SELECT rowid FROM search_fts WHERE search_fts MATCH @fts${i}) AND ` : ''
        }instr(d.doc, @word${i}) > 0)`,
      ...(SEED_TEXT.test(word) ? [(a: string) => `instr(CAST(${a}.seed AS TEXT), @word${i}) > 0`] : []),
      ...(ID_TEXT.test(word) ? [(a: string) => `instr(${a}.id, @word${i}) > 0`] : []),
    ];
    // Every word must appear in the character's or pose's name, the prompts sent, the model, a tag, the
    // seed or the id. A word has no spaces, so it never spans two of them. The prompts, model and tags
    // are one search text kept once however many results share it (searchDocOf): the texts holding the
    // word are found once for the whole list (the subquery is made into a set), through the full-text
    // index when the word is long enough to have one, and each row tests one integer against them.
    parts.push((a) => `(${tests.map((test) => test(a)).join(' OR ')})`);
  });
  const stacked = filter.stackCuts === true;
  if (stacked) params.open = JSON.stringify(filter.expandedStacks ?? []);
  return {
    matches: (a) => (parts.length === 0 ? '1' : parts.map((part) => part(a)).join(' AND ')),
    params,
    stacked,
  };
}

/** What a seed reads as text: a word with anything else in it is not looked for in seeds. */
const SEED_TEXT = /^[-+.e0-9]+$/;
/** What an id is made of (the index never uses a row whose id is anything else: see entryFromRow). */
const ID_TEXT = /^[a-z0-9]+$/;

/**
 * A word as a full-text query over search_fts (trigram tokens, no positions kept): every three
 * characters of it, each quoted as a plain string (`"` doubled), so nothing in it is query syntax
 * (`*`, `-`, `NEAR(`, `AND`, a lone quote). It finds every text holding the word and may find a few
 * more that hold its trigrams elsewhere: instr then keeps exactly the texts holding the word. Null for
 * a word under three characters, which has no trigram: the texts are scanned (there are few of them:
 * see searchDocOf).
 */
export function ftsTrigrams(word: string): string | null {
  const chars = [...word];
  if (chars.length < 3) return null;
  const trigrams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) trigrams.add(chars.slice(i, i + 3).join(''));
  return [...trigrams].map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ');
}

/** Ids of characters, poses and trashed ones whose name contains `word` (lower case). */
function idsNamedWith(cat: Catalog, word: string): string[] {
  const ids: string[] = [];
  for (const [id, { name }] of cat.characters) if (name.toLowerCase().includes(word)) ids.push(id);
  for (const [id, { name }] of cat.poses)
    if (!cat.characters.has(id) && name.toLowerCase().includes(word)) ids.push(id);
  for (const [id, { name }] of cat.trashed)
    if (!cat.characters.has(id) && !cat.poses.has(id) && name.toLowerCase().includes(word)) ids.push(id);
  return ids;
}

/** A cut (`r`) whose sheet passes the filter too, and is not itself a cut: it belongs in that sheet's stack. */
const inSheetStack = (f: FilterSql): string =>
  `r.cut_from_id IS NOT NULL AND EXISTS (SELECT 1 FROM results s WHERE s.id = r.cut_from_id
    AND s.cut_from_id IS NULL AND ${f.matches('s')})`;

/** The rows listed in their own place: all that match, less the cuts stacked under their sheet. */
export const topLevelSql = (f: FilterSql): string =>
  f.stacked ? `${f.matches('r')} AND NOT (${inSheetStack(f)})` : f.matches('r');

/** Every row the list shows: the top level and the cuts in open stacks. */
export const listedSql = (f: FilterSql): string =>
  f.stacked
    ? `${f.matches('r')} AND (r.cut_from_id IN ${listParam('open')} OR NOT (${inSheetStack(f)}))`
    : f.matches('r');

export const ORDER_BY: Record<ResultSort, string> = {
  newest: 'r.t DESC, r.id DESC',
  oldest: 'r.t ASC, r.id ASC',
  rating: 'r.rating DESC, r.t DESC, r.id DESC',
};

/** The same orders backwards: a page near the end of a long list is read from the end. */
export const ORDER_BY_REVERSED: Record<ResultSort, string> = {
  newest: 'r.t ASC, r.id ASC',
  oldest: 'r.t DESC, r.id DESC',
  rating: 'r.rating ASC, r.t ASC, r.id ASC',
};

/** Rows ahead of the one with keys @kt, @kid (and @krating) in this order. */
export const AHEAD_OF: Record<ResultSort, string> = {
  newest: '(r.t > @kt OR (r.t = @kt AND r.id > @kid))',
  oldest: '(r.t < @kt OR (r.t = @kt AND r.id < @kid))',
  rating: '(r.rating > @krating OR (r.rating = @krating AND (r.t > @kt OR (r.t = @kt AND r.id > @kid))))',
};

/** The cuts in one open stack: in figure order, whatever the sort (they belong together). */
export const STACK_ORDER = 'r.cut_figure ASC, r.t ASC, r.id ASC';

// -- counts ----------------------------------------------------------------------------------------

/** The counts behind results.facets, by id (names are looked up when they are answered). */
export interface FacetCounts {
  total: number;
  characters: Map<string, number>;
  poses: Map<string, number>;
  models: Map<string, number>;
  flags: Record<Flag, number>;
  ratings: number[];
  /** By lower-case tag: how it is written, and how many. */
  tags: Map<string, { tag: string; count: number }>;
}

export const emptyCounts = (): FacetCounts => ({
  total: 0,
  characters: new Map(),
  poses: new Map(),
  models: new Map(),
  flags: { none: 0, pick: 0, reject: 0 },
  ratings: [0, 0, 0, 0, 0, 0],
  tags: new Map(),
});

/** What one row contributes to the counts (the columns FACET_COLUMNS selects). */
export interface FacetRow {
  character_id: string;
  pose_id: string;
  model_id: string;
  flag: string;
  rating: number;
  tags: string;
}
export const FACET_COLUMNS = 'r.character_id, r.pose_id, r.model_id, r.flag, r.rating, r.tags';

/** A row's share in the counts: one per facet it is counted under (and one per tag). */
export type Share = Omit<CountRow, 'n'>;

export function sharesOf(row: FacetRow): Share[] {
  const shares: Share[] = [
    { facet: 'total', key: '', label: '' },
    { facet: 'character', key: row.character_id, label: '' },
    { facet: 'pose', key: row.pose_id, label: '' },
    { facet: 'model', key: row.model_id, label: '' },
    { facet: 'flag', key: row.flag, label: '' },
    { facet: 'rating', key: String(row.rating), label: '' },
  ];
  let tags: unknown;
  try {
    tags = JSON.parse(row.tags);
  } catch {
    return shares;
  }
  if (!Array.isArray(tags)) return shares;
  const seen = new Set<string>();
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue; // the index keeps one row per tag and result, whatever its case
    seen.add(key);
    shares.push({ facet: 'tag', key, label: tag });
  }
  return shares;
}

const bump = (map: Map<string, number>, key: string, by: number): void => {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
};

/** Adds `n` (negative: takes away) to the count of one share. */
export function addShare(counts: FacetCounts, { facet, key, label }: Share, n: number): void {
  switch (facet) {
    case 'total':
      counts.total += n;
      return;
    case 'character':
      return bump(counts.characters, key, n);
    case 'pose':
      return bump(counts.poses, key, n);
    case 'model':
      return bump(counts.models, key, n);
    case 'flag':
      if (key in counts.flags) counts.flags[key as Flag] += n;
      return;
    case 'rating': {
      const rating = Number(key);
      if (rating >= 0 && rating <= 5) counts.ratings[rating] = (counts.ratings[rating] ?? 0) + n;
      return;
    }
    case 'tag': {
      const slot = counts.tags.get(key);
      const count = (slot?.count ?? 0) + n;
      if (count <= 0) counts.tags.delete(key);
      else counts.tags.set(key, { tag: slot?.tag ?? label, count });
    }
  }
}

/** Counts kept in the index (ResultsIndexDb.readCounts), as counts. */
export function countsFromRows(rows: readonly CountRow[]): FacetCounts {
  const counts = emptyCounts();
  for (const row of rows) addShare(counts, row, row.n);
  return counts;
}

/** Counts as the rows the index keeps them in. */
export function rowsOfCounts(counts: FacetCounts): CountRow[] {
  const rows: CountRow[] = [{ facet: 'total', key: '', label: '', n: counts.total }];
  const each = (facet: Share['facet'], map: Map<string, number>) => {
    for (const [key, n] of map) rows.push({ facet, key, label: '', n });
  };
  each('character', counts.characters);
  each('pose', counts.poses);
  each('model', counts.models);
  for (const [key, n] of Object.entries(counts.flags))
    if (n > 0) rows.push({ facet: 'flag', key, label: '', n });
  counts.ratings.forEach((n, rating) => {
    if (n > 0) rows.push({ facet: 'rating', key: String(rating), label: '', n });
  });
  for (const [key, { tag, count }] of counts.tags) rows.push({ facet: 'tag', key, label: tag, n: count });
  return rows;
}

// -- keys ------------------------------------------------------------------------------------------

/**
 * The key a filter's counts are kept under: its members in a fixed order, empty ones left out (so the
 * same filter sent twice, however spelled, shares them). Only words of text and libraries are looked up
 * in the catalog (names, which poses a library holds): other filters keep their counts when it changes.
 */
export function countKey(filter: ResultFilter, catalogVersion: number): string {
  const members = Object.entries(filter)
    .filter(
      ([, value]) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0),
    )
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const named = filter.text || filter.libraryIds?.length;
  return `${named ? catalogVersion : ''}|${JSON.stringify(Object.fromEntries(members))}`;
}

/**
 * The filters whose counts the index keeps on disk, updated in the same transaction as every change:
 * the whole project (the navigator's and filter bar's counts) and the gallery's default stacked list.
 * Opening a project of 1,000,000 results reads their counts instead of counting.
 */
export const STANDING_FILTERS: readonly ResultFilter[] = [{}, { stackCuts: true }];

/** Adds (`by` 1) or takes away (-1) one row's shares: how a change keeps the counts without a recount. */
export function countRow(counts: FacetCounts, row: FacetRow, by: 1 | -1): void {
  for (const share of sharesOf(row)) addShare(counts, share, by);
}

/** The counts with the names of what they count, as results.facets answers them. */
export function facetsFrom(counts: FacetCounts, cat: Catalog): ResultFacets {
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    total: counts.total,
    characters: [...counts.characters]
      .map(([id, count]) => {
        const live = cat.characters.get(id);
        const trashed = live ? undefined : cat.trashed.get(id);
        return { id, name: live?.name ?? trashed?.name ?? null, inTrash: trashed !== undefined, count };
      })
      .sort(byCount),
    poses: [...counts.poses]
      .map(([id, count]) => {
        const live = cat.poses.get(id);
        const trashed = live ? undefined : cat.trashed.get(id);
        return {
          id,
          name: live?.name ?? trashed?.name ?? null,
          libraryId: live?.libraryId ?? trashed?.libraryId ?? null,
          inTrash: trashed !== undefined,
          count,
        };
      })
      .sort(byCount),
    tags: [...counts.tags.values()]
      .map(({ tag, count }) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)),
    models: [...counts.models].map(([id, count]) => ({ id, count })).sort(byCount),
    flags: { ...counts.flags },
    ratings: [...counts.ratings],
  };
}
