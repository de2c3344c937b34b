import { describe, expect, it } from 'vitest';
import { lastRunFilter, lastRunStart, type RunJob } from '../../../renderer/src/features/results/last-run';

const at = (minutes: number, seconds = 0) =>
  new Date(Date.UTC(2026, 10, 30, 10, minutes, seconds)).toISOString();
const job = (id: string, queued: string, finished?: string, projectId = 'p1'): RunJob => ({
  id,
  projectId,
  createdAt: queued,
  ...(finished ? { finishedAt: finished } : {}),
});

describe('"Last run" is the jobs enqueued together, not "today"', () => {
  it('takes every job that waited in the queue together with the newest result’s job', () => {
    // This morning's run finished long before; then six jobs queued a few seconds apart, run one at a time.
    const jobs = [
      job('morning-1', at(0), at(1)),
      job('morning-2', at(0, 10), at(2)),
      job('a', at(30), at(31)),
      job('b', at(30, 5), at(32)),
      job('c', at(30, 9), at(33)),
    ];
    const start = lastRunStart({ jobId: 'c', queuedAt: at(30, 9) }, jobs, 'p1');
    expect(start).toBe(at(30));
    expect(lastRunFilter(start)).toEqual({ source: 'generated', from: at(30) });
  });

  it('a job queued while the previous one was still running joins its run, even minutes later', () => {
    const jobs = [job('a', at(10), at(20)), job('b', at(15), at(21))];
    expect(lastRunStart({ jobId: 'b', queuedAt: at(15) }, jobs, 'p1')).toBe(at(10));
  });

  it('a job queued after the previous run had finished, minutes later, starts a new run', () => {
    const jobs = [job('a', at(10), at(11)), job('b', at(20), at(21))];
    expect(lastRunStart({ jobId: 'b', queuedAt: at(20) }, jobs, 'p1')).toBe(at(20));
  });

  it('a batch is one run, however long it ran', () => {
    const batchJob = (id: string, queued: string, finished: string): RunJob => ({
      ...job(id, queued, finished),
      batchId: 'batch-1',
    });
    // Queued at once but materialised over an hour at the rate limit, each finished before the next.
    const jobs = [job('before', at(0), at(1)), batchJob('a', at(10), at(11)), batchJob('b', at(40), at(41))];
    expect(lastRunStart({ jobId: 'b', queuedAt: at(40) }, jobs, 'p1')).toBe(at(10));
  });

  it('jobs of another project never join the run', () => {
    const jobs = [job('other', at(19, 50), at(22), 'p2'), job('b', at(20), at(21))];
    expect(lastRunStart({ jobId: 'b', queuedAt: at(20) }, jobs, 'p1')).toBe(at(20));
  });

  it('with the queue cleared, the run begins when the newest result was queued', () => {
    expect(lastRunStart({ jobId: 'gone', queuedAt: at(40) }, [], 'p1')).toBe(at(40));
    expect(lastRunFilter(null)).toEqual({ source: 'generated' });
  });
});
