/**
 * Segmind's async API (v2, SEGMIND_API.md section 4): submit a run, poll its status, read its result, and
 * download its outputs. Same rules as the v1 client (client.ts): every expected outcome comes back as data,
 * each failure says whether it may have been billed, and the key is read per request and sent only in the
 * `x-api-key` header to the API host.
 *
 * Only the submit is billable, and it has no idempotency: a submit whose answer never arrived is
 * OUTCOME_UNKNOWN and must not be re-sent automatically. Polls and result reads are GETs, always safe to
 * repeat. Output files are fetched from wherever Segmind stores them, never with the key
 * (output-download.ts).
 *
 * The addresses Segmind returns (`status_url`, `response_url`) are deliberately not followed: the app
 * builds every request URL from its own base URL and the request id, so an answer cannot steer the key to
 * another host.
 */
import { AppError } from '../domain/errors';
import type { ResponseHeaders, SegmindMetrics } from '../domain/result';
import {
  DEFAULT_SEGMIND_BASE_URL,
  normaliseBaseUrl,
  notSent,
  positiveOr,
  runExchange,
  type ExchangeRequest,
} from './client';
import { downloadOutput, isPrivateHost, type DownloadLimits, type DownloadResult } from './output-download';
import { parseSeed } from './response-headers';
import type { RequestFailure, RequestTimings } from './types';

/** Segmind keeps a request's record about an hour after submission; polls answer 404 after that. */
export const ASYNC_RECORD_LIFETIME_MS = 60 * 60 * 1000;
export const DEFAULT_SUBMIT_TIMEOUT_MS = 90_000;
export const DEFAULT_POLL_TIMEOUT_MS = 30_000;

/** QUEUED, PROCESSING, COMPLETED or FAILED; anything else Segmind may add is passed on as it came. */
export type RemoteStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | (string & {});

export interface SubmitSuccess {
  readonly ok: true;
  readonly requestId: string;
  readonly status: RemoteStatus;
  readonly headers: ResponseHeaders;
  readonly timings: RequestTimings;
}
export type SubmitResult = SubmitSuccess | RequestFailure;

export interface StatusSuccess {
  readonly ok: true;
  readonly status: RemoteStatus;
  readonly metrics?: SegmindMetrics;
}
export type StatusResult = StatusSuccess | RequestFailure;

export interface OutputRef {
  readonly url: string;
  readonly contentType?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
}

export type RunResult =
  | {
      readonly ok: true;
      readonly state: 'COMPLETED';
      /** Every output of the run, in Segmind's order (`images[]`, else the single `output`). */
      readonly outputs: readonly OutputRef[];
      readonly seed?: number;
      readonly metrics?: SegmindMetrics;
    }
  /** Segmind's 422: the run failed and was not charged. */
  | {
      readonly ok: true;
      readonly state: 'FAILED';
      readonly message: string;
      readonly metrics?: SegmindMetrics;
    }
  /** The result was read before the run ended. */
  | { readonly ok: true; readonly state: 'RUNNING'; readonly status: RemoteStatus }
  | RequestFailure;

export interface AsyncCallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface SegmindAsyncClient {
  readonly baseUrl: string;
  /** POST /v2/{slug}: billable, answered at once with the run's request id. */
  submit(slug: string, body: unknown, options?: AsyncCallOptions): Promise<SubmitResult>;
  /** GET /v2/requests/{id}/status. A record that is gone (404) is NOT_FOUND with detail.reason `expired`. */
  status(requestId: string, options?: AsyncCallOptions): Promise<StatusResult>;
  /** GET /v2/requests/{id}: the outputs, seed and metrics, or the failure (422). */
  result(requestId: string, options?: AsyncCallOptions): Promise<RunResult>;
  /** Fetches one output file, without the key, within the limits (output-download.ts). */
  download(output: OutputRef, options?: { signal?: AbortSignal }): Promise<DownloadResult>;
}

export interface SegmindAsyncClientOptions {
  readonly baseUrl?: string;
  readonly getKey: () => Promise<string | null>;
  readonly fetch?: typeof fetch;
  /** Size, time and redirect limits for output downloads; the defaults suit Segmind's pictures. */
  readonly downloadLimits?: Partial<DownloadLimits>;
}

/** Request ids go into a URL path: only characters that cannot change its meaning. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,200}$/;
const SLUG = /^[A-Za-z0-9._-]{1,200}$/;

/** @throws AppError INVALID_INPUT when baseUrl is not an http(s) address without credentials. */
export function createSegmindAsyncClient(options: SegmindAsyncClientOptions): SegmindAsyncClient {
  const baseUrl = normaliseBaseUrl(options.baseUrl ?? DEFAULT_SEGMIND_BASE_URL);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const exchange = (request: ExchangeRequest) => runExchange(baseUrl, options.getKey, fetchImpl, request);
  // Output files on a loopback or private address are expected only when the API itself is one (the
  // stand-in, a development setup); against the real service they would be a request into the local network.
  const allowPrivateHosts = isPrivateHost(new URL(baseUrl).hostname);

  const get = (path: string, opts: AsyncCallOptions) => {
    const timeoutMs = positiveOr(opts.timeoutMs, DEFAULT_POLL_TIMEOUT_MS);
    return exchange({
      method: 'GET',
      path,
      json: null,
      billable: false,
      signal: opts.signal,
      headersTimeoutMs: timeoutMs,
      totalTimeoutMs: timeoutMs,
      answerStatuses: [404, 422],
    });
  };

  return {
    baseUrl,

    async submit(slug, body, opts = {}) {
      if (!SLUG.test(slug))
        return notSent(new AppError('INVALID_INPUT', 'The model’s address is not valid.'));
      let json: string;
      try {
        json = JSON.stringify(body);
      } catch {
        return notSent(
          new AppError('INVALID_INPUT', 'The request could not be prepared: its values are not plain data.'),
        );
      }
      const timeoutMs = positiveOr(opts.timeoutMs, DEFAULT_SUBMIT_TIMEOUT_MS);
      const outcome = await exchange({
        method: 'POST',
        path: `/v2/${slug}`,
        json,
        billable: true,
        signal: opts.signal,
        headersTimeoutMs: timeoutMs,
        totalTimeoutMs: timeoutMs,
      });
      if (!outcome.ok) return submitAnswerLost(outcome);
      const { response } = outcome;
      const parsed = readJson(response.bytes);
      const requestId = stringField(parsed, 'request_id');
      if (requestId === undefined || !REQUEST_ID.test(requestId)) {
        // Accepted (2xx) but without a usable id: the run may have started and cannot be followed.
        return {
          ok: false,
          error: new AppError(
            'OUTCOME_UNKNOWN',
            'Segmind accepted the run but its answer held no request id the app can follow. It may be charged; check your credits before sending it again.',
            { status: response.status, reason: 'no-request-id' },
          ),
          sent: 'yes',
          billed: 'maybe',
          status: response.status,
          headers: response.parsedHeaders,
          timings: response.timings,
        };
      }
      return {
        ok: true,
        requestId,
        status: stringField(parsed, 'status') ?? 'QUEUED',
        headers: response.parsedHeaders,
        timings: response.timings,
      };
    },

    async status(requestId, opts = {}) {
      if (!REQUEST_ID.test(requestId)) return notSent(badRequestId());
      const outcome = await get(`/v2/requests/${requestId}/status`, opts);
      if (!outcome.ok) return outcome;
      const { response } = outcome;
      if (response.status === 404) return expired(response.status);
      const parsed = readJson(response.bytes);
      const status = stringField(parsed, 'status');
      if (status === undefined) return unreadable(response.status);
      const metrics = readMetrics(parsed);
      return { ok: true, status, ...(metrics ? { metrics } : {}) };
    },

    async result(requestId, opts = {}) {
      if (!REQUEST_ID.test(requestId)) return notSent(badRequestId());
      const outcome = await get(`/v2/requests/${requestId}`, opts);
      if (!outcome.ok) return outcome;
      const { response } = outcome;
      if (response.status === 404) return expired(response.status);
      const parsed = readJson(response.bytes);
      const metrics = readMetrics(parsed);
      const status = stringField(parsed, 'status');
      if (response.status === 422 || status === 'FAILED') {
        return {
          ok: true,
          state: 'FAILED',
          message: stringField(parsed, 'error') ?? 'Segmind could not make this picture.',
          ...(metrics ? { metrics } : {}),
        };
      }
      if (status !== undefined && status !== 'COMPLETED') return { ok: true, state: 'RUNNING', status };
      const outputs = readOutputs(parsed);
      if (outputs.length === 0) return unreadable(response.status);
      const seed = readSeed(parsed);
      return {
        ok: true,
        state: 'COMPLETED',
        outputs,
        ...(seed !== undefined ? { seed } : {}),
        ...(metrics ? { metrics } : {}),
      };
    },

    download(output, opts = {}) {
      return downloadOutput(output.url, {
        fetch: fetchImpl,
        signal: opts.signal,
        allowPrivateHosts,
        ...options.downloadLimits,
      });
    },
  };
}

/** A submit that may have reached Segmind but whose answer did not arrive: say so in the async API's terms. */
function submitAnswerLost(failure: RequestFailure): RequestFailure {
  if (failure.sent === 'no' || failure.error.code !== 'OUTCOME_UNKNOWN') return failure;
  return {
    ...failure,
    error: new AppError(
      'OUTCOME_UNKNOWN',
      'Segmind’s answer to the submit never arrived, so the app cannot tell whether the run started (and will be charged).',
      failure.error.detail,
    ),
  };
}

const badRequestId = (): AppError => new AppError('INVALID_INPUT', 'The run’s request id is not valid.');

function expired(status: number): RequestFailure {
  return {
    ok: false,
    error: new AppError(
      'NOT_FOUND',
      'Segmind no longer has a record of this run: it keeps them for about an hour after submission.',
      { status, reason: 'expired' },
    ),
    sent: 'yes',
    billed: 'no',
    status,
  };
}

function unreadable(status: number): RequestFailure {
  return {
    ok: false,
    error: new AppError('BAD_RESPONSE', 'Segmind’s answer about the run could not be read.', { status }),
    sent: 'yes',
    billed: 'no',
    status,
  };
}

function readJson(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringField(record: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = record?.[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function numberField(record: Record<string, unknown>, name: string): number | undefined {
  const value = record[name];
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function readMetrics(parsed: Record<string, unknown> | undefined): SegmindMetrics | undefined {
  const raw = parsed?.metrics;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  const metrics: SegmindMetrics = {};
  const names = [
    ['cost', 'cost'],
    ['remainingCredits', 'remaining_credits'],
    ['inferenceTime', 'inference_time'],
    ['queueTime', 'queue_time'],
    ['totalTime', 'total_time'],
  ] as const;
  for (const [ours, theirs] of names) {
    const n = numberField(record, theirs);
    if (n !== undefined) metrics[ours] = n;
  }
  return Object.keys(metrics).length > 0 ? metrics : undefined;
}

function readSeed(parsed: Record<string, unknown> | undefined): number | undefined {
  const seed = parsed?.seed;
  if (typeof seed === 'number') return Number.isSafeInteger(seed) && seed >= -1 ? seed : undefined;
  return typeof seed === 'string' ? parseSeed(seed) : undefined;
}

function readOutputs(parsed: Record<string, unknown> | undefined): OutputRef[] {
  const images = parsed?.images;
  const out: OutputRef[] = [];
  if (Array.isArray(images)) {
    for (const item of images) {
      if (typeof item === 'string') out.push({ url: item });
      else if (typeof item === 'object' && item !== null) {
        const record = item as Record<string, unknown>;
        const url = stringField(record, 'url');
        if (url === undefined) continue;
        const contentType = stringField(record, 'content_type');
        const fileName = stringField(record, 'file_name');
        const fileSize = numberField(record, 'file_size');
        out.push({
          url,
          ...(contentType !== undefined ? { contentType } : {}),
          ...(fileName !== undefined ? { fileName } : {}),
          ...(fileSize !== undefined ? { fileSize } : {}),
        });
      }
    }
  }
  if (out.length === 0) {
    const output = parsed?.output;
    if (typeof output === 'string' && output.trim() !== '') out.push({ url: output.trim() });
    else if (Array.isArray(output)) {
      for (const url of output)
        if (typeof url === 'string' && url.trim() !== '') out.push({ url: url.trim() });
    }
  }
  return out;
}
