/**
 * A counting front for the Segmind stand-in, run by the suite's parent process so it outlives every child
 * it kills. Every POST passes through it to the stand-in unchanged; it records what each one was (the
 * body's seed, which the crash worker makes unique per job), what the stand-in answered (status and
 * x-request-id) and whether the answer could be handed back. A 200 from the stand-in is a paid answer,
 * whether or not the killed child was still there to read it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PostRecord {
  /** The JSON body's `seed`, or null when it had none. */
  seed: number | null;
  /** The stand-in's status; 0 while the answer is pending, -1 when forwarding failed. */
  status: number;
  requestId: string | undefined;
  /** Which epoch of the front the POST arrived in (reset() starts a new one). */
  epoch: number;
}

export interface PaidFront {
  readonly url: string;
  /** POSTs of the current epoch, in arrival order. */
  posts(): PostRecord[];
  /** Forgets what came before (a new project and outbox). */
  reset(): void;
  /** Resolves when no POST is still being forwarded. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startPaidFront(targetUrl: string): Promise<PaidFront> {
  let epoch = 0;
  const records: PostRecord[] = [];
  let pending = 0;
  let idleWaiters: (() => void)[] = [];
  const settle = () => {
    if (pending > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    let record: PostRecord | undefined;
    if (req.method === 'POST') {
      let seed: number | null = null;
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { seed?: unknown };
        if (typeof parsed.seed === 'number') seed = parsed.seed;
      } catch {
        // not JSON: no seed
      }
      record = { seed, status: 0, requestId: undefined, epoch };
      records.push(record);
    }
    const headers: Record<string, string> = {};
    for (const name of ['x-api-key', 'content-type', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let answer: Response;
    let bytes: Buffer;
    try {
      answer = await fetch(`${targetUrl}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'POST' ? { body } : {}),
        redirect: 'manual',
      });
      bytes = Buffer.from(await answer.arrayBuffer());
    } catch {
      if (record) record.status = -1;
      res.destroy();
      return;
    }
    if (record) {
      record.status = answer.status;
      record.requestId = answer.headers.get('x-request-id') ?? undefined;
    }
    const out: Record<string, string> = { 'content-length': String(bytes.length) };
    answer.headers.forEach((value, name) => {
      if (name === 'content-type' || name.startsWith('x-')) out[name] = value;
    });
    if (res.destroyed || req.socket.destroyed) return;
    res.writeHead(answer.status, out);
    res.end(bytes);
  };

  const server = createServer((req, res) => {
    pending++;
    handle(req, res)
      .catch(() => res.destroy())
      .finally(() => {
        pending--;
        settle();
      });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    posts: () => records.filter((r) => r.epoch === epoch),
    reset() {
      epoch++;
      records.length = 0;
    },
    idle: () =>
      pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
