import { AppError, type Job } from '../domain';
import type { AppRuntime } from '../services/runtime-types';
import { toAppError } from '../services/to-app-error';

export type DeliveredJob = Job & { resultId: string };

export interface WaitForOutcomeOptions {
  /**
   * The most this command waits, in total, for the queue's automatic retries (a 429's reset, the second
   * try after a 500). A retry due later than what is left fails the command at once; the job stays queued.
   */
  maxRetryWaitMs: number;
  /** Told once per automatic retry the command waits for, in one line. */
  notify(line: string): void;
}

/**
 * Waits until the job has a result, or something needs the person: a failure, an unknown outcome, a paused
 * queue (no key, no credits), no network, or an automatic retry due later than the command may wait. A job
 * left queued stays in the outbox and goes out the next time the app (or another `generate`) runs online.
 */
export function waitForOutcome(
  runtime: AppRuntime,
  jobId: string,
  options: WaitForOutcomeOptions,
): Promise<DeliveredJob> {
  return new Promise((resolve, reject) => {
    let retryBudgetMs = options.maxRetryWaitMs;
    let announcedRetry: string | undefined;
    let settled = false;
    // The queue's timers do not hold a process open (the app and the tests must be able to stop while a job
    // waits), so a command that waits for a job has to: otherwise, once an automatic retry is scheduled there
    // is nothing left for the event loop, and the process ends with exit 0 and no output.
    const keepAlive = setInterval(() => undefined, 2 ** 30);

    const finish = (outcome: { error: AppError } | { job: DeliveredJob }): void => {
      if (settled) return;
      settled = true;
      clearInterval(keepAlive);
      off();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.job);
    };

    const check = async (): Promise<void> => {
      const { jobs, state } = await runtime.handlers['jobs.list']({});
      const job = jobs.find((j) => j.id === jobId);
      if (!job) return finish({ error: new AppError('NOT_FOUND', 'The job disappeared from the queue.') });
      if (job.state === 'completed' && job.resultId)
        return finish({ job: { ...job, resultId: job.resultId } });
      if (job.error && job.state !== 'queued') return finish({ error: AppError.fromData(job.error) });
      if (['failed', 'unknown', 'cancelled'].includes(job.state)) {
        return finish({ error: new AppError('INTERNAL', `The job ended ${job.state}.`) });
      }
      if (state.paused) {
        return finish({
          error: new AppError(state.paused.code, `${state.paused.message} The job stays queued.`),
        });
      }
      if (job.state === 'queued' && !state.online) {
        return finish({
          error: new AppError(
            'OFFLINE',
            'Segmind cannot be reached. The job stays queued and goes out the next time the app runs online.',
          ),
        });
      }
      const retryInMs = job.state === 'queued' && job.notBefore ? Date.parse(job.notBefore) - Date.now() : 0;
      if (retryInMs > 0 && job.notBefore !== announcedRetry) {
        const why = job.waitingFor ?? 'Segmind asked to wait before this job is sent again.';
        if (retryInMs > retryBudgetMs) {
          return finish({
            error: new AppError(
              'TIMEOUT',
              `${why} That is later than ccstudio generate waits (--max-wait ${Math.round(options.maxRetryWaitMs / 1000)} s), so it stops here: the job stays queued and goes out the next time the app or ccstudio generate runs.`,
            ),
          });
        }
        retryBudgetMs -= retryInMs;
        announcedRetry = job.notBefore;
        options.notify(`waiting ${Math.ceil(retryInMs / 1000)} s: ${why}`);
      }
    };

    // A check that cannot read the queue ends the wait with that error rather than leaving it hanging.
    const checkNow = (): void => {
      check().catch((error: unknown) => finish({ error: toAppError(error) }));
    };
    const off = runtime.events.on((name) => {
      if (name === 'jobs.updated' || name === 'queue.changed' || name === 'network.changed') checkNow();
    });
    checkNow();
  });
}
