/**
 * A character's reference picture feeds the family's reference fields through the real pipeline:
 * generation.enqueue -> outbox -> queue -> stand-in over HTTP -> result and receipt in the project.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ResultQuerySchema } from '../../../src/contract/calls/workspace';
import { normaliseForUpload } from '../../../src/images';
import { makePoseSheet } from '../../fakes/pose-sheet';
import { isDelivered, seedExample, standIn, startApp, type TestApp } from './support';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function withReference(app: TestApp, characterId: string): Promise<Buffer> {
  const picture = await sharp({ create: { width: 90, height: 140, channels: 3, background: '#3070c0' } })
    .png()
    .toBuffer();
  const report = await app.call('characters.addReferences', {
    id: characterId,
    sources: [{ name: 'maya.png', dataBase64: picture.toString('base64') }],
  });
  expect(report.added).toHaveLength(1);
  return picture;
}

describe('the family through generation.enqueue', () => {
  it('V3: the character’s reference goes to ip_image, the pose sheet to input_image, both receipted', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const sheet = await makePoseSheet();
    const seeded = await seedExample(app, sheet);
    const picture = await withReference(app, seeded.character.id);

    const queued = await app.call('generation.enqueue', {
      modelId: 'consistent-character-AI-neolemon-v3',
      characterId: seeded.character.id,
      poseId: seeded.pose.id,
      params: { seed: 123 },
    });
    const job = await app.waitForJob(queued.id, isDelivered, 10_000, 'completed and committed');

    expect(server.postCount).toBe(1);
    const body = server.lastBody as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'ip_image',
      'input_image',
      'prompt',
      'negative_prompt',
      'steps',
      'guidance_scale',
      'width',
      'height',
      'seed',
    ]);
    const sentReference = Buffer.from(String(body.ip_image), 'base64');
    expect(sha256(sentReference)).toBe((await normaliseForUpload(picture)).sha256);
    expect(sha256(Buffer.from(String(body.input_image), 'base64'))).toBe(job.sentImage.sha256);
    expect(body.seed).toBe(123);

    const result = await app.result(job);
    expect(result.modelId).toBe('consistent-character-AI-neolemon-v3');
    // Through v1 or the async v2 API, whichever Settings choose for the model: the same body either way.
    expect(result.receipt.endpoint).toMatch(/\/v[12]\/consistent-character-AI-neolemon-v3$/);
    expect(result.receipt.endpoint.startsWith(server.url)).toBe(true);
    expect(result.receipt.sentReference?.field).toBe('ip_image');
    expect(result.receipt.sentReference?.sha256).toBe(sha256(sentReference));
    expect(String(result.receipt.request.ip_image)).toContain(result.receipt.sentReference?.imageId ?? '?');
    expect(String(result.receipt.request.input_image)).toContain(job.sentImage.sha256);
    expect(result.receipt.request).not.toHaveProperty('image');
    expect(result.receipt.response.headers.cost).toBe(0.58);
    expect([result.width, result.height]).toEqual([1024, 1024]);
  });

  it('with-pose: face_image from the reference, pose_image from the sheet', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    const picture = await withReference(app, seeded.character.id);

    const queued = await app.call('generation.enqueue', {
      modelId: 'consistent-character-with-pose',
      characterId: seeded.character.id,
      poseId: seeded.pose.id,
      params: {},
    });
    const job = await app.waitForJob(queued.id, isDelivered, 10_000, 'completed and committed');
    const body = server.lastBody as Record<string, unknown>;
    expect(sha256(Buffer.from(String(body.face_image), 'base64'))).toBe(
      (await normaliseForUpload(picture)).sha256,
    );
    expect(sha256(Buffer.from(String(body.pose_image), 'base64'))).toBe(job.sentImage.sha256);
    const result = await app.result(job);
    expect(result.file).toMatch(/\.png$/);
    expect(result.receipt.response.headers.cost).toBe(0.03);
  });

  it('refuses V3 for a character without a reference picture, and sends nothing', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    await expect(
      app.call('generation.enqueue', {
        modelId: 'consistent-character-AI-neolemon-v3',
        characterId: seeded.character.id,
        poseId: seeded.pose.id,
        params: {},
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('has none yet') });
    expect(await app.jobs()).toEqual([]);
    expect(server.postCount).toBe(0);
  });
});

describe('a run with several pictures', () => {
  it('consistent-character: the reference as subject, no pose sent, and one result per picture, each receipted', async () => {
    const server = await standIn({ credits: 10 });
    const app = await startApp({ segmindBaseUrl: server.url, key: server.key });
    const seeded = await seedExample(app);
    await withReference(app, seeded.character.id);

    const queued = await app.call('generation.enqueue', {
      modelId: 'consistent-character',
      characterId: seeded.character.id,
      poseId: seeded.pose.id,
      params: { number_of_outputs: 2, number_of_images_per_pose: 2, seed: 9 },
    });
    const job = await app.waitForJob(queued.id, isDelivered, 15_000, 'completed and committed');

    expect(server.postCount).toBe(1);
    expect(Object.keys(server.lastBody as object)).toEqual([
      'subject',
      'prompt',
      'negative_prompt',
      'number_of_outputs',
      'number_of_images_per_pose',
      'randomise_poses',
      'output_format',
      'output_quality',
      'seed',
    ]);
    const page = await app.call(
      'results.query',
      ResultQuerySchema.parse({ filter: { modelIds: ['consistent-character'] } }),
    );
    expect(page.total).toBe(4);
    const receipts = await Promise.all(
      page.items.map(async (r) => (await app.call('results.get', { id: r.id })).result.receipt),
    );
    const hashes = new Set(receipts.map((r) => r.response.sha256));
    expect(hashes.size).toBe(4);
    for (const receipt of receipts) {
      expect(receipt.jobId).toBe(job.id);
      expect(receipt.request.subject).toMatch(/^<reference /);
      expect(receipt.request).not.toHaveProperty('image');
      expect(receipt.request.number_of_outputs).toBe(2);
    }
  });
});
