import type { AppError } from '../domain/errors';
import type { ResponseHeaders } from '../domain/result';

/**
 * Whether the request reached Segmind.
 * - `no`: provably not sent (no connection was made, or we stopped before sending): safe to send again.
 * - `maybe`: it may have arrived (the connection broke, a timeout, a cancel after sending). Segmind has no
 *   idempotency key and bills every accepted POST, so it must never be re-sent without the person.
 * - `yes`: Segmind answered with a status.
 */
export type SentState = 'no' | 'maybe' | 'yes';

/** Whether the request was charged. Only a 200 is billed; `maybe` follows from `sent: 'maybe'`. */
export type BilledState = 'no' | 'maybe' | 'yes';

export interface RequestTimings {
  /** When the request left (ISO). */
  readonly startedAt: string;
  /** When the status and headers arrived, if they did. */
  readonly headersAt?: string;
  /** When the last byte arrived, or the request ended without it. */
  readonly completedAt: string;
  readonly headersMs?: number;
  /** From the request leaving to its end. */
  readonly durationMs: number;
}

export interface DecodedImageInfo {
  readonly format: string;
  readonly width: number;
  readonly height: number;
}

export interface GenerateSuccess {
  readonly ok: true;
  readonly status: number;
  /** The image exactly as received: write it to disk before anything else happens to it. */
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly image: DecodedImageInfo;
  readonly headers: ResponseHeaders;
  readonly timings: RequestTimings;
}

export interface RequestFailure {
  readonly ok: false;
  /** Code and plain-words message; detail carries facts (credits, resetAt, status), never the key. */
  readonly error: AppError;
  readonly sent: SentState;
  readonly billed: BilledState;
  /** The HTTP status, when one arrived. */
  readonly status?: number;
  /** Segmind's headers, when a response arrived (a 200 with a broken body still reports credits left). */
  readonly headers?: ResponseHeaders;
  readonly contentType?: string;
  /** For BAD_RESPONSE: what arrived instead of an image, kept for diagnosis (the key blanked out). */
  readonly bytes?: Buffer;
  readonly timings?: RequestTimings;
}

export type GenerateResult = GenerateSuccess | RequestFailure;

export interface CreditsSuccess {
  readonly ok: true;
  readonly credits: number;
  readonly status: number;
}
export type CreditsResult = CreditsSuccess | RequestFailure;

export interface GenerateOptions {
  /** Cancels the request. Before it leaves: `sent: 'no'`; after: `sent: 'maybe'`. */
  readonly signal?: AbortSignal;
  /**
   * Longest wait for the status line and headers. Note: Node's built-in fetch also gives up after its own
   * 300 s headers timeout, so longer values have no effect without a custom dispatcher.
   */
  readonly headersTimeoutMs?: number;
  /** Longest time for the whole exchange, body included. */
  readonly totalTimeoutMs?: number;
}

export interface CreditsOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface SegmindClient {
  readonly baseUrl: string;
  /**
   * POSTs `body` as JSON to `{baseUrl}{modelPath}`. Never throws for an expected outcome: every HTTP status,
   * network failure, timeout and cancel comes back as a RequestFailure.
   */
  generate(modelPath: string, body: unknown, options?: GenerateOptions): Promise<GenerateResult>;
  /** GET /v1/get-user-credits: free; shows the balance and checks a key. */
  getCredits(options?: CreditsOptions): Promise<CreditsResult>;
}
