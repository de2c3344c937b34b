import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { NetworkMonitor } from '../../../src/jobs/network-monitor';

/** A plain TCP listener standing in for Segmind's host: the probe only needs a connection to succeed. */
function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const portOf = (server: Server) => (server.address() as { port: number }).port;

function nextChange(monitor: NetworkMonitor): Promise<boolean> {
  return new Promise((resolve) => {
    const stop = monitor.onChange((online) => {
      stop();
      resolve(online);
    });
  });
}

describe('NetworkMonitor.watch', () => {
  let monitor: NetworkMonitor | undefined;
  afterEach(() => monitor?.dispose());

  it('notices that the host went away without any request failing, and notices it coming back', async () => {
    let server = await listen();
    const port = portOf(server);
    monitor = new NetworkMonitor(() => `http://127.0.0.1:${port}`, 50);
    monitor.watch();
    expect(monitor.isOnline()).toBe(true);

    const lost = nextChange(monitor);
    const startedAt = Date.now();
    await close(server);
    expect(await lost).toBe(false);
    // Noticed within a few probe intervals, not at the next paid request.
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(monitor.isOnline()).toBe(false);

    const back = nextChange(monitor);
    server = await listen(port);
    expect(await back).toBe(true);
    await close(server);
  });

  it('without watch, stays quiet until a request reports the network unreachable (the CLI never probes)', async () => {
    let probes = 0;
    monitor = new NetworkMonitor(
      () => 'http://127.0.0.1:9',
      20,
      async () => {
        probes++;
        return false;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(probes).toBe(0);
    expect(monitor.isOnline()).toBe(true);
  });

  it('stops probing once disposed', async () => {
    let probes = 0;
    monitor = new NetworkMonitor(
      () => 'http://127.0.0.1:9',
      20,
      async () => {
        probes++;
        return true;
      },
    );
    monitor.watch();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(probes).toBeGreaterThan(1);
    monitor.dispose();
    const seen = probes;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(probes).toBe(seen);
  });
});
