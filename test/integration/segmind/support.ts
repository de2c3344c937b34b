import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSegmindClient } from '../../../src/segmind';
import type { SegmindClient, SegmindClientOptions } from '../../../src/segmind';
import { startSegmindStandIn } from '../../fakes/segmind-stand-in';
import type { SegmindStandIn, StartStandInOptions } from '../../fakes/segmind-stand-in';
import { makePoseSheet } from '../../fakes/pose-sheet';

export interface Harness {
  standIn: SegmindStandIn;
  client: SegmindClient;
  sheet: Buffer;
}

export async function startHarness(
  standInOptions: StartStandInOptions = {},
  clientOptions: Partial<SegmindClientOptions> = {},
): Promise<Harness> {
  const standIn = await startSegmindStandIn(standInOptions);
  const client = createSegmindClient({
    baseUrl: standIn.url,
    getKey: async () => standIn.key,
    ...clientOptions,
  });
  return { standIn, client, sheet: await makePoseSheet() };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once `condition` holds, polling; for "the request has arrived" before acting on it. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
