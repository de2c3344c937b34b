import { z } from 'zod';

export const AccountTierSchema = z.enum(['free', 'paid']);

/** App settings: not the person's content, kept in the user-data folder. Never holds the API key. */
export const SettingsSchema = z.object({
  /** Empty means the default Segmind URL (or CCSTUDIO_SEGMIND_URL when set). */
  segmindBaseUrl: z.string().url().or(z.literal('')).default(''),
  accountTier: AccountTierSchema.default('free'),
  /** Segmind allows 5 requests a minute on free accounts and 50 on paid ones. */
  requestsPerMinute: z.number().int().min(1).max(600).default(5),
  concurrency: z.number().int().min(1).max(8).default(2),
  lowCreditsWarning: z.number().min(0).default(5),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const defaultSettings = (): Settings => SettingsSchema.parse({});
