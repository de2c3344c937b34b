import { useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  AlertTriangle,
  Ban,
  CheckCircle2,
  Clock,
  Columns2,
  CreditCard,
  Download,
  HelpCircle,
  Hourglass,
  ListTodo,
  Loader2,
  PauseCircle,
  Play,
  RotateCcw,
  Sparkles,
  WifiOff,
  X,
  XCircle,
} from 'lucide-react';
import type { AppErrorData, Job, ProjectSummary } from '../../../../src/domain';
import { errorHelp } from '../../../../src/contract/error-messages';
import { getBridge } from '../../bridge/bridge';
import { useBridgeMutation } from '../../bridge/queries';
import { useEnterNewKey } from '../settings/enter-key';
import { useNavigation } from '../../app/navigation';
import { openCompare } from '../compare/review-store';
import { openGallery } from '../results/gallery-store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { MediaThumb } from '../../ui/MediaThumb';
import { useToasts } from '../../ui/Toasts';
import { ProgressBar } from '../../ui/ProgressBar';
import { lowerFirst } from '../../ui/text';
import { useGeneratePanel } from '../generate/generate-context';
import { usePoseOptions } from '../generate/sources';
import {
  asyncPhase,
  formatCredits,
  formatDuration,
  genKeys,
  isActive,
  jobProgress,
  needsAttention,
  upsertJob,
  useCredits,
  useJobs,
  type JobsData,
  type QueueState,
} from './queue-data';
import { useNow } from './use-now';
import './queue.css';

/** Every generation job: what is running, what waits and why, what needs the person, and what came back. */
export function QueueView(props: { project: ProjectSummary }) {
  const jobs = useJobs();
  const panel = useGeneratePanel();
  const client = useQueryClient();
  const clear = useBridgeMutation(getBridge().jobs.clearFinished, [genKeys.jobs]);
  const poses = usePoseOptions(props.project.path);
  const list = useMemo(() => jobs.data?.jobs ?? [], [jobs.data]);
  const anyRunning = list.some((j) => j.state === 'submitting');
  const now = useNow(250, anyRunning);
  const poseThumbs = useMemo(() => new Map((poses.data ?? []).map((p) => [p.id, p])), [poses.data]);

  const attention = list.filter(needsAttention);
  const running = list.filter((j) => j.state === 'submitting');
  const waiting = list.filter((j) => j.state === 'queued');
  const finished = list
    .filter((j) => !isActive(j) && !needsAttention(j))
    .sort((a, b) => (b.finishedAt ?? b.updatedAt).localeCompare(a.finishedAt ?? a.updatedAt));
  const clearable = list.filter(
    (j) => (j.state === 'completed' && j.resultId) || j.state === 'cancelled',
  ).length;

  if (jobs.error) {
    return (
      <div className="stage-body" style={{ padding: 24 }}>
        <ErrorNotice error={jobs.error} onAction={() => void jobs.refetch()} />
      </div>
    );
  }
  if (!jobs.data) return <div className="empty" aria-busy="true" />;
  const state = jobs.data.state;
  const context: RowContext = {
    project: props.project,
    state,
    now,
    poseThumb: (id) => poseThumbs.get(id),
    replace: (job) => client.setQueryData<JobsData>(genKeys.jobs, (data) => upsertJob(data, job)),
    refresh: () => void client.invalidateQueries({ queryKey: genKeys.jobs }),
  };

  return (
    <>
      <div className="toolbar">
        <h1 className="toolbar-title">Queue</h1>
        <span className="secondary tabular" aria-live="polite">
          {summary(running.length, waiting.length, attention.length)}
        </span>
        <div className="spacer" />
        {list.length > 0 && (
          <button
            className="ghost"
            onClick={() => clear.mutate({})}
            disabled={clearable === 0 || clear.isPending}
            title="Remove finished and cancelled jobs from this list (their results stay in the project)"
          >
            Clear finished
          </button>
        )}
      </div>
      <div className="stage-body">
        <div className="queue-page">
          {state.paused && <PauseBanner paused={state.paused} waiting={waiting.length} />}
          {!state.online && (
            <div className="notice" role="status">
              <WifiOff size={16} aria-hidden />
              <div>
                <div className="notice-title">Offline</div>
                <div className="secondary">
                  Jobs wait here and go out by themselves when the network is back. Nothing is lost.
                </div>
              </div>
            </div>
          )}
          {clear.error && <ErrorNotice error={clear.error} />}
          {list.length === 0 ? (
            <EmptyState
              icon={<ListTodo size={24} />}
              title="The queue is empty"
              action={
                <button className="primary" onClick={panel.open}>
                  <Sparkles size={16} aria-hidden /> Open Generate
                </button>
              }
            >
              Pick a character and a pose sheet in Generate and press Generate. Jobs wait here, go out when
              you are online, and are never sent twice by accident.
            </EmptyState>
          ) : (
            <>
              <JobSection title="Needs you" jobs={attention} context={context} />
              <JobSection title="Running" jobs={running} context={context} />
              <JobSection title="Waiting" jobs={waiting} context={context} />
              <JobSection title="Finished" jobs={finished} context={context} />
            </>
          )}
        </div>
      </div>
    </>
  );
}

function summary(running: number, waiting: number, attention: number): string {
  const parts: string[] = [];
  if (running) parts.push(`${running} running`);
  if (waiting) parts.push(`${waiting} waiting`);
  if (attention) parts.push(`${attention} need${attention === 1 ? 's' : ''} you`);
  return parts.join(' · ');
}

interface RowContext {
  project: ProjectSummary;
  state: QueueState;
  now: number;
  poseThumb(poseId: string): { file: string; thumbFile: string } | undefined;
  replace(job: Job): void;
  refresh(): void;
}

function JobSection(props: { title: string; jobs: Job[]; context: RowContext }) {
  if (props.jobs.length === 0) return null;
  return (
    <section className="job-section" aria-label={props.title}>
      <h2 className="job-section-title">
        {props.title} <span className="tabular muted">{props.jobs.length}</span>
      </h2>
      <ul className="job-list" aria-label={`${props.title} jobs`}>
        {props.jobs.map((job) => (
          <JobRow key={job.id} job={job} context={props.context} />
        ))}
      </ul>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------
// One job
// ---------------------------------------------------------------------------------------------------

const STATE_LOOK: Record<Job['state'], { word: string; icon: ReactNode; tone: string }> = {
  queued: { word: 'Waiting', icon: <Clock size={16} aria-hidden />, tone: 'muted' },
  submitting: {
    word: 'Generating',
    icon: <Loader2 size={16} className="spin" aria-hidden />,
    tone: 'accent',
  },
  completed: { word: 'Done', icon: <CheckCircle2 size={16} aria-hidden />, tone: 'green' },
  failed: { word: 'Failed', icon: <XCircle size={16} aria-hidden />, tone: 'red' },
  unknown: { word: 'Outcome unknown', icon: <HelpCircle size={16} aria-hidden />, tone: 'amber' },
  cancelled: { word: 'Cancelled', icon: <Ban size={16} aria-hidden />, tone: 'muted' },
};

/** A running job on the async API says where it is at Segmind (queue-data.ts asyncPhase). */
const PHASE_ICON: Record<NonNullable<ReturnType<typeof asyncPhase>>['phase'], ReactNode> = {
  sending: <Loader2 size={16} className="spin" aria-hidden />,
  waiting: <Hourglass size={16} aria-hidden />,
  drawing: <Loader2 size={16} className="spin" aria-hidden />,
  downloading: <Download size={16} aria-hidden />,
  other: <Loader2 size={16} className="spin" aria-hidden />,
};

function resultFile(job: Job): string | null {
  if (!job.resultId || !job.output) return null;
  return `results/${job.resultId}.${job.output.contentType.includes('png') ? 'png' : 'jpg'}`;
}

function JobRow(props: { job: Job; context: RowContext }) {
  const enterNewKey = useEnterNewKey();
  const { job, context } = props;
  const { go } = useNavigation();
  const bridge = getBridge();
  const cancel = useBridgeMutation(bridge.jobs.cancel);
  const resend = useBridgeMutation(bridge.jobs.resend);
  const dismiss = useBridgeMutation(bridge.jobs.dismiss);
  const [confirm, setConfirm] = useState<null | 'resend' | 'cancel'>(null);
  const phase = asyncPhase(job);
  const look =
    job.state === 'queued' && context.state.paused
      ? { word: 'Paused', icon: <PauseCircle size={16} aria-hidden />, tone: 'amber' }
      : phase
        ? { word: phase.word, icon: PHASE_ICON[phase.phase], tone: 'accent' }
        : STATE_LOOK[job.state];
  // The async API has no cancel: once Segmind answered the submit, the run is Segmind's (and charged).
  const acceptedBySegmind = job.state === 'submitting' && job.requestId !== undefined;
  const here = job.projectPath === context.project.path;
  const file = here ? resultFile(job) : null;
  const pose = here ? context.poseThumb(job.poseId) : undefined;
  const actionError = cancel.error ?? resend.error ?? dismiss.error;
  const toasts = useToasts();
  // "The run before": the newest earlier result of the same character and pose sheet.
  const compareWithRunBefore = async (done: Job) => {
    const filter = { characterIds: [done.characterId], poseIds: [done.poseId], source: 'generated' as const };
    const { ids } = await bridge.results.queryIds({ filter, sort: 'newest' });
    const before = ids[ids.indexOf(done.resultId ?? '') + 1];
    if (!done.resultId || !before || ids.indexOf(done.resultId) < 0) {
      toasts.show({
        message: 'No earlier run of this character and pose sheet to compare with',
        tone: 'info',
      });
      return;
    }
    openGallery(filter);
    openCompare(before, done.resultId);
    go('results');
  };

  const doCancel = () => cancel.mutate({ id: job.id }, { onSuccess: context.replace });
  const doResend = () => resend.mutate({ id: job.id }, { onSuccess: context.replace });
  const doDismiss = () => dismiss.mutate({ id: job.id }, { onSuccess: context.refresh });

  return (
    <li
      className={`job job-${job.state}`}
      aria-label={`${job.label.character} × ${job.label.pose}: ${look.word}`}
    >
      <div className="job-visual">
        {file ? (
          <button className="job-result" onClick={() => go('results')} title="Open Results">
            <MediaThumb
              file={file}
              alt={`Result: ${job.label.character} × ${job.label.pose}`}
              className="job-thumb result"
            />
          </button>
        ) : pose ? (
          <MediaThumb
            file={pose.file}
            thumbFile={pose.thumbFile}
            alt={`Pose sheet ${job.label.pose}`}
            className="job-thumb"
          />
        ) : (
          <div className="job-thumb placeholder" aria-hidden>
            <Sparkles size={16} />
          </div>
        )}
      </div>

      <div className="job-main">
        <div className="job-title">
          <span className="job-name">
            {job.label.character} <span className="muted">×</span> {job.label.pose}
          </span>
          <span className={`job-state tone-${look.tone}`}>
            {look.icon}
            {look.word}
          </span>
        </div>

        {job.state === 'submitting' && (
          <RunningProgress job={job} typicalMs={context.state.typicalDurationMs} now={context.now} />
        )}
        {job.state === 'submitting' && job.waitingFor && <div className="secondary">{job.waitingFor}</div>}
        {acceptedBySegmind && (
          <div className="secondary" data-testid="accepted-note">
            Segmind has accepted this run, so it cannot be cancelled: it is charged, and its picture is kept
            when it arrives, even if the app restarts.
          </div>
        )}
        {job.state === 'queued' && (
          <div className="secondary">
            {context.state.paused
              ? `Paused: ${lowerFirst(errorHelp[context.state.paused.code].title)}.`
              : (job.waitingFor ??
                (context.state.online
                  ? 'Next in line: goes out as soon as a slot is free.'
                  : 'Offline: goes out when the network is back.'))}
          </div>
        )}
        {job.state === 'completed' && <Receipt job={job} />}
        {job.state === 'completed' && job.waitingFor && <div className="secondary">{job.waitingFor}</div>}
        {job.state === 'completed' && !here && <div className="secondary">Saved in another project.</div>}
        {job.state === 'cancelled' && (
          <div className="secondary">Cancelled before it was sent: nothing was charged.</div>
        )}
        {job.state === 'unknown' && <UnknownNotice job={job} />}
        {job.error && job.state !== 'unknown' && job.state !== 'cancelled' && <JobError error={job.error} />}
        {actionError && <ErrorNotice error={actionError} />}
      </div>

      <div className="job-actions">
        {job.state === 'queued' && (
          <button onClick={doCancel} disabled={cancel.isPending}>
            Cancel
          </button>
        )}
        {job.state === 'submitting' && !acceptedBySegmind && (
          <button onClick={() => setConfirm('cancel')} disabled={cancel.isPending}>
            Cancel
          </button>
        )}
        {job.state === 'unknown' && (
          <>
            <button onClick={() => setConfirm('resend')} disabled={resend.isPending}>
              <RotateCcw size={16} aria-hidden /> Send again
            </button>
            <button className="ghost" onClick={doDismiss} disabled={dismiss.isPending}>
              Dismiss
            </button>
          </>
        )}
        {job.state === 'failed' && (
          <>
            {job.error && (job.error.code === 'KEY_REJECTED' || job.error.code === 'KEY_MISSING') ? (
              <button className="primary" onClick={enterNewKey}>
                Enter a new key
              </button>
            ) : (
              <button onClick={doResend} disabled={resend.isPending} title="Failed requests were not charged">
                <RotateCcw size={16} aria-hidden /> Try again
              </button>
            )}
            <button className="ghost" onClick={doDismiss} disabled={dismiss.isPending}>
              Dismiss
            </button>
          </>
        )}
        {job.state === 'cancelled' && (
          <>
            <button className="ghost" onClick={doResend} disabled={resend.isPending}>
              Queue again
            </button>
            <button
              className="ghost icon"
              onClick={doDismiss}
              disabled={dismiss.isPending}
              aria-label="Remove from the list"
              title="Remove from the list"
            >
              <X size={16} />
            </button>
          </>
        )}
        {job.state === 'completed' && job.resultId && here && (
          <button
            className="ghost small"
            onClick={() => void compareWithRunBefore(job)}
            title="Compare this result with the one made before it with the same character and pose sheet"
          >
            <Columns2 size={14} aria-hidden /> Compare with the run before
          </button>
        )}
        {job.state === 'completed' && (job.resultId || !job.output) && (
          <button
            className="ghost icon"
            onClick={doDismiss}
            disabled={dismiss.isPending}
            aria-label="Remove from the list"
            title="Remove from the list (the result stays in the project)"
          >
            <X size={16} />
          </button>
        )}
      </div>

      <ConfirmDialog
        open={confirm === 'resend'}
        title="Send this request again?"
        confirmLabel="Send again"
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          doResend();
        }}
      >
        <p>The first request may have reached Segmind and been charged, even though no image came back.</p>
        <p>Sending it again may charge you twice. Check your Segmind usage first if you are unsure.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'cancel'}
        title="Stop waiting for this image?"
        confirmLabel="Stop waiting"
        cancelLabel="Keep waiting"
        tone="danger"
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          doCancel();
        }}
      >
        <p>
          The request has already gone to Segmind, which may still charge for it. No image will arrive for it
          here.
        </p>
      </ConfirmDialog>
    </li>
  );
}

function RunningProgress(props: { job: Job; typicalMs: number; now: number }) {
  const { job, typicalMs, now } = props;
  const elapsed = job.submittedAt ? Math.max(0, now - Date.parse(job.submittedAt)) : 0;
  const over = elapsed > typicalMs;
  const text = over
    ? `${formatDuration(elapsed)}, longer than the usual ${formatDuration(typicalMs)}: a cold model can take a few minutes.`
    : `${formatDuration(elapsed)} of about ${formatDuration(typicalMs)}`;
  return (
    <div className="job-progress">
      <ProgressBar
        value={over ? null : jobProgress(job, typicalMs, now)}
        label={`Generating ${job.label.character} × ${job.label.pose}`}
        valueText={text}
      />
      <div className="secondary tabular">{text}</div>
    </div>
  );
}

function Receipt(props: { job: Job }) {
  const output = props.job.output;
  if (!output) return null;
  const h = output.headers;
  const seed = h.seed ?? props.job.params.seed;
  return (
    <dl className="receipt" aria-label="Receipt">
      <div>
        <dt>Seed</dt>
        <dd className="tabular">{seed ?? '—'}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd className="tabular">{h.cost === undefined ? '—' : `${formatCredits(h.cost)} credits`}</dd>
      </div>
      <div>
        <dt>Credits after</dt>
        <dd className="tabular">
          {h.remainingCredits === undefined ? '—' : formatCredits(h.remainingCredits)}
        </dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd className="tabular">{formatDuration(output.durationMs)}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd className="tabular">
          {new Date(output.completedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </dd>
      </div>
      <div>
        <dt>Size</dt>
        <dd className="tabular">
          {output.width} × {output.height}
        </dd>
      </div>
    </dl>
  );
}

function UnknownNotice(props: { job: Job }) {
  return (
    <div className="notice warn job-notice">
      <HelpCircle size={16} color="var(--amber)" aria-hidden />
      <div>
        <div className="notice-title">{errorHelp.OUTCOME_UNKNOWN.title}</div>
        <div className="secondary">
          {props.job.error?.message ??
            'The connection ended before an answer arrived. It may have been charged.'}{' '}
          The app never sends it again on its own.
        </div>
      </div>
    </div>
  );
}

function JobError(props: { error: AppErrorData }) {
  const help = errorHelp[props.error.code];
  return (
    <div className="notice error job-notice">
      <AlertTriangle size={16} color="var(--red)" aria-hidden />
      <div>
        <div className="notice-title">{help.title}</div>
        <div className="secondary">{props.error.message}</div>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------
// The queue is paused: why, in numbers, and the button that resumes it
// ---------------------------------------------------------------------------------------------------

function PauseBanner(props: { paused: AppErrorData; waiting: number }) {
  const { go } = useNavigation();
  const enterNewKey = useEnterNewKey();
  const client = useQueryClient();
  const credits = useCredits();
  const resume = useBridgeMutation(getBridge().queue.resume);
  const help = errorHelp[props.paused.code];
  const detail = props.paused.detail ?? {};
  const left = typeof detail.credits === 'number' ? detail.credits : credits.data?.credits;
  const needed = typeof detail.needed === 'number' ? detail.needed : undefined;
  const isCredits = props.paused.code === 'CREDITS_EXHAUSTED';
  const isKey = props.paused.code === 'KEY_MISSING' || props.paused.code === 'KEY_REJECTED';
  const isCap = props.paused.code === 'SPENDING_CAP';
  return (
    <div className="notice warn pause-banner" role="alert">
      {isCredits ? (
        <CreditCard size={16} color="var(--amber)" aria-hidden />
      ) : (
        <PauseCircle size={16} color="var(--amber)" aria-hidden />
      )}
      <div className="stack" style={{ gap: 6 }}>
        <div className="notice-title">The queue is paused: {lowerFirst(help.title)}</div>
        <div className="secondary">{props.paused.message}</div>
        {isCredits && (
          <dl className="pause-numbers">
            <div>
              <dt>Credits left</dt>
              <dd className="tabular">{left === undefined ? '—' : formatCredits(left)}</dd>
            </div>
            {needed !== undefined && (
              <div>
                <dt>Needed per run</dt>
                <dd className="tabular">{formatCredits(needed)}</dd>
              </div>
            )}
            <div>
              <dt>Waiting</dt>
              <dd className="tabular">{props.waiting === 1 ? '1 job' : `${props.waiting} jobs`}</dd>
            </div>
          </dl>
        )}
        <div className="secondary">
          {isCredits
            ? 'Add credits in your Segmind account, then resume: the waiting jobs go out and nothing was charged for the refused one.'
            : isKey
              ? 'Enter a key Segmind accepts; the queue resumes by itself when you save it.'
              : isCap
                ? 'Raise or clear the cap in Spend, then resume: the waiting jobs go out and nothing was sent past it.'
                : 'Fix the cause, then resume.'}
        </div>
        <div className="row">
          {isKey && (
            <button className="primary" onClick={enterNewKey}>
              Enter a new key
            </button>
          )}
          <button
            // With a key Segmind refused, resuming alone changes nothing: a new key is the primary action.
            className={isKey ? undefined : 'primary'}
            onClick={() =>
              resume.mutate(
                {},
                {
                  onSuccess: (state) =>
                    client.setQueryData<JobsData>(genKeys.jobs, (d) => (d ? { ...d, state } : d)),
                },
              )
            }
            disabled={resume.isPending}
          >
            <Play size={16} aria-hidden /> Resume
          </button>
          {isCap && (
            <button className="ghost" onClick={() => go('spend')}>
              Open Spend
            </button>
          )}
          {!isKey && !isCredits && !isCap && (
            <button className="ghost" onClick={() => go('settings')}>
              Open Settings
            </button>
          )}
          {isCredits && (
            <button className="ghost" onClick={() => void credits.refetch()} disabled={credits.isFetching}>
              Check balance
            </button>
          )}
        </div>
        {resume.error && <ErrorNotice error={resume.error} />}
      </div>
    </div>
  );
}
