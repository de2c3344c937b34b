import { useCallback, useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ChevronRight, Layers, Pause, Play, X } from 'lucide-react';
import type { BatchPlan, BatchProgress } from '../../../../src/domain';
import type { ModelSpec } from '../../../../src/models';
import { getBridge } from '../../bridge/bridge';
import { useAppEvent, useBridgeMutation, useBridgeQuery } from '../../bridge/queries';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { openGallery } from '../results/gallery-store';
import { useNavigation } from '../../app/navigation';
import { formatCredits } from '../queue/queue-data';
import type { CharacterOption, PoseOption } from './sources';

const batchKey = ['generate', 'batches'] as const;

/** "about 7 min": the plan's time in a person's words. */
function formatDuration(ms: number): string {
  if (ms < 60_000) return `about ${Math.max(1, Math.round(ms / 1000))} s`;
  const minutes = Math.ceil(ms / 60_000);
  return minutes < 60 ? `about ${minutes} min` : `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function toggle(list: string[], id: string): string[] {
  return list.includes(id) ? list.filter((x) => x !== id) : [...list, id];
}

/**
 * Batches from the Generate panel: characters x pose sheets x new seeds with the chosen model and
 * settings. "Plan" shows the runs, cost per model and in total, the time at the account's rate limit and
 * whether the balance covers it, before anything is sent; "Send" is the one confirmation. Below, each
 * batch with its progress, pause / resume / cancel, and "Show results" (the gallery's "this batch").
 */
export function BatchSection(props: {
  model: ModelSpec;
  params: Record<string, string | number | boolean> | null;
  characters: readonly CharacterOption[];
  poses: readonly PoseOption[];
  readOnly: boolean;
}) {
  const client = useQueryClient();
  const { go } = useNavigation();
  const [open, setOpen] = useState(false);
  const [characterIds, setCharacterIds] = useState<string[]>([]);
  const [poseIds, setPoseIds] = useState<string[]>([]);
  const [seedCount, setSeedCount] = useState('2');
  const [plan, setPlan] = useState<BatchPlan | null>(null);
  const seedsId = useId();
  const bridge = getBridge();

  const batches = useBridgeQuery(batchKey, () => bridge.batches.list({}));
  const refresh = useCallback(() => void client.invalidateQueries({ queryKey: batchKey }), [client]);
  useAppEvent('jobs.updated', refresh);
  useAppEvent('queue.changed', refresh);

  const planMutation = useBridgeMutation(bridge.batches.plan);
  const start = useBridgeMutation(bridge.batches.start, [batchKey]);
  const count = Number(seedCount);
  const { params, model } = props;
  const ready =
    !!params && characterIds.length > 0 && poseIds.length > 0 && Number.isInteger(count) && count >= 1;
  const request = params
    ? { modelIds: [model.id], characterIds, poseIds, params: withoutSeed(params) }
    : null;
  // Any change to what is planned makes the plan stale: it must be planned again before sending.
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPlan(null);
    };

  return (
    <section className="gen-section batch-section">
      <button className="disclosure" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <ChevronRight size={16} className="chevron" aria-hidden />
        <Layers size={14} aria-hidden /> Batch
        <span className="secondary">characters × pose sheets × seeds</span>
      </button>
      {open && (
        <div className="batch-body">
          <fieldset className="batch-pick">
            <legend>Characters</legend>
            {props.characters.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={characterIds.includes(c.id)}
                  onChange={() => change(setCharacterIds)(toggle(characterIds, c.id))}
                />
                {c.name}
              </label>
            ))}
          </fieldset>
          <fieldset className="batch-pick">
            <legend>Pose sheets</legend>
            {props.poses.map((p) => (
              <label key={p.id} className="check">
                <input
                  type="checkbox"
                  checked={poseIds.includes(p.id)}
                  onChange={() => change(setPoseIds)(toggle(poseIds, p.id))}
                />
                {p.name}
              </label>
            ))}
          </fieldset>
          <div className="row">
            <label htmlFor={seedsId} className="picker-label">
              New seeds
            </label>
            <input
              id={seedsId}
              className="tabular seeds-input"
              inputMode="numeric"
              value={seedCount}
              onChange={(e) => change(setSeedCount)(e.target.value)}
            />
            <button
              disabled={!ready || planMutation.isPending}
              onClick={() =>
                request &&
                planMutation.mutate({ ...request, seeds: { count } }, { onSuccess: (p) => setPlan(p) })
              }
            >
              Plan batch
            </button>
          </div>
          {planMutation.error && <ErrorNotice error={planMutation.error} />}
          {plan && (
            <div className="batch-plan" data-testid="batch-plan" aria-live="polite">
              <dl className="facts">
                <dt>Runs</dt>
                <dd className="tabular" data-testid="plan-runs">
                  {plan.runs} ({plan.pictures} pictures)
                </dd>
                {plan.perModel.map((m) => (
                  <FragmentRow
                    key={m.modelId}
                    label={m.name}
                    value={`${m.runs} × ${formatCredits(m.costPerRun)} = ≈ ${formatCredits(m.cost)} credits`}
                  />
                ))}
                <dt>Total</dt>
                <dd className="tabular" data-testid="plan-total">
                  ≈ {formatCredits(plan.totalCost)} credits
                </dd>
                <dt>Time</dt>
                <dd>
                  {formatDuration(plan.estimatedMs)} at {plan.requestsPerMinute} a minute
                </dd>
                <dt>Balance</dt>
                <dd className={plan.covers === false ? 'red-text' : ''} data-testid="plan-balance">
                  {plan.balance === null
                    ? 'unknown'
                    : plan.covers
                      ? `${formatCredits(plan.balance)}: covers it`
                      : `${formatCredits(plan.balance)}: not enough`}
                </dd>
              </dl>
              <button
                className="primary"
                disabled={start.isPending || props.readOnly || !request}
                onClick={() =>
                  request &&
                  start.mutate({ ...request, seeds: plan.seeds }, { onSuccess: () => setPlan(null) })
                }
              >
                Send {plan.runs} runs
              </button>
            </div>
          )}
          {start.error && <ErrorNotice error={start.error} />}
        </div>
      )}
      {(batches.data?.batches.length ?? 0) > 0 && (
        <ul className="batch-list" aria-label="Batches">
          {batches
            .data!.batches.slice()
            .reverse()
            .map((b) => (
              <BatchRow
                key={b.batch.id}
                progress={b}
                onShow={() => {
                  openGallery({ batchIds: [b.batch.id] });
                  go('results');
                }}
              />
            ))}
        </ul>
      )}
    </section>
  );
}

function FragmentRow(props: { label: string; value: string }) {
  return (
    <>
      <dt className="ellipsis">{props.label}</dt>
      <dd className="tabular">{props.value}</dd>
    </>
  );
}

function BatchRow(props: { progress: BatchProgress; onShow(): void }) {
  const { batch, counts, spent } = props.progress;
  const bridge = getBridge();
  const pause = useBridgeMutation(bridge.batches.pause, [batchKey]);
  const resume = useBridgeMutation(bridge.batches.resume, [batchKey]);
  const cancel = useBridgeMutation(bridge.batches.cancel, [batchKey]);
  const total = batch.runs.length;
  const left = counts.queued + counts.running;
  const shownState = batch.state === 'active' && left === 0 ? 'finished' : batch.state;
  const error = pause.error ?? resume.error ?? cancel.error;
  return (
    <li className="batch-row" data-testid="batch-row">
      <div className="row">
        <span className="grow ellipsis" title={batch.label}>
          {batch.label}
        </span>
        <span className={`pill ${batch.state === 'active' ? '' : 'muted'}`}>{shownState}</span>
      </div>
      <div className="secondary tabular" data-testid="batch-progress">
        {counts.completed} of {total} done
        {counts.running ? `, ${counts.running} running` : ''}
        {counts.failed ? `, ${counts.failed} failed` : ''}
        {counts.cancelled ? `, ${counts.cancelled} cancelled` : ''} · spent {formatCredits(spent)}
      </div>
      <div className="row batch-actions">
        {batch.state === 'active' && left > 0 && (
          <button className="ghost" onClick={() => pause.mutate({ id: batch.id })}>
            <Pause size={14} aria-hidden /> Pause
          </button>
        )}
        {batch.state === 'paused' && (
          <button className="ghost" onClick={() => resume.mutate({ id: batch.id })}>
            <Play size={14} aria-hidden /> Resume
          </button>
        )}
        {batch.state !== 'cancelled' && left > 0 && (
          <button className="ghost" onClick={() => cancel.mutate({ id: batch.id })}>
            <X size={14} aria-hidden /> Cancel
          </button>
        )}
        <button className="ghost" onClick={props.onShow}>
          Show results
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
    </li>
  );
}

/** Each run has its own seed: the form's seed is not shared. */
function withoutSeed(params: Record<string, string | number | boolean>) {
  const { seed: _seed, ...rest } = params;
  return rest;
}
