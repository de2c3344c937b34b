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

/**
 * Chromium's net errors, for Electron's net.fetch (main injects it so requests follow the OS proxy). It
 * rejects with `Error('net::ERR_...')` and no cause. These are raised only while resolving, reaching the
 * proxy, connecting or in the TLS handshake, before any byte of the request: nothing was sent. Everything
 * else (ERR_CONNECTION_RESET, ERR_CONNECTION_CLOSED, ERR_EMPTY_RESPONSE, ERR_TIMED_OUT,
 * ERR_NETWORK_CHANGED, ERR_SSL_PROTOCOL_ERROR, which Chromium also raises mid-stream) stays `maybe`.
 */
const CHROMIUM_BEFORE_CONNECTION = new Set([
  'ERR_NAME_NOT_RESOLVED',
  'ERR_NAME_RESOLUTION_FAILED',
  'ERR_INTERNET_DISCONNECTED',
  'ERR_ADDRESS_UNREACHABLE',
  'ERR_ADDRESS_INVALID',
  'ERR_CONNECTION_REFUSED',
  'ERR_CONNECTION_FAILED',
  // The TCP connect timed out (a request that timed out later is ERR_TIMED_OUT).
  'ERR_CONNECTION_TIMED_OUT',
  'ERR_NETWORK_ACCESS_DENIED',
  'ERR_PROXY_CONNECTION_FAILED',
  'ERR_MANDATORY_PROXY_CONFIGURATION_FAILED',
  // The proxy refused the CONNECT that would carry the https request.
  'ERR_TUNNEL_CONNECTION_FAILED',
  'ERR_PROXY_CERTIFICATE_INVALID',
  'ERR_SSL_VERSION_OR_CIPHER_MISMATCH',
  'ERR_BAD_SSL_CLIENT_AUTH_CERT',
  'ERR_SSL_CLIENT_AUTH_CERT_NEEDED',
  // Refused before any attempt.
  'ERR_UNSAFE_PORT',
  'ERR_INVALID_URL',
  'ERR_DISALLOWED_URL_SCHEME',
  'ERR_UNKNOWN_URL_SCHEME',
  'ERR_BLOCKED_BY_CLIENT',
]);
/** Certificate (checked in the handshake) and DNS errors, by prefix. */
const CHROMIUM_BEFORE_CONNECTION_PREFIXES = ['ERR_CERT_', 'ERR_DNS_'];
const CHROMIUM_NET_ERROR = /^net::(ERR_[A-Z0-9_]+)$/;
/**
 * net.fetch's answer to a redirect under `redirect: 'manual'`: it cancels the redirect and rejects (it
 * never follows it). A server answered, so the request arrived; whether it was acted on is unknown.
 */
const CHROMIUM_REDIRECT_CANCELLED = 'Redirect was cancelled';

export interface NetworkFailure {
  readonly sent: Extract<SentState, 'no' | 'maybe'>;
  /** The low-level code (ECONNREFUSED, UND_ERR_SOCKET, ...), for detail; never a message that could hold data. */
  readonly cause: string | undefined;
}

export function classifyNetworkFailure(error: unknown): NetworkFailure {
  const chromium = chromiumFailure(error);
  if (chromium !== undefined) return chromium;
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

function chromiumFailure(error: unknown): NetworkFailure | undefined {
  if (!(error instanceof Error) || error.cause !== undefined) return undefined;
  if (error.message === CHROMIUM_REDIRECT_CANCELLED) return { sent: 'maybe', cause: 'REDIRECT_NOT_FOLLOWED' };
  const code = CHROMIUM_NET_ERROR.exec(error.message)?.[1];
  if (code === undefined) return undefined;
  const before =
    CHROMIUM_BEFORE_CONNECTION.has(code) ||
    CHROMIUM_BEFORE_CONNECTION_PREFIXES.some((prefix) => code.startsWith(prefix));
  return { sent: before ? 'no' : 'maybe', cause: code };
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
