/**
 * The stand-in's own reading of SEGMIND_API.md section 1, written independently of src/models on purpose:
 * if the app's registry got a range, a name or a type wrong, a stand-in that shared the table would agree
 * with the mistake and the tests would pass.
 *
 * How it answers, as the real service is described to:
 * - wrong types, missing required fields, out-of-range numbers, unknown fields, a `data:` prefix: 422
 *   (Segmind's "validation error", not billed). Unknown fields are stricter than the real service, which
 *   would likely ignore them; here a misspelt key fails loudly instead of silently using a server default.
 * - enum values are checked only "during generation" (section 2): 500, worded like ComfyUI's validation.
 */

// These enum lists restate src/models/enums.ts on purpose (the duplicate finder pairs them): they are
// copied from the spec by hand, so a wrong app table is caught rather than shared. Do not import them.
export const STAND_IN_SCHEDULERS = [
  'normal',
  'karras',
  'exponential',
  'sgm_uniform',
  'simple',
  'ddim_uniform',
  'beta',
  'linear_quadratic',
  'kl_optimal',
] as const;
export const STAND_IN_SAMPLERS = [
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
] as const;
export const STAND_IN_UPSCALE_MODES = ['Linear', 'Chess', 'None'] as const;

type Rule =
  | { type: 'string'; required: boolean }
  | { type: 'image'; required: true }
  | { type: 'int' | 'float'; required: true; min?: number; max?: number }
  | { type: 'enum'; required: true; values: readonly string[]; node: string };

const int = (min?: number, max?: number): Rule => ({ type: 'int', required: true, min, max });
const float = (min: number, max: number): Rule => ({ type: 'float', required: true, min, max });
const scheduler = (node: string): Rule => ({
  type: 'enum',
  required: true,
  values: STAND_IN_SCHEDULERS,
  node,
});
const sampler = (node: string): Rule => ({ type: 'enum', required: true, values: STAND_IN_SAMPLERS, node });

export const V1_RULES: Readonly<Record<string, Rule>> = {
  prompt: { type: 'string', required: true },
  negative_prompt: { type: 'string', required: false },
  image: { type: 'image', required: true },
  num_inference_steps: int(1, 100),
  guidance_scale: float(1, 20),
  seed: int(-1),
  samples: int(1),
  strength: float(0, 1),
  scheduler: scheduler('KSampler'),
  sampler: sampler('KSampler'),
  upscale_by: int(1, 4),
  upscale_steps: int(1, 100),
  upscale_guidance_scale: float(1, 20),
  upscale_scheduler: scheduler('UltimateSDUpscale'),
  upscale_sampler: sampler('UltimateSDUpscale'),
  upscale_mode_type: {
    type: 'enum',
    required: true,
    values: STAND_IN_UPSCALE_MODES,
    node: 'UltimateSDUpscale',
  },
  fd_steps: int(1, 100),
  fd_guidance_scale: float(1, 20),
  fd_scheduler: scheduler('FaceDetailer'),
  fd_sampler: sampler('FaceDetailer'),
};

export interface V1Body {
  prompt: string;
  negative_prompt?: string;
  image: string;
  seed: number;
  upscale_by: number;
  [field: string]: unknown;
}

export type BodyCheck = { ok: true; body: V1Body } | { ok: false; status: 422 | 500; error: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Types, presence, ranges and unknown fields: the checks that answer 422 before anything runs. */
export function checkV1Schema(parsed: unknown): BodyCheck {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, status: 422, error: 'Validation error: the body must be a JSON object' };
  }
  const body = parsed as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(body))
    if (!Object.hasOwn(V1_RULES, key)) problems.push(`${key}: unknown field`);
  for (const [name, rule] of Object.entries(V1_RULES)) {
    const value = body[name];
    if (value === undefined || value === null) {
      if (rule.required) problems.push(`${name}: field required`);
      continue;
    }
    const problem = checkValue(name, rule, value);
    if (problem !== undefined) problems.push(problem);
  }
  if (problems.length > 0)
    return { ok: false, status: 422, error: `Validation error: ${problems.join('; ')}` };
  return { ok: true, body: body as V1Body };
}

function checkValue(name: string, rule: Rule, value: unknown): string | undefined {
  switch (rule.type) {
    case 'string':
      if (typeof value !== 'string') return `${name}: must be a string`;
      if (rule.required && value.trim() === '') return `${name}: must not be empty`;
      return undefined;
    case 'enum':
      return typeof value === 'string' ? undefined : `${name}: must be a string`;
    case 'image':
      if (typeof value !== 'string' || value === '') return `${name}: must be a URL or a base64 string`;
      if (/^data:/i.test(value)) return `${name}: send the raw base64 of the file, without a data: prefix`;
      if (/^https?:\/\//i.test(value)) return undefined;
      return value.length % 4 === 0 && BASE64.test(value)
        ? undefined
        : `${name}: is neither a URL nor valid base64`;
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name}: must be a number`;
      if (rule.type === 'int' && !Number.isInteger(value)) return `${name}: must be an integer`;
      const { min, max } = rule;
      if (min !== undefined && max !== undefined && (value < min || value > max))
        return `${name}: must be between ${min} and ${max}`;
      if (min !== undefined && value < min) return `${name}: must be at least ${min}`;
      if (max !== undefined && value > max) return `${name}: must be at most ${max}`;
      return undefined;
    }
  }
}

/** Enum values, checked as the workflow starts, with ComfyUI's wording; a failure is a 500. */
export function checkV1Enums(body: V1Body): string | undefined {
  for (const [name, rule] of Object.entries(V1_RULES)) {
    if (rule.type !== 'enum') continue;
    const value = body[name];
    if (typeof value === 'string' && !rule.values.includes(value)) {
      const list = rule.values.map((v) => `'${v}'`).join(', ');
      return `Prompt outputs failed validation: ${rule.node}: Value not in list: ${name}: '${value}' not in [${list}]`;
    }
  }
  return undefined;
}
