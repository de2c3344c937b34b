/**
 * The accepted values of every enum parameter, in one table so they can be corrected without touching code.
 *
 * Segmind's public page does not list them (SEGMIND_API.md section 3). The V1 parameters match ComfyUI's
 * KSampler, Ultimate SD Upscale and FaceDetailer nodes one for one, so these are ComfyUI's lists. If the
 * service rejects one of these values (Segmind answers such a value with a 500 during generation, not
 * with a validation error), fix it here and every form, validator and preset follows.
 */
export const enumTables = {
  /** ComfyUI KSampler schedulers; the last three exist only in newer builds. */
  scheduler: [
    'normal',
    'karras',
    'exponential',
    'sgm_uniform',
    'simple',
    'ddim_uniform',
    'beta',
    'linear_quadratic',
    'kl_optimal',
  ],
  /** ComfyUI KSampler samplers. */
  sampler: [
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
  ],
  /** Ultimate SD Upscale's tiling mode. */
  upscaleModeType: ['Linear', 'Chess', 'None'],
  /** consistent-character's `output_format` (SEGMIND_API.md section 4 lists these three). */
  outputFormat: ['webp', 'jpg', 'png'],
  /**
   * consistent-character-with-pose's `output_format`: section 4 names the field but not its values; these
   * are the ones Segmind's image models commonly take. Correct here if the service answers otherwise.
   */
  imageFormat: ['png', 'jpeg', 'webp'],
} as const satisfies Record<string, readonly string[]>;

export type EnumTableId = keyof typeof enumTables;
