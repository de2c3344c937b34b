import { classifyNetworkFailure } from './classify-network-failure';

export const REACHABLE_PROBE_TIMEOUT_MS = 3_000;

/**
 * Whether Segmind's host answers through `fetchImpl`, the route real requests take. For a route through a
 * proxy (Electron's net.fetch with the OS proxy), a bare TCP connection to the host is no test at all:
 * behind a company firewall it never connects, and the app would wait "offline" forever.
 *
 * The probe is a HEAD of the base address: no key, no body, nothing billed, redirects not followed. Any
 * answer at all (a 404, a 405, a refused redirect) means a connection reached a server. A failure counts
 * as unreachable only when it provably came before a connection (classifyNetworkFailure's `no`) or the
 * probe timed out.
 */
export async function canReachOverFetch(
  fetchImpl: typeof fetch,
  baseUrl: string,
  timeoutMs = REACHABLE_PROBE_TIMEOUT_MS,
): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(baseUrl, {
      method: 'HEAD',
      redirect: 'manual',
      signal: controller.signal,
    });
    // A HEAD has no body, but a server may send one anyway: let the connection go.
    await response.body?.cancel().catch(() => undefined);
    return true;
  } catch (error) {
    return !controller.signal.aborted && classifyNetworkFailure(error).sent === 'maybe';
  } finally {
    clearTimeout(timer);
  }
}
