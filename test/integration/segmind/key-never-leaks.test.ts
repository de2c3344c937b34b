/**
 * The API key must not appear in any result, error, message or detail, on any path: success, every HTTP
 * failure, network failures, cancels, timeouts, a malformed key, a failing key store, and a server that
 * echoes the key back in its error messages and bodies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import { buildRequestBody, consistentCharacterV1 as v1, defaultParams } from '../../../src/models';
import { createSegmindClient } from '../../../src/segmind';
import { STAND_IN_PROMPT_FAILURE_KINDS, startSegmindStandIn } from '../../fakes/segmind-stand-in';
import type { SegmindStandIn } from '../../fakes/segmind-stand-in';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { closedPort } from './support';

// One key in Segmind's format and one that no generic "looks like a key" pattern would catch.
const CANARIES = ['SG_0badc0de5ca1ab1e', 'canary-7f3a9e-Q'];

/** Everything reachable from a value, as text: Buffers decoded, Errors with message, stack and detail. */
function dump(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof AppError)
      return { code: v.code, message: v.message, stack: v.stack, detail: v.detail, data: v.toData() };
    if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack, cause: v.cause };
    if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer') {
      return Buffer.from((v as { data: number[] }).data).toString('latin1');
    }
    return v;
  });
}

function expectNoKey(label: string, value: unknown): void {
  const text = dump(value);
  for (const key of CANARIES) expect(text.includes(key), `${label} leaked the key`).toBe(false);
}

let standIn: SegmindStandIn;
let echo: ReturnType<typeof createServer>;
let echoUrl: string;
let body: Record<string, string | number | boolean>;

beforeAll(async () => {
  standIn = await startSegmindStandIn({ keys: CANARIES, credits: 1000 });
  body = buildRequestBody(v1, defaultParams(v1), (await makePoseSheet()).toString('base64'));
  // A careless server that quotes the key back in every kind of answer.
  echo = createServer((req, res) => {
    const key = String(req.headers['x-api-key']);
    req.resume();
    req.on('end', () => {
      const route = req.url ?? '';
      if (route.endsWith('/json-401')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `invalid key ${key}` }));
      } else if (route.endsWith('/text-500')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`boom for ${key}`);
      } else if (route.endsWith('/image-200')) {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'x-request-id': 'abc' });
        res.end(`not an image, key=${key}`);
      } else if (route.endsWith('/credits-406')) {
        res.writeHead(406, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `Insufficient credits for ${key}: balance 0.01, costs 0.13` }));
      } else {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: { detail: `bad request from ${key}` } }));
      }
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await standIn.close();
  echo.closeAllConnections();
  await new Promise((resolve) => echo.close(resolve));
});

describe('the API key never appears in anything returned', () => {
  for (const key of CANARIES) {
    it(`on every path of the stand-in (${key.slice(0, 6)}…)`, async () => {
      const client = createSegmindClient({ baseUrl: standIn.url, getKey: async () => key });
      expectNoKey('client', client);
      expectNoKey('success', await client.generate(v1.path, body));
      expectNoKey('credits', await client.getCredits());
      // Every kind that answers at once (the slow ones are exercised just below, with short timeouts).
      for (const kind of STAND_IN_PROMPT_FAILURE_KINDS) {
        standIn.failNext(kind);
        const result = await client.generate(v1.path, body);
        expect(result.ok, kind).toBe(false);
        expectNoKey(kind, result);
      }
      standIn.failNext({ kind: 'slow', delayMs: 2000 });
      expectNoKey('timeout', await client.generate(v1.path, body, { headersTimeoutMs: 100 }));
      standIn.failNext({ kind: 'slow', delayMs: 2000 });
      expectNoKey('cancel', await client.generate(v1.path, body, { signal: AbortSignal.timeout(100) }));
      expectNoKey('enum 500', await client.generate(v1.path, { ...body, scheduler: key }));
      expectNoKey('bad value 422', await client.generate(v1.path, { ...body, prompt: key }));
    });
  }

  it('when the server echoes the key in errors and bodies', async () => {
    for (const key of CANARIES) {
      const client = createSegmindClient({ baseUrl: echoUrl, getKey: async () => key });
      for (const path of [
        '/v1/json-401',
        '/v1/text-500',
        '/v1/image-200',
        '/v1/credits-406',
        '/v1/other-422',
      ]) {
        const result = await client.generate(path, body);
        expect(result.ok, path).toBe(false);
        expectNoKey(path, result);
      }
    }
    // The echoed message is kept, minus the key: the redaction is what made the test pass.
    const client = createSegmindClient({ baseUrl: echoUrl, getKey: async () => CANARIES[1] ?? '' });
    const result = await client.generate('/v1/json-401', body);
    expect(!result.ok && result.error.detail?.serverMessage).toBe('invalid key [redacted]');
  });

  it('with no connection, a malformed key or a key store that throws with the key in its message', async () => {
    for (const key of CANARIES) {
      const offline = createSegmindClient({
        baseUrl: `http://127.0.0.1:${await closedPort()}`,
        getKey: async () => key,
      });
      expectNoKey('offline', await offline.generate(v1.path, body));
      expectNoKey('offline credits', await offline.getCredits());

      // fetch's own error for a bad header value quotes the value; the client must never let it through.
      const malformed = createSegmindClient({ baseUrl: standIn.url, getKey: async () => `${key}\n${key}` });
      const m = await malformed.generate(v1.path, body);
      expect(!m.ok && m.error.code).toBe('KEY_REJECTED');
      expectNoKey('malformed', m);

      const throwing = createSegmindClient({
        baseUrl: standIn.url,
        getKey: async () => {
          throw new Error(`could not unlock ${key}`);
        },
      });
      expectNoKey('store error', await throwing.generate(v1.path, body));
      expectNoKey('store error credits', await throwing.getCredits());
    }
  });

  it('the client code has no logging that could carry the key', () => {
    const dir = join(import.meta.dirname, '../../../src/segmind');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/console\.|process\.std(out|err)/);
    }
  });
});
