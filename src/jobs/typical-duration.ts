import type { Job } from '../domain';

/** The median duration of the last 20 completed runs, learned from the person's own jobs. */
export function typicalDurationMs(completed: readonly Job[], fallbackMs: number): number {
  const durations = completed
    .filter((job) => job.output)
    .slice(-20)
    .map((job) => job.output!.durationMs)
    .sort((a, b) => a - b);
  if (durations.length === 0) return fallbackMs;
  const mid = Math.floor(durations.length / 2);
  return durations.length % 2 ? durations[mid]! : (durations[mid - 1]! + durations[mid]!) / 2;
}
