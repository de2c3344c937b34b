import { nowIso, type Job, type Result } from '../../domain';
import { getModel, imageFields } from '../../models';

/**
 * The id of the result a job yields: the job's own id. A job yields at most one result, and its id is in
 * the outbox (durably) before its POST leaves, so every delivery of the same paid image names the same
 * result. A delivery repeated after a crash (the commit done, the job not yet told) therefore finds its
 * result already in the project and adopts it, instead of committing the image a second time.
 */
export const resultIdForJob = (job: Pick<Job, 'id'>): string => job.id;

/**
 * The result and its receipt for a completed job: the request exactly as sent except the image (described
 * by the pose it came from and its hash), every response header Segmind sent, timings, and the app version.
 * The key is never part of a job, so it cannot reach a receipt.
 */
export function resultFromJob(job: Job, endpoint: string, appVersion: string): Result {
  const output = job.output;
  if (!output) throw new Error('resultFromJob needs a job with an output');
  const id = resultIdForJob(job);
  const extension = output.contentType.includes('png')
    ? 'png'
    : output.contentType.includes('webp')
      ? 'webp'
      : 'jpg';
  const model = getModel(job.modelId);
  return {
    id,
    createdAt: nowIso(),
    file: `results/${id}.${extension}`,
    width: output.width,
    height: output.height,
    modelId: job.modelId,
    characterId: job.characterId,
    poseId: job.poseId,
    ...(job.batchId ? { batchId: job.batchId } : {}),
    receipt: {
      modelId: job.modelId,
      endpoint: `${endpoint.replace(/\/+$/, '')}${endpointPath(job, model?.path)}`,
      request: { ...job.params, ...describeImages(job) },
      sentImage: job.sentImage,
      ...(job.sentReference ? { sentReference: job.sentReference } : {}),
      response: {
        status: output.status,
        contentType: output.contentType,
        bytes: output.bytes,
        sha256: output.sha256,
        headers: output.headers,
        // Async API: which API made it and the run's metrics (cost, credits left, times).
        ...(job.api === 'v2' ? { api: 'v2' as const } : {}),
        ...(output.metrics ? { metrics: output.metrics } : {}),
      },
      timings: {
        queuedAt: job.createdAt,
        submittedAt: job.submittedAt ?? job.createdAt,
        completedAt: output.completedAt,
        durationMs: output.durationMs,
      },
      jobId: job.id,
      appVersion,
    },
    review: { rating: 0, flag: 'none', tags: [] },
  };
}

/** v1 POSTs to the model's path; the async API submits to /v2/{slug}, the path's last segment. */
function endpointPath(job: Pick<Job, 'api'>, modelPath: string | undefined): string {
  if (modelPath === undefined) return '';
  return job.api === 'v2' ? `/v2/${modelPath.split('/').pop() ?? ''}` : modelPath;
}

/**
 * The pictures of the request, described instead of repeated: under the field names the model read them
 * from (V1: `image`; V3: `ip_image` and `input_image`). A model without a pose field did not send the pose.
 */
function describeImages(job: Job): Record<string, string> {
  const model = getModel(job.modelId);
  const poseField = model ? imageFields(model).pose : 'image';
  const out: Record<string, string> = {};
  if (poseField !== null) out[poseField] = `<pose ${job.poseId}, sha256 ${job.sentImage.sha256}>`;
  const ref = job.sentReference;
  if (ref)
    out[ref.field] = `<reference ${ref.imageId} of character ${ref.characterId}, sha256 ${ref.sha256}>`;
  return out;
}
