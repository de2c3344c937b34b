import { join, dirname } from 'node:path';
import type { Job, Result } from '../../domain';
import { resultFromJob, resultIdForJob } from './receipt';

/**
 * The id of the result made from a run's n-th picture (n >= 2; the first is the job's own id). Derived
 * from the job's id like the first, so a delivery repeated after a crash names the same results and
 * adopts them rather than committing the pictures twice.
 */
export const resultIdForOutput = (job: Pick<Job, 'id'>, n: number): string =>
  n === 1 ? resultIdForJob(job) : `${job.id}n${n}`;

/**
 * The results for a run's further pictures (a run can make several: consistent-character's poses,
 * with-pose's samples), each with its own receipt: the same request, its own picture's size, hash and
 * file. `firstFile` is the first picture's file in the outbox; the others sit beside it.
 */
export function extraResultsFromJob(
  job: Job,
  firstFile: string,
  endpoint: string,
  appVersion: string,
): { result: Result; file: string }[] {
  return (job.extraOutputs ?? []).map((output, index) => {
    const id = resultIdForOutput(job, index + 2);
    const base = resultFromJob({ ...job, output }, endpoint, appVersion);
    const extension = base.file.slice(base.file.lastIndexOf('.'));
    return {
      result: { ...base, id, file: `results/${id}${extension}`, outputIndex: index + 2 },
      file: join(dirname(firstFile), output.file),
    };
  });
}
