import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import {
  bodyWithoutImages,
  buildRequestBody,
  consistentCharacterV1 as v1,
  defaultParams,
  getModel,
  normaliseImageInput,
  outputScale,
} from '../../../src/models';
import { SPEC_EXAMPLE_PARAMS, SPEC_ROWS } from './spec-table';

const IMAGE = Buffer.from('not really a png, but valid base64').toString('base64');

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('buildRequestBody', () => {
  it('puts every field of the spec in its order, the image in its place', () => {
    const body = buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, IMAGE);
    expect(Object.keys(body)).toEqual(SPEC_ROWS.map((r) => r.name));
    expect(body).toEqual({ ...SPEC_EXAMPLE_PARAMS, image: IMAGE });
  });

  it('serialises the seed 4898558797 as the same JSON integer', () => {
    const json = JSON.stringify(buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, IMAGE));
    expect(json).toContain('"seed":4898558797,');
    expect((JSON.parse(json) as { seed: number }).seed).toBe(4898558797);
  });

  it('sends numbers typed in a form as numbers', () => {
    const body = buildRequestBody(v1, { ...defaultParams(v1), num_inference_steps: '25', seed: '-1' }, IMAGE);
    expect(body.num_inference_steps).toBe(25);
    expect(body.seed).toBe(-1);
  });

  it('unwraps a data URL, keeps an http(s) URL and refuses anything else', () => {
    expect(buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, `data:image/png;base64,${IMAGE}`).image).toBe(IMAGE);
    expect(buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, 'https://example.com/ref.pose.png').image).toBe(
      'https://example.com/ref.pose.png',
    );
    expect(normaliseImageInput(` ${IMAGE}\n`)).toBe(IMAGE);
    expect(thrown(() => buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, 'not base64!')).code).toBe('INVALID_INPUT');
    expect(thrown(() => buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, '')).code).toBe('INVALID_INPUT');
    expect(thrown(() => buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, 'abc')).code).toBe('INVALID_INPUT');
  });

  it('refuses invalid parameters with the issues per field', () => {
    const error = thrown(() => buildRequestBody(v1, { ...SPEC_EXAMPLE_PARAMS, upscale_by: 9 }, IMAGE));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.detail?.issues).toEqual([
      { field: 'upscale_by', message: 'Enter a whole number from 1 to 4.' },
    ]);
  });

  it('refuses to send half a request: V3 without the character’s picture names the missing field', () => {
    const v3 = getModel('consistent-character-AI-neolemon-v3');
    expect(v3).toBeDefined();
    if (v3 === undefined) return;
    const error = thrown(() => buildRequestBody(v3, { ...defaultParams(v3), prompt: 'a girl' }, IMAGE));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.detail?.issues).toEqual([
      { field: 'ip_image', message: 'Character reference is required.' },
    ]);
  });

  it('drops the image for a receipt and gives the output scale', () => {
    const body = buildRequestBody(v1, SPEC_EXAMPLE_PARAMS, IMAGE);
    expect(bodyWithoutImages(v1, body)).toEqual(SPEC_EXAMPLE_PARAMS);
    expect(outputScale(v1, { ...SPEC_EXAMPLE_PARAMS, upscale_by: 3 })).toBe(3);
  });
});
