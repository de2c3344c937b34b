import { describe, expect, it } from 'vitest';
import { composePrompt, consistentCharacterV1 as v1 } from '../../../src/models';
import { SPEC_NEGATIVE_PROMPT, SPEC_PROMPT } from './spec-table';

const PREFIX =
  '((masterpiece, best quality, highly detailed)), simple background, character sheet, multiple poses, multiple actions, visible face, (one person), portrait, full body';

describe('composePrompt', () => {
  it('builds the spec’s example prompt from its description and style words', () => {
    const composed = composePrompt(
      {
        description: 'young african american girl, white sweater, jeans, short curly brown hair',
        styleWords: '2D illustration style',
      },
      v1,
    );
    expect(composed.prompt).toBe(SPEC_PROMPT);
    expect(composed.negativePrompt).toBe(SPEC_NEGATIVE_PROMPT);
  });

  it('leaves out blank parts without leaving stray commas', () => {
    expect(composePrompt({ description: 'a knight', styleWords: '  ' }, v1).prompt).toBe(
      `${PREFIX}, a knight`,
    );
    expect(composePrompt({ description: '', styleWords: 'watercolor' }, v1).prompt).toBe(
      `${PREFIX}, watercolor`,
    );
    expect(composePrompt({ description: ' ', styleWords: '' }, v1).prompt).toBe(PREFIX);
    expect(composePrompt({ description: ' a knight, red cape, ', styleWords: ', ink ,' }, v1).prompt).toBe(
      `${PREFIX}, a knight, red cape, ink`,
    );
  });

  it('uses the character’s own negative prompt when it has one', () => {
    expect(
      composePrompt({ description: 'x', styleWords: '', negativePrompt: ' hats ' }, v1).negativePrompt,
    ).toBe('hats');
    expect(
      composePrompt({ description: 'x', styleWords: '', negativePrompt: '   ' }, v1).negativePrompt,
    ).toBe(SPEC_NEGATIVE_PROMPT);
  });
});
