/**
 * Batches: characters x pose sheets x seeds (and models) planned and confirmed as one (see
 * src/services/generation/batches.ts). The request, the plan shown before anything is sent, and the batch
 * as kept in the user-data folder.
 */
import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';

const BatchSeedSchema = z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);

export const BatchRequestSchema = z
  .object({
    modelIds: z.array(z.string().max(200)).min(1).max(10),
    characterIds: z.array(IdSchema).min(1).max(200),
    poseIds: z.array(IdSchema).min(1).max(1000),
    /** These seeds, or this many new ones (drawn once, at planning, so the confirmed batch is the one planned). */
    seeds: z.union([
      z.array(BatchSeedSchema).min(1).max(1000),
      z.object({ count: z.number().int().min(1).max(1000) }),
    ]),
    /** Form values shared by every run (prompts are composed per character). */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .strict();
export type BatchRequest = z.infer<typeof BatchRequestSchema>;

export const BatchPlanSchema = z.object({
  runs: z.number().int().nonnegative(),
  pictures: z.number().int().nonnegative(),
  /** The seeds every character x pose sheet is run with, new ones already drawn. */
  seeds: z.array(BatchSeedSchema),
  perModel: z.array(
    z.object({
      modelId: z.string(),
      name: z.string(),
      runs: z.number().int(),
      pictures: z.number().int(),
      costPerRun: z.number(),
      cost: z.number(),
    }),
  ),
  totalCost: z.number(),
  /** At the account's rate limit and the queue's concurrency, with each model's typical run time. */
  estimatedMs: z.number().nonnegative(),
  requestsPerMinute: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  /** The balance when planned, null when it could not be read (offline, no key). */
  balance: z.number().nullable(),
  /** Null when the balance is unknown. */
  covers: z.boolean().nullable(),
});
export type BatchPlan = z.infer<typeof BatchPlanSchema>;

export const BatchStateSchema = z.enum(['active', 'paused', 'cancelled']);
export type BatchState = z.infer<typeof BatchStateSchema>;

export const BatchRunSchema = z.object({
  /** Chosen when the batch is confirmed, before any job exists: a run is enqueued once, under this id. */
  jobId: IdSchema,
  modelId: z.string(),
  characterId: IdSchema,
  poseId: IdSchema,
  seed: z.number().int(),
  /** Why the run could not be queued (its pose was deleted, its character lost its picture). */
  error: z.string().optional(),
});
export type BatchRun = z.infer<typeof BatchRunSchema>;

export const BatchSchema = z.object({
  id: IdSchema,
  projectPath: z.string(),
  projectId: IdSchema,
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
  state: BatchStateSchema,
  /** "Maya, Leo × 3 sheets × 2 seeds". */
  label: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** The plan the person confirmed. */
  plan: BatchPlanSchema,
  runs: z.array(BatchRunSchema),
  /** Every run has been turned into a job (or recorded why not). Until then the next start finishes it. */
  materialised: z.boolean(),
});
export type Batch = z.infer<typeof BatchSchema>;

const CountSchema = z.number().int().nonnegative();

/** A batch with how far it got: its runs' jobs by state, and the credits spent so far. */
export const BatchProgressSchema = z.object({
  batch: BatchSchema,
  counts: z.object({
    queued: CountSchema,
    running: CountSchema,
    completed: CountSchema,
    failed: CountSchema,
    cancelled: CountSchema,
    unknown: CountSchema,
  }),
  spent: z.number(),
});
export type BatchProgress = z.infer<typeof BatchProgressSchema>;
