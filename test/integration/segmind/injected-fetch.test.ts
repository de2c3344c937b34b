/**
 * The Segmind client, the network probe and the runtime over an injected fetch, on real sockets.
 *
 * The desktop app injects Electron's net.fetch so requests follow the OS proxy. It cannot run here, so two
 * stand-ins play its part over real HTTP:
 * - `viaProxy`: a route like a proxy's. The Segmind address (api.segmind.test) does not resolve, so a
 *   request reaches the stand-in only if it took the injected fetch; nothing can take a direct way.
 * - `chromiumLike`: Node's fetch with net.fetch's observable behaviour: failures reject with
 *   `Error('net::ERR_...')` and no cause, and `redirect: 'manual'` rejects with "Redirect was cancelled"
 *   instead of answering with the 3xx (Electron's ClientRequest cancels a redirect nobody follows).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequestBody, consistentCharacterV1 as v1, defaultParams } from '../../../src/models';
import { canReachOverFetch, createSegmindClient, type RequestFailure } from '../../../src/segmind';
import { createAppRuntime } from '../../../src/services/runtime';
import type { SegmindTransport } from '../../../src/services/runtime-network';
import { MemoryStore } from '../../../src/secrets/memory-store';
import { useTempDirs } from '../../helpers/temp-dir';
import { closedPort, startHarness, type Harness } from './support';

const API = 'https://api.segmind.test';
const tempDir = useTempDirs();

let h: Harness;
let body: Record<string, string | number | boolean>;
beforeAll(async () => {
  h = await startHarness({ credits: 1000 });
  body = buildRequestBody(v1, defaultParams(v1), h.sheet.toString('base64'));
});
afterAll(async () => {
  await h.standIn.close();
});

interface Sent {
  url: string;
  init: RequestInit | undefined;
}

/** A fetch that carries every request for api.segmind.test to `target`, as a proxy would; records each. */
function viaProxy(target: () => string, sent: Sent[] = []): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    sent.push({ url: url.href, init });
    if (url.origin !== API)
      throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND', syscall: 'getaddrinfo' } });
    return globalThis.fetch(`${target()}${url.pathname}${url.search}`, init);
  };
}

/** Node's fetch, failing and refusing redirects the way Electron's net.fetch does. */
const chromiumLike: typeof fetch = async (input, init) => {
  let response: Response;
  try {
    response = await globalThis.fetch(input, init);
  } catch (error) {
    if (init?.signal?.aborted) throw error;
    const code = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(code === 'ECONNREFUSED' ? 'net::ERR_CONNECTION_REFUSED' : 'net::ERR_CONNECTION_RESET');
  }
  if (init?.redirect === 'manual' && response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new Error('Redirect was cancelled');
  }
  return response;
};

function failure(result: { ok: boolean }): RequestFailure {
  expect(result.ok).toBe(false);
  return result as RequestFailure;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('the client over an injected fetch', () => {
  it('sends every request through it, redirects off, the key only to the API address', async () => {
    const sent: Sent[] = [];
    const client = createSegmindClient({
      baseUrl: API,
      getKey: async () => h.standIn.key,
      fetch: viaProxy(() => h.standIn.url, sent),
    });
    const posts = h.standIn.postCount;

    const generated = await client.generate(v1.path, body);
    expect(generated.ok).toBe(true);
    const credits = await client.getCredits();
    expect(credits.ok).toBe(true);

    expect(h.standIn.postCount).toBe(posts + 1);
    expect(sent.map((s) => s.url)).toEqual([`${API}${v1.path}`, `${API}/v1/get-user-credits`]);
    for (const { url, init } of sent) {
      expect(new URL(url).origin).toBe(API);
      expect(init?.redirect).toBe('manual');
      expect((init?.headers as Record<string, string>)['x-api-key']).toBe(h.standIn.key);
    }
  });

  it('keeps its timeouts: the injected fetch is aborted by the client’s signal', async () => {
    const client = createSegmindClient({
      baseUrl: API,
      getKey: async () => h.standIn.key,
      fetch: viaProxy(() => h.standIn.url),
    });
    h.standIn.failNext({ kind: 'slow', delayMs: 3000, target: 'credits' });
    const started = Date.now();
    const f = failure(await client.getCredits({ timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(f.error.code).toBe('TIMEOUT');
  });
});

describe('the client over a Chromium-like fetch (what net.fetch does)', () => {
  it('a refused connection is OFFLINE, sent: no (so the queue waits instead of asking the person)', async () => {
    const client = createSegmindClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      getKey: async () => h.standIn.key,
      fetch: chromiumLike,
    });
    const f = failure(await client.generate(v1.path, body));
    expect([f.error.code, f.sent, f.billed]).toEqual(['OFFLINE', 'no', 'no']);
    expect(f.error.detail?.cause).toBe('ERR_CONNECTION_REFUSED');
  });

  it('a redirect is not followed: no second POST, the key never reaches the other host', async () => {
    let targetHits = 0;
    const target = createServer((_req, res) => {
      targetHits++;
      res.end();
    });
    const targetUrl = await listen(target);
    const redirector = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(307, { location: `${targetUrl}${v1.path}` });
        res.end();
      });
    });
    const redirectorUrl = await listen(redirector);
    try {
      const client = createSegmindClient({
        baseUrl: redirectorUrl,
        getKey: async () => h.standIn.key,
        fetch: chromiumLike,
      });
      const f = failure(await client.generate(v1.path, body));
      // An answer came, so the POST arrived; whether anyone acted on it is unknown: never re-sent by itself.
      expect([f.error.code, f.sent, f.billed]).toEqual(['OUTCOME_UNKNOWN', 'maybe', 'maybe']);
      expect(f.error.detail?.cause).toBe('REDIRECT_NOT_FOLLOWED');
      expect(targetHits).toBe(0);
    } finally {
      await Promise.all([close(redirector), close(target)]);
    }
  });
});

describe('canReachOverFetch: the network probe along the injected route', () => {
  it('reaches Segmind through the route even where no direct connection exists', async () => {
    expect(
      await canReachOverFetch(
        viaProxy(() => h.standIn.url),
        API,
      ),
    ).toBe(true);
  });

  it('is false when the route provably cannot connect, or does not answer in time', async () => {
    expect(await canReachOverFetch(chromiumLike, `http://127.0.0.1:${await closedPort()}`)).toBe(false);
    const silent = createServer(() => undefined);
    const url = await listen(silent);
    try {
      expect(await canReachOverFetch(globalThis.fetch, url, 200)).toBe(false);
    } finally {
      await close(silent);
    }
  });

  it('counts any answer, even a refused redirect, as reachable', async () => {
    const redirector = createServer((_req, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:9/' });
      res.end();
    });
    const url = await listen(redirector);
    try {
      expect(await canReachOverFetch(chromiumLike, url)).toBe(true);
    } finally {
      await close(redirector);
    }
  });
});

describe('the runtime with an injected transport (what Electron main passes)', () => {
  it('uses it for credits, says so in app.info, and probes along it to come back online', async () => {
    let proxyUp = false;
    const route = viaProxy(() => h.standIn.url);
    // The "proxy" is down at first: Chromium says so before anything is sent.
    const transport: SegmindTransport = {
      fetch: async (input, init) => {
        if (!proxyUp) throw new Error('net::ERR_PROXY_CONNECTION_FAILED');
        return route(input, init);
      },
      route: { kind: 'system-proxy', label: 'System proxy (Electron)' },
    };
    const secrets = new MemoryStore();
    await secrets.set(h.standIn.key);
    const rt = await createAppRuntime({
      userDataDir: await tempDir(),
      platform: { shell: 'electron' },
      secrets,
      appVersion: 't',
      segmindBaseUrl: API,
      segmindTransport: transport,
      runQueue: false,
    });
    const online: boolean[] = [];
    rt.events.on((name, payload) => {
      if (name === 'network.changed') online.push((payload as { online: boolean }).online);
    });
    try {
      expect(await rt.handlers['app.info']({})).toMatchObject({
        shell: 'electron',
        connection: { kind: 'system-proxy', label: 'System proxy (Electron)' },
      });
      await expect(rt.handlers['credits.get']({})).rejects.toMatchObject({ code: 'OFFLINE' });
      expect(online).toEqual([false]);

      // The proxy is back. Only a probe along the route can tell: api.segmind.test never resolves.
      proxyUp = true;
      const deadline = Date.now() + 9000;
      while (online.length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(online).toEqual([false, true]);
      const credits = await rt.handlers['credits.get']({});
      expect(credits.credits).toBe(h.standIn.credits);
    } finally {
      await rt.dispose();
    }
  }, 15_000);

  it('without one, the CLI and the host use Node’s fetch and say how it connects', async () => {
    const rt = await createAppRuntime({
      userDataDir: await tempDir(),
      platform: { shell: 'browser' },
      secrets: new MemoryStore(),
      appVersion: 't',
      runQueue: false,
    });
    try {
      const info = await rt.handlers['app.info']({});
      // Node 20 has no proxy support of its own: a direct connection, whatever HTTPS_PROXY says.
      if (Number(process.versions.node.split('.')[0]) < 22) expect(info.connection.kind).toBe('direct');
      expect(info.connection.label).toMatch(/^(Direct|HTTPS_PROXY from the environment)/);
    } finally {
      await rt.dispose();
    }
  });
});
