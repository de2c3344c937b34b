import { useCallback, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { CallOutput, EventPayload } from '../../../../src/contract';
import type { AppError, Job } from '../../../../src/domain';
import { getBridge } from '../../bridge/bridge';
import { keys, useAppEvent, useBridgeQuery } from '../../bridge/queries';

/** Query keys of generation's data (the shared ones, settings and app info, are in bridge/queries.ts). */
export const genKeys = {
  jobs: ['jobs'] as const,
  credits: ['credits'] as const,
  keyStatus: ['key', 'status'] as const,
  presets: (projectPath: string) => ['presets', projectPath] as const,
};

export type JobsData = CallOutput<'jobs.list'>;
export type QueueState = JobsData['state'];
export type Credits = CallOutput<'credits.get'>;
export type AppInfo = CallOutput<'app.info'>;

export const useJobs = () => useBridgeQuery(genKeys.jobs, () => getBridge().jobs.list({}));
export const useCredits = () => useBridgeQuery(genKeys.credits, () => getBridge().credits.get({}));
export const useKeyStatus = () => useBridgeQuery(genKeys.keyStatus, () => getBridge().key.status({}));
export const useSettings = () => useBridgeQuery(keys.settings, () => getBridge().settings.get({}));
export const useAppInfo = () => useBridgeQuery(keys.appInfo, () => getBridge().app.info({}));

/** The browser's own word on the network: instant when the computer loses its connection. */
function subscribeBrowserOnline(notify: () => void): () => void {
  window.addEventListener('online', notify);
  window.addEventListener('offline', notify);
  return () => {
    window.removeEventListener('online', notify);
    window.removeEventListener('offline', notify);
  };
}

/**
 * Whether Segmind can be reached: the app's free probe (network.changed, within seconds) and, sooner
 * still, the browser noticing the computer has no network at all.
 */
export function useOnline(): boolean {
  const info = useAppInfo();
  const browserOnline = useSyncExternalStore(subscribeBrowserOnline, () => navigator.onLine);
  return (info.data?.online ?? true) && browserOnline;
}

/**
 * What Segmind last said about the key, the same everywhere (Settings, the credits pill, the banners):
 * `rejected` when the balance call or a job was refused with KEY_REJECTED, until a new key is saved.
 * undefined while the status is still loading.
 */
export type KeyVerdict = 'missing' | 'rejected' | 'set';
export function useKeyVerdict(): KeyVerdict | undefined {
  const status = useKeyStatus();
  const credits = useCredits();
  const jobs = useJobs();
  if (credits.error?.code === 'KEY_MISSING') return 'missing';
  if (!status.data) return undefined;
  if (!status.data.hasKey) return 'missing';
  if (credits.error?.code === 'KEY_REJECTED' || jobs.data?.state.paused?.code === 'KEY_REJECTED')
    return 'rejected';
  return 'set';
}

/** Puts one job into the cached list: replaces it by id, or adds it at the end (the queue's order). */
export function upsertJob(data: JobsData | undefined, job: Job): JobsData | undefined {
  if (!data) return data;
  const index = data.jobs.findIndex((j) => j.id === job.id);
  const jobs = index === -1 ? [...data.jobs, job] : data.jobs.map((j, i) => (i === index ? job : j));
  return { ...data, jobs };
}

/**
 * Keeps the cache live from the app's events, for as long as the workspace is open: jobs and the queue's
 * state, the balance and the network. `onJob` sees every job update with the job as it was before.
 */
export function useLiveGeneration(onJob?: (job: Job, before: Job | undefined) => void): void {
  const client = useQueryClient();
  const jobUpdated = useCallback(
    (job: EventPayload<'jobs.updated'>) => {
      const before = client.getQueryData<JobsData>(genKeys.jobs)?.jobs.find((j) => j.id === job.id);
      if (client.getQueryData(genKeys.jobs))
        client.setQueryData<JobsData>(genKeys.jobs, (data) => upsertJob(data, job));
      else void client.invalidateQueries({ queryKey: genKeys.jobs });
      // Every paid answer carries the balance after it (x-remaining-credits): show it at once.
      const remaining = job.output?.headers.remainingCredits;
      if (remaining !== undefined && !before?.output) {
        client.setQueryData<Credits>(genKeys.credits, {
          credits: remaining,
          checkedAt: job.output?.completedAt ?? new Date().toISOString(),
        });
      }
      onJob?.(job, before);
    },
    [client, onJob],
  );
  const queueChanged = useCallback(
    (state: EventPayload<'queue.changed'>) => {
      client.setQueryData<JobsData>(genKeys.jobs, (data) => (data ? { ...data, state } : data));
    },
    [client],
  );
  const creditsChanged = useCallback(
    ({ credits }: EventPayload<'credits.changed'>) => {
      client.setQueryData<Credits>(genKeys.credits, { credits, checkedAt: new Date().toISOString() });
    },
    [client],
  );
  const networkChanged = useCallback(
    ({ online }: EventPayload<'network.changed'>) => {
      client.setQueryData<AppInfo>(keys.appInfo, (info) => (info ? { ...info, online } : info));
      // Back online: a balance that could not be checked offline is checked now (the call is free).
      if (online && client.getQueryState<Credits, AppError>(genKeys.credits)?.error?.code === 'OFFLINE')
        void client.invalidateQueries({ queryKey: genKeys.credits });
      client.setQueryData<JobsData>(genKeys.jobs, (data) =>
        data ? { ...data, state: { ...data.state, online } } : data,
      );
    },
    [client],
  );
  useAppEvent('jobs.updated', jobUpdated);
  useAppEvent('queue.changed', queueChanged);
  useAppEvent('credits.changed', creditsChanged);
  useAppEvent('network.changed', networkChanged);
}

// ---------------------------------------------------------------------------------------------------
// Facts about jobs, shared by the queue view, the sidebar and the top bar
// ---------------------------------------------------------------------------------------------------

export const isActive = (job: Job): boolean => job.state === 'queued' || job.state === 'submitting';
/** Failed or unknown: the person has to decide something. */
export const needsAttention = (job: Job): boolean =>
  job.state === 'failed' ||
  job.state === 'unknown' ||
  (job.state === 'completed' && !job.resultId && !!job.error);

/** How far a running job is, against the typical duration: 0..0.97 (it never claims to be done early). */
export function jobProgress(job: Job, typicalMs: number, now: number): number {
  if (job.state !== 'submitting' || !job.submittedAt) return 0;
  const elapsed = now - Date.parse(job.submittedAt);
  return Math.min(0.97, Math.max(0, elapsed / Math.max(1, typicalMs)));
}

export interface QueueBatch {
  /** Jobs in the current batch: everything still active, and what finished since the oldest active one was made. */
  total: number;
  finished: number;
  active: number;
  /** 0..1, counting each running job by its elapsed time against the typical duration. */
  fraction: number;
}

export function queueBatch(jobs: readonly Job[], typicalMs: number, now: number): QueueBatch {
  const active = jobs.filter(isActive);
  if (active.length === 0) return { total: 0, finished: 0, active: 0, fraction: 1 };
  const start = Math.min(...active.map((j) => Date.parse(j.createdAt)));
  const finished = jobs.filter((j) => !isActive(j) && j.finishedAt && Date.parse(j.finishedAt) >= start);
  const total = active.length + finished.length;
  const running = active.reduce((sum, j) => sum + jobProgress(j, typicalMs, now), 0);
  return {
    total,
    finished: finished.length,
    active: active.length,
    fraction: (finished.length + running) / total,
  };
}

/** "0:42", "1:05:09": elapsed time for people. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Credits as Segmind shows them: up to two decimals, no trailing zeros beyond what is needed. */
export function formatCredits(credits: number): string {
  return credits.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/**
 * What the balance says about one more run: the credits left after the jobs already waiting or running
 * and this one (negative when they cannot all be paid), and, when this run cannot be paid, why in words.
 * Costs are Segmind's typical cost per run, so the figures are estimates (shown with ≈).
 */
export function runBudget(
  balance: number | undefined,
  costPerRun: number,
  jobsAhead: number,
): { after: number | undefined; cannotPay: string | null } {
  if (balance === undefined) return { after: undefined, cannotPay: null };
  const committed = costPerRun * jobsAhead;
  const after = balance - committed - costPerRun;
  if (after >= 0) return { after, cannotPay: null };
  const ahead =
    jobsAhead === 0
      ? ''
      : ` after the ${jobsAhead === 1 ? 'job' : `${jobsAhead} jobs`} already queued (≈ ${formatCredits(committed)})`;
  return {
    after,
    cannotPay: `Not enough credits: this run costs ≈ ${formatCredits(costPerRun)} and ${formatCredits(Math.max(0, balance - committed))} would be left${ahead}. Add credits in your Segmind account.`,
  };
}

/**
 * Where a running job on Segmind's async API (v2) is, from what the job records: no request id yet (the
 * submit is on its way), then the last status Segmind reported while polling (QUEUED, PROCESSING), then
 * COMPLETED while its pictures are downloaded and kept. null for a job on the synchronous API (one POST
 * answered with the picture: there is no stage to tell) and for any job not running.
 */
export type AsyncPhase =
  | { phase: 'sending'; word: 'Sending to Segmind' }
  | { phase: 'waiting'; word: 'Waiting at Segmind' }
  | { phase: 'drawing'; word: 'Segmind is drawing' }
  | { phase: 'downloading'; word: 'Downloading' }
  /** A status this app does not know: shown as Segmind said it. */
  | { phase: 'other'; word: string };

export function asyncPhase(
  job: Pick<Job, 'state' | 'api' | 'requestId' | 'remoteStatus'>,
): AsyncPhase | null {
  if (job.state !== 'submitting' || job.api !== 'v2') return null;
  if (job.requestId === undefined) return { phase: 'sending', word: 'Sending to Segmind' };
  const status = (job.remoteStatus ?? 'QUEUED').toUpperCase();
  if (status === 'QUEUED') return { phase: 'waiting', word: 'Waiting at Segmind' };
  if (status === 'PROCESSING') return { phase: 'drawing', word: 'Segmind is drawing' };
  if (status === 'COMPLETED') return { phase: 'downloading', word: 'Downloading' };
  return { phase: 'other', word: `Segmind says ${status.toLowerCase()}` };
}
