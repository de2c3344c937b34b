import { z } from 'zod';
import { IdSchema, IsoDateSchema } from './ids';
import { BoxSchema } from './pose';
import { TagsSchema } from './character';

/** Seeds can exceed 2^32 (the spec's example is 4898558797): always a safe integer, never int32. */
export const SeedSchema = z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);

/** The response headers Segmind documents, parsed; every one that was present is recorded. */
export const ResponseHeadersSchema = z.object({
  remainingCredits: z.number().optional(),
  cost: z.number().optional(),
  seed: SeedSchema.optional(),
  requestId: z.string().optional(),
  generationTime: z.string().optional(),
});
export type ResponseHeaders = z.infer<typeof ResponseHeadersSchema>;

/**
 * The async API's `metrics` for a run (SEGMIND_API.md section 4), in the receipt as Segmind reported them:
 * cost and credits left in credits, times in seconds. Each is kept only when Segmind sent a number.
 */
export const SegmindMetricsSchema = z.object({
  cost: z.number().optional(),
  remainingCredits: z.number().optional(),
  inferenceTime: z.number().optional(),
  queueTime: z.number().optional(),
  totalTime: z.number().optional(),
});
export type SegmindMetrics = z.infer<typeof SegmindMetricsSchema>;

/** The input image that went out as `image`: named by the pose it came from and its content hash. */
export const SentImageSchema = z.object({
  poseId: IdSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  format: z.string(),
});

/**
 * The character's reference picture, for models that take one (V3's `ip_image`, with-pose's `face_image`,
 * consistent-character's `subject`): named by the character and image it came from and its content hash.
 */
export const SentReferenceSchema = z.object({
  field: z.string(),
  characterId: IdSchema,
  imageId: IdSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  format: z.string(),
});
export type SentReference = z.infer<typeof SentReferenceSchema>;

/** How a result was made: enough to understand it, compare it and make it again. Never holds the key. */
export const ReceiptSchema = z.object({
  modelId: z.string(),
  /** The endpoint URL without any credentials. */
  endpoint: z.string(),
  /** The JSON body exactly as sent, except `image`, which is replaced by a description of it. */
  request: z.record(z.string(), z.unknown()),
  sentImage: SentImageSchema,
  /** The character's reference picture, when the model took one. */
  sentReference: SentReferenceSchema.optional(),
  response: z.object({
    status: z.number().int(),
    contentType: z.string(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string(),
    headers: ResponseHeadersSchema,
    /** Async API (v2): which API made it, and the run's metrics; absent for v1 receipts. */
    api: z.enum(['v1', 'v2']).optional(),
    metrics: SegmindMetricsSchema.optional(),
  }),
  timings: z.object({
    queuedAt: IsoDateSchema,
    submittedAt: IsoDateSchema,
    completedAt: IsoDateSchema,
    /** From the POST leaving to the last byte arriving. */
    durationMs: z.number().nonnegative(),
  }),
  jobId: IdSchema,
  appVersion: z.string(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export const FlagSchema = z.enum(['none', 'pick', 'reject']);
export type Flag = z.infer<typeof FlagSchema>;

export const ReviewSchema = z.object({
  rating: z.number().int().min(0).max(5).default(0),
  flag: FlagSchema.default('none'),
  tags: TagsSchema.default([]),
});
export type Review = z.infer<typeof ReviewSchema>;

/** Where a result came from when it was cut out of another result's sheet. */
export const CutFromSchema = z.object({
  resultId: IdSchema,
  figureIndex: z.number().int().nonnegative(),
  box: BoxSchema,
});

/** results/<id>.json, beside results/<id>.<ext>. */
export const ResultSchema = z.object({
  id: IdSchema,
  createdAt: IsoDateSchema,
  /** The image, relative to the project root. */
  file: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  modelId: z.string(),
  characterId: IdSchema,
  poseId: IdSchema,
  receipt: ReceiptSchema,
  cutFrom: CutFromSchema.optional(),
  /** The batch whose run made it (src/services/generation/batches.ts), for the gallery's "this batch". */
  batchId: IdSchema.optional(),
  /**
   * Which picture of its run this is, from 2 on (a run can make several); absent for a run's first or only
   * picture. The run's cost is counted once, on the first: the others' receipts repeat the run's headers.
   */
  outputIndex: z.number().int().min(2).optional(),
  review: ReviewSchema.default({ rating: 0, flag: 'none', tags: [] }),
});
export type Result = z.infer<typeof ResultSchema>;
