/**
 * The consistent-character family over real HTTP: for each model, a request built by the registry from
 * the spec's example values (SEGMIND_API.md section 4, written out here rather than taken from the code
 * under test) reaches the stand-in equal field by field, with each picture in the field the model reads
 * it from, decoded by the stand-in, and the answer is what the model gives back.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRequestBody,
  composePrompt,
  defaultParams,
  getModel,
  outputsPerRun,
  type ModelSpec,
} from '../../../src/models';
import { SMALL_SHEET } from '../../fakes/pose-sheet';
import type { Harness } from '../segmind/support';
import { startHarness } from '../segmind/support';

const CHARACTER = {
  description: 'young african american girl, white sweater, jeans, short curly brown hair',
  styleWords: '2D illustration style',
};
const PROMPT = `${CHARACTER.description}, ${CHARACTER.styleWords}`;

let h: Harness;
let reference: Buffer;
beforeAll(async () => {
  h = await startHarness({ credits: 10 });
  // The character's reference picture: a real PNG, different from the pose sheet.
  reference = await sharp({ create: { width: 80, height: 120, channels: 3, background: '#c08040' } })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await h.standIn.close();
});

function model(id: string): ModelSpec {
  const found = getModel(id);
  if (found === undefined) throw new Error(`no model ${id}`);
  return found;
}

/** What the Generate panel sends: the defaults, the composed prompt, then the person's own values. */
function paramsFor(spec: ModelSpec, own: Record<string, string | number | boolean> = {}) {
  const composed = composePrompt(CHARACTER, spec);
  return {
    ...defaultParams(spec),
    [spec.prompt.field]: composed.prompt,
    ...(spec.prompt.negativeField ? { [spec.prompt.negativeField]: composed.negativePrompt } : {}),
    ...own,
  };
}

const received = (): Record<string, unknown> => h.standIn.lastBody as Record<string, unknown>;

describe('Consistent Character V3', () => {
  const v3 = () => model('consistent-character-AI-neolemon-v3');

  it('sends the character’s reference as ip_image and the pose as input_image, field for field', async () => {
    const pose = h.sheet.toString('base64');
    const character = reference.toString('base64');
    const body = buildRequestBody(v3(), paramsFor(v3(), { seed: 4898558797 }), { pose, character });
    const before = h.standIn.credits;

    const result = await h.client.generate(v3().path, body);

    expect(received()).toStrictEqual({
      ip_image: character,
      input_image: pose,
      prompt: PROMPT,
      negative_prompt: '',
      steps: 10,
      guidance_scale: 3,
      width: 1024,
      height: 1024,
      seed: 4898558797,
    });
    expect(h.standIn.lastHeaders?.['x-api-key']).toBe(h.standIn.key);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.image).toEqual({ format: 'jpeg', width: 1024, height: 1024 });
    expect(result.headers.cost).toBe(0.58);
    expect(h.standIn.credits).toBeCloseTo(before - 0.58, 6);
  });

  it('leaves input_image out when no pose is chosen, and refuses a run without the character', async () => {
    const character = reference.toString('base64');
    const body = buildRequestBody(v3(), paramsFor(v3()), { character });
    expect(Object.keys(body)).not.toContain('input_image');
    const result = await h.client.generate(v3().path, body);
    expect(result.ok).toBe(true);
    expect(received().ip_image).toBe(character);

    const posts = h.standIn.postCount;
    expect(() => buildRequestBody(v3(), paramsFor(v3()), { pose: h.sheet.toString('base64') })).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        detail: { issues: [{ field: 'ip_image', message: 'Character reference is required.' }] },
      }),
    );
    expect(h.standIn.postCount).toBe(posts);
  });
});

describe('Consistent Character with Pose', () => {
  const withPose = () => model('consistent-character-with-pose');

  it('sends face_image and pose_image with every field, and answers a picture the pose sheet’s size', async () => {
    const pose = h.sheet.toString('base64');
    const character = reference.toString('base64');
    const body = buildRequestBody(withPose(), paramsFor(withPose(), { seed: 42 }), { pose, character });

    const result = await h.client.generate(withPose().path, body);

    expect(received()).toStrictEqual({
      face_image: character,
      pose_image: pose,
      prompt: PROMPT,
      custom_width: 1024,
      custom_height: 1024,
      use_input_img_dimension: true,
      output_format: 'png',
      quality: 95,
      samples: 1,
      seed: 42,
      base_64: false,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.image).toEqual({ format: 'png', width: SMALL_SHEET.width, height: SMALL_SHEET.height });
    expect(result.headers.cost).toBe(0.03);
  });

  it('is refused by the stand-in when a size is out of the spec’s 64-4096 range', async () => {
    const body = {
      ...buildRequestBody(withPose(), paramsFor(withPose()), {
        pose: h.sheet.toString('base64'),
        character: reference.toString('base64'),
      }),
      custom_width: 5000,
    };
    const result = await h.client.generate(withPose().path, body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(422);
    // And the registry refuses the same value before anything is sent.
    expect(() =>
      buildRequestBody(withPose(), paramsFor(withPose(), { custom_width: 5000 }), {
        pose: h.sheet.toString('base64'),
        character: reference.toString('base64'),
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('consistent-character (built-in poses)', () => {
  const workflow = () => model('consistent-character');

  it('sends the reference as subject, no pose, and gets one picture per pose and copy', async () => {
    const character = reference.toString('base64');
    const params = paramsFor(workflow(), { number_of_outputs: 2, number_of_images_per_pose: 2, seed: 7 });
    const body = buildRequestBody(workflow(), params, { character, pose: h.sheet.toString('base64') });
    expect(outputsPerRun(workflow(), params)).toBe(4);

    // The answer holds several pictures (JSON), which the synchronous image client does not read: fetch it
    // plainly to see what came back.
    const response = await fetch(`${h.standIn.url}${workflow().path}`, {
      method: 'POST',
      headers: { 'x-api-key': h.standIn.key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

    expect(received()).toStrictEqual({
      subject: character,
      prompt: PROMPT,
      negative_prompt: '',
      number_of_outputs: 2,
      number_of_images_per_pose: 2,
      randomise_poses: true,
      output_format: 'png',
      output_quality: 80,
      seed: 7,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cost')).toBe('0.085');
    const answer = (await response.json()) as { images: string[] };
    expect(answer.images).toHaveLength(4);
    for (const image of answer.images) {
      const meta = await sharp(Buffer.from(image, 'base64')).metadata();
      expect(meta.format).toBe('png');
    }
  });

  it('refuses 21 poses, above the spec’s 1-20', async () => {
    const params = paramsFor(workflow(), { number_of_outputs: 21 });
    expect(() => buildRequestBody(workflow(), params, { character: reference.toString('base64') })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});

describe('Consistent Character V1 (unchanged)', () => {
  it('still takes only the pose sheet, as image', async () => {
    const v1 = model('consistent-character-ai-neolemon');
    const pose = h.sheet.toString('base64');
    const body = buildRequestBody(v1, paramsFor(v1), { pose, character: reference.toString('base64') });
    const result = await h.client.generate(v1.path, body);
    expect(result.ok).toBe(true);
    expect(received().image).toBe(pose);
    expect(Object.keys(received())).not.toContain('ip_image');
  });
});
