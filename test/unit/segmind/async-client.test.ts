/**
 * The async client builds every API address from its own base URL and the request id, so what Segmind's
 * answer says cannot steer the key elsewhere: `status_url`/`response_url` pointing at another host are not
 * followed, a request id that would change the path is refused, and output files are fetched without the
 * key. Real HTTP: a scripted API on one port, a recording "other host" on another.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegmindAsyncClient } from '../../../src/segmind/async-client';

const KEY = 'SG_0123456789abcdef';
let api: Server;
let other: Server;
let apiUrl = '';
let otherUrl = '';
let picture: Buffer;
const apiSeen: { method: string; path: string; headers: IncomingHttpHeaders }[] = [];
const otherSeen: { path: string; headers: IncomingHttpHeaders }[] = [];
let submitAnswer: unknown;

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  picture = await sharp({ create: { width: 20, height: 20, channels: 3, background: 'white' } })
    .png()
    .toBuffer();
  other = createServer((req, res) => {
    otherSeen.push({ path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(picture);
  });
  otherUrl = await listen(other);
  api = createServer((req, res) => {
    apiSeen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') return json(res, 200, submitAnswer);
      if (req.url?.startsWith('/v2/requests/gone')) return json(res, 404, { error: 'not found' });
      if (req.url?.endsWith('/status')) return json(res, 200, { status: 'COMPLETED' });
      if (req.url === '/v2/requests/failed') {
        return json(res, 422, { status: 'FAILED', error: 'bad face', metrics: { cost: 0 } });
      }
      return json(res, 200, {
        status: 'COMPLETED',
        images: [{ url: `${otherUrl}/out/1.png`, content_type: 'image/png', file_size: picture.length }],
        seed: 4898558797,
        metrics: {
          cost: 0.13,
          remaining_credits: '9.87',
          inference_time: 30.5,
          queue_time: 1,
          total_time: 31.5,
        },
      });
    });
  });
  apiUrl = await listen(api);
});
afterAll(async () => {
  api.closeAllConnections();
  other.closeAllConnections();
  await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => other.close(r))]);
});

const client = () => createSegmindAsyncClient({ baseUrl: apiUrl, getKey: async () => KEY });

describe('the async client', () => {
  it('follows its own addresses, never the ones in the answer, and downloads without the key', async () => {
    submitAnswer = {
      request_id: 'req-1',
      status: 'QUEUED',
      status_url: `${otherUrl}/steal/status`,
      response_url: `${otherUrl}/steal`,
    };
    const submitted = await client().submit('consistent-character-ai-neolemon', { prompt: 'x' });
    expect(submitted).toMatchObject({ ok: true, requestId: 'req-1', status: 'QUEUED' });
    const status = await client().status('req-1');
    expect(status).toMatchObject({ ok: true, status: 'COMPLETED' });
    const result = await client().result('req-1');
    expect(result).toMatchObject({
      ok: true,
      state: 'COMPLETED',
      seed: 4898558797,
      metrics: { cost: 0.13, remainingCredits: 9.87, inferenceTime: 30.5, queueTime: 1, totalTime: 31.5 },
    });
    if (!result.ok || result.state !== 'COMPLETED') throw new Error('no result');
    const download = await client().download(result.outputs[0]!);
    expect(download.ok && download.bytes.equals(picture)).toBe(true);

    expect(apiSeen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v2/consistent-character-ai-neolemon',
      'GET /v2/requests/req-1/status',
      'GET /v2/requests/req-1',
    ]);
    for (const r of apiSeen) expect(r.headers['x-api-key']).toBe(KEY);
    expect(otherSeen.map((r) => r.path)).toEqual(['/out/1.png']);
    expect(JSON.stringify(otherSeen)).not.toContain(KEY);
  });

  it('does not accept a request id that would change the address, and calls it unknown', async () => {
    submitAnswer = { request_id: '../../v1/get-user-credits', status: 'QUEUED' };
    const submitted = await client().submit('consistent-character-ai-neolemon', {});
    expect(submitted.ok).toBe(false);
    if (!submitted.ok) {
      expect(submitted.error.code).toBe('OUTCOME_UNKNOWN');
      expect(submitted.billed).toBe('maybe');
    }
    const before = apiSeen.length;
    const status = await client().status('../x');
    expect(status.ok).toBe(false);
    expect(apiSeen.length).toBe(before);
  });

  it('reads a gone record as expired and a failed run (422) as not charged', async () => {
    const gone = await client().status('gone');
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error.detail).toMatchObject({ reason: 'expired' });
    const failed = await client().result('failed');
    expect(failed).toMatchObject({ ok: true, state: 'FAILED', message: 'bad face', metrics: { cost: 0 } });
  });
});
