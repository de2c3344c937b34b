import type { ResultFilter } from '../../../../src/contract/calls/workspace';

/** Two enqueues this close belong to one run even when the first had already finished (clicking Generate a few times). */
export const RUN_ENQUEUE_GAP_MS = 2 * 60 * 1000;

/** The facts about a job that decide which run it belongs to (a subset of the outbox's Job). */
export interface RunJob {
  id: string;
  projectId: string;
  createdAt: string;
  finishedAt?: string | undefined;
  /** Jobs planned as one batch are one run, however long it takes. */
  batchId?: string | undefined;
}

/**
 * When the last run of generating began: the run is the jobs enqueued together with the job that made
 * the newest result. Walking back through the project's jobs by enqueue time, an older job belongs to
 * the run when it was enqueued within RUN_ENQUEUE_GAP_MS of the next one, or was still waiting or
 * running when the next one was enqueued (they were in the queue together), or was planned in the same
 * batch. Jobs the person cleared
 * from the queue are no longer known: then the run begins at the newest result's own enqueue time.
 */
export function lastRunStart(
  newest: { jobId: string; queuedAt: string },
  jobs: readonly RunJob[],
  projectId: string,
): string {
  const mine = jobs
    .filter((j) => j.projectId === projectId && Date.parse(j.createdAt) <= Date.parse(newest.queuedAt))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  let start = newest.queuedAt;
  const batch = mine.find((j) => j.id === newest.jobId)?.batchId;
  for (let i = mine.length - 1; i >= 0; i--) {
    const job = mine[i];
    if (!job) break;
    const nextEnqueue = Date.parse(start);
    const enqueued = Date.parse(job.createdAt);
    const finished = job.finishedAt ? Date.parse(job.finishedAt) : Infinity;
    const together =
      nextEnqueue - enqueued <= RUN_ENQUEUE_GAP_MS ||
      finished > nextEnqueue ||
      (batch !== undefined && job.batchId === batch);
    if (job.id !== newest.jobId && !together) break;
    if (enqueued < nextEnqueue) start = job.createdAt;
  }
  return start;
}

/**
 * The gallery filter for the last run, in the index's existing terms: generated results that arrived
 * since the run began. Every result of the run arrived after its job was enqueued, so none is missed;
 * a straggler of an earlier run arriving during this one is shown with it (the index keeps arrival
 * times, not enqueue times).
 */
export function lastRunFilter(start: string | null): ResultFilter {
  return start ? { source: 'generated', from: start } : { source: 'generated' };
}
