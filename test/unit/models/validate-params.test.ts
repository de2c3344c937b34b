import { describe, expect, it } from 'vitest';
import { consistentCharacterV1 as v1, defaultParams, validateParams } from '../../../src/models';
import { SPEC_EXAMPLE_PARAMS } from './spec-table';

const issuesOf = (values: Record<string, unknown>): Record<string, string> => {
  const result = validateParams(v1, values);
  return result.ok ? {} : Object.fromEntries(result.issues.map((i) => [i.field, i.message]));
};

describe('validateParams', () => {
  it('accepts the spec’s example and returns it unchanged', () => {
    const result = validateParams(v1, SPEC_EXAMPLE_PARAMS);
    expect(result).toEqual({ ok: true, values: SPEC_EXAMPLE_PARAMS });
  });

  it('keeps seeds above 2^32 exact, from numbers and from form text', () => {
    const fromNumber = validateParams(v1, { ...defaultParams(v1), seed: 4898558797 });
    const fromText = validateParams(v1, { ...defaultParams(v1), seed: ' 4898558797 ' });
    expect(fromNumber.ok && fromNumber.values.seed).toBe(4898558797);
    expect(fromText.ok && fromText.values.seed).toBe(4898558797);
    const max = validateParams(v1, { ...defaultParams(v1), seed: Number.MAX_SAFE_INTEGER });
    expect(max.ok && max.values.seed).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('accepts -1 as a random seed and refuses other negatives and unsafe integers', () => {
    const random = validateParams(v1, { ...defaultParams(v1), seed: -1 });
    expect(random.ok && random.values.seed).toBe(-1);
    expect(issuesOf({ ...defaultParams(v1), seed: -2 }).seed).toMatch(/or -1 for a random seed/);
    expect(issuesOf({ ...defaultParams(v1), seed: 2 ** 53 }).seed).toMatch(/too large/);
    expect(issuesOf({ ...defaultParams(v1), seed: '9007199254740993' }).seed).toMatch(/too large/);
    expect(issuesOf({ ...defaultParams(v1), seed: 1.5 }).seed).toMatch(/whole number/);
  });

  it('converts numeric text from forms and refuses text that is not a plain number', () => {
    const result = validateParams(v1, {
      ...defaultParams(v1),
      num_inference_steps: '30',
      guidance_scale: '7.5',
      strength: '.5',
    });
    expect(
      result.ok && [result.values.num_inference_steps, result.values.guidance_scale, result.values.strength],
    ).toEqual([30, 7.5, 0.5]);
    expect(issuesOf({ ...defaultParams(v1), num_inference_steps: '0x10' }).num_inference_steps).toBeDefined();
    expect(issuesOf({ ...defaultParams(v1), guidance_scale: 'Infinity' }).guidance_scale).toBeDefined();
    expect(issuesOf({ ...defaultParams(v1), guidance_scale: Number.NaN }).guidance_scale).toBeDefined();
    expect(issuesOf({ ...defaultParams(v1), upscale_by: true }).upscale_by).toBeDefined();
  });

  it('explains ranges in words a form can show under the field', () => {
    const issues = issuesOf({
      ...defaultParams(v1),
      num_inference_steps: 0,
      guidance_scale: 21,
      strength: 1.01,
      upscale_by: 5,
      fd_steps: 101,
    });
    expect(issues).toEqual({
      num_inference_steps: 'Enter a whole number from 1 to 100.',
      guidance_scale: 'Enter a number from 1 to 20.',
      strength: 'Enter a number from 0 to 1.',
      upscale_by: 'Enter a whole number from 1 to 4.',
      fd_steps: 'Enter a whole number from 1 to 100.',
    });
    expect(issuesOf({ ...defaultParams(v1), num_inference_steps: 2.5 }).num_inference_steps).toBe(
      'Enter a whole number from 1 to 100.',
    );
    expect(issuesOf({ ...defaultParams(v1), samples: 0 }).samples).toBe(
      'Enter a whole number of at least 1.',
    );
  });

  it('accepts the range ends', () => {
    const result = validateParams(v1, {
      ...defaultParams(v1),
      num_inference_steps: 1,
      guidance_scale: 20,
      strength: 0,
      upscale_by: 4,
    });
    expect(result.ok).toBe(true);
  });

  it('refuses enum values outside the table', () => {
    const issues = issuesOf({
      ...defaultParams(v1),
      scheduler: 'Karras',
      fd_sampler: 'dpm++2m',
      upscale_mode_type: 'linear',
    });
    expect(issues.scheduler).toBe('Choose one of the listed values for scheduler.');
    expect(issues.fd_sampler).toBeDefined();
    expect(issues.upscale_mode_type).toBeDefined();
    expect(Object.keys(issues)).toHaveLength(3);
  });

  it('requires each required field and names it', () => {
    const issues = issuesOf({});
    expect(issues.prompt).toBe('Prompt is required.');
    expect(issues.seed).toBe('Seed is required.');
    expect(issues.negative_prompt).toBeUndefined();
    expect(issues.image).toBeUndefined();
    expect(Object.keys(issues)).toHaveLength(18);
    expect(issuesOf({ ...defaultParams(v1), prompt: '   ' }).prompt).toBe('Prompt cannot be empty.');
    expect(issuesOf({ ...defaultParams(v1), prompt: 42 }).prompt).toBe('Prompt must be text.');
  });

  it('fills an absent or blank negative prompt with the spec’s default', () => {
    const { negative_prompt: _omit, ...rest } = defaultParams(v1);
    const absent = validateParams(v1, rest);
    const blank = validateParams(v1, { ...rest, negative_prompt: ' ' });
    const expected = defaultParams(v1).negative_prompt;
    expect(absent.ok && absent.values.negative_prompt).toBe(expected);
    expect(blank.ok && blank.values.negative_prompt).toBe(expected);
  });

  it('reports settings the model does not have, and an image passed as a value', () => {
    const issues = issuesOf({ ...defaultParams(v1), num_inference_step: 20, image: 'abcd' });
    expect(issues.num_inference_step).toMatch(/has no setting called “num_inference_step”/);
    expect(issues.image).toMatch(/comes from the chosen picture/);
  });
});
