/**
 * SEGMIND_API.md section 1, transcribed by hand for the tests, so the registry is checked against the spec
 * rather than against itself. The strings are copied from the spec, not imported.
 */
export const SPEC_PROMPT =
  '((masterpiece, best quality, highly detailed)), simple background, character sheet, multiple poses, multiple actions, visible face, (one person), portrait, full body, young african american girl, white sweater, jeans, short curly brown hair, 2D illustration style';

export const SPEC_NEGATIVE_PROMPT =
  'text, watermark, underexposed, ugly, jpeg, (worst quality, low quality, lowres, low details, oversaturated, undersaturated, overexposed, grayscale, bw, bad photo, bad art:1.4), (font, username, error, logo, words, letters, digits, autograph, trademark, name:1.2), (blur, blurry, grainy), cropped, out of frame, cut off, jpeg artifacts, out of focus, glitch, duplicate, (amateur:1.3), merging, clipping, (nsfw), multiple hands, mutant, glitch, uncanny, cross eye, broken face, astronaut, helmet, blurry,';

type Row = {
  name: string;
  type: 'string' | 'image' | 'int' | 'float' | 'enum';
  required: boolean;
  min?: number;
  max?: number;
  example?: string | number;
};

/** In the spec's order. */
export const SPEC_ROWS: readonly Row[] = [
  { name: 'prompt', type: 'string', required: true, example: SPEC_PROMPT },
  { name: 'negative_prompt', type: 'string', required: false, example: SPEC_NEGATIVE_PROMPT },
  { name: 'image', type: 'image', required: true },
  { name: 'num_inference_steps', type: 'int', required: true, min: 1, max: 100, example: 20 },
  { name: 'guidance_scale', type: 'float', required: true, min: 1, max: 20, example: 7 },
  { name: 'seed', type: 'int', required: true, example: 4898558797 },
  { name: 'samples', type: 'int', required: true, example: 1 },
  { name: 'strength', type: 'float', required: true, min: 0, max: 1, example: 0.8 },
  { name: 'scheduler', type: 'enum', required: true, example: 'karras' },
  { name: 'sampler', type: 'enum', required: true, example: 'dpmpp_2m' },
  { name: 'upscale_by', type: 'int', required: true, min: 1, max: 4, example: 2 },
  { name: 'upscale_steps', type: 'int', required: true, min: 1, max: 100, example: 20 },
  { name: 'upscale_guidance_scale', type: 'float', required: true, min: 1, max: 20, example: 7 },
  { name: 'upscale_scheduler', type: 'enum', required: true, example: 'karras' },
  { name: 'upscale_sampler', type: 'enum', required: true, example: 'dpmpp_2m' },
  { name: 'upscale_mode_type', type: 'enum', required: true, example: 'Linear' },
  { name: 'fd_steps', type: 'int', required: true, min: 1, max: 100, example: 20 },
  { name: 'fd_guidance_scale', type: 'float', required: true, min: 1, max: 20, example: 7 },
  { name: 'fd_scheduler', type: 'enum', required: true, example: 'karras' },
  { name: 'fd_sampler', type: 'enum', required: true, example: 'dpmpp_2m' },
];

/** The spec's example request, every parameter but the image. */
export const SPEC_EXAMPLE_PARAMS: Record<string, string | number> = Object.fromEntries(
  SPEC_ROWS.filter((r) => r.example !== undefined).map((r) => [r.name, r.example as string | number]),
);

/** The spec's example settings: every parameter but the prompts and the image, in the spec's order. */
export const SPEC_EXAMPLE_SETTINGS: Record<string, string | number> = Object.fromEntries(
  Object.entries(SPEC_EXAMPLE_PARAMS).filter(([name]) => name !== 'prompt' && name !== 'negative_prompt'),
);

// These enum lists restate src/models/enums.ts (and the stand-in's lists) on purpose: copied from the
// spec by hand, so a wrong app table fails the tests instead of agreeing with itself. Do not import them.
export const SPEC_SCHEDULERS = [
  'normal',
  'karras',
  'exponential',
  'sgm_uniform',
  'simple',
  'ddim_uniform',
  'beta',
  'linear_quadratic',
  'kl_optimal',
];
export const SPEC_SAMPLERS = [
  'euler',
  'euler_ancestral',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
];
export const SPEC_UPSCALE_MODES = ['Linear', 'Chess', 'None'];
