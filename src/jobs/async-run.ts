/**
 * The rules for following a run on Segmind's async API (v2), kept apart from the queue's mechanics so they
 * can be read (and checked) in one place:
 *
 * - Once the submit's answer (the request id) is stored, the job is never `unknown`: polls and result reads
 *   are GETs, safe to repeat, so a dropped connection, a crash or a restart only means "poll again".
 * - Polls back off: first after `firstMs`, then each wait `factor` times the last, up to `maxMs`.
 * - Segmind keeps a request's record about an hour after submission. A job still unfinished after that
 *   (by the app's clock, with a margin) is a failure that says so, rather than a poll loop without end.
 * - A run that FAILED (422) was not charged; a retired model (410) was not charged either, and the error
 *   names the models that can be used instead.
 */
import type { AppErrorData, Job, JobOutput, SegmindMetrics } from '../domain';
import { listModels } from '../models';
import { ASYNC_RECORD_LIFETIME_MS } from '../segmind/async-client';

export interface PollBackoff {
  readonly firstMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

/**
 * A V1 run takes about 40 s: a first look after 1 s (the status call is light), then less and less often,
 * at most every 10 s. A 40 s run is asked about 8 times, and its end is seen at most 10 s late.
 */
export const DEFAULT_POLL_BACKOFF: PollBackoff = { firstMs: 1_000, factor: 1.5, maxMs: 10_000 };

export const nextPollDelay = (previousMs: number | undefined, backoff: PollBackoff): number =>
  previousMs === undefined
    ? backoff.firstMs
    : Math.min(backoff.maxMs, Math.max(backoff.firstMs, previousMs * backoff.factor));

/** Past this much after submission the record is surely gone: a few minutes' grace for clock skew. */
export const RECORD_GIVE_UP_MS = ASYNC_RECORD_LIFETIME_MS + 5 * 60 * 1000;

/** Whether a job that Segmind accepted is still within the hour its record lives (by our clock). */
export function withinRecordLifetime(
  job: Pick<Job, 'submittedAt'>,
  now: number,
  limitMs = RECORD_GIVE_UP_MS,
): boolean {
  const submitted = job.submittedAt ? Date.parse(job.submittedAt) : NaN;
  return Number.isFinite(submitted) && now - submitted < limitMs;
}

/** The clear failure for a run whose record Segmind no longer has. */
export function expiredRunError(job: Pick<Job, 'requestId' | 'submittedAt'>): AppErrorData {
  return {
    code: 'NOT_FOUND',
    message:
      'Segmind no longer has this run: it keeps a run’s record for about an hour after submission, and its picture was not fetched in that time. If the run finished it was charged; check your credits before sending it again.',
    detail: {
      reason: 'expired',
      ...(job.requestId !== undefined ? { requestId: job.requestId } : {}),
      ...(job.submittedAt !== undefined ? { submittedAt: job.submittedAt } : {}),
    },
  };
}

/** A run Segmind reports FAILED (its 422): not charged, and the job says so. */
export function failedRunError(
  job: Pick<Job, 'requestId'>,
  serverMessage: string,
  metrics: SegmindMetrics | undefined,
): AppErrorData {
  const said = serverMessage.replace(/\s+/g, ' ').trim().slice(0, 300);
  return {
    code: 'BAD_REQUEST',
    message: `Segmind could not make this picture${said ? `: “${said}”` : ''}. Nothing was charged.`,
    detail: {
      reason: 'run-failed',
      status: 422,
      charged: false,
      ...(job.requestId !== undefined ? { requestId: job.requestId } : {}),
      ...(metrics ? { metrics } : {}),
    },
  };
}

/**
 * A retired model (410): not charged. The error lists the models this app can generate with instead, so
 * the UI and the CLI can offer them.
 */
export function retiredModelError(modelId: string, original: AppErrorData): AppErrorData {
  const alternatives = listModels()
    .filter((m) => m.id !== modelId && m.status === 'supported')
    .map((m) => ({ id: m.id, name: m.name }));
  const offer =
    alternatives.length > 0
      ? ` Choose another model instead: ${alternatives.map((a) => a.name).join(', ')}.`
      : '';
  return {
    code: 'MODEL_RETIRED',
    message: `${original.message}${offer}`,
    detail: { ...(original.detail ?? {}), modelId, alternatives },
  };
}

/** `output.jpg`, then `output-2.jpg`, ...: the first is the paid-image name paid-image.ts recognises. */
export const outputFileName = (index: number, format: string): string => {
  const extension = format === 'jpeg' ? 'jpg' : format;
  return index === 0 ? `output.${extension}` : `output-${index + 1}.${extension}`;
};

/** What the receipt's headers say for an async run: the same facts v1 sends as headers, from the result. */
export function headersFromMetrics(
  requestId: string,
  metrics: SegmindMetrics | undefined,
  seed: number | undefined,
): JobOutput['headers'] {
  return {
    ...(metrics?.remainingCredits !== undefined ? { remainingCredits: metrics.remainingCredits } : {}),
    ...(metrics?.cost !== undefined ? { cost: metrics.cost } : {}),
    ...(seed !== undefined ? { seed } : {}),
    requestId,
    ...(metrics?.inferenceTime !== undefined ? { generationTime: String(metrics.inferenceTime) } : {}),
  };
}
