import type { Net } from 'electron';
import type { SegmindTransport } from '../src/services/runtime-network';

export const SYSTEM_PROXY_LABEL = 'System proxy (Electron)';

/**
 * Segmind requests from the desktop app go through Electron's `net.fetch`: Chromium's network stack,
 * which uses the proxy the OS configures (PAC and WPAD included, and proxy authentication). Node's
 * fetch ignores all of that, so behind a company proxy the app would believe it is offline forever.
 *
 * The Segmind client's guarantees hold on this route too:
 * - No redirect is followed. net.fetch passes `redirect` to Electron's ClientRequest; with 'manual' it
 *   cancels the redirect and rejects ("Redirect was cancelled"), which classifyNetworkFailure reads as
 *   a request that arrived but whose outcome is unknown. So a POST is never sent twice and the key
 *   never goes to another host. It is forced here as well, whatever the caller asked for.
 * - The key goes only in the x-api-key header, to the address the client built; `credentials: 'omit'`
 *   keeps the session's cookies (the window's) out of API requests, and `cache: 'no-store'` keeps
 *   balances and images out of Chromium's HTTP cache.
 * - Timeouts and cancelling are the client's AbortSignal, which net.fetch honours (it aborts the
 *   underlying request).
 * Its failures are Chromium's (`net::ERR_...`); classifyNetworkFailure knows which prove nothing was sent.
 */
export function electronSegmindTransport(net: Pick<Net, 'fetch'>): SegmindTransport {
  const fetchOverChromium = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // `cache` is standard fetch and net.fetch reads it, but Node's RequestInit type leaves it out.
    const options: RequestInit & { cache: 'no-store' } = {
      ...init,
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
    };
    return net.fetch(input instanceof URL ? input.href : input, options);
  };
  return { fetch: fetchOverChromium, route: { kind: 'system-proxy', label: SYSTEM_PROXY_LABEL } };
}
