import type { ModelParams, ModelSpec } from './field-spec';
import { defaultParams } from './defaults';

/**
 * How many pictures one run of the model makes with these parameters: the product of its count fields
 * (consistent-character: poses x pictures a pose), 1 for the one-picture models. Each picture becomes its
 * own result with its own receipt, and a batch plan counts them.
 */
export function outputsPerRun(model: ModelSpec, params: Readonly<Partial<ModelParams>> = {}): number {
  const defaults = defaultParams(model);
  let count = 1;
  for (const name of model.outputCountFields) {
    const value = params[name] ?? defaults[name];
    count *= typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
  }
  return count;
}

/** The image fields of a model, by what they are for. */
export function imageFields(model: ModelSpec): {
  readonly pose: string | null;
  readonly character: string | null;
  readonly poseRequired: boolean;
  readonly characterRequired: boolean;
} {
  const pose = model.fields.find((f) => f.type === 'image' && f.role === 'pose');
  const character = model.fields.find((f) => f.type === 'image' && f.role === 'character');
  return {
    pose: pose?.name ?? null,
    character: character?.name ?? null,
    poseRequired: pose?.required ?? false,
    characterRequired: character?.required ?? false,
  };
}
