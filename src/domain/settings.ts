import { z } from 'zod';
import { segmindAddressProblem } from './segmind-address';

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
});
export type Settings = z.infer<typeof SettingsSchema>;
export const defaultSettings = (): Settings => SettingsSchema.parse({});
