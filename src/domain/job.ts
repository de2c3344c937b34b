import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';
import { AppErrorDataSchema } from './errors';
import { ResponseHeadersSchema, SentImageSchema } from './result';

/**
 * queued -> submitting -> completed | failed | unknown ; queued -> cancelled.
 * Each state is persisted before the step it names: a job is durably `submitting` before its POST leaves,
 * so after a crash it is `unknown` (it may have been billed) and is never re-sent without the person.
 */
export const JobStateSchema = z.enum(['queued', 'submitting', 'completed', 'failed', 'unknown', 'cancelled']);
export type JobState = z.infer<typeof JobStateSchema>;

export const JobOutputSchema = z.object({
  file: z.string(),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  status: z.number().int(),
  headers: ResponseHeadersSchema,
  completedAt: IsoDateSchema,
  durationMs: z.number().nonnegative(),
});
export type JobOutput = z.infer<typeof JobOutputSchema>;

export const JobSchema = z.object({
  id: IdSchema,
  state: JobStateSchema,
  projectPath: z.string(),
  projectId: IdSchema,
  modelId: z.string(),
  characterId: IdSchema,
  poseId: IdSchema,
  /** Names at enqueue time, so the queue reads well even if the project is closed. */
  label: z.object({ character: z.string(), pose: z.string() }),
  /** The request body without the image: the validated parameters, the prompt already composed. */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  /** The pose sheet as it will be sent, normalised and copied into the outbox at enqueue time. */
  sentImage: SentImageSchema,
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
  /** How many POSTs left for this job: more than one only after an automatic retry or "send again". */
  attempts: z.number().int().nonnegative().default(0),
  notBefore: IsoDateSchema.optional(),
  submittedAt: IsoDateSchema.optional(),
  finishedAt: IsoDateSchema.optional(),
  error: AppErrorDataSchema.optional(),
  resultId: IdSchema.optional(),
  /** Automatic retries spent (only a provably unsent request, a 429 after its reset, and one 500). */
  autoRetries: z.number().int().nonnegative().default(0),
  /** Why the job waits, in the person's words ("offline", "rate limit until 12:01"). */
  waitingFor: z.string().optional(),
  /**
   * The paid image, written into the outbox the moment it arrived and before anything else happened to it.
   * A job with an output but no resultId still owes the project its result; it is committed when it can be.
   */
  output: JobOutputSchema.optional(),
});
export type Job = z.infer<typeof JobSchema>;
