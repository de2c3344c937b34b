/**
 * Done when (1): the spec's example, enqueued through `generation.enqueue` for a character whose description
 * and style compose to the example prompt, reaches Segmind field for field, with `image` the base64 of the
 * normalised pose sheet; and the result lands in the project with its receipt.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { normaliseForUpload } from '../../../src/images';
import { V1_DEFAULT_NEGATIVE_PROMPT, V1_EXAMPLE_PROMPT, V1_EXAMPLE_SEED } from '../../../src/models';
import { makePoseSheet, SMALL_SHEET } from '../../fakes/pose-sheet';
import { STAND_IN_COST } from '../../fakes/segmind-stand-in';
import { SPEC_EXAMPLE_SETTINGS } from '../../unit/models/spec-table';
import { enqueue, isDelivered, seedExample, standIn, startApp } from './support';

/** Every parameter of the spec's example but the prompts and the image (SEGMIND_API.md section 1). */
const EXAMPLE_PARAMS = SPEC_EXAMPLE_SETTINGS;

/** The spec's field order: the body is rebuilt in it. */
const SPEC_ORDER = ['prompt', 'negative_prompt', 'image', ...Object.keys(EXAMPLE_PARAMS)];

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('the spec’s example through generation.enqueue', () => {
  it('arrives field for field, the image being the normalised sheet, and comes back as a receipted result', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const sheet = await makePoseSheet();
    const seeded = await seedExample(app, sheet);

    const queued = await enqueue(app, seeded, EXAMPLE_PARAMS);
    expect(queued.state).toBe('queued');
    const job = await app.waitForJob(queued.id, isDelivered, 8000, 'completed and committed');

    expect(server.postCount).toBe(1);
    const body = server.lastBody as Record<string, unknown>;
    const image = Buffer.from(String(body.image), 'base64');
    expect(body).toStrictEqual({
      prompt: V1_EXAMPLE_PROMPT,
      negative_prompt: V1_DEFAULT_NEGATIVE_PROMPT,
      image: body.image,
      ...EXAMPLE_PARAMS,
    });
    expect(Object.keys(body)).toEqual(SPEC_ORDER);
    expect(body.seed).toBe(4898558797);
    // The image is raw base64 (no data: prefix) of exactly the sheet the job recorded, which is the pose
    // sheet normalised for upload.
    expect(String(body.image)).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(sha256(image)).toBe(job.sentImage.sha256);
    expect(job.sentImage.sha256).toBe((await normaliseForUpload(sheet)).sha256);
    expect([job.sentImage.width, job.sentImage.height]).toEqual([SMALL_SHEET.width, SMALL_SHEET.height]);
    expect(server.lastHeaders?.['x-api-key']).toBe(server.key);

    // The result: the image as it arrived, beside a receipt with the request (image described, not repeated)
    // and every header Segmind sent.
    const result = await app.result(job);
    const bytes = await readFile(join(app.projectDir, result.file));
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([
      'jpeg',
      SMALL_SHEET.width * 2,
      SMALL_SHEET.height * 2,
    ]);
    expect(sha256(bytes)).toBe(result.receipt.response.sha256);
    expect(result.receipt.request).toEqual({
      ...body,
      image: expect.stringContaining(job.sentImage.sha256) as unknown,
    });
    expect(result.receipt.sentImage).toEqual(job.sentImage);
    expect(result.receipt.response.status).toBe(200);
    expect(result.receipt.response.contentType).toBe('image/jpeg');
    expect(result.receipt.response.headers).toEqual({
      remainingCredits: 10 - STAND_IN_COST,
      cost: STAND_IN_COST,
      seed: V1_EXAMPLE_SEED,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      generationTime: expect.stringMatching(/^\d+\.\d\d$/) as unknown,
    });
    expect(result.receipt.endpoint).toBe(`${server.url}/v1/consistent-character-ai-neolemon`);
    expect(result.receipt.jobId).toBe(job.id);
    expect([result.characterId, result.poseId]).toEqual([seeded.character.id, seeded.pose.id]);
    expect(server.credits).toBeCloseTo(10 - STAND_IN_COST, 6);
    // The paid copies left the outbox once the project had them.
    expect(job.output?.sha256).toBe(result.receipt.response.sha256);
    expect(existsSync(join(app.outboxDir, job.id, job.output?.file ?? 'output.jpg'))).toBe(false);
  });

  it('sends the spec’s example when only the character is given: the defaults are the example', async () => {
    const server = await standIn();
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);

    const queued = await enqueue(app, seeded);
    await app.waitForJob(queued.id, isDelivered, 8000, 'completed and committed');

    const body = server.lastBody as Record<string, unknown>;
    expect({ ...body, image: undefined }).toStrictEqual({
      prompt: V1_EXAMPLE_PROMPT,
      negative_prompt: V1_DEFAULT_NEGATIVE_PROMPT,
      image: undefined,
      ...EXAMPLE_PARAMS,
    });
  });
});
