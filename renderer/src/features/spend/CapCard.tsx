import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Check, PauseCircle, Play } from 'lucide-react';
import type { ProjectSummary, Settings } from '../../../../src/domain';
import { getBridge } from '../../bridge/bridge';
import { keys, useBridgeMutation } from '../../bridge/queries';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ProgressBar } from '../../ui/ProgressBar';
import { genKeys, useJobs, type JobsData } from '../queue/queue-data';
import { capUse, formatSpend, parseCap, spendKey, type SpendSummary } from './spend-data';

/**
 * The project's spending cap: how much of it the receipts and the runs under way take, and the field that
 * sets, changes or clears it. Saved in Settings (spendingCapByProject, by project id); the queue holds any
 * run that would pass it and pauses with a message that says so.
 */
export function CapCard(props: { project: ProjectSummary; summary: SpendSummary }) {
  const { summary } = props;
  const id = useId();
  const client = useQueryClient();
  const jobs = useJobs();
  const cap = summary.cap;
  const [draft, setDraft] = useState(cap ? String(cap.credits) : '');
  const [shown, setShown] = useState(cap?.credits);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<null | 'set' | 'cleared'>(null);
  if (shown !== cap?.credits) {
    // Saved here or elsewhere: the field shows the stored cap.
    setShown(cap?.credits);
    setDraft(cap ? String(cap.credits) : '');
  }
  const save = useBridgeMutation(async (next: number | null) => {
    // settings.update replaces the whole map: read it fresh and keep every other project's cap as it is.
    const bridge = getBridge();
    const { [summary.projectId]: _previous, ...others } = (await bridge.settings.get({}))
      .spendingCapByProject;
    const caps: Settings['spendingCapByProject'] =
      next === null ? others : { ...others, [summary.projectId]: next };
    return bridge.settings.update({ spendingCapByProject: caps });
  });
  const resume = useBridgeMutation(getBridge().queue.resume);
  const pausedByCap = jobs.data?.state.paused?.code === 'SPENDING_CAP';

  const write = (next: number | null) => {
    save.mutate(next, {
      onSuccess: (stored) => {
        client.setQueryData(keys.settings, stored);
        setSaved(next === null ? 'cleared' : 'set');
        window.setTimeout(() => setSaved(null), 2000);
        void client.invalidateQueries({ queryKey: spendKey(props.project.path) });
      },
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseCap(draft);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    write(parsed.credits);
  };

  const use = cap ? capUse(cap) : null;
  return (
    <section className="card roomy spend-card" aria-labelledby={`${id}-heading`} data-testid="spend-cap">
      <h2 id={`${id}-heading`}>Spending cap</h2>
      {cap && use ? (
        <div className="cap-use">
          <ProgressBar
            value={use.fraction}
            tone={use.near ? 'amber' : 'accent'}
            label="Spending cap used"
            valueText={`${formatSpend(use.used)} of ${formatSpend(cap.credits)} credits`}
          />
          <div className="cap-figures tabular">
            <span data-testid="cap-text">
              <strong>{formatSpend(use.used)}</strong> of {formatSpend(cap.credits)} credits
            </span>
            <span className="secondary">
              {use.over
                ? 'At the cap: the queue sends no run that would pass it.'
                : `${formatSpend(Math.max(0, cap.credits - use.used))} left`}
            </span>
          </div>
          {cap.underWay > 0 && (
            <div className="secondary tabular">
              Including {formatSpend(cap.underWay)} for runs under way, not yet in the receipts.
            </div>
          )}
        </div>
      ) : (
        <p className="secondary" data-testid="cap-text">
          No cap: the queue sends every run you ask for. Set one to pause the queue before a run would take
          this project past it.
        </p>
      )}
      {pausedByCap && (
        <div className="notice warn" role="status">
          <PauseCircle size={16} color="var(--amber)" aria-hidden />
          <div className="stack" style={{ gap: 6 }}>
            <div>The queue is paused at this cap. Raise or clear it, then resume.</div>
            <div className="row">
              <button
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
                <Play size={16} aria-hidden /> Resume the queue
              </button>
            </div>
            {resume.error && <ErrorNotice error={resume.error} />}
          </div>
        </div>
      )}
      <form className="cap-form" onSubmit={submit} noValidate>
        <label htmlFor={`${id}-input`}>{cap ? 'Cap for this project' : 'Set a cap for this project'}</label>
        <div className="row">
          <input
            id={`${id}-input`}
            className="cap-input tabular"
            inputMode="decimal"
            autoComplete="off"
            placeholder="e.g. 20"
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setProblem(null);
            }}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-error` : `${id}-help`}
          />
          <span className="secondary">credits</span>
          <button type="submit" className="primary" disabled={save.isPending}>
            {cap ? 'Save cap' : 'Set cap'}
          </button>
          {cap && (
            <button
              type="button"
              className="ghost"
              disabled={save.isPending}
              onClick={() => {
                setProblem(null);
                write(null);
              }}
            >
              Clear cap
            </button>
          )}
          <span className="cap-saved" aria-live="polite">
            {saved && (
              <>
                <Check size={14} color="var(--green)" aria-hidden />{' '}
                {saved === 'set' ? 'Saved' : 'Cap cleared'}
              </>
            )}
          </span>
        </div>
        {problem ? (
          <div className="field-error" id={`${id}-error`} role="alert">
            {problem}
          </div>
        ) : (
          <div className="secondary" id={`${id}-help`}>
            Counted from this project’s receipts plus the runs under way. Kept on this computer with your
            settings.
          </div>
        )}
      </form>
      {save.error && <ErrorNotice error={save.error} />}
    </section>
  );
}
