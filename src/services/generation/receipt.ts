import { nowIso, type Job, type Result } from '../../domain';
import { getModel } from '../../models';

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
  const extension = output.contentType.includes('png') ? 'png' : 'jpg';
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
    receipt: {
      modelId: job.modelId,
      endpoint: `${endpoint.replace(/\/+$/, '')}${model?.path ?? ''}`,
      request: { ...job.params, image: `<pose ${job.poseId}, sha256 ${job.sentImage.sha256}>` },
      sentImage: job.sentImage,
      response: {
        status: output.status,
        contentType: output.contentType,
        bytes: output.bytes,
        sha256: output.sha256,
        headers: output.headers,
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
