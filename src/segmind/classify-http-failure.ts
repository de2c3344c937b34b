/**
 * Turns a non-200 answer from Segmind into an AppError with a plain-words message. Segmind reuses some
 * statuses for different causes (406: credits or content type; 401: key missing or invalid), so the
 * server's own message decides between them. That message is kept in detail.serverMessage, with anything
 * that looks like a key removed.
 */
import { AppError } from '../domain/errors';
import { parseResetAt } from './response-headers';
import { redactText } from './redact';

export interface HttpFailureInput {
  readonly status: number;
  readonly headers: Headers;
  /** The start of the body, as text. */
  readonly bodyText: string;
  readonly key: string | null;
}

const MAX_SERVER_MESSAGE = 300;

export function classifyHttpFailure({ status, headers, bodyText, key }: HttpFailureInput): AppError {
  const serverMessage = extractServerMessage(bodyText, headers.get('content-type'), key);
  const detail: Record<string, unknown> = { status };
  if (serverMessage !== undefined) detail.serverMessage = serverMessage;
  const said = serverMessage ?? '';

  if (status >= 300 && status < 400) {
    // Redirects are not followed: a redirected POST could be sent (and billed) twice, and the key header
    // would go wherever the redirect points.
    return new AppError(
      'BAD_REQUEST',
      `Segmind answered with a redirect (${status}), which the app does not follow. Check the Segmind address in Settings.`,
      detail,
    );
  }
  switch (status) {
    case 400:
      return new AppError(
        'BAD_REQUEST',
        withServerWords('Segmind rejected the request. Nothing was charged.', said),
        detail,
      );
    case 401:
      return isMissingKeyMessage(said)
        ? new AppError('KEY_REJECTED', 'Segmind says the request carried no API key. Nothing was charged.', {
            ...detail,
            reason: 'missing',
          })
        : new AppError(
            'KEY_REJECTED',
            'Segmind did not accept the API key: it is invalid or has expired. Nothing was charged.',
            { ...detail, reason: 'invalid' },
          );
    case 403:
      return new AppError('KEY_REJECTED', 'Segmind refused this API key access. Nothing was charged.', {
        ...detail,
        reason: 'forbidden',
      });
    case 404:
      return new AppError(
        'BAD_REQUEST',
        'Segmind does not know this address (404). Check the Segmind address in Settings. Nothing was charged.',
        detail,
      );
    case 405:
      return new AppError(
        'BAD_REQUEST',
        'Segmind does not accept this kind of request at this address (405). Nothing was charged.',
        detail,
      );
    case 406:
      return classify406(said, detail);
    case 410:
      return new AppError(
        'MODEL_RETIRED',
        'Segmind has retired this model, so it can no longer be used. Nothing was charged.',
        detail,
      );
    case 413:
      return new AppError(
        'BAD_REQUEST',
        'The request is too large for Segmind. Try a smaller pose image. Nothing was charged.',
        detail,
      );
    case 422:
      return new AppError(
        'BAD_REQUEST',
        withServerWords('Segmind rejected some of the values. Nothing was charged.', said),
        detail,
      );
    case 429: {
      const resetAt = parseResetAt(headers.get('x-rate-limit-reset-at-utc'));
      const until = resetAt !== undefined ? ` until ${resetAt}` : '';
      return new AppError(
        'RATE_LIMITED',
        `Segmind asked the app to wait${until}: too many requests in a minute. Nothing was charged.`,
        resetAt !== undefined ? { ...detail, resetAt } : detail,
      );
    }
    case 500:
      // Segmind checks enum values only while generating, so a 500 right after a settings change usually
      // means it did not accept one of them.
      return new AppError(
        'SERVER_ERROR',
        'Segmind had a server error and made no image. Nothing was charged. If you just changed a setting, Segmind may not accept its value.',
        detail,
      );
  }
  if (status >= 500) {
    return new AppError(
      'SERVER_ERROR',
      `Segmind is having trouble (${status}) and made no image. Nothing was charged.`,
      detail,
    );
  }
  return new AppError(
    'BAD_REQUEST',
    withServerWords(`Segmind rejected the request (${status}). Nothing was charged.`, said),
    detail,
  );
}

function classify406(said: string, detail: Record<string, unknown>): AppError {
  // The message names balance and cost for credits; otherwise it is about the Content-Type header.
  if (/content[\s-]?type|application\/json|media type/i.test(said) && !/credit|balance/i.test(said)) {
    return new AppError(
      'BAD_REQUEST',
      'Segmind did not accept the request’s content type. This is a fault in the app. Nothing was charged.',
      { ...detail, reason: 'content-type' },
    );
  }
  const credits = findNumberAfter(said, /(?:balance|available|remaining|you have|have only)/i);
  const needed = findNumberAfter(said, /(?:costs?|needs?|needed|required|requires)/i);
  const facts: Record<string, unknown> = { ...detail, reason: 'credits' };
  if (credits !== undefined) facts.credits = credits;
  if (needed !== undefined) facts.needed = needed;
  const numbers =
    credits !== undefined && needed !== undefined ? ` You have ${credits} and this needs ${needed}.` : '';
  return new AppError(
    'CREDITS_EXHAUSTED',
    `Your Segmind account does not have enough credits for this run.${numbers} Nothing was charged.`,
    facts,
  );
}

function findNumberAfter(text: string, word: RegExp): number | undefined {
  const match = new RegExp(`${word.source}[^0-9-]{0,30}(-?\\d+(?:\\.\\d+)?)`, 'i').exec(text);
  if (match?.[1] === undefined) return undefined;
  const n = Number(match[1]);
  return Number.isFinite(n) ? n : undefined;
}

export function isMissingKeyMessage(said: string): boolean {
  return /missing|not provided|no api key|required|absent/i.test(said) && !/invalid|expired/i.test(said);
}

function withServerWords(ours: string, said: string): string {
  return said === '' ? ours : `${ours} Segmind said: “${said}”`;
}

/**
 * Segmind's error bodies are `{"error": "..."}` (some APIs use `message` or `detail`); 405 is an HTML page,
 * whose markup is no use to a person, so only JSON and plain text are quoted.
 */
export function extractServerMessage(
  bodyText: string,
  contentType: string | null,
  key: string | null,
): string | undefined {
  const text = bodyText.trim();
  if (text === '') return undefined;
  let message: string | undefined;
  const looksJson = /json/i.test(contentType ?? '') || text.startsWith('{');
  if (looksJson) {
    try {
      const parsed: unknown = JSON.parse(text);
      message = pickMessage(parsed);
    } catch {
      message = undefined;
    }
  } else if (/^text\/plain/i.test(contentType ?? '')) {
    message = text;
  }
  if (message === undefined) return undefined;
  const clean = redactText(message.replace(/\s+/g, ' ').trim(), key);
  if (clean === '') return undefined;
  return clean.length > MAX_SERVER_MESSAGE ? `${clean.slice(0, MAX_SERVER_MESSAGE - 1)}…` : clean;
}

function pickMessage(parsed: unknown): string | undefined {
  if (typeof parsed === 'string') return parsed;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  for (const name of ['error', 'message', 'detail']) {
    const value = record[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null) {
      const inner = pickMessage(value);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
