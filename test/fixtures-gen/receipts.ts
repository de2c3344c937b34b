/**
 * One receipt builder for fixtures: a V1 (consistent-character-ai-neolemon) call with the model's usual
 * parameters. The workspace tests and the benches' synthetic projects all make receipts through it; each
 * caller overrides only what its fixture varies (seed, prompt, sizes, credits, timings).
 */
import { newId, type Receipt } from '../../src/domain';
import { DEFAULT_MODEL_ID, V1_DEFAULT_NEGATIVE_PROMPT } from '../../src/models';

export interface ReceiptOptions {
  seed?: number;
  prompt?: string;
  /** What the receipt records in place of the pose image's data. */
  image?: string;
  poseId?: string;
  sentImage?: Partial<Omit<Receipt['sentImage'], 'poseId'>>;
  response?: Partial<Omit<Receipt['response'], 'headers'>>;
  headers?: Partial<Receipt['response']['headers']>;
  timings?: Receipt['timings'];
  jobId?: string;
  appVersion?: string;
}

export function v1Receipt(options: ReceiptOptions = {}): Receipt {
  const seed = options.seed ?? 4898558797;
  return {
    modelId: DEFAULT_MODEL_ID,
    endpoint: `https://api.segmind.com/v1/${DEFAULT_MODEL_ID}`,
    request: {
      prompt: options.prompt ?? 'character sheet, young pilot, red scarf, 2D illustration style',
      negative_prompt: V1_DEFAULT_NEGATIVE_PROMPT,
      image: options.image ?? '<pose>',
      num_inference_steps: 20,
      guidance_scale: 7,
      seed,
      samples: 1,
      strength: 0.8,
      scheduler: 'karras',
      sampler: 'dpmpp_2m',
      upscale_by: 2,
    },
    sentImage: {
      poseId: options.poseId ?? 'pose00000001',
      sha256: 'a'.repeat(64),
      width: 96,
      height: 64,
      bytes: 1000,
      format: 'png',
      ...options.sentImage,
    },
    response: {
      status: 200,
      contentType: 'image/jpeg',
      bytes: 1000,
      sha256: 'b'.repeat(64),
      ...options.response,
      headers: { remainingCredits: 10, cost: 0.13, seed, requestId: 'req-123', ...options.headers },
    },
    timings: options.timings ?? {
      queuedAt: '2025-01-31T10:00:00.000Z',
      submittedAt: '2025-01-31T10:00:01.000Z',
      completedAt: '2025-01-31T10:00:40.000Z',
      durationMs: 39_000,
    },
    jobId: options.jobId ?? newId(),
    appVersion: options.appVersion ?? '0.1.0',
  };
}
