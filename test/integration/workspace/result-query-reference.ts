/**
 * The gallery's filters, sorts, stacks and counts written plainly over an array of entries: what the
 * app did before they moved into SQL (src/library/workspace/results/result-sql.ts). Kept only as the
 * reference the SQL is checked against (result-sql.test.ts), over random projects and filters.
 */
import type {
  ResultFacets,
  ResultFilter,
  ResultSort,
  ResultSummary,
} from '../../../src/contract/calls/workspace';
import type { IndexEntry } from '../../../src/library/workspace/result-index-file';
import type { Catalog } from '../../../src/library/workspace/result-query';

type StackPlace = Pick<ResultSummary, 'stack' | 'inStack'>;

/** Newest first; ties (same millisecond) by id, which is time-first too. */
const newestFirst = (a: IndexEntry, b: IndexEntry): number =>
  b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** A filter with its lists turned into sets once, so testing 10,000 entries is a handful of lookups each. */
export function compileFilter(filter: ResultFilter, cat: Catalog): (e: IndexEntry) => boolean {
  const set = <T>(list: readonly T[] | undefined) => (list && list.length > 0 ? new Set(list) : undefined);
  const characters = set(filter.characterIds);
  const poses = set(filter.poseIds);
  const libraries = set(filter.libraryIds);
  const flags = set(filter.flags);
  const models = set(filter.modelIds);
  const batches = set(filter.batchIds);
  const ids = set(filter.ids);
  const cutFrom = set(filter.cutFromIds);
  const tags = filter.tags?.map((t) => t.trim().toLowerCase()).filter(Boolean) ?? [];
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const from = filter.from ? Date.parse(filter.from) : undefined;
  const to = filter.to ? Date.parse(filter.to) : undefined;
  const { minRating, maxRating, source } = filter;
  const libraryOf = (poseId: string) =>
    cat.poses.get(poseId)?.libraryId ?? cat.trashed.get(poseId)?.libraryId;
  const nameOf = (id: string) =>
    cat.characters.get(id)?.name ?? cat.poses.get(id)?.name ?? cat.trashed.get(id)?.name ?? '';

  return (e) => {
    if (ids && !ids.has(e.id)) return false;
    if (characters && !characters.has(e.characterId)) return false;
    if (poses && !poses.has(e.poseId)) return false;
    if (libraries && !libraries.has(libraryOf(e.poseId) ?? '')) return false;
    if (minRating !== undefined && e.rating < minRating) return false;
    if (maxRating !== undefined && e.rating > maxRating) return false;
    if (flags && !flags.has(e.flag)) return false;
    if (models && !models.has(e.modelId)) return false;
    if (batches && (e.batchId === undefined || !batches.has(e.batchId))) return false;
    if (from !== undefined && e.t < from) return false;
    if (to !== undefined && e.t >= to) return false;
    if (source === 'generated' && e.cutFrom) return false;
    if (source === 'cuts' && !e.cutFrom) return false;
    if (cutFrom && !(e.cutFrom && cutFrom.has(e.cutFrom.resultId))) return false;
    if (tags.length > 0) {
      const have = e.tags.map((t) => t.toLowerCase());
      if (!tags.every((t) => have.includes(t))) return false;
    }
    if (words.length > 0) {
      const haystack =
        `${nameOf(e.characterId)} ${nameOf(e.poseId)} ${e.tags.join(' ')} ${e.modelId} ${e.seed ?? ''} ${e.id}`.toLowerCase();
      // The prompts apart: a word never spans the end of one field and the start of the next.
      const prompts = e.text ?? '';
      if (!words.every((w) => haystack.includes(w) || prompts.includes(w))) return false;
    }
    return true;
  };
}

/** `newest` is the order the index keeps; the others sort a copy. */
export function sortEntries(list: IndexEntry[], sort: ResultSort, alreadyNewestFirst: boolean): IndexEntry[] {
  switch (sort) {
    case 'newest':
      return alreadyNewestFirst ? list : [...list].sort(newestFirst);
    case 'oldest':
      return alreadyNewestFirst ? [...list].reverse() : [...list].sort((a, b) => newestFirst(b, a));
    case 'rating':
      return [...list].sort((a, b) => b.rating - a.rating || newestFirst(a, b));
  }
}

export function facetsOf(list: readonly IndexEntry[], cat: Catalog): ResultFacets {
  const characters = new Map<string, number>();
  const poses = new Map<string, number>();
  const tags = new Map<string, { tag: string; count: number }>();
  const models = new Map<string, number>();
  const flags = { none: 0, pick: 0, reject: 0 };
  const ratings = [0, 0, 0, 0, 0, 0];
  for (const e of list) {
    characters.set(e.characterId, (characters.get(e.characterId) ?? 0) + 1);
    poses.set(e.poseId, (poses.get(e.poseId) ?? 0) + 1);
    models.set(e.modelId, (models.get(e.modelId) ?? 0) + 1);
    flags[e.flag]++;
    ratings[e.rating] = (ratings[e.rating] ?? 0) + 1;
    for (const tag of e.tags) {
      const key = tag.toLowerCase();
      const slot = tags.get(key);
      if (slot) slot.count++;
      else tags.set(key, { tag, count: 1 });
    }
  }
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    total: list.length,
    characters: [...characters]
      .map(([id, count]) => {
        const live = cat.characters.get(id);
        const trashed = live ? undefined : cat.trashed.get(id);
        return { id, name: live?.name ?? trashed?.name ?? null, inTrash: trashed !== undefined, count };
      })
      .sort(byCount),
    poses: [...poses]
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
    tags: [...tags.values()].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)),
    models: [...models].map(([id, count]) => ({ id, count })).sort(byCount),
    flags,
    ratings,
  };
}

// -- stacks ----------------------------------------------------------------------------------------

/** The places of a stacked list, by entry id (kept beside the list, so paging it costs a lookup). */
const placesOf = new WeakMap<readonly IndexEntry[], Map<string, StackPlace>>();

/** Where `id` sits in a list made by `arrangeStacks` (undefined for a list that was not stacked). */
export const stackPlace = (list: readonly IndexEntry[], id: string): StackPlace | undefined =>
  placesOf.get(list)?.get(id);

const byFigure = (a: IndexEntry, b: IndexEntry): number =>
  (a.cutFrom?.figureIndex ?? 0) - (b.cutFrom?.figureIndex ?? 0) || a.t - b.t || (a.id < b.id ? -1 : 1);

/**
 * With `filter.stackCuts`, lays out a filtered, sorted list the way the gallery shows it: a cut whose
 * sheet is also in the list leaves its own place and joins its sheet's stack; the sheet keeps its place
 * and learns how many cuts it holds; an open stack (`expandedStacks`) lists its cuts right after the sheet,
 * in figure order, whatever the sort (they belong together). Cuts whose sheet is not in the list (filtered
 * out, trashed, or `source: 'cuts'`) stay where the sort put them. One pass over the list.
 */
export function arrangeStacks(list: IndexEntry[], filter: ResultFilter): IndexEntry[] {
  if (!filter.stackCuts) return list;
  const byId = new Map<string, IndexEntry>();
  for (const e of list) byId.set(e.id, e);
  const stacks = new Map<string, IndexEntry[]>();
  for (const e of list) {
    const sheet = e.cutFrom ? byId.get(e.cutFrom.resultId) : undefined;
    // Only a sheet that is not itself a cut holds a stack: stacks never nest, so nothing gets lost.
    if (!sheet || sheet.cutFrom) continue;
    const cuts = stacks.get(sheet.id);
    if (cuts) cuts.push(e);
    else stacks.set(sheet.id, [e]);
  }
  if (stacks.size === 0) return list;
  const open = new Set(filter.expandedStacks);
  const places = new Map<string, StackPlace>();
  const out: IndexEntry[] = [];
  for (const e of list) {
    if (e.cutFrom && stacks.has(e.cutFrom.resultId)) continue; // listed with its sheet
    out.push(e);
    const cuts = stacks.get(e.id);
    if (!cuts) continue;
    const expanded = open.has(e.id);
    places.set(e.id, { stack: { cuts: cuts.length, expanded } });
    if (!expanded) continue;
    cuts.sort(byFigure).forEach((cut, i) => {
      out.push(cut);
      places.set(cut.id, { inStack: { position: i + 1, of: cuts.length } });
    });
  }
  placesOf.set(out, places);
  return out;
}
