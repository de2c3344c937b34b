import type { ModelParams, ModelSpec } from './field-spec';
import { isParamField } from './field-spec';

/** Every parameter's default (the spec's example value), images excepted: those come from the pose. */
export function defaultParams(model: ModelSpec): ModelParams {
  const out: ModelParams = {};
  for (const field of model.fields) if (isParamField(field)) out[field.name] = field.default;
  return out;
}
