import type { ModelSpec } from './field-spec';

export interface PromptParts {
  /** Who the character is and what they wear. */
  readonly description: string;
  /** "2D illustration style", "watercolor". */
  readonly styleWords: string;
  /** The character's own negative prompt; blank means the model's default. */
  readonly negativePrompt?: string;
}

export interface ComposedPrompt {
  readonly prompt: string;
  readonly negativePrompt: string;
}

/**
 * Builds the prompt the way the spec's example does: the model's house prefix, then the description, then
 * the style words, joined with ", ". Blank parts are left out, and stray commas at a part's ends are
 * trimmed, so "girl, jeans," never produces ", ," in the middle of the prompt.
 */
export function composePrompt(parts: PromptParts, model: ModelSpec): ComposedPrompt {
  const prompt = [model.prompt.prefix, parts.description, parts.styleWords]
    .map(trimPart)
    .filter((part) => part !== '')
    .join(', ');
  const own = parts.negativePrompt?.trim() ?? '';
  return { prompt, negativePrompt: own !== '' ? own : model.prompt.defaultNegative };
}

const trimPart = (part: string): string => part.replace(/^[\s,]+|[\s,]+$/g, '');
