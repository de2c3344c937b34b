import { z } from 'zod';
import { call } from '../define';
import {
  AppErrorDataSchema,
  BatchPlanSchema,
  BatchProgressSchema,
  BatchRequestSchema,
  IdSchema,
  JobSchema,
  SeedSchema,
} from '../../domain';

const Empty = z.object({}).strict();

/** What the renderer may know about the key: never the key itself. */
export const KeyStatusSchema = z.object({
  hasKey: z.boolean(),
  backend: z.enum(['keychain', 'safe-storage', 'memory']),
  persistent: z.boolean(),
  note: z.string().optional(),
});
export type KeyStatus = z.infer<typeof KeyStatusSchema>;

export const QueueStateSchema = z.object({
  paused: AppErrorDataSchema.nullable(),
  online: z.boolean(),
  running: z.number().int().nonnegative(),
  typicalDurationMs: z.number().nonnegative(),
});

export const CreditsSchema = z.object({ credits: z.number(), checkedAt: z.string() });

const ParamsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const PresetSchema = z.object({
  name: z.string().trim().min(1).max(80),
  modelId: z.string(),
  /** Parameters only: never the prompt, which comes from the character. */
  params: ParamsSchema,
  updatedAt: z.string(),
});
export type Preset = z.infer<typeof PresetSchema>;

const SpendLineSchema = z.object({
  id: z.string(),
  /** The character's name, the batch's label or the model's name; null when it is no longer known. */
  name: z.string().nullable(),
  cost: z.number(),
  runs: z.number().int().nonnegative(),
});

/** The open project's spend from its receipts, and its spending cap. */
export const SpendSummarySchema = z.object({
  projectId: IdSchema,
  /** Credits the receipts record, each run once (a run's further pictures and cuts cost nothing more). */
  total: z.number(),
  runs: z.number().int().nonnegative(),
  /** Results whose receipt names no cost (an old receipt, a header Segmind left out): not in the total. */
  unknownCost: z.number().int().nonnegative(),
  byCharacter: z.array(SpendLineSchema),
  byBatch: z.array(SpendLineSchema),
  byModel: z.array(SpendLineSchema),
  /** Oldest first: the balance (x-remaining-credits) each of the newest receipts recorded after its run. */
  balance: z.array(z.object({ at: z.string(), credits: z.number(), resultId: IdSchema })),
  /**
   * The project's spending cap (Settings.spendingCapByProject), null when it has none. `spent` is the
   * receipts' total and `underWay` the runs sent or paid and not yet saved: the queue counts both.
   */
  cap: z.object({ credits: z.number(), spent: z.number(), underWay: z.number() }).nullable(),
});
export type SpendSummaryView = z.infer<typeof SpendSummarySchema>;

export const generationCalls = {
  'key.status': call(Empty, KeyStatusSchema),
  /** Stores the key in the keychain (after checking it with Segmind when online). The key only travels inward. */
  'key.set': call(z.object({ key: z.string().trim().min(1).max(200) }).strict(), KeyStatusSchema),
  'key.clear': call(Empty, KeyStatusSchema),
  /** The free balance call; fails with KEY_MISSING, KEY_REJECTED or OFFLINE. */
  'credits.get': call(Empty, CreditsSchema),
  'generation.enqueue': call(
    z
      .object({
        modelId: z.string(),
        characterId: IdSchema,
        poseId: IdSchema,
        /** Form values; prompt and negative_prompt are composed from the character unless given here. */
        params: ParamsSchema,
        /** For models that take the character's picture (V3, with-pose): which one; default the first. */
        referenceImageId: IdSchema.optional(),
      })
      .strict(),
    JobSchema,
  ),
  /** Re-runs a result with the same parameters, the same seed or a new one. */
  'generation.rerun': call(
    z
      .object({ resultId: IdSchema, seed: z.union([z.literal('same'), z.literal('new'), SeedSchema]) })
      .strict(),
    JobSchema,
  ),
  'jobs.list': call(Empty, z.object({ jobs: z.array(JobSchema), state: QueueStateSchema })),
  'jobs.cancel': call(z.object({ id: IdSchema }).strict(), JobSchema),
  /** The person's explicit "send again": the only way an `unknown` job is ever re-sent. */
  'jobs.resend': call(z.object({ id: IdSchema }).strict(), JobSchema),
  'jobs.dismiss': call(z.object({ id: IdSchema }).strict(), z.object({ dismissed: z.boolean() })),
  'jobs.clearFinished': call(Empty, z.object({ dismissed: z.number().int() })),
  'queue.resume': call(Empty, QueueStateSchema),
  /** A batch's plan before anything is sent: runs, cost per model and in total, time, whether the balance covers it. */
  'batches.plan': call(BatchRequestSchema, BatchPlanSchema),
  /** Confirms a batch with the seeds its plan showed, and queues its jobs. */
  'batches.start': call(
    BatchRequestSchema.extend({ seeds: z.array(SeedSchema).min(1).max(1000) }).strict(),
    BatchProgressSchema,
  ),
  'batches.list': call(Empty, z.object({ batches: z.array(BatchProgressSchema) })),
  'batches.pause': call(z.object({ id: IdSchema }).strict(), BatchProgressSchema),
  'batches.resume': call(z.object({ id: IdSchema }).strict(), BatchProgressSchema),
  /** Cancels every run not yet sent; runs already on their way still land. */
  'batches.cancel': call(z.object({ id: IdSchema }).strict(), BatchProgressSchema),
  /** Spend per project, character, batch and model from the receipts, the balance over time and the cap. */
  'spend.summary': call(Empty, SpendSummarySchema),
  'presets.list': call(Empty, z.array(PresetSchema)),
  'presets.save': call(PresetSchema.omit({ updatedAt: true }).strict(), z.array(PresetSchema)),
  'presets.delete': call(z.object({ name: z.string() }).strict(), z.array(PresetSchema)),
};
