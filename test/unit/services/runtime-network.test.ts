// How the CLI and the browser host describe their route to Segmind: Node's fetch, which honours
// HTTPS_PROXY only on Node 22.21+/24+ with NODE_USE_ENV_PROXY=1 or --use-env-proxy (Node 20 never does).
import { describe, expect, it } from 'vitest';
import {
  describeNodeRoute,
  nodeSegmindTransport,
  type NodeProcessFacts,
} from '../../../src/services/runtime-network';

const facts = (
  env: Record<string, string>,
  nodeVersion = '20.20.2',
  execArgv: string[] = [],
): NodeProcessFacts => ({
  env,
  nodeVersion,
  execArgv,
});
const PROXY = 'http://proxy.corp.example:3128';

describe('describeNodeRoute', () => {
  it('is Direct without a proxy variable', () => {
    expect(describeNodeRoute(facts({}))).toEqual({ kind: 'direct', label: 'Direct' });
    expect(describeNodeRoute(facts({ NODE_USE_ENV_PROXY: '1' }, '24.11.1'))).toEqual({
      kind: 'direct',
      label: 'Direct',
    });
  });

  it('on Node 20 is Direct even with HTTPS_PROXY set, and says that it is ignored', () => {
    const route = describeNodeRoute(facts({ HTTPS_PROXY: PROXY, NODE_USE_ENV_PROXY: '1' }));
    expect(route.kind).toBe('direct');
    expect(route.label).toMatch(/^Direct \(HTTPS_PROXY is set, but Node 20 ignores it\)$/);
  });

  it('uses HTTPS_PROXY from the environment where Node honours it', () => {
    for (const [env, version, argv] of [
      [{ HTTPS_PROXY: PROXY, NODE_USE_ENV_PROXY: '1' }, '24.0.0', []],
      [{ https_proxy: PROXY, NODE_USE_ENV_PROXY: '1' }, '22.21.0', []],
      [{ HTTPS_PROXY: PROXY }, '24.11.1', ['--use-env-proxy']],
      [{ HTTPS_PROXY: PROXY, NODE_OPTIONS: '--max-old-space-size=4096 --use-env-proxy' }, '24.11.1', []],
    ] as const) {
      expect(describeNodeRoute(facts({ ...env }, version, [...argv])), JSON.stringify(env)).toEqual({
        kind: 'env-proxy',
        label: 'HTTPS_PROXY from the environment',
      });
    }
  });

  it('on a Node that could, but was not asked to, says how to turn it on', () => {
    const route = describeNodeRoute(facts({ HTTPS_PROXY: PROXY }, '22.21.0'));
    expect(route).toEqual({
      kind: 'direct',
      label: 'Direct (HTTPS_PROXY is set, but Node uses it only with NODE_USE_ENV_PROXY=1)',
    });
    expect(describeNodeRoute(facts({ HTTPS_PROXY: PROXY, NODE_USE_ENV_PROXY: '1' }, '22.20.0')).kind).toBe(
      'direct',
    );
  });

  it('the default transport is the global fetch, looked up per call', async () => {
    const transport = nodeSegmindTransport(facts({}));
    const original = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = (async (input: string | URL | Request) => {
      seen.push(String(input));
      return new Response('ok');
    }) as typeof fetch;
    try {
      await transport.fetch('http://127.0.0.1:9/x');
    } finally {
      globalThis.fetch = original;
    }
    expect(seen).toEqual(['http://127.0.0.1:9/x']);
  });
});
