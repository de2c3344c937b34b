import { AlertTriangle } from 'lucide-react';
import { useNavigation } from '../../app/navigation';
import { ProgressRing } from '../../ui/ProgressBar';
import { needsAttention, queueBatch, useJobs } from './queue-data';
import { useNow } from './use-now';

/** The queue at a glance: a ring that fills as the current batch finishes, and who needs the person. */
export function QueueIndicator() {
  const { go } = useNavigation();
  const jobs = useJobs();
  const list = jobs.data?.jobs ?? [];
  const running = list.some((j) => j.state === 'submitting');
  const now = useNow(500, running);
  if (!jobs.data) return null;
  const batch = queueBatch(list, jobs.data.state.typicalDurationMs, now);
  const attention = list.filter(needsAttention).length;
  const paused = jobs.data.state.paused !== null;
  if (batch.active === 0 && attention === 0) return null;
  const label =
    batch.active > 0
      ? `Queue: ${batch.finished} of ${batch.total} done${paused ? ', paused' : ''}${attention ? `, ${attention} need you` : ''}`
      : `Queue: ${attention} need${attention === 1 ? 's' : ''} you`;
  // The accessible name is the visible text with words around it (no aria-label: axe's
  // label-content-name-mismatch), so a voice user can say what they see.
  const after =
    batch.active > 0 ? ` done${paused ? ', paused' : ''}${attention ? `, ${attention} need you` : ''}` : '';
  return (
    <button
      className={`pill pill-button tabular ${paused || attention ? 'warn' : ''}`}
      onClick={() => go('queue')}
      title={`${label}. Open the queue`}
    >
      <span className="visually-hidden">Queue: </span>
      {batch.active > 0 ? (
        <ProgressRing value={batch.fraction} size={16} tone={paused ? 'amber' : 'accent'} />
      ) : (
        <AlertTriangle size={14} aria-hidden />
      )}
      {batch.active > 0 ? (
        <span>
          {batch.finished}/{batch.total}
        </span>
      ) : (
        <span>{attention} to check</span>
      )}
      {after && <span className="visually-hidden">{after}</span>}
    </button>
  );
}
