/**
 * Whether a failed request may have been billed: provably unsent (safe to retry), maybe sent (never
 * retried automatically), or answered. Real sockets throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequestBody, consistentCharacterV1 as v1, defaultParams } from '../../../src/models';
import { createSegmindClient } from '../../../src/segmind';
import type { GenerateResult, RequestFailure } from '../../../src/segmind';
import type { Harness } from './support';
import { closedPort, startHarness, until } from './support';

let h: Harness;
let body: Record<string, string | number | boolean>;
beforeAll(async () => {
  h = await startHarness({ credits: 1000 });
  body = buildRequestBody(v1, defaultParams(v1), h.sheet.toString('base64'));
});
afterAll(async () => {
  await h.standIn.close();
});

function failure(
  result: GenerateResult | Awaited<ReturnType<Harness['client']['getCredits']>>,
): RequestFailure {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result;
}

describe('before anything is sent', () => {
  it('a refused connection is OFFLINE, sent: no', async () => {
    const client = createSegmindClient({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      getKey: async () => h.standIn.key,
    });
    const f = failure(await client.generate(v1.path, body));
    expect([f.error.code, f.sent, f.billed]).toEqual(['OFFLINE', 'no', 'no']);
    expect(f.error.detail?.cause).toBe('ECONNREFUSED');
    expect(f.error.message).toMatch(/not sent/);
    const credits = failure(await client.getCredits());
    expect([credits.error.code, credits.sent]).toEqual(['OFFLINE', 'no']);
  });

  it('a name that does not resolve is OFFLINE, sent: no', async () => {
    // .invalid never resolves (RFC 6761).
    const client = createSegmindClient({
      baseUrl: 'http://segmind-stand-in.invalid',
      getKey: async () => h.standIn.key,
    });
    const f = failure(await client.generate(v1.path, body));
    expect([f.error.code, f.sent]).toEqual(['OFFLINE', 'no']);
  });

  it('no key: KEY_MISSING and nothing sent', async () => {
    const posts = h.standIn.postCount;
    for (const getKey of [async () => null, async () => '   ']) {
      const client = createSegmindClient({ baseUrl: h.standIn.url, getKey });
      const f = failure(await client.generate(v1.path, body));
      expect([f.error.code, f.sent, f.billed]).toEqual(['KEY_MISSING', 'no', 'no']);
      expect(failure(await client.getCredits()).error.code).toBe('KEY_MISSING');
    }
    expect(h.standIn.postCount).toBe(posts);
  });

  it('a key store that fails: KEY_MISSING and nothing sent', async () => {
    const posts = h.standIn.postCount;
    const client = createSegmindClient({
      baseUrl: h.standIn.url,
      getKey: async () => {
        throw new Error('keychain locked');
      },
    });
    const f = failure(await client.generate(v1.path, body));
    expect([f.error.code, f.sent]).toEqual(['KEY_MISSING', 'no']);
    expect(f.error.message).not.toContain('keychain locked');
    expect(h.standIn.postCount).toBe(posts);
  });

  it('cancelled before sending: CANCELLED, sent: no, no POST', async () => {
    const posts = h.standIn.postCount;
    const controller = new AbortController();
    controller.abort();
    const f = failure(await h.client.generate(v1.path, body, { signal: controller.signal }));
    expect([f.error.code, f.sent, f.billed]).toEqual(['CANCELLED', 'no', 'no']);

    // Cancelled while the key was being read (a keychain prompt): still nothing sent.
    const late = new AbortController();
    const client = createSegmindClient({
      baseUrl: h.standIn.url,
      getKey: async () => {
        late.abort();
        return h.standIn.key;
      },
    });
    const g = failure(await client.generate(v1.path, body, { signal: late.signal }));
    expect([g.error.code, g.sent]).toEqual(['CANCELLED', 'no']);
    expect(h.standIn.postCount).toBe(posts);
  });
});

describe('after the request was sent', () => {
  it('a connection dropped after the body: exactly one POST, OUTCOME_UNKNOWN, sent: maybe', async () => {
    h.standIn.failNext('drop-after-body');
    const posts = h.standIn.postCount;
    const f = failure(await h.client.generate(v1.path, body));
    expect(h.standIn.postCount).toBe(posts + 1);
    expect([f.error.code, f.sent, f.billed]).toEqual(['OUTCOME_UNKNOWN', 'maybe', 'maybe']);
    expect(f.error.message).toMatch(/may have been charged/);
    expect(f.status).toBeUndefined();
    // Nothing was re-sent behind the caller's back, even a moment later.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.standIn.postCount).toBe(posts + 1);
  });

  it('a picture cut off mid-way: OUTCOME_UNKNOWN, answered with 200 so billed: yes', async () => {
    h.standIn.failNext('truncated-body');
    const posts = h.standIn.postCount;
    const f = failure(await h.client.generate(v1.path, body));
    expect([f.error.code, f.sent, f.billed, f.status]).toEqual(['OUTCOME_UNKNOWN', 'yes', 'yes', 200]);
    expect(f.error.detail?.reason).toBe('truncated');
    expect(f.headers?.cost).toBe(0.13);
    expect(h.standIn.postCount).toBe(posts + 1);
  });

  it('cancelled while Segmind works: CANCELLED, sent: maybe', async () => {
    h.standIn.failNext({ kind: 'slow', delayMs: 3000 });
    const posts = h.standIn.postCount;
    const controller = new AbortController();
    const pending = h.client.generate(v1.path, body, { signal: controller.signal });
    await until(() => h.standIn.postCount === posts + 1);
    const started = Date.now();
    controller.abort();
    const f = failure(await pending);
    expect(Date.now() - started).toBeLessThan(1000);
    expect([f.error.code, f.sent, f.billed]).toEqual(['CANCELLED', 'maybe', 'maybe']);
    expect(f.error.message).toMatch(/may still charge/);
  });

  it('no headers in time: OUTCOME_UNKNOWN with the phase, sent: maybe', async () => {
    h.standIn.failNext({ kind: 'slow', delayMs: 3000 });
    const started = Date.now();
    const f = failure(await h.client.generate(v1.path, body, { headersTimeoutMs: 200 }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    expect([f.error.code, f.sent, f.billed]).toEqual(['OUTCOME_UNKNOWN', 'maybe', 'maybe']);
    expect(f.error.detail).toMatchObject({ reason: 'timeout', phase: 'headers', afterMs: 200 });
  });

  it('a picture that stalls past the total time: OUTCOME_UNKNOWN, billed: yes', async () => {
    h.standIn.failNext({ kind: 'slow-body', delayMs: 5000 });
    const started = Date.now();
    const f = failure(
      await h.client.generate(v1.path, body, { headersTimeoutMs: 5000, totalTimeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect([f.error.code, f.sent, f.billed, f.status]).toEqual(['OUTCOME_UNKNOWN', 'yes', 'yes', 200]);
    expect(f.error.detail?.reason).toBe('timeout');
  });

  it('a slow but complete answer within the limits succeeds', async () => {
    h.standIn.failNext({ kind: 'slow', delayMs: 150 });
    const result = await h.client.generate(v1.path, body, { headersTimeoutMs: 2000, totalTimeoutMs: 3000 });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.timings.headersMs).toBeGreaterThanOrEqual(140);
  });

  it('a credits check that takes too long is a TIMEOUT (it is free, so not “outcome unknown”)', async () => {
    h.standIn.failNext({ kind: 'slow', delayMs: 3000, target: 'credits' });
    const f = failure(await h.client.getCredits({ timeoutMs: 150 }));
    expect([f.error.code, f.billed]).toEqual(['TIMEOUT', 'no']);
  });
});
