/**
 * The Segmind HTTP client, over the global fetch (undici) or an injected one (the desktop app passes
 * Electron's net.fetch, which follows the OS proxy; classifyNetworkFailure reads both kinds of failure).
 * It reports every expected outcome as data, not as an exception, and for each failure says whether the
 * request may have been billed (`sent`, `billed`), because Segmind has no idempotency: a POST that may
 * have arrived must never be re-sent automatically.
 *
 * The key is fetched per request from `getKey` and only ever placed in the `x-api-key` header. It is never
 * stored on the client, put into a message, or returned; what comes back from the server is scrubbed of it.
 */
import { AppError } from '../domain/errors';
import { segmindAddressProblem } from '../domain/segmind-address';
import type { ResponseHeaders } from '../domain/result';
import { classifyHttpFailure } from './classify-http-failure';
import { classifyNetworkFailure } from './classify-network-failure';
import { inspectImage } from './inspect-image';
import { redactBytes } from './redact';
import { parseResponseHeaders } from './response-headers';
import type {
  CreditsOptions,
  CreditsResult,
  GenerateOptions,
  GenerateResult,
  RequestFailure,
  RequestTimings,
  SegmindClient,
  SentState,
} from './types';

export const DEFAULT_SEGMIND_BASE_URL = 'https://api.segmind.com';
export const CREDITS_PATH = '/v1/get-user-credits';
/** Just under undici's own 300 s headers timeout, so ours is the one that fires and says so. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 290_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 330_000;
export const DEFAULT_CREDITS_TIMEOUT_MS = 15_000;

/** Error bodies are short JSON; more than this is not a message anyone should read. */
const MAX_ERROR_BODY_CHARS = 64 * 1024;

export interface SegmindClientOptions {
  /** Default https://api.segmind.com; the stand-in's URL in tests. */
  readonly baseUrl?: string;
  /** Asked before every request; null (or blank) means no key is set, and nothing is sent. */
  readonly getKey: () => Promise<string | null>;
  /** Defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/** @throws AppError INVALID_INPUT when baseUrl is not an http(s) address without credentials. */
export function createSegmindClient(options: SegmindClientOptions): SegmindClient {
  const baseUrl = normaliseBaseUrl(options.baseUrl ?? DEFAULT_SEGMIND_BASE_URL);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const exchange = (request: ExchangeRequest): Promise<ExchangeOutcome> =>
    runExchange(baseUrl, options.getKey, fetchImpl, request);

  return {
    baseUrl,
    async generate(modelPath, body, opts: GenerateOptions = {}): Promise<GenerateResult> {
      let json: string;
      try {
        json = JSON.stringify(body);
      } catch {
        return notSent(
          new AppError('INVALID_INPUT', 'The request could not be prepared: its values are not plain data.'),
        );
      }
      const outcome = await exchange({
        method: 'POST',
        path: modelPath,
        json,
        billable: true,
        signal: opts.signal,
        headersTimeoutMs: positiveOr(opts.headersTimeoutMs, DEFAULT_HEADERS_TIMEOUT_MS),
        totalTimeoutMs: positiveOr(opts.totalTimeoutMs, DEFAULT_TOTAL_TIMEOUT_MS),
      });
      if (!outcome.ok) return outcome;
      const { response, key } = outcome;
      const contentType = response.headers.get('content-type') ?? '';
      if (response.status !== 200) {
        // A 2xx that is not Segmind's documented 200 may or may not have been billed.
        return {
          ok: false,
          error: new AppError(
            'BAD_RESPONSE',
            `Segmind answered with an unexpected status (${response.status}) and no usable image.`,
            { status: response.status },
          ),
          sent: 'yes',
          billed: 'maybe',
          status: response.status,
          headers: response.parsedHeaders,
          contentType,
          bytes: redactBytes(response.bytes, key),
          timings: response.timings,
        };
      }
      const image = await inspectImage(response.bytes);
      if (image === null) {
        return {
          ok: false,
          error: new AppError(
            'BAD_RESPONSE',
            'Segmind charged for this run but sent something that is not a picture. It is kept for diagnosis.',
            {
              status: 200,
              contentType,
              bytes: response.bytes.length,
            },
          ),
          sent: 'yes',
          billed: 'yes',
          status: 200,
          headers: response.parsedHeaders,
          contentType,
          bytes: redactBytes(response.bytes, key),
          timings: response.timings,
        };
      }
      return {
        ok: true,
        status: 200,
        bytes: response.bytes,
        contentType,
        image,
        headers: response.parsedHeaders,
        timings: response.timings,
      };
    },

    async getCredits(opts: CreditsOptions = {}): Promise<CreditsResult> {
      const timeoutMs = positiveOr(opts.timeoutMs, DEFAULT_CREDITS_TIMEOUT_MS);
      const outcome = await exchange({
        method: 'GET',
        path: CREDITS_PATH,
        json: null,
        billable: false,
        signal: opts.signal,
        headersTimeoutMs: timeoutMs,
        totalTimeoutMs: timeoutMs,
      });
      if (!outcome.ok) return outcome;
      const { response } = outcome;
      const credits = readCredits(response.bytes);
      if (response.status !== 200 || credits === undefined) {
        return {
          ok: false,
          error: new AppError('BAD_RESPONSE', 'Segmind’s answer about credits could not be read.', {
            status: response.status,
          }),
          sent: 'yes',
          billed: 'no',
          status: response.status,
          headers: response.parsedHeaders,
          timings: response.timings,
        };
      }
      return { ok: true, credits, status: response.status };
    },
  };
}

export interface ExchangeRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly json: string | null;
  /** A billable request that may have arrived is OUTCOME_UNKNOWN; a free one is merely a failed call. */
  readonly billable: boolean;
  readonly signal: AbortSignal | undefined;
  readonly headersTimeoutMs: number;
  readonly totalTimeoutMs: number;
  /**
   * Statuses outside 2xx that are handed back as an answer (with their body) instead of classified as a
   * failure: the async API's 404 (the record is gone) and 422 (a failed run, with its metrics).
   */
  readonly answerStatuses?: readonly number[];
}

export interface ReceivedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly parsedHeaders: ResponseHeaders;
  readonly bytes: Buffer;
  readonly timings: RequestTimings;
}

/** A 2xx with its whole body, or a failure already classified. */
export type ExchangeOutcome = { ok: true; response: ReceivedResponse; key: string } | RequestFailure;

type StopReason = 'cancel' | 'headers-timeout' | 'total-timeout';

/** One request to Segmind's API host with the key; shared by the v1 calls here and the async API's. */
export async function runExchange(
  baseUrl: string,
  getKey: () => Promise<string | null>,
  fetchImpl: typeof fetch,
  request: ExchangeRequest,
): Promise<ExchangeOutcome> {
  const { signal } = request;
  if (signal?.aborted) return notSent(cancelledBeforeSending());

  let url: URL;
  try {
    url = endpointUrl(baseUrl, request.path);
  } catch (error) {
    return notSent(
      error instanceof AppError ? error : new AppError('INVALID_INPUT', 'The Segmind address is not valid.'),
    );
  }

  const key = await readKey(getKey);
  if (key instanceof AppError) return notSent(key);
  // The keychain may have taken a while (a prompt); a cancel meanwhile still means nothing was sent.
  if (signal?.aborted) return notSent(cancelledBeforeSending());

  const controller = new AbortController();
  let stopReason: StopReason | null = null;
  const stop = (reason: StopReason): void => {
    stopReason ??= reason;
    controller.abort();
  };
  const onUserAbort = (): void => stop('cancel');
  signal?.addEventListener('abort', onUserAbort, { once: true });
  const headersTimer = setTimeout(() => stop('headers-timeout'), request.headersTimeoutMs);
  const totalTimer = setTimeout(() => stop('total-timeout'), request.totalTimeoutMs);

  const startedMs = Date.now();
  const timingsUntilNow = (headersMs?: number): RequestTimings => {
    const now = Date.now();
    return {
      startedAt: new Date(startedMs).toISOString(),
      ...(headersMs !== undefined
        ? { headersAt: new Date(startedMs + headersMs).toISOString(), headersMs }
        : {}),
      completedAt: new Date(now).toISOString(),
      durationMs: now - startedMs,
    };
  };

  try {
    let response: Response;
    try {
      const headers: Record<string, string> = {
        'x-api-key': key,
        accept: 'image/*, application/json;q=0.9, */*;q=0.5',
      };
      if (request.json !== null) headers['content-type'] = 'application/json';
      response = await fetchImpl(url, {
        method: request.method,
        headers,
        ...(request.json !== null ? { body: request.json } : {}),
        signal: controller.signal,
        // A redirected POST could be sent, and billed, twice, and would carry the key to another host.
        redirect: 'manual',
      });
    } catch (error) {
      const timings = timingsUntilNow();
      if (stopReason !== null) return stoppedBeforeAnswer(stopReason, request, timings);
      const network = classifyNetworkFailure(error);
      return network.sent === 'no'
        ? { ok: false, error: offline(network.cause), sent: 'no', billed: 'no', timings }
        : brokenBeforeAnswer(request, network.cause, timings);
    }

    const headersMs = Date.now() - startedMs;
    clearTimeout(headersTimer);
    const parsedHeaders = parseResponseHeaders(response.headers);
    const status = response.status;
    const billedIfLost = request.billable && status === 200 ? 'yes' : 'no';

    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      const timings = timingsUntilNow(headersMs);
      const base = { ok: false as const, sent: 'yes' as const, status, headers: parsedHeaders, timings };
      if (!isAnswer(status, request)) {
        // The status says enough even when its message was lost on the way.
        return {
          ...base,
          billed: 'no',
          error: classifyHttpFailure({ status, headers: response.headers, bodyText: '', key }),
        };
      }
      const cause = classifyNetworkFailure(error).cause;
      return { ...base, billed: billedIfLost, error: bodyLost(stopReason, request, cause, status) };
    }
    const timings = timingsUntilNow(headersMs);

    if (!isAnswer(status, request)) {
      const bodyText = bytes.subarray(0, MAX_ERROR_BODY_CHARS).toString('utf8');
      return {
        ok: false,
        error: classifyHttpFailure({ status, headers: response.headers, bodyText, key }),
        sent: 'yes',
        billed: 'no',
        status,
        headers: parsedHeaders,
        contentType: response.headers.get('content-type') ?? '',
        timings,
      };
    }
    return { ok: true, key, response: { status, headers: response.headers, parsedHeaders, bytes, timings } };
  } finally {
    clearTimeout(headersTimer);
    clearTimeout(totalTimer);
    signal?.removeEventListener('abort', onUserAbort);
  }
}

const isAnswer = (status: number, request: ExchangeRequest): boolean =>
  (status >= 200 && status < 300) || (request.answerStatuses?.includes(status) ?? false);

/** Header values must be visible ASCII; fetch would otherwise throw an error that quotes the value. */
const SENDABLE_KEY = /^[\x21-\x7e]+$/;

async function readKey(getKey: () => Promise<string | null>): Promise<string | AppError> {
  let raw: string | null;
  try {
    raw = await getKey();
  } catch {
    // The store's error is not passed on: it is not ours to vouch for, and could quote the secret.
    return new AppError('KEY_MISSING', 'The Segmind API key could not be read, so nothing was sent.');
  }
  const key = raw?.trim() ?? '';
  if (key === '') return new AppError('KEY_MISSING', 'No Segmind API key is set, so nothing was sent.');
  if (!SENDABLE_KEY.test(key)) {
    return new AppError(
      'KEY_REJECTED',
      'The saved Segmind API key contains characters that cannot be sent. Enter it again. Nothing was sent.',
      { reason: 'malformed' },
    );
  }
  return key;
}

export function notSent(error: AppError): RequestFailure {
  return { ok: false, error, sent: 'no', billed: 'no' };
}

const cancelledBeforeSending = (): AppError =>
  new AppError('CANCELLED', 'Cancelled before the request was sent. Nothing was charged.', { sent: 'no' });

function offline(cause: string | undefined): AppError {
  return new AppError(
    'OFFLINE',
    'Could not reach Segmind. The request was not sent, so nothing was charged.',
    cause !== undefined ? { cause } : undefined,
  );
}

function stoppedBeforeAnswer(
  reason: StopReason,
  request: ExchangeRequest,
  timings: RequestTimings,
): RequestFailure {
  const billed = request.billable ? 'maybe' : 'no';
  const sent: SentState = 'maybe';
  if (reason === 'cancel') {
    const error = request.billable
      ? new AppError(
          'CANCELLED',
          'Cancelled after the request was sent. Segmind may still charge for it; check your results before sending it again.',
          { sent },
        )
      : new AppError('CANCELLED', 'Cancelled.', { sent });
    return { ok: false, error, sent, billed, timings };
  }
  const limitMs = reason === 'headers-timeout' ? request.headersTimeoutMs : request.totalTimeoutMs;
  const seconds = Math.round(limitMs / 1000);
  const detail = {
    reason: 'timeout',
    phase: reason === 'headers-timeout' ? 'headers' : 'total',
    afterMs: limitMs,
  };
  const error = request.billable
    ? new AppError(
        'OUTCOME_UNKNOWN',
        `Segmind did not answer within ${seconds} s. The request may have been charged; check your results or credits before sending it again.`,
        detail,
      )
    : new AppError('TIMEOUT', `Segmind did not answer within ${seconds} s.`, detail);
  return { ok: false, error, sent, billed, timings };
}

function brokenBeforeAnswer(
  request: ExchangeRequest,
  cause: string | undefined,
  timings: RequestTimings,
): RequestFailure {
  const detail = { reason: 'connection-lost', ...(cause !== undefined ? { cause } : {}) };
  const error = request.billable
    ? new AppError(
        'OUTCOME_UNKNOWN',
        'The connection to Segmind broke after the request was sent. It may have been charged; check your results or credits before sending it again.',
        detail,
      )
    : new AppError('SERVER_ERROR', 'The connection to Segmind broke before it answered. Try again.', detail);
  return { ok: false, error, sent: 'maybe', billed: request.billable ? 'maybe' : 'no', timings };
}

/** The status arrived (so the request did), but the body did not arrive whole. */
function bodyLost(
  stopReason: StopReason | null,
  request: ExchangeRequest,
  cause: string | undefined,
  status: number,
): AppError {
  const detail: Record<string, unknown> = {
    status,
    reason: stopReason === null ? 'truncated' : stopReason === 'cancel' ? 'cancelled' : 'timeout',
  };
  if (cause !== undefined) detail.cause = cause;
  if (!request.billable) {
    return stopReason === 'cancel'
      ? new AppError('CANCELLED', 'Cancelled.', detail)
      : new AppError(
          stopReason === null ? 'SERVER_ERROR' : 'TIMEOUT',
          'Segmind’s answer did not arrive complete. Try again.',
          detail,
        );
  }
  if (stopReason === 'cancel') {
    return new AppError(
      'CANCELLED',
      'Cancelled while the picture was arriving. Segmind has already charged for this run.',
      detail,
    );
  }
  const why =
    stopReason === null
      ? 'the connection broke while the picture was arriving'
      : 'the picture took too long to arrive';
  return new AppError(
    'OUTCOME_UNKNOWN',
    `Segmind made the picture and charged for it, but ${why}. Check your credits before sending it again.`,
    detail,
  );
}

function readCredits(bytes: Buffer): number | undefined {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    const credits = (parsed as { credits?: unknown } | null)?.credits;
    const n = typeof credits === 'string' && credits.trim() !== '' ? Number(credits) : credits;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function normaliseBaseUrl(baseUrl: string): string {
  // The same rule as the setting (also for CCSTUDIO_SEGMIND_URL): http(s) only, and nothing that could
  // carry the key (credentials, a query, a fragment, a key-like part), since the address is logged in
  // every receipt.
  const problem = segmindAddressProblem(baseUrl);
  if (problem !== null) throw new AppError('INVALID_INPUT', problem);
  const url = new URL(baseUrl.trim());
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const SAFE_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

function endpointUrl(baseUrl: string, path: string): URL {
  if (!SAFE_PATH.test(path) || path.includes('//') || path.split('/').includes('..')) {
    throw new AppError('INVALID_INPUT', 'The model’s address is not valid.');
  }
  return new URL(`${baseUrl}${path}`);
}
