/**
 * The queue's automatic retries: which answers it sends again by itself, how long it waits first, and how
 * it tells the person. Only answers that were provably never billed qualify (DESIGN.md, "Generation jobs").
 */

/** How long after a first 500 the queue tries once more. Tests that prove "never sent again" wait past it. */
export const SERVER_ERROR_RETRY_DELAY_MS = 3_000;

/** How long to wait after a 429 that did not say when Segmind's limit resets (it is per minute). */
export const RATE_LIMIT_FALLBACK_WAIT_MS = 60_000;

export type AutomaticRetryCause = 'RATE_LIMITED' | 'SERVER_ERROR';

/**
 * The job's `waitingFor` while an automatic retry is scheduled: why (with Segmind's status code, so a
 * person or a script can tell a busy Segmind from a failing one) and when it goes out again.
 */
export function automaticRetryNotice(cause: AutomaticRetryCause, at: number): string {
  const time = new Date(at).toLocaleTimeString();
  return cause === 'RATE_LIMITED'
    ? `Segmind is busy (429, its rate limit): trying again at ${time}.`
    : `Segmind had a server error (500): trying once more at ${time}.`;
}
