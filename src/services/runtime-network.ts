import type { ConnectionRoute } from '../contract/calls/app';

/**
 * The way Segmind requests leave this process: the fetch the Segmind client and the network monitor use,
 * and how to describe it in Settings.
 *
 * Why it is injected: Node's fetch ignores the OS proxy settings, so behind a company proxy a desktop app
 * on Node's fetch would call itself offline forever. Electron's main process therefore injects
 * `net.fetch` (Chromium's network stack: the OS proxy, PAC files, proxy authentication; main/segmind-
 * transport.ts). The CLI and the browser host keep Node's fetch (nodeSegmindTransport).
 */
export interface SegmindTransport {
  readonly fetch: typeof fetch;
  readonly route: ConnectionRoute;
}

export const DIRECT_LABEL = 'Direct';
export const ENV_PROXY_LABEL = 'HTTPS_PROXY from the environment';

export interface NodeProcessFacts {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** process.versions.node, e.g. '20.20.2'. */
  readonly nodeVersion: string;
  readonly execArgv: readonly string[];
}

/**
 * What Node's own fetch does with HTTPS_PROXY in this process. Node 20 ignores it (there is no built-in
 * proxy support), so on these machines the CLI and the host connect directly. Node 22.21+ and 24+ route
 * fetch through HTTPS_PROXY/HTTP_PROXY (honouring NO_PROXY) when started with NODE_USE_ENV_PROXY=1 or
 * --use-env-proxy (a Node that does not know the flag refuses to start, so the flag alone proves support).
 * NO_PROXY is not evaluated here: the label says which route is configured, not whether one host is
 * exempt from it.
 */
export function describeNodeRoute(facts: NodeProcessFacts): ConnectionRoute {
  const proxyVariable = facts.env.HTTPS_PROXY ?? facts.env.https_proxy;
  if (!proxyVariable) return { kind: 'direct', label: DIRECT_LABEL };
  if (nodeFetchUsesEnvProxy(facts)) return { kind: 'env-proxy', label: ENV_PROXY_LABEL };
  const major = facts.nodeVersion.split('.')[0] ?? '?';
  return {
    kind: 'direct',
    label: nodeSupportsEnvProxy(facts.nodeVersion)
      ? `${DIRECT_LABEL} (HTTPS_PROXY is set, but Node uses it only with NODE_USE_ENV_PROXY=1)`
      : `${DIRECT_LABEL} (HTTPS_PROXY is set, but Node ${major} ignores it)`,
  };
}

function nodeFetchUsesEnvProxy(facts: NodeProcessFacts): boolean {
  const flagged =
    facts.execArgv.includes('--use-env-proxy') ||
    (facts.env.NODE_OPTIONS ?? '').split(/\s+/).includes('--use-env-proxy');
  return flagged || (facts.env.NODE_USE_ENV_PROXY === '1' && nodeSupportsEnvProxy(facts.nodeVersion));
}

/** NODE_USE_ENV_PROXY for fetch: Node 24.0 and later, backported to 22.21. */
function nodeSupportsEnvProxy(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major >= 24 || (major === 22 && minor >= 21);
}

/** Node's global fetch, described for this process. */
export function nodeSegmindTransport(
  facts: NodeProcessFacts = {
    env: process.env,
    nodeVersion: process.versions.node,
    execArgv: process.execArgv,
  },
): SegmindTransport {
  // Looked up per call, not captured: tests (and tools) may replace globalThis.fetch after start-up.
  return { fetch: (input, init) => globalThis.fetch(input, init), route: describeNodeRoute(facts) };
}
