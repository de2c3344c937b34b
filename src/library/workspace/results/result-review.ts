import { stat } from 'node:fs/promises';
import { ResultSchema, type Result, type Review } from '../../../domain';
import type { ReviewState } from '../../../contract/calls/workspace';
import { mapWithConcurrency } from '../../../images';
import { writeJsonKeepingUnknown } from '../../json-file';
import { isEnvironmentError, writeRefused } from '../fs-utils';
import { entryOf } from '../result-index-file';
import type { StoreContext } from '../store-context';
import type { ResultsIndex } from './results-index';

export interface ReviewChange {
  rating?: number | undefined;
  flag?: Review['flag'] | undefined;
  addTags?: string[] | undefined;
  removeTags?: string[] | undefined;
}

/** The results changed (with their reviews before, for undo), and the ids no longer in the project. */
export interface ReviewOutcome {
  updated: string[];
  previous: ReviewState[];
  missing: string[];
}

/** Applies one change to many results: each JSON rewritten atomically, the index written once. */
export async function reviewResults(
  ctx: StoreContext,
  index: ResultsIndex,
  ids: readonly string[],
  change: ReviewChange,
): Promise<ReviewOutcome> {
  const add = change.addTags ?? [];
  const remove = new Set((change.removeTags ?? []).map((t) => t.trim().toLowerCase()));
  return rewriteReviews(ctx, index, [...new Set(ids)], (review) => {
    const tags = review.tags.filter((t) => !remove.has(t.toLowerCase()));
    for (const tag of add) if (!tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
    return {
      rating: change.rating ?? review.rating,
      flag: change.flag ?? review.flag,
      tags,
    };
  });
}

/** Sets each review exactly (undo). */
export async function setReviews(
  ctx: StoreContext,
  index: ResultsIndex,
  items: readonly ReviewState[],
): Promise<ReviewOutcome> {
  const byId = new Map(items.map((i) => [i.id, i]));
  return rewriteReviews(ctx, index, [...byId.keys()], (_review, id) => {
    const next = byId.get(id);
    return next ? { rating: next.rating, flag: next.flag, tags: next.tags } : _review;
  });
}

async function rewriteReviews(
  ctx: StoreContext,
  index: ResultsIndex,
  ids: string[],
  next: (review: Review, id: string) => Review,
): Promise<ReviewOutcome> {
  ctx.project.assertWritable();
  await index.load();
  const updated: string[] = [];
  const previous: ReviewState[] = [];
  const missing: string[] = [];
  let stop: unknown;
  try {
    await mapWithConcurrency(ids, 8, (id) =>
      ctx.locks.run(`result:${id}`, async () => {
        if (stop !== undefined) return;
        if (!index.row(id)) {
          missing.push(id);
          return;
        }
        const read = await index.readReceipt(id);
        if ('problem' in read) {
          index.drop(id);
          index.touch();
          missing.push(id);
          return;
        }
        const before = read.result.review;
        const result: Result = { ...read.result, review: next(before, id) };
        index.expect([id]);
        try {
          await writeJsonKeepingUnknown(index.jsonPath(id), ResultSchema, ResultSchema.parse(result));
        } catch (error) {
          if (isEnvironmentError(error)) {
            stop ??= error;
            return;
          }
          throw error;
        }
        previous.push({ id, ...before });
        updated.push(id);
        index.put(entryOf(result, await stat(index.jsonPath(id))));
        index.settle([id]);
      }),
    );
  } finally {
    index.touch();
    await index.persist();
  }
  if (stop !== undefined) {
    throw writeRefused(stop, 'the review', `${updated.length} result(s) were updated before it stopped`);
  }
  return { updated, previous, missing };
}
