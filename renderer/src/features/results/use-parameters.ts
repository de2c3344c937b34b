/**
 * "Use these parameters": a result's model, character, pose and parameters, handed to the Generate panel.
 * The request waits here until the panel takes it (`onParametersRequest`), so it arrives whether the panel
 * was already open or opens because of it.
 */
export interface ParametersRequest {
  /** The result the parameters come from. */
  resultId: string;
  modelId: string;
  characterId: string;
  poseId: string;
  /** Every parameter as sent, except the prompt fields and the image (those come from the character and pose). */
  params: Record<string, string | number>;
  /** The seed Segmind reports it used (so "same seed" reproduces it), when known. */
  seed: number | null;
}

let pending: ParametersRequest | null = null;
const listeners = new Set<(request: ParametersRequest) => void>();

export function requestParameters(request: ParametersRequest): void {
  pending = request;
  for (const listener of listeners) deliver(listener);
}

/** Delivers a waiting request at once and every later one; returns the unsubscribe function. */
export function onParametersRequest(listener: (request: ParametersRequest) => void): () => void {
  listeners.add(listener);
  deliver(listener);
  return () => listeners.delete(listener);
}

function deliver(listener: (request: ParametersRequest) => void): void {
  const request = pending;
  pending = null;
  if (request) listener(request);
}

/** The request body's parameters without the prompt fields and the image description. */
export function parametersFromRequest(request: Record<string, unknown>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(request)) {
    if (key === 'prompt' || key === 'negative_prompt' || key === 'image') continue;
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
  }
  return out;
}
