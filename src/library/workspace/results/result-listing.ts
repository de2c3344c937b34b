import type {
  ResultFacets,
  ResultFilter,
  ResultPage,
  ResultQuery,
  ResultSort,
  ResultSummary,
} from '../../../contract/calls/workspace';
import type { IndexEntry } from '../result-index-file';
import {
  arrangeStacks,
  compileFilter,
  facetsOf,
  sortEntries,
  stackPlace,
  summarize,
  type Catalog,
} from '../result-query';
import type { ResultsIndex } from './results-index';

/**
 * What the gallery reads from the index: summaries, and the filtered, sorted (and stacked) list it
 * pages through (query), selects from (queryIds) and counts (facets). The filters themselves are in
 * result-query.ts.
 */

export function resultSummary(index: ResultsIndex, id: string, cat: Catalog): ResultSummary | undefined {
  const entry = index.entries.get(id);
  return entry ? summarize(entry, cat, index.missingImages.has(id)) : undefined;
}

/** The filtered, sorted list; the last one is cached, so paging through it costs a slice. */
function filteredList(
  index: ResultsIndex,
  filter: ResultFilter,
  sort: ResultSort,
  cat: Catalog,
): IndexEntry[] {
  const key = `${index.revision}|${cat.version}|${sort}|${JSON.stringify(filter)}`;
  if (index.queryCache?.key === key) return index.queryCache.list;
  const all = index.newestFirst();
  const hasFilter = Object.values(filter).some((v) => v !== undefined && (!Array.isArray(v) || v.length > 0));
  const filtered = hasFilter ? all.filter(compileFilter(filter, cat)) : all;
  const list = arrangeStacks(sortEntries(filtered, sort, true), filter);
  index.queryCache = { key, list };
  return list;
}

export async function queryResults(index: ResultsIndex, q: ResultQuery, cat: Catalog): Promise<ResultPage> {
  await index.load();
  const list = filteredList(index, q.filter, q.sort, cat);
  const items = list
    .slice(q.offset, q.offset + q.limit)
    .map((e) => summarize(e, cat, index.missingImages.has(e.id), stackPlace(list, e.id)));
  return { total: list.length, offset: q.offset, items, revision: index.revision };
}

export async function queryResultIds(
  index: ResultsIndex,
  filter: ResultFilter,
  sort: ResultSort,
  cat: Catalog,
): Promise<{ ids: string[]; revision: number }> {
  await index.load();
  return { ids: filteredList(index, filter, sort, cat).map((e) => e.id), revision: index.revision };
}

export async function resultFacets(
  index: ResultsIndex,
  filter: ResultFilter,
  cat: Catalog,
): Promise<ResultFacets> {
  await index.load();
  return facetsOf(filteredList(index, filter, 'newest', cat), cat);
}

/** Ids of the cuts made from a result. */
export function cutsOf(index: ResultsIndex, id: string): string[] {
  return index
    .newestFirst()
    .filter((e) => e.cutFrom?.resultId === id)
    .map((e) => e.id);
}
