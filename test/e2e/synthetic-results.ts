/**
 * A synthetic list of any length (a million results) for the gallery, answered in the browser: Playwright
 * intercepts the renderer's `results.query`, `results.queryIds` and `results.get` calls to the browser host
 * (POST /api/call/<name>) and answers them from here. Everything else (the project, facets, thumbnails,
 * images, events) is the real app serving a real small project.
 *
 * Why intercept: what these tests and the bench measure is the renderer's scroll (the grid's scaled
 * scroll range, its frames, its DOM), and that needs the renderer to be told "1,000,000 results" and be
 * handed realistic pages of them. Making a million real result files for that would take hours and
 * gigabytes and measure the store, which is measured on its own elsewhere (the library's 1M figures).
 *
 * The pages are realistic: ids shaped as the app makes them (time, then random-looking), newest first a
 * minute apart, each summary a copy of one of the project's real results (so its thumbnail and image are
 * real files the host serves) with its own id, date, seed, rating and flag. `results.get` of a synthetic
 * id answers that real result's detail with the synthetic summary, so the inspector shows a full receipt.
 */
import type { Page, Route } from 'playwright-core';
import type { ResultPage, ResultSummary } from '../../src/contract/calls/workspace';

type Handlers = Record<string, ((input: unknown) => Promise<unknown>) | undefined>;

interface Detail {
  result: { id: string; createdAt: string } & Record<string, unknown>;
  summary: ResultSummary;
  cuts: string[];
  parameters: string;
}

export interface SyntheticResults {
  total: number;
  /** The id of the result at `index` (newest first). */
  idAt(index: number): string;
  summaryAt(index: number): ResultSummary;
  /** How many `results.query` calls were answered (and how many `results.queryIds`). */
  calls: { query: number; queryIds: number; get: number };
}

/** The newest synthetic result is made at this time; each next one a minute earlier. */
const NEWEST = Date.parse('2025-03-01T12:00:00Z');
const ID_TIME = 9;

/**
 * Builds the list from the open project's real results (at least one), read through the app's own
 * handlers (`runtime.handlers`), and intercepts the calls on `page` (before it opens the gallery).
 */
export async function interceptResults(
  page: Page,
  handlers: Handlers,
  total: number,
): Promise<SyntheticResults> {
  const real = (await handlers['results.query']?.({
    filter: { stackCuts: true },
    sort: 'newest',
    offset: 0,
    limit: 50,
  })) as ResultPage;
  const templates = real.items.filter((s) => !s.cutFrom && !s.imageMissing);
  if (templates.length === 0) throw new Error('the project needs at least one result to copy');
  const details = new Map<string, Detail>();
  for (const t of templates)
    details.set(t.id, (await handlers['results.get']?.({ id: t.id })) as unknown as Detail);

  const at = (index: number) => NEWEST - index * 60_000;
  // As newId makes them: the time in base 36, then 8 characters (here the index, so any id maps back).
  const idAt = (index: number) =>
    at(index).toString(36).padStart(ID_TIME, '0') + index.toString(36).padStart(8, '0');
  const indexOf = (id: string): number | null => {
    if (id.length !== ID_TIME + 8) return null;
    const index = parseInt(id.slice(ID_TIME), 36);
    return Number.isInteger(index) && index >= 0 && index < total && idAt(index) === id ? index : null;
  };
  const templateAt = (index: number) => templates[index % templates.length] as ResultSummary;
  const summaryAt = (index: number): ResultSummary => {
    const t = templateAt(index);
    const hash = (index * 2654435761) >>> 0;
    return {
      ...t,
      id: idAt(index),
      createdAt: new Date(at(index)).toISOString(),
      seed: 1_000_000_000 + index,
      rating: hash % 7 < 5 ? 0 : (hash >>> 3) % 6,
      flag: hash % 11 === 0 ? 'pick' : hash % 13 === 0 ? 'reject' : 'none',
      tags: [],
      stack: undefined,
      inStack: undefined,
    };
  };
  // 'oldest' reads the same list from the other end; every other order (and every filter) is ignored.
  const indexFor = (sort: string, position: number) => (sort === 'oldest' ? total - 1 - position : position);
  const calls = { query: 0, queryIds: 0, get: 0 };

  const answer = (route: Route, value: unknown) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ok: true, value }),
    });

  await page.route('**/api/call/results.query', async (route) => {
    calls.query++;
    const input = route.request().postDataJSON() as { sort?: string; offset?: number; limit?: number };
    const offset = Math.max(0, input.offset ?? 0);
    const end = Math.min(total, offset + Math.max(0, input.limit ?? 100));
    const items: ResultSummary[] = [];
    for (let p = offset; p < end; p++) items.push(summaryAt(indexFor(input.sort ?? 'newest', p)));
    await answer(route, { total, offset, items, revision: real.revision } satisfies ResultPage);
  });
  await page.route('**/api/call/results.queryIds', async (route) => {
    calls.queryIds++;
    const input = route.request().postDataJSON() as { sort?: string };
    const ids = new Array<string>(total);
    for (let p = 0; p < total; p++) ids[p] = idAt(indexFor(input.sort ?? 'newest', p));
    await answer(route, { ids, revision: real.revision });
  });
  await page.route('**/api/call/results.get', async (route) => {
    const { id } = route.request().postDataJSON() as { id: string };
    const index = indexOf(id);
    if (index === null) return route.continue();
    calls.get++;
    const summary = summaryAt(index);
    const detail = details.get(templateAt(index).id) as Detail;
    await answer(route, {
      ...detail,
      result: { ...detail.result, id: summary.id, createdAt: summary.createdAt },
      summary,
      cuts: [],
    });
  });
  return { total, idAt, summaryAt, calls };
}
