import { availableParallelism } from 'node:os';

/**
 * Runs `work` over `items` with at most `limit` in flight and keeps the results in input order.
 * Image work is CPU-bound inside libvips' threads, so more parallel items than cores only adds memory.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/** The default number of images to process at once: one per core. */
export const defaultImageConcurrency = (): number => Math.max(1, availableParallelism());

/**
 * Thumbnails: one more than the cores. Each thumbnail spends part of its time reading the file and
 * writing the result, when its core would otherwise idle; measured on 2 cores, 3 at once is about 10%
 * faster than 2, and 4 no faster than 3 (test/bench/thumbnails.ts).
 */
export const defaultThumbnailConcurrency = (): number => defaultImageConcurrency() + 1;
