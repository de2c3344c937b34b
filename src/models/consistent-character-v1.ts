/**
 * Consistent Character V1, exactly as SEGMIND_API.md section 1 (binding) declares it. Each field's default
 * is the spec's example value; ranges are the spec's. Where the spec gives no range, only the bound that
 * follows from the meaning is set (a count of samples is at least 1; a seed is a safe integer).
 */
import type { FieldSpec, ModelSpec } from './field-spec';

export const V1_PROMPT_PREFIX =
  '((masterpiece, best quality, highly detailed)), simple background, character sheet, multiple poses, ' +
  'multiple actions, visible face, (one person), portrait, full body';

export const V1_EXAMPLE_DESCRIPTION =
  'young african american girl, white sweater, jeans, short curly brown hair';
export const V1_EXAMPLE_STYLE = '2D illustration style';

/** The spec's example prompt: the prefix, the example character, the example style. */
export const V1_EXAMPLE_PROMPT = `${V1_PROMPT_PREFIX}, ${V1_EXAMPLE_DESCRIPTION}, ${V1_EXAMPLE_STYLE}`;

/** The spec's default negative prompt, verbatim (its repeated words and trailing comma included). */
export const V1_DEFAULT_NEGATIVE_PROMPT =
  'text, watermark, underexposed, ugly, jpeg, (worst quality, low quality, lowres, low details, ' +
  'oversaturated, undersaturated, overexposed, grayscale, bw, bad photo, bad art:1.4), (font, username, ' +
  'error, logo, words, letters, digits, autograph, trademark, name:1.2), (blur, blurry, grainy), cropped, ' +
  'out of frame, cut off, jpeg artifacts, out of focus, glitch, duplicate, (amateur:1.3), merging, ' +
  'clipping, (nsfw), multiple hands, mutant, glitch, uncanny, cross eye, broken face, astronaut, helmet, ' +
  'blurry,';

/** The spec's example seed: larger than 2^32, so seeds are safe integers everywhere, never int32. */
export const V1_EXAMPLE_SEED = 4898558797;

const steps = (name: string, label: string, group: FieldSpec['group'], help: string): FieldSpec => ({
  name,
  label,
  help,
  group,
  required: true,
  type: 'int',
  default: 20,
  min: 1,
  max: 100,
});

const guidance = (name: string, group: FieldSpec['group'], help: string): FieldSpec => ({
  name,
  label: 'Guidance',
  help,
  group,
  required: true,
  type: 'float',
  default: 7,
  min: 1,
  max: 20,
  step: 0.5,
});

const scheduler = (name: string, group: FieldSpec['group']): FieldSpec => ({
  name,
  label: 'Scheduler',
  help: 'How the noise is reduced from step to step. Karras is a good default.',
  group,
  required: true,
  type: 'enum',
  table: 'scheduler',
  default: 'karras',
});

const sampler = (name: string, group: FieldSpec['group']): FieldSpec => ({
  name,
  label: 'Sampler',
  help: 'The method that takes each step. dpmpp_2m is a good default.',
  group,
  required: true,
  type: 'enum',
  table: 'sampler',
  default: 'dpmpp_2m',
});

const fields: readonly FieldSpec[] = [
  {
    name: 'prompt',
    label: 'Prompt',
    help: 'Who to draw. Built from the character’s description and style words.',
    group: 'basic',
    required: true,
    type: 'string',
    default: V1_EXAMPLE_PROMPT,
    multiline: true,
  },
  {
    name: 'negative_prompt',
    label: 'Negative prompt',
    help: 'What to keep out of the picture. The character’s own list replaces this default.',
    group: 'basic',
    required: false,
    type: 'string',
    default: V1_DEFAULT_NEGATIVE_PROMPT,
    multiline: true,
  },
  {
    name: 'image',
    label: 'Pose sheet',
    help: 'The poses to draw the character in, typically OpenPose skeletons on black.',
    group: 'basic',
    required: true,
    type: 'image',
    role: 'pose',
  },
  steps('num_inference_steps', 'Steps', 'base', 'More steps give more detail and take longer.'),
  guidance('guidance_scale', 'base', 'How closely the picture follows the prompt. Higher is stricter.'),
  {
    name: 'seed',
    label: 'Seed',
    help: 'The same seed and settings give the same picture. Use -1 for a random seed.',
    group: 'basic',
    required: true,
    type: 'int',
    default: V1_EXAMPLE_SEED,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    special: { value: -1, meaning: 'a random seed' },
  },
  {
    name: 'samples',
    label: 'Samples',
    help: 'How many pictures to make. The answer is a single image, so leave this at 1.',
    group: 'base',
    required: true,
    type: 'int',
    default: 1,
    min: 1,
  },
  {
    name: 'strength',
    label: 'Strength',
    help: 'How much the pose sheet is repainted: 1 repaints everything, lower keeps more of it.',
    group: 'base',
    required: true,
    type: 'float',
    default: 0.8,
    min: 0,
    max: 1,
    step: 0.05,
  },
  scheduler('scheduler', 'base'),
  sampler('sampler', 'base'),
  {
    name: 'upscale_by',
    label: 'Upscale by',
    help: 'How many times larger the result is than the pose sheet.',
    group: 'upscale',
    required: true,
    type: 'int',
    default: 2,
    min: 1,
    max: 4,
  },
  steps('upscale_steps', 'Steps', 'upscale', 'Steps of the upscale pass.'),
  guidance('upscale_guidance_scale', 'upscale', 'How closely the upscale pass follows the prompt.'),
  scheduler('upscale_scheduler', 'upscale'),
  sampler('upscale_sampler', 'upscale'),
  {
    name: 'upscale_mode_type',
    label: 'Tiling',
    help: 'How the sheet is cut into tiles for upscaling. Linear is a good default.',
    group: 'upscale',
    required: true,
    type: 'enum',
    table: 'upscaleModeType',
    default: 'Linear',
  },
  steps('fd_steps', 'Steps', 'faceDetail', 'Steps of the face-detail pass.'),
  guidance('fd_guidance_scale', 'faceDetail', 'How closely the face-detail pass follows the prompt.'),
  scheduler('fd_scheduler', 'faceDetail'),
  sampler('fd_sampler', 'faceDetail'),
];

export const consistentCharacterV1: ModelSpec = {
  id: 'consistent-character-ai-neolemon',
  name: 'Consistent Character V1',
  summary: 'Create images of a given character in different poses.',
  path: '/v1/consistent-character-ai-neolemon',
  status: 'supported',
  fields,
  prompt: {
    field: 'prompt',
    negativeField: 'negative_prompt',
    prefix: V1_PROMPT_PREFIX,
    defaultNegative: V1_DEFAULT_NEGATIVE_PROMPT,
  },
  outputScaleField: 'upscale_by',
  outputContentType: 'image/jpeg',
  typicalDurationMs: 40_000,
  typicalCost: 0.13,
  // `samples` is a parameter, but the answer is one image: one picture a run.
  outputCountFields: [],
  poses: 'sheet',
};
