import type {
  ResultFacets,
  ResultFilter,
  ResultPage,
  ResultQuery,
  ResultSort,
  ResultSummary,
} from '../../../contract/calls/workspace';
import type { IndexedResult } from '../results-index-db';
import { isResultFile } from '../result-index-file';
import { summarize, type Catalog, type StackPlace } from '../result-query';
import {
  AHEAD_OF,
  countKey,
  facetsFrom,
  filterSql,
  ORDER_BY,
  ORDER_BY_REVERSED,
  STACK_ORDER,
  topLevelSql,
  type FilterSql,
} from './result-sql';
import type { ResultsIndex } from './results-index';

/**
 * What the gallery reads from the index, in SQL (result-sql.ts): summaries, and the filtered, sorted
 * (and stacked) list it pages through (query), selects from (queryIds) and counts (facets). A page reads
 * its own rows through the index's order (a few ms at any size); the totals and counts are kept by the
 * index between changes (ResultsIndex.listedCount, facetCounts).
 *
 * The stacked list (`stackCuts`): the top level is every matching row but the cuts whose sheet matches
 * too (they are counted on their sheet); an open stack (`expandedStacks`) lists its cuts right after its
 * sheet, in figure order. A page is cut out of that layout by where each open sheet stands in the top
 * level (one count each).
 */

export function resultSummary(index: ResultsIndex, id: string, cat: Catalog): ResultSummary | undefined {
  const row = index.row(id);
  return row ? summarize(row.entry, cat, row.imageMissing) : undefined;
}

const keyOf = (filter: ResultFilter, cat: Catalog): string => countKey(filter, cat.version);

/** An open stack: its sheet's place in the top level and the cuts listed after it. */
interface OpenStack {
  sheet: string;
  place: number;
  cuts: number;
}

/** The open stacks of a stacked filter that hold cuts, in the order their sheets are listed. */
function openStacks(index: ResultsIndex, f: FilterSql, filter: ResultFilter, sort: ResultSort): OpenStack[] {
  if (!f.stacked) return [];
  const db = index.database();
  const stacks: OpenStack[] = [];
  for (const sheet of new Set(filter.expandedStacks ?? [])) {
    const keys = db.all<{ t: number; id: string; rating: number }>(
      `SELECT r.t, r.id, r.rating FROM results r WHERE r.id = @sheet AND r.cut_from_id IS NULL
        AND ${f.matches('r')}`,
      { ...f.params, sheet },
    )[0];
    if (!keys) continue;
    const cuts =
      db.value<number>(`SELECT count(*) FROM results r WHERE r.cut_from_id = @sheet AND ${f.matches('r')}`, {
        ...f.params,
        sheet,
      }) ?? 0;
    if (cuts === 0) continue;
    const place =
      db.value<number>(`SELECT count(*) FROM results r WHERE ${topLevelSql(f)} AND ${AHEAD_OF[sort]}`, {
        ...f.params,
        kt: keys.t,
        kid: keys.id,
        krating: keys.rating,
      }) ?? 0;
    stacks.push({ sheet, place, cuts });
  }
  return stacks.sort((a, b) => a.place - b.place);
}

/**
 * Rows of the top level from `offset`, at most `limit`, in the sort's order; `count` is how many the top
 * level holds. The ids are found first (through the order's index alone, which carries what the stacked
 * list tests), then their rows; past the middle the list is read from its end, so the last page of
 * 1,000,000 costs what the first does.
 */
function topLevel(
  index: ResultsIndex,
  f: FilterSql,
  sort: ResultSort,
  offset: number,
  limit: number,
  count: number,
): IndexedResult[] {
  const fromEnd = offset > count / 2;
  const skip = fromEnd ? Math.max(0, count - offset - limit) : offset;
  const take = fromEnd ? Math.min(limit, count - offset) : limit;
  if (take <= 0) return [];
  const ids = index.database().column<string>(
    `SELECT r.id FROM results r WHERE ${topLevelSql(f)}
        ORDER BY ${(fromEnd ? ORDER_BY_REVERSED : ORDER_BY)[sort]} LIMIT @take OFFSET @skip`,
    { ...f.params, take, skip },
  );
  if (fromEnd) ids.reverse();
  const rows = new Map(
    index
      .rows('SELECT r.* FROM results r WHERE r.id IN (SELECT value FROM json_each(@ids))', {
        ids: JSON.stringify(ids),
      })
      .map((row) => [row.entry.id, row]),
  );
  return ids.flatMap((id) => rows.get(id) ?? []);
}

/** The cuts of an open stack from `offset`, at most `limit`, in figure order. */
function stackCuts(index: ResultsIndex, f: FilterSql, sheet: string, offset: number, limit: number) {
  return index.rows(
    `SELECT r.* FROM results r WHERE r.cut_from_id = @sheet AND ${f.matches('r')}
      ORDER BY ${STACK_ORDER} LIMIT @limit OFFSET @offset`,
    { ...f.params, sheet, limit, offset },
  );
}

/** A listed row, and where it sits in a stack. */
interface Placed {
  row: IndexedResult;
  place?: StackPlace;
}

/**
 * The rows at [from, from + limit) of the laid-out list: top-level stretches between the open sheets,
 * each open sheet followed by its cuts.
 */
function window(
  index: ResultsIndex,
  f: FilterSql,
  sort: ResultSort,
  stacks: OpenStack[],
  total: number,
  from: number,
  limit: number,
): Placed[] {
  const out: Placed[] = [];
  const end = Math.min(from + limit, total);
  const topCount = total - stacks.reduce((sum, stack) => sum + stack.cuts, 0);
  let listed = 0; // where the current stretch starts in the laid-out list
  let top = 0; // and in the top level
  const take = (count: number, read: (offset: number, n: number) => Placed[]): void => {
    const start = Math.max(from, listed);
    const stop = Math.min(end, listed + count);
    if (stop > start) out.push(...read(start - listed, stop - start));
    listed += count;
  };
  for (const stack of stacks) {
    const stretch = stack.place + 1 - top; // up to and including the open sheet
    const at = top;
    take(stretch, (offset, n) => topLevel(index, f, sort, at + offset, n, topCount).map((row) => ({ row })));
    top += stretch;
    take(stack.cuts, (offset, n) =>
      stackCuts(index, f, stack.sheet, offset, n).map((row, i) => ({
        row,
        place: { inStack: { position: offset + i + 1, of: stack.cuts } },
      })),
    );
    if (listed >= end) return out;
  }
  const at = top;
  take(total - listed, (offset, n) =>
    topLevel(index, f, sort, at + offset, n, topCount).map((row) => ({ row })),
  );
  return out;
}

/** The stacks the sheets on a page hold: how many of their cuts match, and whether each is open. */
function stacksOf(index: ResultsIndex, f: FilterSql, filter: ResultFilter, placed: Placed[]): void {
  if (!f.stacked) return;
  const sheets = placed.filter((p) => !p.place && !p.row.entry.cutFrom).map((p) => p.row.entry.id);
  if (sheets.length === 0) return;
  const counts = new Map(
    index
      .database()
      .all<{ id: string; n: number }>(
        `SELECT r.cut_from_id AS id, count(*) AS n FROM results r
          WHERE r.cut_from_id IN (SELECT value FROM json_each(@sheets)) AND ${f.matches('r')}
          GROUP BY r.cut_from_id`,
        { ...f.params, sheets: JSON.stringify(sheets) },
      )
      .map(({ id, n }) => [id, n]),
  );
  const open = new Set(filter.expandedStacks);
  for (const p of placed) {
    const cuts = counts.get(p.row.entry.id);
    if (cuts && !p.place) p.place = { stack: { cuts, expanded: open.has(p.row.entry.id) } };
  }
}

export async function queryResults(index: ResultsIndex, q: ResultQuery, cat: Catalog): Promise<ResultPage> {
  await index.load();
  const f = filterSql(q.filter, cat);
  const total = index.listedCount(keyOf(q.filter, cat), f);
  const placed = window(index, f, q.sort, openStacks(index, f, q.filter, q.sort), total, q.offset, q.limit);
  stacksOf(index, f, q.filter, placed);
  const items = placed.map(({ row, place }) => summarize(row.entry, cat, row.imageMissing, place));
  return { total, offset: q.offset, items, revision: index.revision };
}

export async function queryResultIds(
  index: ResultsIndex,
  filter: ResultFilter,
  sort: ResultSort,
  cat: Catalog,
): Promise<{ ids: string[]; revision: number }> {
  await index.load();
  const f = filterSql(filter, cat);
  const db = index.database();
  const top = db.column<string>(
    `SELECT r.id FROM results r WHERE ${topLevelSql(f)} ORDER BY ${ORDER_BY[sort]}`,
    f.params,
  );
  const stacks = openStacks(index, f, filter, sort);
  if (stacks.length === 0) return { ids: top, revision: index.revision };
  const ids: string[] = [];
  let from = 0;
  for (const stack of stacks) {
    ids.push(...top.slice(from, stack.place + 1));
    from = stack.place + 1;
    ids.push(
      ...db.column<string>(
        `SELECT r.id FROM results r WHERE r.cut_from_id = @sheet AND ${f.matches('r')} ORDER BY ${STACK_ORDER}`,
        { ...f.params, sheet: stack.sheet },
      ),
    );
  }
  ids.push(...top.slice(from));
  return { ids, revision: index.revision };
}

export async function resultFacets(
  index: ResultsIndex,
  filter: ResultFilter,
  cat: Catalog,
): Promise<ResultFacets> {
  await index.load();
  return facetsFrom(index.facetCounts(keyOf(filter, cat), filterSql(filter, cat)), cat);
}

/** The cuts made from a result, newest first. */
export function cutsOf(index: ResultsIndex, id: string): IndexedResult[] {
  return index.rows(`SELECT r.* FROM results r WHERE r.cut_from_id = @id ORDER BY ${ORDER_BY.newest}`, {
    id,
  });
}

/** Every result whose image is there (what its thumbnail is made from), read one row at a time. */
export function presentImages(index: ResultsIndex): ResultImage[] {
  const images: ResultImage[] = [];
  for (const image of index
    .database()
    .iterate<ResultImage>('SELECT id, file, width, height FROM results WHERE image_missing = 0'))
    if (isResultFile(image.file)) images.push(image); // a hostile row never names a file elsewhere
  return images;
}

export interface ResultImage {
  id: string;
  file: string;
  width: number;
  height: number;
}
