/** Every documented answer of Segmind lands as the right typed result with the right message. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRequestBody, consistentCharacterV1 as v1, defaultParams } from '../../../src/models';
import { createSegmindClient } from '../../../src/segmind';
import type { GenerateResult, RequestFailure } from '../../../src/segmind';
import type { StandInFailureKind } from '../../fakes/segmind-stand-in';
import type { Harness } from './support';
import { startHarness } from './support';

let h: Harness;
let body: Record<string, string | number | boolean>;
beforeAll(async () => {
  h = await startHarness({ credits: 1000 });
  body = buildRequestBody(v1, defaultParams(v1), h.sheet.toString('base64'));
});
afterAll(async () => {
  await h.standIn.close();
});
beforeEach(() => {
  h.standIn.credits = 1000;
});

function failure(result: GenerateResult): RequestFailure {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result;
}

const injected: [StandInFailureKind, number, string, RegExp][] = [
  ['401-missing', 401, 'KEY_REJECTED', /carried no API key/],
  ['401-invalid', 401, 'KEY_REJECTED', /invalid or has expired/],
  ['404', 404, 'BAD_REQUEST', /does not know this address/],
  ['405', 405, 'BAD_REQUEST', /does not accept this kind of request/],
  ['406-credits', 406, 'CREDITS_EXHAUSTED', /not have enough credits/],
  ['406-content-type', 406, 'BAD_REQUEST', /content type/],
  ['410', 410, 'MODEL_RETIRED', /retired/],
  ['422', 422, 'BAD_REQUEST', /rejected some of the values/],
  ['429', 429, 'RATE_LIMITED', /wait until/],
  ['500', 500, 'SERVER_ERROR', /server error/],
];

describe('HTTP statuses', () => {
  it.each(injected)('%s → %s %s, sent but not billed', async (kind, status, code, message) => {
    h.standIn.failNext(kind);
    const posts = h.standIn.postCount;
    const f = failure(await h.client.generate(v1.path, body));
    expect(f.error.code).toBe(code);
    expect(f.error.message).toMatch(message);
    expect(f.error.message).toMatch(/Nothing was charged/);
    expect(f.status).toBe(status);
    expect(f.sent).toBe('yes');
    expect(f.billed).toBe('no');
    expect(h.standIn.postCount).toBe(posts + 1);
  });

  it('tells the two 401s apart in detail.reason', async () => {
    h.standIn.failNext('401-missing');
    expect(failure(await h.client.generate(v1.path, body)).error.detail?.reason).toBe('missing');
    h.standIn.failNext('401-invalid');
    expect(failure(await h.client.generate(v1.path, body)).error.detail?.reason).toBe('invalid');
  });

  it('rejects an unknown key for real', async () => {
    const client = createSegmindClient({ baseUrl: h.standIn.url, getKey: async () => 'SG_ffffffffffffffff' });
    const f = failure(await client.generate(v1.path, body));
    expect(f.error.code).toBe('KEY_REJECTED');
    expect(f.error.detail?.reason).toBe('invalid');
    const credits = await client.getCredits();
    expect(credits.ok).toBe(false);
    if (!credits.ok) expect(credits.error.code).toBe('KEY_REJECTED');
  });

  it('parses balance and cost from a real 406 when the credits run out', async () => {
    h.standIn.credits = 0.05;
    const f = failure(await h.client.generate(v1.path, body));
    expect(f.error.code).toBe('CREDITS_EXHAUSTED');
    expect(f.error.detail).toMatchObject({ credits: 0.05, needed: 0.13, status: 406, reason: 'credits' });
    expect(f.error.message).toContain('You have 0.05 and this needs 0.13');
    expect(h.standIn.credits).toBe(0.05);
  });

  it('tells a real content-type 406 from a credits 406', async () => {
    // A real request whose content type is changed on its way out, to get the stand-in's own answer.
    const client = createSegmindClient({
      baseUrl: h.standIn.url,
      getKey: async () => h.standIn.key,
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), 'content-type': 'text/plain' },
        }),
    });
    const f = failure(await client.generate(v1.path, body));
    expect(f.status).toBe(406);
    expect(f.error.code).toBe('BAD_REQUEST');
    expect(f.error.detail?.reason).toBe('content-type');
  });

  it('carries the rate-limit reset time', async () => {
    h.standIn.failNext('429');
    const before = Date.now();
    const f = failure(await h.client.generate(v1.path, body));
    const resetAt = Date.parse(String(f.error.detail?.resetAt));
    expect(resetAt).toBeGreaterThan(before + 50_000);
    expect(resetAt).toBeLessThan(before + 70_000);
  });

  it('answers a real 429 from the stand-in’s rate limit', async () => {
    const limited = await startHarness({ rateLimitPerMinute: 1 });
    try {
      const b = buildRequestBody(v1, defaultParams(v1), limited.sheet.toString('base64'));
      expect((await limited.client.generate(v1.path, b)).ok).toBe(true);
      const f = failure(await limited.client.generate(v1.path, b));
      expect(f.error.code).toBe('RATE_LIMITED');
      expect(typeof f.error.detail?.resetAt).toBe('string');
    } finally {
      await limited.standIn.close();
    }
  });

  it('keeps Segmind’s own words for a 422 and a 500 from a value it refused', async () => {
    const bad = failure(await h.client.generate(v1.path, { ...body, num_inference_steps: 500 }));
    expect(bad.status).toBe(422);
    expect(bad.error.code).toBe('BAD_REQUEST');
    expect(String(bad.error.detail?.serverMessage)).toContain('num_inference_steps');
    const credits = h.standIn.credits;
    const rejected = failure(await h.client.generate(v1.path, { ...body, sampler: 'not_a_sampler' }));
    expect(rejected.status).toBe(500);
    expect(rejected.error.code).toBe('SERVER_ERROR');
    expect(rejected.error.message).toMatch(/may not accept its value/);
    expect(String(rejected.error.detail?.serverMessage)).toContain("'not_a_sampler' not in");
    expect(h.standIn.credits).toBe(credits);
  });

  it('treats an unknown path as a 404 and a 405 HTML page as a rejected request without quoting HTML', async () => {
    const notFound = failure(await h.client.generate('/v1/no-such-model', body));
    expect([notFound.status, notFound.error.code]).toEqual([404, 'BAD_REQUEST']);
    h.standIn.failNext('405');
    const notAllowed = failure(await h.client.generate(v1.path, body));
    expect(notAllowed.contentType).toMatch(/text\/html/);
    expect(notAllowed.error.detail?.serverMessage).toBeUndefined();
    expect(notAllowed.error.message).not.toMatch(/</);
  });

  it('keeps what a 200 sent instead of a picture, as BAD_RESPONSE and billed', async () => {
    h.standIn.failNext('not-an-image');
    const credits = h.standIn.credits;
    const f = failure(await h.client.generate(v1.path, body));
    expect(f.error.code).toBe('BAD_RESPONSE');
    expect([f.status, f.sent, f.billed]).toEqual([200, 'yes', 'yes']);
    expect(f.bytes?.toString('utf8')).toContain('<h1>Upstream error</h1>');
    expect(f.headers?.remainingCredits).toBe(credits - 0.13);
  });

  it('does not follow a redirect (no second POST, no key sent elsewhere)', async () => {
    const { createServer } = await import('node:http');
    let targetHits = 0;
    const target = createServer((_req, res) => {
      targetHits++;
      res.end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const targetPort = (target.address() as { port: number }).port;
    const redirector = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(307, {
          location: `http://127.0.0.1:${targetPort}/v1/consistent-character-ai-neolemon`,
        });
        res.end();
      });
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const client = createSegmindClient({
        baseUrl: `http://127.0.0.1:${(redirector.address() as { port: number }).port}`,
        getKey: async () => h.standIn.key,
      });
      const f = failure(await client.generate(v1.path, body));
      expect(f.error.code).toBe('BAD_REQUEST');
      expect(f.status).toBe(307);
      expect(targetHits).toBe(0);
    } finally {
      redirector.closeAllConnections();
      target.closeAllConnections();
      await Promise.all([new Promise((r) => redirector.close(r)), new Promise((r) => target.close(r))]);
    }
  });

  it('reports a failed credits check as data', async () => {
    h.standIn.failNext({ kind: '500', target: 'credits' });
    const result = await h.client.getCredits();
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.billed]).toEqual(['SERVER_ERROR', 'no']);
    expect((await h.client.getCredits()).ok).toBe(true);
  });
});
