/**
 * The gallery's data: pages of `results.query` fetched as rows come into view and cached per filter and
 * sort, every matching id on demand (select all, Shift ranges), and reviews applied at once in the cache
 * before the app confirms them (undoable with Ctrl/Cmd+Z).
 */
import { useCallback, useMemo } from 'react';
import {
  keepPreviousData,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import type {
  ResultFilter,
  ResultPage,
  ResultSort,
  ResultSummary,
  ReviewState,
} from '../../../../src/contract/calls/workspace';
import type { AppError } from '../../../../src/domain/errors';
import { errorHelp } from '../../../../src/contract/error-messages';
import { asAppError, getBridge } from '../../bridge/bridge';
import { useBridgeQuery } from '../../bridge/queries';
import { dropUndo, linkUndoToast, pushUndo, runUndo } from '../../ui/undo';
import { useToasts } from '../../ui/Toasts';
import { plural } from '../../ui/format';
import { wsKeys } from './workspace-data';

export const PAGE_SIZE = 200;

/** A stable string for a filter and sort (key order does not matter), used in query keys. */
export function queryString(filter: ResultFilter, sort: ResultSort): string {
  const entries = Object.entries(filter)
    .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== ''))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([Object.fromEntries(entries), sort]);
}

const fetchPage = async (filter: ResultFilter, sort: ResultSort, page: number): Promise<ResultPage> => {
  try {
    return await getBridge().results.query({ filter, sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
  } catch (error) {
    throw asAppError(error);
  }
};

export interface ResultWindow {
  /** How many results match (null until the first page arrives). */
  total: number | null;
  itemAt(index: number): ResultSummary | undefined;
  error: AppError | null;
  loading: boolean;
}

/**
 * The pages covering items `first`..`last` (and always the first page, which carries the total). Pages
 * out of view stay cached, so scrolling back is instant; a 'results' change refetches the ones in view.
 */
export function useResultWindow(
  project: string,
  filter: ResultFilter,
  sort: ResultSort,
  first: number,
  last: number,
): ResultWindow {
  const q = queryString(filter, sort);
  const from = Math.floor(Math.max(0, first) / PAGE_SIZE);
  const to = Math.max(from, Math.floor(Math.max(0, last) / PAGE_SIZE));
  const indexes = [0];
  for (let p = Math.max(1, from); p <= to; p++) indexes.push(p);
  // The same options objects while the same pages are in view: scrolling within a page costs the cache nothing.
  const pageList = indexes.join(',');
  const queries = useMemo(
    () =>
      pageList.split(',').map((text) => {
        const page = Number(text);
        return {
          queryKey: wsKeys.resultPage(project, q, page),
          queryFn: () => fetchPage(filter, sort, page),
          enabled: project !== '',
          // The first page keeps showing the previous filter's results until the new ones arrive: no flash.
          ...(page === 0 ? { placeholderData: keepPreviousData } : {}),
        };
      }),
    // `q` stands for filter and sort.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [project, q, pageList],
  );
  const pages = useQueries({ queries });
  const byIndex = new Map<number, ResultPage>();
  pages.forEach((result, i) => {
    if (result.data) byIndex.set(indexes[i] ?? 0, result.data);
  });
  const head = pages[0];
  return {
    total: head?.data?.total ?? null,
    itemAt: (index: number) => byIndex.get(Math.floor(index / PAGE_SIZE))?.items[index % PAGE_SIZE],
    error: (pages.find((p) => p.error)?.error as AppError | null | undefined) ?? null,
    loading: head?.isPending ?? true,
  };
}

/** The one result at `index` (for the loupe and the inspector). */
export function useResultAt(
  project: string,
  filter: ResultFilter,
  sort: ResultSort,
  index: number,
): ResultSummary | undefined {
  const q = queryString(filter, sort);
  const page = Math.floor(Math.max(0, index) / PAGE_SIZE);
  const query = useQuery<ResultPage, AppError>({
    queryKey: wsKeys.resultPage(project, q, page),
    queryFn: () => fetchPage(filter, sort, page),
    enabled: project !== '' && index >= 0,
  });
  return index >= 0 ? query.data?.items[index % PAGE_SIZE] : undefined;
}

/**
 * The result at `index`, fetching only the page that holds it (cached like the grid's pages): what a
 * jump (End, a click far down a million results) needs, instead of every id.
 */
export async function fetchResultAt(
  client: QueryClient,
  project: string,
  filter: ResultFilter,
  sort: ResultSort,
  index: number,
): Promise<ResultSummary | undefined> {
  const page = Math.floor(Math.max(0, index) / PAGE_SIZE);
  const data = await client.fetchQuery({
    queryKey: wsKeys.resultPage(project, queryString(filter, sort), page),
    queryFn: () => fetchPage(filter, sort, page),
  });
  return data.items[index % PAGE_SIZE];
}

/** Every matching id in order: fetched when needed (select all, Shift ranges), cached until results change. */
export function fetchIds(
  client: QueryClient,
  project: string,
  filter: ResultFilter,
  sort: ResultSort,
): Promise<string[]> {
  return client
    .fetchQuery({
      queryKey: wsKeys.resultIds(project, queryString(filter, sort)),
      queryFn: async () => {
        try {
          return await getBridge().results.queryIds({ filter, sort });
        } catch (error) {
          throw asAppError(error);
        }
      },
    })
    .then((r) => r.ids);
}

/** One result with its receipt, for the inspector. */
export const useResultDetail = (project: string, id: string | null) =>
  useBridgeQuery(
    wsKeys.result(project, id ?? ''),
    () => getBridge().results.get({ id: id ?? '' }),
    project !== '' && id !== null,
  );

/** Changes summaries in every cached page at once (the app's answer and the refetch follow). */
export function patchSummaries(
  client: QueryClient,
  project: string,
  ids: ReadonlySet<string>,
  patch: (s: ResultSummary) => ResultSummary,
): void {
  client.setQueriesData<ResultPage>({ queryKey: ['ws', project, 'results', 'page'] }, (page) =>
    page && page.items.some((s) => ids.has(s.id))
      ? { ...page, items: page.items.map((s) => (ids.has(s.id) ? patch(s) : s)) }
      : page,
  );
  // The single results the inspector and the review views show carry a summary too.
  for (const id of ids)
    client.setQueryData<ResultDetail>(wsKeys.result(project, id), (detail) =>
      detail ? { ...detail, summary: patch(detail.summary) } : detail,
    );
}

/** A result's summary from any cached page or detail, without a request (undefined when none has it). */
export function summaryInCache(client: QueryClient, project: string, id: string): ResultSummary | undefined {
  const detail = client.getQueryData<ResultDetail>(wsKeys.result(project, id));
  if (detail) return detail.summary;
  for (const [, page] of client.getQueriesData<ResultPage>({
    queryKey: ['ws', project, 'results', 'page'],
  })) {
    const found = page?.items.find((s) => s.id === id);
    if (found) return found;
  }
  return undefined;
}

export type ResultDetail = Awaited<ReturnType<ReturnType<typeof getBridge>['results']['get']>>;

/** Several results with their receipts at once (the compare and survey views). */
export function useResultDetails(project: string, ids: readonly string[]): (ResultDetail | undefined)[] {
  const queries = useQueries({
    queries: ids.map((id) => ({
      queryKey: wsKeys.result(project, id),
      queryFn: async () => {
        try {
          return await getBridge().results.get({ id });
        } catch (error) {
          throw asAppError(error);
        }
      },
      enabled: project !== '',
      // Stepping to the next result keeps showing the last one until it arrives: no empty flash.
      placeholderData: keepPreviousData,
    })),
  });
  return queries.map((q) => q.data);
}

/**
 * Each id's summary: from its detail once that has loaded, and before that from the gallery's pages in
 * the cache. A view opened from the grid (compare, survey) then shows its images at once: waiting for
 * one detail per result mounted compare's second pane some 170 ms after the key, and its preview then
 * decoded behind the first pane's full image.
 */
export function useResultSummaries(project: string, ids: readonly string[]): (ResultSummary | undefined)[] {
  const client = useQueryClient();
  const details = useResultDetails(project, ids);
  return ids.map((id, i) => details[i]?.summary ?? summaryInCache(client, project, id));
}

export interface ReviewChange {
  rating?: number;
  flag?: 'none' | 'pick' | 'reject';
  addTags?: string[];
  removeTags?: string[];
}

function describe(change: ReviewChange, count: number): string {
  const what = plural(count, 'result');
  if (change.rating !== undefined)
    return change.rating === 0
      ? `Cleared the rating of ${what}`
      : `Rated ${what} ${'★'.repeat(change.rating)}`;
  if (change.flag === 'pick') return `Picked ${what}`;
  if (change.flag === 'reject') return `Rejected ${what}`;
  if (change.flag === 'none') return `Unflagged ${what}`;
  if (change.addTags?.length) return `Tagged ${what} “${change.addTags.join(', ')}”`;
  return `Removed a tag from ${what}`;
}

/**
 * Rate, flag or tag results: the grid shows it at once, the app writes it, and Ctrl/Cmd+Z (or the toast's
 * Undo, for several at once) puts the previous reviews back exactly.
 */
export function useReview(project: string) {
  const client = useQueryClient();
  const toasts = useToasts();
  return useCallback(
    async (ids: readonly string[], change: ReviewChange): Promise<void> => {
      if (ids.length === 0) return;
      const set = new Set(ids);
      patchSummaries(client, project, set, (s) => ({
        ...s,
        ...(change.rating !== undefined ? { rating: change.rating } : {}),
        ...(change.flag !== undefined ? { flag: change.flag } : {}),
        ...(change.addTags || change.removeTags
          ? {
              tags: [
                ...s.tags.filter((t) => !change.removeTags?.some((r) => r.toLowerCase() === t.toLowerCase())),
                ...(change.addTags ?? []),
              ].filter((t, i, all) => all.findIndex((o) => o.toLowerCase() === t.toLowerCase()) === i),
            }
          : {}),
      }));
      // The undo entry goes on the stack at once, in the order the person acted (a quick Ctrl/Cmd+Z
      // after a key must take back that key, even while its write is still on the way).
      const written = getBridge().results.review({ ids: [...ids], ...change });
      const label = describe(change, ids.length);
      const entry = pushUndo({
        label,
        run: async () => {
          const previous: ReviewState[] = (await written).previous;
          if (previous.length > 0) await getBridge().results.setReviews({ items: previous });
        },
      });
      try {
        await written;
        if (ids.length > 1) {
          const toastId = toasts.show({
            message: label,
            tone: 'success',
            durationMs: 4000,
            action: { label: 'Undo', run: () => void runUndo(entry) },
          });
          linkUndoToast(entry, toastId);
        }
      } catch (error) {
        dropUndo(entry);
        const e = asAppError(error);
        toasts.show({ message: errorHelp[e.code].title, detail: e.message, tone: 'error' });
        void client.invalidateQueries({ queryKey: wsKeys.results(project) });
      }
    },
    [client, project, toasts],
  );
}
