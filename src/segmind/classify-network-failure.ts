/**
 * Decides from a failed fetch whether any of the request can have reached Segmind. Only failures that
 * happen before a connection exists prove that nothing was sent: DNS, refused or unreachable connections,
 * a connect timeout, a TLS handshake that failed, or a request fetch refused to make. Everything else
 * (a reset, "other side closed", an undici headers timeout) may have come after the body left, so it is
 * `maybe`, the answer that never bills twice.
 */
import type { SentState } from './types';

/** Error codes that Node or undici raise only while looking up or connecting. */
const BEFORE_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  // TLS: the handshake precedes any byte of the HTTP request.
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export interface NetworkFailure {
  readonly sent: Extract<SentState, 'no' | 'maybe'>;
  /** The low-level code (ECONNREFUSED, UND_ERR_SOCKET, ...), for detail; never a message that could hold data. */
  readonly cause: string | undefined;
}

export function classifyNetworkFailure(error: unknown): NetworkFailure {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause === undefined) {
    // fetch rejects without a cause only for what it refuses to attempt (a bad URL or header, a blocked
    // port): nothing left the machine. A cause-less error that is not a TypeError is not fetch's own.
    return error instanceof TypeError
      ? { sent: 'no', cause: undefined }
      : { sent: 'maybe', cause: undefined };
  }
  return { sent: causeIsBeforeConnection(cause) ? 'no' : 'maybe', cause: codeOf(cause) };
}

function causeIsBeforeConnection(cause: unknown): boolean {
  if (cause instanceof AggregateError) {
    // Several addresses tried (happy eyeballs): nothing was sent only if every attempt failed to connect.
    return cause.errors.length > 0 && cause.errors.every(causeIsBeforeConnection);
  }
  if (typeof cause !== 'object' || cause === null) return false;
  const { code, syscall, message } = cause as { code?: unknown; syscall?: unknown; message?: unknown };
  if (typeof code === 'string' && BEFORE_CONNECTION_CODES.has(code)) return true;
  if (syscall === 'connect' || syscall === 'getaddrinfo') return true;
  // fetch's own "bad port" refusal (the fetch standard's blocked ports) carries no code.
  return code === undefined && message === 'bad port';
}

function codeOf(cause: unknown): string | undefined {
  if (cause instanceof AggregateError) return codeOf(cause.errors[0]) ?? 'AggregateError';
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
