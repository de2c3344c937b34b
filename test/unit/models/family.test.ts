/**
 * The family's registry entries against SEGMIND_API.md section 4, transcribed here by hand: every field
 * by name, which picture goes where, ranges, defaults, cost, timing and pictures per run.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultParams,
  getModel,
  imageFields,
  listModels,
  outputsPerRun,
  validateParams,
  type ModelSpec,
} from '../../../src/models';

const model = (id: string): ModelSpec => {
  const found = getModel(id);
  if (found === undefined) throw new Error(`no model ${id}`);
  return found;
};

const range = (spec: ModelSpec, name: string): [number | undefined, number | undefined] => {
  const field = spec.fields.find((f) => f.name === name);
  return field?.type === 'int' || field?.type === 'float' ? [field.min, field.max] : [NaN, NaN];
};

describe('the consistent-character family', () => {
  it('offers the four models, V1 first', () => {
    expect(listModels().map((m) => m.id)).toEqual([
      'consistent-character-ai-neolemon',
      'consistent-character-AI-neolemon-v3',
      'consistent-character-with-pose',
      'consistent-character',
    ]);
    for (const m of listModels()) {
      expect(m.path, m.id).toBe(`/v1/${m.id}`);
      expect(m.status, m.id).toBe('supported');
    }
  });

  it('gives each its cost and time a run, as section 4 states them', () => {
    const figures = listModels().map((m) => [m.id, m.typicalCost, m.typicalDurationMs / 1000]);
    expect(figures).toEqual([
      ['consistent-character-ai-neolemon', 0.13, 40],
      ['consistent-character-AI-neolemon-v3', 0.58, 37],
      ['consistent-character-with-pose', 0.03, 31],
      ['consistent-character', 0.085, 61],
    ]);
  });

  it('says which picture goes into which field', () => {
    expect(imageFields(model('consistent-character-ai-neolemon'))).toEqual({
      pose: 'image',
      character: null,
      poseRequired: true,
      characterRequired: false,
    });
    expect(imageFields(model('consistent-character-AI-neolemon-v3'))).toEqual({
      pose: 'input_image',
      character: 'ip_image',
      poseRequired: false,
      characterRequired: true,
    });
    expect(imageFields(model('consistent-character-with-pose'))).toEqual({
      pose: 'pose_image',
      character: 'face_image',
      poseRequired: true,
      characterRequired: true,
    });
    expect(imageFields(model('consistent-character'))).toEqual({
      pose: null,
      character: 'subject',
      poseRequired: false,
      characterRequired: true,
    });
    expect(model('consistent-character').poses).toBe('built-in');
  });

  it('declares V3’s fields and ranges: steps 1-70 (10), guidance 1-15 (3), 1024 x 1024', () => {
    const v3 = model('consistent-character-AI-neolemon-v3');
    expect(v3.fields.map((f) => f.name)).toEqual([
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
    expect(range(v3, 'steps')).toEqual([1, 70]);
    expect(range(v3, 'guidance_scale')).toEqual([1, 15]);
    expect(defaultParams(v3)).toMatchObject({ steps: 10, guidance_scale: 3, width: 1024, height: 1024 });
  });

  it('declares with-pose’s fields, its 64-4096 sizes and its switches as booleans', () => {
    const withPose = model('consistent-character-with-pose');
    expect(withPose.fields.map((f) => f.name)).toEqual([
      'face_image',
      'pose_image',
      'prompt',
      'custom_width',
      'custom_height',
      'use_input_img_dimension',
      'output_format',
      'quality',
      'samples',
      'seed',
      'base_64',
    ]);
    expect(range(withPose, 'custom_width')).toEqual([64, 4096]);
    expect(range(withPose, 'custom_height')).toEqual([64, 4096]);
    const checked = validateParams(withPose, {
      ...defaultParams(withPose),
      prompt: 'a girl',
      use_input_img_dimension: 'false',
    });
    expect(checked.ok && checked.values.use_input_img_dimension).toBe(false);
    const bad = validateParams(withPose, { prompt: 'a girl', base_64: 'perhaps' });
    expect(bad.ok ? [] : bad.issues).toEqual([
      { field: 'base_64', message: 'Answer as text must be on or off.' },
    ]);
  });

  it('declares consistent-character’s fields, 1-20 outputs, 1-4 a pose, webp/jpg/png, quality 0-100', () => {
    const workflow = model('consistent-character');
    expect(workflow.fields.map((f) => f.name)).toEqual([
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
    expect(range(workflow, 'number_of_outputs')).toEqual([1, 20]);
    expect(range(workflow, 'number_of_images_per_pose')).toEqual([1, 4]);
    expect(range(workflow, 'output_quality')).toEqual([0, 100]);
    const bad = validateParams(workflow, { prompt: 'a girl', output_format: 'gif' });
    expect(bad.ok).toBe(false);
  });

  it('counts the pictures a run makes', () => {
    expect(outputsPerRun(model('consistent-character-ai-neolemon'))).toBe(1);
    expect(outputsPerRun(model('consistent-character-AI-neolemon-v3'))).toBe(1);
    expect(outputsPerRun(model('consistent-character-with-pose'), { samples: 3 })).toBe(3);
    expect(outputsPerRun(model('consistent-character'))).toBe(3);
    expect(
      outputsPerRun(model('consistent-character'), { number_of_outputs: 5, number_of_images_per_pose: 2 }),
    ).toBe(10);
  });
});
