/**
 * The stand-in's async API (v2) itself, over raw HTTP: what the app's tests rely on it to do like
 * SEGMIND_API.md section 4 describes. Submit answers at once with a request id; the run goes QUEUED,
 * PROCESSING, COMPLETED; the result names files on a separate output host; a FAILED run answers 422 and is
 * not charged; a retired model answers 410; records answer 404 after an hour of the stand-in's clock and
 * files after 7 days; the output host records every request's headers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consistentCharacterV1 as v1, defaultParams } from '../../../src/models';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { startSegmindStandIn, type SegmindStandIn } from '../../fakes/segmind-stand-in';
import { V2_OUTPUT_LIFETIME_MS, V2_RECORD_LIFETIME_MS } from '../../fakes/segmind-stand-in-v2';

let s: SegmindStandIn;
beforeEach(async () => {
  s = await startSegmindStandIn({ credits: 1 });
});
afterEach(() => s.close());

const body = async () => ({
  ...defaultParams(v1),
  prompt: 'a lighthouse keeper',
  image: (await makePoseSheet()).toString('base64'),
});
const post = async (path: string, payload: unknown, key: string | null = s.key) =>
  fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify(payload),
  });
const get = (path: string, key: string | null = s.key) =>
  fetch(`${s.url}${path}`, { headers: key ? { 'x-api-key': key } : {} });

async function waitForStatus(id: string, wanted: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const answer = (await (await get(`/v2/requests/${id}/status`)).json()) as Record<string, unknown>;
    if (answer.status === wanted) return answer;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${id} never reached ${wanted}`);
}

describe('the stand-in’s async API', () => {
  it('submits, runs the model, and serves every output from the output host', async () => {
    s.v2.holdRuns();
    const sent = await body();
    const submit = await post(`/v2/${v1.id}`, sent);
    expect(submit.status).toBe(200);
    const answer = (await submit.json()) as Record<string, string>;
    expect(answer).toMatchObject({ status: 'QUEUED' });
    expect(answer.status_url).toBe(`${s.url}/v2/requests/${answer.request_id}/status`);
    expect(answer.response_url).toBe(`${s.url}/v2/requests/${answer.request_id}`);
    // The body is recorded as the app sent it; the stand-in's own run of the v1 route is not a POST the app made.
    expect(s.lastBody).toEqual(sent);
    expect((await (await get(`/v2/requests/${answer.request_id}`)).json()) as unknown).toMatchObject({
      status: expect.stringMatching(/QUEUED|PROCESSING/),
    });
    s.v2.releaseRuns();
    const done = await waitForStatus(answer.request_id!, 'COMPLETED');
    expect(done.metrics).toMatchObject({ cost: 0.13 });
    expect(s.postCount).toBe(1);
    expect(s.generatedCount).toBe(1);
    expect(s.credits).toBeCloseTo(1 - 0.13, 5);

    const result = (await (await get(`/v2/requests/${answer.request_id}`)).json()) as {
      output: string;
      images: { url: string; content_type: string; file_size: number }[];
      metrics: Record<string, number>;
    };
    expect(result.images).toHaveLength(1);
    expect(result.output).toBe(result.images[0]!.url);
    expect(result.output.startsWith(s.v2.outputUrl)).toBe(true);
    expect(new URL(s.v2.outputUrl).port).not.toBe(new URL(s.url).port);
    expect(result.metrics).toMatchObject({ cost: 0.13, remaining_credits: 0.87 });
    const file = await fetch(result.output, { headers: { 'x-api-key': s.key } });
    expect(file.status).toBe(200);
    expect(Number(file.headers.get('content-length'))).toBe(result.images[0]!.file_size);
    // The output host records what it was sent, so a test can catch a key reaching it (as this one did).
    expect(s.v2.outputRequests.at(-1)?.headers['x-api-key']).toBe(s.key);

    // Files live 7 days, records an hour, by the stand-in's clock.
    s.v2.clock.advance(V2_RECORD_LIFETIME_MS);
    expect((await get(`/v2/requests/${answer.request_id}/status`)).status).toBe(404);
    expect((await get(`/v2/requests/${answer.request_id}`)).status).toBe(404);
    expect((await fetch(result.output)).status).toBe(200);
    s.v2.clock.advance(V2_OUTPUT_LIFETIME_MS);
    expect((await fetch(result.output)).status).toBe(404);
  });

  it('a run that fails answers 422 with its error and is not charged', async () => {
    s.v2.failNextRun('the face could not be found');
    const { request_id: id } = (await (await post(`/v2/${v1.id}`, await body())).json()) as {
      request_id: string;
    };
    await waitForStatus(id, 'FAILED');
    const result = await get(`/v2/requests/${id}`);
    expect(result.status).toBe(422);
    expect(await result.json()).toMatchObject({
      status: 'FAILED',
      error: 'the face could not be found',
      metrics: { cost: 0 },
    });
    expect(s.credits).toBe(1);
  });

  it('a value the model refuses makes a FAILED run, checked by the model’s own v1 route', async () => {
    const { request_id: id } = (await (
      await post(`/v2/${v1.id}`, { ...(await body()), sampler: 'not-a-sampler' })
    ).json()) as { request_id: string };
    await waitForStatus(id, 'FAILED');
    expect(((await (await get(`/v2/requests/${id}`)).json()) as { error: string }).error).toMatch(/sampler/i);
    expect(s.credits).toBe(1);
  });

  it('answers 410 for a retired model, 404 for an unknown one, 401 without the key: none charged', async () => {
    s.v2.retire(v1.id);
    expect((await post(`/v2/${v1.id}`, await body())).status).toBe(410);
    expect((await post('/v2/no-such-model', await body())).status).toBe(404);
    expect((await post(`/v2/consistent-character-AI-neolemon-v3`, {}, null)).status).toBe(401);
    expect((await get('/v2/requests/abc/status', null)).status).toBe(401);
    expect((await get('/v2/requests/abc/status')).status).toBe(404);
    expect(s.v2.submitCount).toBe(0);
    expect(s.credits).toBe(1);
  });
});
