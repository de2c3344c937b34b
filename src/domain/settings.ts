import { z } from 'zod';
import { segmindAddressProblem } from './segmind-address';
import { SegmindApiSchema, type SegmindApi } from './job';

export const AccountTierSchema = z.enum(['free', 'paid']);

/** App settings: not the person's content, kept in the user-data folder. Never holds the API key. */
export const SettingsSchema = z.object({
  /**
   * Empty means the default Segmind URL (or CCSTUDIO_SEGMIND_URL when set). Kept in plain text, so an
   * address that could carry the key (credentials, a query, a fragment, a key-like part) is refused here,
   * where every way in (the app, the browser host, the CLI) passes: see segmind-address.ts.
   */
  segmindBaseUrl: z
    .string()
    .superRefine((value, ctx) => {
      const problem = value === '' ? null : segmindAddressProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default(''),
  accountTier: AccountTierSchema.default('free'),
  /** Segmind allows 5 requests a minute on free accounts and 50 on paid ones. */
  requestsPerMinute: z.number().int().min(1).max(600).default(5),
  concurrency: z.number().int().min(1).max(8).default(2),
  lowCreditsWarning: z.number().min(0).default(5),
  /**
   * Which Segmind API each model is sent through, by model id: `v1` (one synchronous POST) or `v2` (submit,
   * poll, download). A model not listed uses its default (segmindApiFor, below).
   */
  segmindApiByModel: z.record(z.string().max(200), SegmindApiSchema).default({}),
  /**
   * An optional spending cap per project, in credits, by project id: the queue pauses before a run would
   * take the project's spend (its receipts, plus runs under way) past it.
   */
  spendingCapByProject: z.record(z.string().max(40), z.number().min(0).max(1_000_000)).default({}),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const defaultSettings = (): Settings => SettingsSchema.parse({});

/**
 * Consistent Character V1 is specified on the synchronous v1 API (SEGMIND_API.md section 1, binding), so it
 * keeps v1 unless the person chooses otherwise. Every other model defaults to the async API, which is what
 * Segmind's own SDK uses (v1 is in "maintenance mode").
 */
const MODELS_ON_V1_BY_DEFAULT: ReadonlySet<string> = new Set(['consistent-character-ai-neolemon']);

/** The API a model's jobs are sent through: the person's choice in Settings, else the model's default. */
export function segmindApiFor(settings: Pick<Settings, 'segmindApiByModel'>, modelId: string): SegmindApi {
  const chosen = Object.hasOwn(settings.segmindApiByModel, modelId)
    ? settings.segmindApiByModel[modelId]
    : undefined;
  return chosen ?? defaultSegmindApi(modelId);
}

export const defaultSegmindApi = (modelId: string): SegmindApi =>
  MODELS_ON_V1_BY_DEFAULT.has(modelId) ? 'v1' : 'v2';
