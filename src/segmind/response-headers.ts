import type { ResponseHeaders } from '../domain/result';

/**
 * Reads the headers Segmind documents. A header that is absent or does not parse is left out rather than
 * guessed: the receipt records what Segmind said, nothing else.
 */
export function parseResponseHeaders(headers: Headers): ResponseHeaders {
  const out: ResponseHeaders = {};
  const remaining = parseDecimal(headers.get('x-remaining-credits'));
  if (remaining !== undefined) out.remainingCredits = remaining;
  const cost = parseDecimal(headers.get('x-cost'));
  if (cost !== undefined) out.cost = cost;
  const seed = parseSeed(headers.get('x-seed-value'));
  if (seed !== undefined) out.seed = seed;
  const requestId = headers.get('x-request-id')?.trim();
  if (requestId) out.requestId = requestId;
  const generationTime = headers.get('x-generation-time')?.trim();
  if (generationTime) out.generationTime = generationTime;
  return out;
}

function parseDecimal(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Seeds exceed 2^32, so they are parsed as safe integers. Digits only: a seed beyond 2^53 would be rounded
 * by Number and then claim to be a seed that was never used, so it is dropped instead.
 */
export function parseSeed(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (!/^-?\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= -1 ? n : undefined;
}

/**
 * `x-rate-limit-reset-at-utc` as an ISO date. Its format is not documented: an ISO or HTTP date, or epoch
 * seconds or milliseconds, are all accepted.
 */
export function parseResetAt(value: string | null): string | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    ms = n > 1e12 ? n : n * 1000;
  } else {
    // A bare "2025-01-01 12:00:00" is UTC by the header's name, not local time.
    const isoLike = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
      ? `${text.replace(' ', 'T')}Z`
      : text;
    ms = Date.parse(isoLike);
  }
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
