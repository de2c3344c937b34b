import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';
import { AppErrorDataSchema } from './errors';

/**
 * queued -> submitting -> completed | failed | unknown ; queued -> cancelled.
 * Each state is persisted before the step it names: a job is durably `submitting` before its POST leaves,
 * so after a crash it is `unknown` (it may have been billed) and is never re-sent without the person.
 */
export const JobStateSchema = z.enum(['queued', 'submitting', 'completed', 'failed', 'unknown', 'cancelled']);
export type JobState = z.infer<typeof JobStateSchema>;

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
  /** Model parameters as the form produced them (the prompt already composed). */
  params: z.record(z.string(), z.unknown()),
  createdAt: IsoDateSchema,
  updatedAt: IsoDateSchema,
  /** How many POSTs left for this job: more than one only after an automatic retry or "send again". */
  attempts: z.number().int().nonnegative().default(0),
  notBefore: IsoDateSchema.optional(),
  submittedAt: IsoDateSchema.optional(),
  finishedAt: IsoDateSchema.optional(),
  error: AppErrorDataSchema.optional(),
  resultId: IdSchema.optional(),
  /** Why the job waits, in the person's words ("offline", "rate limit until 12:01"). */
  waitingFor: z.string().optional(),
});
export type Job = z.infer<typeof JobSchema>;
