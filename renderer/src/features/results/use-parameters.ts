/**
 * "Use these parameters": a result's model, character, pose and parameters, handed to the Generate panel.
 *
 * The Generate panel (features/generate, another engineer's) does not take a prefill yet, so the request
 * waits here: `useParametersRequest()` gives the latest one to whoever wants it (the panel can read it
 * when it opens and call `takeParametersRequest()` to consume it), and a window event
 * 'ccstudio:use-parameters' carries the same object for code outside React.
 */
import { useSyncExternalStore } from 'react';

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

export const USE_PARAMETERS_EVENT = 'ccstudio:use-parameters';

let pending: ParametersRequest | null = null;
const listeners = new Set<() => void>();

export function requestParameters(request: ParametersRequest): void {
  pending = request;
  for (const listener of listeners) listener();
  window.dispatchEvent(new CustomEvent<ParametersRequest>(USE_PARAMETERS_EVENT, { detail: request }));
}

/** Hands the waiting request over once (the panel applies it) and clears it. */
export function takeParametersRequest(): ParametersRequest | null {
  const request = pending;
  pending = null;
  for (const listener of listeners) listener();
  return request;
}

export function useParametersRequest(): ParametersRequest | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => pending,
  );
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
