/**
 * The spec's example request, built by the registry and sent by the client to the stand-in over real HTTP,
 * arrives field for field; the picture that comes back is what the app expects.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRequestBody,
  composePrompt,
  consistentCharacterV1 as v1,
  defaultParams,
} from '../../../src/models';
import { SMALL_SHEET } from '../../fakes/pose-sheet';
import { SPEC_EXAMPLE_PARAMS, SPEC_ROWS } from '../../unit/models/spec-table';
import type { Harness } from './support';
import { startHarness } from './support';

/** The spec's example, every value written out in the spec table rather than taken from the code under test. */
const SPEC_EXAMPLE = SPEC_EXAMPLE_PARAMS;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ credits: 10 });
});
afterAll(async () => {
  await h.standIn.close();
});

describe('the spec’s example request, end to end', () => {
  it('arrives field for field and comes back as a JPEG twice the sheet’s size', async () => {
    const composed = composePrompt(
      {
        description: 'young african american girl, white sweater, jeans, short curly brown hair',
        styleWords: '2D illustration style',
      },
      v1,
    );
    const params = {
      ...defaultParams(v1),
      prompt: composed.prompt,
      negative_prompt: composed.negativePrompt,
    };
    const imageBase64 = h.sheet.toString('base64');
    const body = buildRequestBody(v1, params, imageBase64);

    const result = await h.client.generate(v1.path, body);

    expect(h.standIn.postCount).toBe(1);
    const received = h.standIn.lastBody as Record<string, unknown>;
    for (const [field, value] of Object.entries(SPEC_EXAMPLE))
      expect(received[field], field).toStrictEqual(value);
    expect(received.image).toBe(imageBase64);
    expect(Object.keys(received)).toEqual(SPEC_ROWS.map((r) => r.name));
    expect(Number.isSafeInteger(received.seed)).toBe(true);
    expect(h.standIn.lastHeaders?.['x-api-key']).toBe(h.standIn.key);
    expect(h.standIn.lastHeaders?.['content-type']).toBe('application/json');
    expect(h.standIn.lastHeaders?.authorization).toBeUndefined();

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.status).toBe(200);
    expect(result.contentType).toBe('image/jpeg');
    expect(Buffer.isBuffer(result.bytes)).toBe(true);
    const meta = await sharp(result.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([
      'jpeg',
      SMALL_SHEET.width * 2,
      SMALL_SHEET.height * 2,
    ]);
    expect(result.image).toEqual({
      format: 'jpeg',
      width: SMALL_SHEET.width * 2,
      height: SMALL_SHEET.height * 2,
    });

    expect(result.headers.seed).toBe(4898558797);
    expect(result.headers.cost).toBe(0.13);
    expect(result.headers.remainingCredits).toBe(9.87);
    expect(result.headers.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.headers.generationTime).toMatch(/^\d+\.\d\d$/);
    expect(result.timings.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.headersMs).toBeLessThanOrEqual(result.timings.durationMs);
    expect(Date.parse(result.timings.completedAt)).toBeGreaterThanOrEqual(
      Date.parse(result.timings.startedAt),
    );
  });

  it('reports the random seed Segmind picked for seed -1', async () => {
    const body = buildRequestBody(v1, { ...defaultParams(v1), seed: -1 }, h.sheet.toString('base64'));
    const result = await h.client.generate(v1.path, body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Number.isSafeInteger(result.headers.seed)).toBe(true);
    expect(result.headers.seed).toBeGreaterThanOrEqual(0);
  });

  it('reads the balance for free', async () => {
    const before = h.standIn.credits;
    const result = await h.client.getCredits();
    expect(result).toEqual({ ok: true, credits: before, status: 200 });
    expect(h.standIn.credits).toBe(before);
  });
});
