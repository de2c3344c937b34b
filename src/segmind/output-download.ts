/**
 * Downloads one output file of an async run from the URL Segmind returned. That URL points at a storage
 * host, not the API, so the rules are those for fetching an address a server handed us:
 *
 * - Never the key: this module is not given it, and sends no header but `accept`.
 * - http(s) only, no credentials in the address. Plain http only when private hosts are allowed (the
 *   stand-in or a development setup, see allowPrivateHosts); against the real service an output URL must
 *   be https.
 * - No address in the local network (loopback, private, link-local, unique-local, CGNAT, unspecified),
 *   unless the API itself is on one: a public storage host must not be able to point the app at the
 *   person's router. Only literal addresses and `localhost` names are recognised (no DNS lookup).
 * - Redirects are followed by hand, at most `maxRedirects`, each hop checked by the same rules; a redirect
 *   to another scheme (also https to http) is refused.
 * - At most `maxBytes` (the announced Content-Length is checked first, then the bytes as they arrive) and
 *   `timeoutMs` for the whole download, hops included.
 * - The bytes must decode as a picture.
 *
 * A download is a GET, safe to repeat: `retryable` says whether trying again later can help.
 */
import { BlockList, isIP } from 'node:net';
import { AppError } from '../domain/errors';
import { classifyNetworkFailure } from './classify-network-failure';
import { inspectImage } from './inspect-image';
import type { DecodedImageInfo } from './types';

export interface DownloadLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = {
  // Segmind's pictures are a few MB; an upscaled 4x sheet stays well under this.
  maxBytes: 64 * 1024 * 1024,
  timeoutMs: 120_000,
  maxRedirects: 3,
};

export interface DownloadOptions extends Partial<DownloadLimits> {
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
  /** Whether loopback and private addresses (and plain http) may serve outputs. */
  readonly allowPrivateHosts: boolean;
}

export type DownloadResult =
  | {
      readonly ok: true;
      readonly bytes: Buffer;
      readonly contentType: string;
      readonly image: DecodedImageInfo;
      readonly durationMs: number;
    }
  | { readonly ok: false; readonly error: AppError; readonly retryable: boolean };

const privateRanges = (() => {
  const list = new BlockList();
  list.addSubnet('0.0.0.0', 8, 'ipv4');
  list.addSubnet('10.0.0.0', 8, 'ipv4');
  list.addSubnet('100.64.0.0', 10, 'ipv4');
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('169.254.0.0', 16, 'ipv4');
  list.addSubnet('172.16.0.0', 12, 'ipv4');
  list.addSubnet('192.168.0.0', 16, 'ipv4');
  list.addSubnet('224.0.0.0', 3, 'ipv4'); // multicast and reserved
  list.addAddress('::', 'ipv6');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  list.addSubnet('ff00::', 8, 'ipv6');
  return list;
})();

/** Whether a URL's hostname names the local machine or the local network (literal addresses only). */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
  if (mapped !== undefined) return privateRanges.check(mapped, 'ipv4');
  const family = isIP(host);
  if (family === 4) return privateRanges.check(host, 'ipv4');
  if (family === 6) return privateRanges.check(host, 'ipv6');
  return false;
}

/** Why this address may not be fetched (null when it may). `from` is the address that redirected here. */
export function outputUrlProblem(address: string, allowPrivateHosts: boolean, from?: URL): string | null {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'it is not a valid address';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `its scheme (${url.protocol}) is not http(s)`;
  if (from !== undefined && from.protocol !== url.protocol) {
    return `it redirects from ${from.protocol} to ${url.protocol}`;
  }
  if (url.username !== '' || url.password !== '') return 'it carries credentials';
  if (!allowPrivateHosts) {
    if (url.protocol !== 'https:') return 'it is not https';
    if (isPrivateHost(url.hostname)) return 'it points into the local network';
  }
  return null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function downloadOutput(address: string, options: DownloadOptions): Promise<DownloadResult> {
  const limits: DownloadLimits = {
    maxBytes: options.maxBytes ?? DEFAULT_DOWNLOAD_LIMITS.maxBytes,
    timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_LIMITS.timeoutMs,
    maxRedirects: options.maxRedirects ?? DEFAULT_DOWNLOAD_LIMITS.maxRedirects,
  };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const refused = (reason: string): DownloadResult => ({
    ok: false,
    retryable: false,
    error: new AppError('BAD_RESPONSE', `The app did not download the picture from Segmind: ${reason}.`, {
      reason: 'output-refused',
    }),
  });
  const first = outputUrlProblem(address, options.allowPrivateHosts);
  if (first !== null) return refused(`its address was refused (${first})`);

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const started = Date.now();
  const failedInTransit = (error: unknown): DownloadResult => {
    if (options.signal?.aborted) {
      return { ok: false, retryable: true, error: new AppError('CANCELLED', 'The download was stopped.') };
    }
    if (timedOut) {
      return {
        ok: false,
        retryable: true,
        error: new AppError(
          'TIMEOUT',
          `The picture did not download within ${Math.round(limits.timeoutMs / 1000)} s.`,
          { reason: 'timeout', afterMs: limits.timeoutMs },
        ),
      };
    }
    const { sent, cause } = classifyNetworkFailure(error);
    return {
      ok: false,
      retryable: true,
      error: new AppError(
        sent === 'no' ? 'OFFLINE' : 'SERVER_ERROR',
        'The picture could not be downloaded from Segmind’s storage. The app tries again.',
        cause !== undefined ? { cause } : undefined,
      ),
    };
  };

  try {
    let url = new URL(address);
    for (let hop = 0; ; hop++) {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'GET',
          // Deliberately nothing else: no key, no cookies, nothing that identifies the account.
          headers: { accept: 'image/*' },
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (error) {
        return failedInTransit(error);
      }
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get('location');
        if (location === null) return refused('storage answered with a redirect to nowhere');
        if (hop >= limits.maxRedirects)
          return refused(`storage redirected more than ${limits.maxRedirects} times`);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          return refused('storage redirected to an address that is not valid');
        }
        const problem = outputUrlProblem(next.href, options.allowPrivateHosts, url);
        if (problem !== null)
          return refused(`storage redirected to an address that was refused (${problem})`);
        url = next;
        continue;
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        // 404/410: the file is gone (kept about 7 days); other statuses may pass.
        const gone = response.status === 404 || response.status === 410;
        return {
          ok: false,
          retryable: !gone && response.status >= 500,
          error: new AppError(
            gone ? 'NOT_FOUND' : 'SERVER_ERROR',
            gone
              ? 'Segmind’s storage no longer has this picture.'
              : `Segmind’s storage answered ${response.status} instead of the picture.`,
            { status: response.status },
          ),
        };
      }
      const announced = Number(response.headers.get('content-length') ?? NaN);
      if (Number.isFinite(announced) && announced > limits.maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        return refused(`it is larger (${announced} bytes) than the ${limits.maxBytes} bytes allowed`);
      }
      const bytes = await readAtMost(response, limits.maxBytes).catch((error: unknown) => error);
      if (bytes === 'too-large') return refused(`it is larger than the ${limits.maxBytes} bytes allowed`);
      if (!(bytes instanceof Buffer)) return failedInTransit(bytes);
      const image = await inspectImage(bytes);
      if (image === null) {
        return {
          ok: false,
          retryable: true,
          error: new AppError('BAD_RESPONSE', 'What Segmind’s storage sent is not a picture.', {
            bytes: bytes.length,
          }),
        };
      }
      return {
        ok: true,
        bytes,
        contentType: response.headers.get('content-type') ?? `image/${image.format}`,
        image,
        durationMs: Date.now() - started,
      };
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function readAtMost(response: Response, maxBytes: number): Promise<Buffer | 'too-large'> {
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
