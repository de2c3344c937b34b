import { describe, expect, it } from 'vitest';
import {
  consistentCharacterV1,
  defaultParams,
  enumTables,
  fieldGroups,
  getModel,
  listModels,
  modelRegistry,
} from '../../../src/models';
import {
  SPEC_EXAMPLE_PARAMS,
  SPEC_ROWS,
  SPEC_SAMPLERS,
  SPEC_SCHEDULERS,
  SPEC_UPSCALE_MODES,
} from './spec-table';

describe('model registry', () => {
  it('finds Consistent Character V1 by id and nothing by an unknown or inherited name', () => {
    expect(getModel('consistent-character-ai-neolemon')).toBe(consistentCharacterV1);
    expect(modelRegistry['consistent-character-ai-neolemon']).toBe(consistentCharacterV1);
    expect(getModel('no-such-model')).toBeUndefined();
    expect(getModel('constructor')).toBeUndefined();
    expect(getModel('toString')).toBeUndefined();
  });

  it('gives V1 its endpoint, output type, typical duration and cost', () => {
    const v1 = consistentCharacterV1;
    expect(v1.path).toBe('/v1/consistent-character-ai-neolemon');
    expect(v1.status).toBe('supported');
    expect(v1.outputContentType).toBe('image/jpeg');
    expect(v1.outputScaleField).toBe('upscale_by');
    expect(v1.typicalDurationMs).toBe(40_000);
    expect(v1.typicalCost).toBe(0.13);
  });

  it('declares every field of the spec, in its order, with type, required flag and range', () => {
    const fields = consistentCharacterV1.fields;
    expect(fields.map((f) => f.name)).toEqual(SPEC_ROWS.map((r) => r.name));
    for (const row of SPEC_ROWS) {
      const field = fields.find((f) => f.name === row.name);
      expect(field, row.name).toBeDefined();
      if (field === undefined) continue;
      expect(field.type, row.name).toBe(row.type);
      expect(field.required, row.name).toBe(row.required);
      if (row.min !== undefined || row.max !== undefined) {
        expect(field.type === 'int' || field.type === 'float', row.name).toBe(true);
        if (field.type === 'int' || field.type === 'float') {
          expect([field.min, field.max], row.name).toEqual([row.min, row.max]);
        }
      }
      expect(field.label.length, row.name).toBeGreaterThan(0);
      expect(field.help.length, row.name).toBeGreaterThan(10);
      expect(
        fieldGroups.map((g) => g.id),
        row.name,
      ).toContain(field.group);
    }
  });

  it('uses the spec’s example values as defaults', () => {
    expect(defaultParams(consistentCharacterV1)).toEqual(SPEC_EXAMPLE_PARAMS);
  });

  it('keeps the seed a safe integer with -1 meaning random', () => {
    const seed = consistentCharacterV1.fields.find((f) => f.name === 'seed');
    expect(seed?.type).toBe('int');
    if (seed?.type !== 'int') return;
    expect(seed.default).toBe(4898558797);
    expect(seed.max).toBe(Number.MAX_SAFE_INTEGER);
    expect(seed.special?.value).toBe(-1);
  });

  it('groups the passes: base, upscale and face detail', () => {
    const group = (name: string): string | undefined =>
      consistentCharacterV1.fields.find((f) => f.name === name)?.group;
    expect(group('prompt')).toBe('basic');
    expect(group('image')).toBe('basic');
    expect(group('num_inference_steps')).toBe('base');
    expect(group('sampler')).toBe('base');
    for (const name of [
      'upscale_by',
      'upscale_steps',
      'upscale_guidance_scale',
      'upscale_scheduler',
      'upscale_sampler',
      'upscale_mode_type',
    ]) {
      expect(group(name), name).toBe('upscale');
    }
    for (const name of ['fd_steps', 'fd_guidance_scale', 'fd_scheduler', 'fd_sampler'])
      expect(group(name), name).toBe('faceDetail');
  });

  it('takes every enum’s values from the one table of section 3', () => {
    expect(enumTables.scheduler).toEqual(SPEC_SCHEDULERS);
    expect(enumTables.sampler).toEqual(SPEC_SAMPLERS);
    expect(enumTables.upscaleModeType).toEqual(SPEC_UPSCALE_MODES);
    const tableOf = (name: string): string | undefined => {
      const f = consistentCharacterV1.fields.find((x) => x.name === name);
      return f?.type === 'enum' ? f.table : undefined;
    };
    for (const name of ['scheduler', 'upscale_scheduler', 'fd_scheduler'])
      expect(tableOf(name)).toBe('scheduler');
    for (const name of ['sampler', 'upscale_sampler', 'fd_sampler']) expect(tableOf(name)).toBe('sampler');
    expect(tableOf('upscale_mode_type')).toBe('upscaleModeType');
  });

  it('offers V3 with its own path spelling', () => {
    const v3 = getModel('consistent-character-AI-neolemon-v3');
    expect(v3?.status).toBe('supported');
    expect(v3?.path).toBe('/v1/consistent-character-AI-neolemon-v3');
    expect(v3?.fields.find((f) => f.name === 'ip_image')?.required).toBe(true);
    expect(listModels()).toContain(consistentCharacterV1);
  });
});
