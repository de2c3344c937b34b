import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';
import { AppErrorDataSchema } from './errors';
import { ResponseHeadersSchema, SegmindMetricsSchema, SentImageSchema, SentReferenceSchema } from './result';

/**
 * queued -> submitting -> completed | failed | unknown ; queued -> cancelled.
 * Each state is persisted before the step it names: a job is durably `submitting` before its POST leaves,
 * so after a crash it is `unknown` (it may have been billed) and is never re-sent without the person.
 *
 * With the async API (v2) a job is `submitting` until Segmind's answer to the submit arrives; its
 * `requestId` is written the moment it does. `submitting` with a `requestId` is DESIGN.md's
 * `submitted(request_id)`: Segmind has the run, and after a crash or restart the job resumes polling
 * (always safe, a GET) instead of becoming `unknown`. It stays a `submitting` state rather than a new one
 * so everything that shows or waits for a running job (queue view, CLI) keeps treating it as running.
 */
/** v1: one synchronous POST answered with the image. v2: submit, poll, download (SEGMIND_API.md section 4). */
export const SegmindApiSchema = z.enum(['v1', 'v2']);
export type SegmindApi = z.infer<typeof SegmindApiSchema>;

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
  /** Async API only: the run's `metrics` as Segmind reported them with its result. */
  metrics: SegmindMetricsSchema.optional(),
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
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
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
  /** Which Segmind API the job was sent through; absent on jobs from before the async API (v1). */
  api: SegmindApiSchema.optional(),
  /**
   * Async API: the id Segmind gave the run, stored durably the moment the submit's answer arrived. From
   * then on the job is never `unknown`: it is polled until Segmind's record of it ends (about an hour).
   */
  requestId: z.string().optional(),
  /** Async API: the last status Segmind reported (QUEUED, PROCESSING), to show while polling. */
  remoteStatus: z.string().optional(),
  /**
   * Async API: the run's further outputs after the first (`output`), each downloaded and written into the
   * outbox the moment the run completed, before anything else (a run can make several pictures).
   */
  extraOutputs: z.array(JobOutputSchema).optional(),
  /**
   * The character's reference picture, for models that take one (V3, with-pose, consistent-character),
   * copied into the outbox beside the pose sheet at enqueue time (reference.*), exactly as it will be sent.
   */
  sentReference: SentReferenceSchema.optional(),
  /** The batch the job belongs to, when it was planned as one (src/services/generation/batches.ts). */
  batchId: IdSchema.optional(),
});
export type Job = z.infer<typeof JobSchema>;
