/** The parsing and classification rules on their own, with the edge cases the stand-in never produces. */
import { describe, expect, it } from 'vitest';
import {
  classifyHttpFailure,
  classifyNetworkFailure,
  normaliseBaseUrl,
  parseResetAt,
  parseResponseHeaders,
  parseSeed,
} from '../../../src/segmind';

const json = (status: number, error: string, headers: Record<string, string> = {}) =>
  classifyHttpFailure({
    status,
    headers: new Headers({ 'content-type': 'application/json', ...headers }),
    bodyText: JSON.stringify({ error }),
    key: null,
  });

describe('response headers', () => {
  it('reads every documented header, the seed as a safe integer', () => {
    const parsed = parseResponseHeaders(
      new Headers({
        'x-remaining-credits': '12.5',
        'x-cost': '0.13',
        'x-seed-value': '4898558797',
        'x-request-id': ' req-1 ',
        'x-generation-time': '38.2',
      }),
    );
    expect(parsed).toEqual({
      remainingCredits: 12.5,
      cost: 0.13,
      seed: 4898558797,
      requestId: 'req-1',
      generationTime: '38.2',
    });
  });

  it('leaves out what is absent or does not parse, rather than guess', () => {
    expect(parseResponseHeaders(new Headers({ 'x-remaining-credits': 'lots', 'x-cost': '' }))).toEqual({});
    expect(parseSeed('9007199254740993')).toBeUndefined(); // beyond 2^53: would be rounded to another seed
    expect(parseSeed('12.0')).toBeUndefined();
    expect(parseSeed('-1')).toBe(-1);
    expect(parseSeed(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads the rate-limit reset time in any likely format, as UTC', () => {
    expect(parseResetAt('2030-01-02T03:04:05Z')).toBe('2030-01-02T03:04:05.000Z');
    expect(parseResetAt('2030-01-02 03:04:05')).toBe('2030-01-02T03:04:05.000Z');
    expect(parseResetAt('1893553445')).toBe('2030-01-02T03:04:05.000Z');
    expect(parseResetAt('1893553445000')).toBe('2030-01-02T03:04:05.000Z');
    expect(parseResetAt('soon')).toBeUndefined();
  });
});

describe('HTTP failures', () => {
  it('tells 401 missing from 401 invalid by the message', () => {
    expect(json(401, 'API key missing').detail?.reason).toBe('missing');
    expect(json(401, 'No API key provided').detail?.reason).toBe('missing');
    expect(json(401, 'Invalid API key').detail?.reason).toBe('invalid');
    expect(json(401, 'Unauthorized').detail?.reason).toBe('invalid');
  });

  it('tells the two 406s apart and reads balance and cost from the wording', () => {
    const credits = json(406, 'Not enough credits. Available: 0.02, required: 0.13');
    expect(credits.code).toBe('CREDITS_EXHAUSTED');
    expect(credits.detail).toMatchObject({ credits: 0.02, needed: 0.13 });
    const bare = json(406, 'Insufficient credits');
    expect(bare.code).toBe('CREDITS_EXHAUSTED');
    expect(bare.detail?.credits).toBeUndefined();
    expect(json(406, 'Content-Type must be application/json').code).toBe('BAD_REQUEST');
  });

  it('maps statuses to codes', () => {
    expect(json(410, 'gone').code).toBe('MODEL_RETIRED');
    expect(json(422, 'bad').code).toBe('BAD_REQUEST');
    expect(
      json(429, 'slow down', { 'x-rate-limit-reset-at-utc': '2030-01-02T03:04:05Z' }).detail?.resetAt,
    ).toBe('2030-01-02T03:04:05.000Z');
    expect(json(503, 'down').code).toBe('SERVER_ERROR');
    expect(json(418, 'teapot').code).toBe('BAD_REQUEST');
  });

  it('quotes a JSON or plain-text message, shortened, and never HTML', () => {
    const long = json(422, 'x'.repeat(1000));
    expect(String(long.detail?.serverMessage).length).toBe(300);
    const html = classifyHttpFailure({
      status: 405,
      headers: new Headers({ 'content-type': 'text/html' }),
      bodyText: '<h1>No</h1>',
      key: null,
    });
    expect(html.detail?.serverMessage).toBeUndefined();
    const text = classifyHttpFailure({
      status: 500,
      headers: new Headers({ 'content-type': 'text/plain' }),
      bodyText: 'worker died',
      key: null,
    });
    expect(text.detail?.serverMessage).toBe('worker died');
  });
});

describe('network failures', () => {
  const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });
  const sysError = (code: string, syscall?: string): Error =>
    Object.assign(new Error(code), { code, syscall });

  it('is "no" only for failures before a connection exists', () => {
    expect(classifyNetworkFailure(fetchFailed(sysError('ECONNREFUSED', 'connect'))).sent).toBe('no');
    expect(classifyNetworkFailure(fetchFailed(sysError('ENOTFOUND', 'getaddrinfo'))).sent).toBe('no');
    expect(classifyNetworkFailure(fetchFailed(sysError('UND_ERR_CONNECT_TIMEOUT'))).sent).toBe('no');
    expect(classifyNetworkFailure(fetchFailed(sysError('CERT_HAS_EXPIRED'))).sent).toBe('no');
    expect(classifyNetworkFailure(new TypeError('Invalid URL')).sent).toBe('no');
  });

  it('is "maybe" for anything that can happen after the body left', () => {
    expect(classifyNetworkFailure(fetchFailed(sysError('UND_ERR_SOCKET'))).sent).toBe('maybe');
    expect(classifyNetworkFailure(fetchFailed(sysError('ECONNRESET', 'read'))).sent).toBe('maybe');
    expect(classifyNetworkFailure(fetchFailed(sysError('UND_ERR_HEADERS_TIMEOUT'))).sent).toBe('maybe');
    expect(classifyNetworkFailure(fetchFailed({ odd: true })).sent).toBe('maybe');
    expect(classifyNetworkFailure(new Error('something else')).sent).toBe('maybe');
  });

  it('needs every address of a multi-address attempt to have failed to connect', () => {
    const all = new AggregateError([sysError('ECONNREFUSED', 'connect'), sysError('ENETUNREACH', 'connect')]);
    const mixed = new AggregateError([sysError('ECONNREFUSED', 'connect'), sysError('ECONNRESET', 'read')]);
    expect(classifyNetworkFailure(fetchFailed(all))).toEqual({ sent: 'no', cause: 'ECONNREFUSED' });
    expect(classifyNetworkFailure(fetchFailed(mixed)).sent).toBe('maybe');
  });
});

describe('base URL', () => {
  it('accepts http(s) addresses, keeps a path prefix and drops a trailing slash', () => {
    expect(normaliseBaseUrl('https://api.segmind.com/')).toBe('https://api.segmind.com');
    expect(normaliseBaseUrl('http://127.0.0.1:8787/proxy/')).toBe('http://127.0.0.1:8787/proxy');
  });

  it('refuses other schemes, credentials and queries', () => {
    for (const bad of [
      'ftp://x',
      'not a url',
      'https://user:pass@api.segmind.com',
      'https://api.segmind.com/?key=1',
    ]) {
      expect(() => normaliseBaseUrl(bad), bad).toThrow(/Segmind address/);
    }
  });
});
