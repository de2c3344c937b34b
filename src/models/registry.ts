import { consistentCharacterV1 } from './consistent-character-v1';
import { consistentCharacterV3 } from './consistent-character-v3';
import { consistentCharacterWithPose } from './consistent-character-with-pose';
import { consistentCharacterWorkflow } from './consistent-character-workflow';
import type { ModelSpec } from './field-spec';

/** Every model the app knows, by id, in the order the Generate panel offers them. V1 is the default. */
export const modelRegistry: Readonly<Record<string, ModelSpec>> = Object.freeze({
  [consistentCharacterV1.id]: consistentCharacterV1,
  [consistentCharacterV3.id]: consistentCharacterV3,
  [consistentCharacterWithPose.id]: consistentCharacterWithPose,
  [consistentCharacterWorkflow.id]: consistentCharacterWorkflow,
});

export const DEFAULT_MODEL_ID = consistentCharacterV1.id;

/** The model with this id, or undefined (a job or preset may name a model this build does not know). */
export function getModel(id: string): ModelSpec | undefined {
  // Own properties only: an id such as "constructor" must not find Object.prototype's members.
  return Object.hasOwn(modelRegistry, id) ? modelRegistry[id] : undefined;
}

export const listModels = (): readonly ModelSpec[] => Object.values(modelRegistry);
