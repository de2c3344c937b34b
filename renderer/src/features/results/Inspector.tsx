import { useState, type ReactNode } from 'react';
import {
  AlertTriangle,
  Ban,
  ClipboardCopy,
  Dices,
  Download,
  Flag,
  FolderOpen,
  RotateCcw,
  Scissors,
  SlidersHorizontal,
  Star,
  Trash2,
} from 'lucide-react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import type { Result } from '../../../../src/domain';
import { errorHelp } from '../../../../src/contract/error-messages';
import { asAppError, getBridge } from '../../bridge/bridge';
import { useNavigation } from '../../app/navigation';
import { MediaThumb } from '../../ui/MediaThumb';
import { TagInput } from '../../ui/TagInput';
import { TaskProgressRow } from '../../ui/ImportSources';
import { useToasts } from '../../ui/Toasts';
import { useTask } from '../../ui/use-task';
import { formatCredits, formatDateTime, formatDuration, plural, relativeTime } from '../../ui/format';
import { useGeneratePanel } from '../generate/generate-context';
import { useRestore } from '../trash/trash-actions';
import { openGallery } from './gallery-store';
import { useResultDetail, type ReviewChange } from './results-data';
import { parametersFromRequest, requestParameters } from './use-parameters';
import '../../ui/workspace-primitives.css';

/** Five stars; clicking the current rating clears it. Keys 0-5 do the same in the gallery. */
export function StarRating(props: {
  value: number | null;
  onChange(rating: number): void;
  disabled?: boolean;
}) {
  return (
    <div className="star-rating" role="radiogroup" aria-label="Rating">
      {[1, 2, 3, 4, 5].map((n) => {
        const on = props.value !== null && n <= props.value;
        return (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={props.value === n}
            className={`star ${on ? 'on' : ''}`}
            disabled={props.disabled}
            aria-label={`${n} star${n === 1 ? '' : 's'}`}
            title={`${n} star${n === 1 ? '' : 's'} (${n})`}
            onClick={() => props.onChange(props.value === n ? 0 : n)}
          >
            <Star size={16} fill={on ? 'currentColor' : 'none'} aria-hidden />
          </button>
        );
      })}
    </div>
  );
}

/** Pick and Reject as toggles (P, X; U clears). */
export function FlagButtons(props: {
  value: 'none' | 'pick' | 'reject' | null;
  onChange(flag: 'none' | 'pick' | 'reject'): void;
  disabled?: boolean;
}) {
  return (
    <div className="flag-buttons" role="group" aria-label="Flag">
      <button
        type="button"
        className={props.value === 'pick' ? 'on' : ''}
        aria-pressed={props.value === 'pick'}
        disabled={props.disabled}
        onClick={() => props.onChange(props.value === 'pick' ? 'none' : 'pick')}
        title="Pick (P); U unflags"
      >
        <Flag size={14} aria-hidden /> Pick
      </button>
      <button
        type="button"
        className={props.value === 'reject' ? 'on reject' : ''}
        aria-pressed={props.value === 'reject'}
        disabled={props.disabled}
        onClick={() => props.onChange(props.value === 'reject' ? 'none' : 'reject')}
        title="Reject (X); U unflags"
      >
        <Ban size={14} aria-hidden /> Reject
      </button>
    </div>
  );
}

function Section(props: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="insp-section">
      <header className="insp-section-header">
        <h3>{props.title}</h3>
        {props.aside}
      </header>
      {props.children}
    </section>
  );
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The receipt: exactly what was sent and what came back. */
function Receipt(props: { result: Result; summary: ResultSummary; parameters: string }) {
  const { result, summary } = props;
  const toasts = useToasts();
  const receipt = result.receipt;
  const request = receipt.request;
  const headers = receipt.response.headers;
  const prompt = typeof request.prompt === 'string' ? request.prompt : '';
  const negative = typeof request.negative_prompt === 'string' ? request.negative_prompt : '';
  const params = Object.entries(request).filter(
    ([k]) => k !== 'prompt' && k !== 'negative_prompt' && k !== 'image',
  );
  const copy = () => {
    navigator.clipboard.writeText(props.parameters).then(
      () =>
        toasts.show({
          message: 'Parameters copied',
          detail: 'As A1111 “parameters” text',
          tone: 'success',
          durationMs: 3000,
        }),
      () => toasts.show({ message: 'Could not copy to the clipboard', tone: 'error' }),
    );
  };
  return (
    <Section
      title="Receipt"
      aside={
        <button
          type="button"
          className="ghost small"
          onClick={copy}
          title="Copy the parameters as A1111 text"
        >
          <ClipboardCopy size={14} aria-hidden /> Copy
        </button>
      }
    >
      <div className="receipt-block">
        <div className="receipt-label">Prompt</div>
        <output className="text-box" aria-label="Prompt sent">
          {prompt || '—'}
        </output>
      </div>
      <div className="receipt-block">
        <div className="receipt-label">Negative prompt</div>
        <output className="text-box" aria-label="Negative prompt sent">
          {negative || '—'}
        </output>
      </div>
      <dl className="receipt-facts">
        <dt>Model</dt>
        <dd className="ellipsis" title={receipt.modelId}>
          {receipt.modelId}
        </dd>
        <dt>Seed used</dt>
        <dd className="tabular" data-testid="receipt-seed">
          {summary.seed ?? headers.seed ?? '—'}
        </dd>
        <dt>Cost</dt>
        <dd className="tabular">
          {headers.cost !== undefined
            ? `${formatCredits(headers.cost)} credits`
            : summary.cutFrom
              ? 'none (a cut)'
              : 'not reported'}
        </dd>
        <dt>Credits after</dt>
        <dd className="tabular">
          {headers.remainingCredits !== undefined ? formatCredits(headers.remainingCredits) : 'not reported'}
        </dd>
        <dt>Duration</dt>
        <dd className="tabular">{summary.cutFrom ? '—' : formatDuration(receipt.timings.durationMs)}</dd>
        <dt>Made</dt>
        <dd>{formatDateTime(result.createdAt)}</dd>
        <dt>Size</dt>
        <dd className="tabular">
          {result.width} × {result.height}
        </dd>
        {headers.requestId && (
          <>
            <dt>Request id</dt>
            <dd className="ellipsis tabular" title={headers.requestId}>
              {headers.requestId}
            </dd>
          </>
        )}
      </dl>
      {params.length > 0 && (
        <div className="receipt-block">
          <div className="receipt-label">Parameters</div>
          <table className="param-table">
            <tbody>
              {params.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">{key}</th>
                  <td className="tabular">{formatValue(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** What is selected: one result with its receipt and actions, rating, flag and tags. */
export function ResultInspector(props: {
  project: string;
  item: ResultSummary;
  review(ids: string[], change: ReviewChange): void;
  onExport(ids: string[]): void;
  onTrash(ids: string[]): void;
  onOpenLoupe(): void;
  readOnly: boolean;
}) {
  const { item, project } = props;
  const detail = useResultDetail(project, item.id);
  const toasts = useToasts();
  const { go } = useNavigation();
  const panel = useGeneratePanel();
  const restore = useRestore();
  const cutTask = useTask();
  const [busy, setBusy] = useState<string | null>(null);
  const bridge = getBridge();

  const fail = (error: unknown) => {
    const e = asAppError(error);
    toasts.show({ message: errorHelp[e.code].title, detail: e.message, tone: 'error' });
  };

  const rerun = async (seed: 'same' | 'new') => {
    setBusy(seed);
    try {
      const job = await bridge.generation.rerun({ resultId: item.id, seed });
      toasts.show({
        message: seed === 'same' ? 'Queued with the same seed' : 'Queued with a new seed',
        detail: `${job.label.character} × ${job.label.pose}`,
        tone: 'success',
        action: { label: 'Show', run: () => go('queue') },
      });
    } catch (error) {
      fail(error);
    } finally {
      setBusy(null);
    }
  };

  const useParameters = () => {
    const result = detail.data?.result;
    if (!result) return;
    requestParameters({
      resultId: item.id,
      modelId: result.modelId,
      characterId: result.characterId,
      poseId: result.poseId,
      params: parametersFromRequest(result.receipt.request),
      seed: item.seed,
    });
    panel.open();
    toasts.show({
      message: 'Generate has this result’s parameters',
      detail: item.seed !== null ? `Seed ${item.seed} is locked; change anything before you generate.` : 'Change anything before you generate.',
      tone: 'info',
    });
  };

  const cut = async () => {
    const taskId = cutTask.start();
    try {
      const outcome = await bridge.results.cut({ id: item.id, taskId });
      const made = outcome.created.length;
      toasts.show({
        message: made > 0 ? `Cut into ${plural(made, 'pose')}` : 'Already cut',
        detail:
          made > 0
            ? 'Each figure is a new result in the gallery.'
            : `${plural(outcome.existing.length, 'figure')} were cut before.`,
        tone: 'success',
        action: { label: 'Show', run: () => openGallery({ cutFromIds: [item.id] }) },
      });
    } catch (error) {
      fail(error);
    } finally {
      cutTask.end();
    }
  };

  const showInFolder = async () => {
    try {
      const answer = await bridge.shell.showInFolder({ file: item.file });
      if (!answer.supported)
        toasts.show({
          message: 'Not available in the browser',
          detail: `The image is ${item.file} inside the project folder.`,
          tone: 'info',
        });
    } catch (error) {
      fail(error);
    }
  };

  const canCut = item.poseKind === 'sheet' && item.poseFigures > 1 && !item.cutFrom && !item.imageMissing;
  const name = `${item.characterName ?? 'Unknown character'} × ${item.poseName ?? 'unknown pose'}`;
  return (
    <div className="insp" aria-label="Result details">
      <button
        type="button"
        className="insp-preview"
        onClick={props.onOpenLoupe}
        title="Open in the loupe (E)"
      >
        <MediaThumb className="fit" file={item.file} thumbFile={item.thumbFile} alt={name} />
      </button>
      <div className="insp-title">
        <h2 className="ellipsis" title={name}>
          {name}
        </h2>
        <div className="secondary">
          {item.cutFrom ? `Figure ${item.cutFrom.figureIndex + 1}, cut ` : ''}
          {relativeTime(item.createdAt)} ·{' '}
          <span className="tabular">
            {item.width} × {item.height}
          </span>
        </div>
      </div>

      {item.characterInTrash && item.characterTrashId && (
        <div className="notice warn insp-notice" role="status">
          <AlertTriangle size={16} color="var(--amber)" aria-hidden />
          <span>
            The character <strong>{item.characterName}</strong> is in the trash.
          </span>
          <button
            type="button"
            onClick={() => void restore(item.characterTrashId ?? '', item.characterName ?? 'the character')}
          >
            Restore
          </button>
        </div>
      )}
      {item.poseInTrash && item.poseTrashId && (
        <div className="notice warn insp-notice" role="status">
          <AlertTriangle size={16} color="var(--amber)" aria-hidden />
          <span>
            The pose <strong>{item.poseName}</strong> is in the trash.
          </span>
          <button
            type="button"
            onClick={() => void restore(item.poseTrashId ?? '', item.poseName ?? 'the pose')}
          >
            Restore
          </button>
        </div>
      )}
      {item.characterName === null && (
        <div className="secondary insp-notice">Its character was deleted for good.</div>
      )}

      <Section title="Review">
        <div className="row review-row">
          <StarRating
            value={item.rating}
            onChange={(rating) => props.review([item.id], { rating })}
            disabled={props.readOnly}
          />
          <FlagButtons
            value={item.flag}
            onChange={(flag) => props.review([item.id], { flag })}
            disabled={props.readOnly}
          />
        </div>
        <TagInput
          label="Tags"
          hideLabel
          value={item.tags}
          disabled={props.readOnly}
          placeholder="Add a tag"
          onChange={(tags) => {
            const lower = (list: readonly string[]) => list.map((t) => t.toLowerCase());
            const addTags = tags.filter((t) => !lower(item.tags).includes(t.toLowerCase()));
            const removeTags = item.tags.filter((t) => !lower(tags).includes(t.toLowerCase()));
            props.review([item.id], {
              ...(addTags.length ? { addTags } : {}),
              ...(removeTags.length ? { removeTags } : {}),
            });
          }}
        />
      </Section>

      <Section title="Actions">
        <div className="insp-actions">
          <span className="insp-actions-label span-2" id={`rerun-${item.id}`}>
            Re-run {item.cutFrom ? '(not for a cut)' : '(queues a paid request)'}
          </span>
          <button
            type="button"
            onClick={() => void rerun('same')}
            disabled={busy !== null || !!item.cutFrom || props.readOnly}
            aria-label="Re-run same seed"
            title="Send the same request again, with the same seed"
          >
            <RotateCcw size={14} aria-hidden /> Same seed
          </button>
          <button
            type="button"
            onClick={() => void rerun('new')}
            disabled={busy !== null || !!item.cutFrom || props.readOnly}
            aria-label="Re-run new seed"
            title="Send the same request with a new seed"
          >
            <Dices size={14} aria-hidden /> New seed
          </button>
          <button
            type="button"
            className="span-2"
            onClick={useParameters}
            disabled={!detail.data || !!item.cutFrom}
            title="Open Generate with this result’s model and settings"
          >
            <SlidersHorizontal size={14} aria-hidden /> Use these parameters
          </button>
          <button
            type="button"
            onClick={() => void cut()}
            disabled={!canCut || cutTask.running || props.readOnly}
            title={
              canCut
                ? `Cut the ${item.poseFigures} figures into single poses`
                : 'Only a sheet with several figures can be cut'
            }
          >
            <Scissors size={14} aria-hidden /> Cut into poses
          </button>
          <button type="button" onClick={() => props.onExport([item.id])}>
            <Download size={14} aria-hidden /> Export…
          </button>
          <button type="button" onClick={() => void showInFolder()} disabled={item.imageMissing}>
            <FolderOpen size={14} aria-hidden /> Show in folder
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => props.onTrash([item.id])}
            disabled={props.readOnly}
            title="Move to the trash (Delete)"
          >
            <Trash2 size={14} aria-hidden /> Move to trash
          </button>
        </div>
        {cutTask.running && (
          <TaskProgressRow
            label="Cutting"
            progress={cutTask.progress}
            cancelling={cutTask.cancelling}
            onCancel={cutTask.cancel}
          />
        )}
        {item.cutFrom && (
          <button
            type="button"
            className="ghost link-button"
            onClick={() =>
              openGallery({ ids: [item.cutFrom?.resultId ?? ''] }, null, item.cutFrom?.resultId ?? null)
            }
          >
            Show the sheet it was cut from
          </button>
        )}
      </Section>

      {detail.data ? (
        <Receipt
          result={detail.data.result}
          summary={detail.data.summary}
          parameters={detail.data.parameters}
        />
      ) : detail.error ? (
        <div className="secondary insp-notice">{detail.error.message}</div>
      ) : (
        <div className="secondary insp-notice" aria-busy="true">
          Loading the receipt…
        </div>
      )}
    </div>
  );
}

/** Several results selected: review, export or trash them all at once. */
export function MultiInspector(props: {
  ids: string[];
  review(ids: string[], change: ReviewChange): void;
  onExport(ids: string[]): void;
  onTrash(ids: string[]): void;
  onClear(): void;
  readOnly: boolean;
}) {
  const count = props.ids.length;
  return (
    <div className="insp" aria-label="Selection">
      <div className="insp-title">
        <h2>{plural(count, 'result')} selected</h2>
        <div className="secondary">Rating, flag and tags apply to all of them.</div>
      </div>
      <Section title="Review">
        <div className="row review-row">
          <StarRating
            value={null}
            onChange={(rating) => props.review(props.ids, { rating })}
            disabled={props.readOnly}
          />
          <FlagButtons
            value={null}
            onChange={(flag) => props.review(props.ids, { flag })}
            disabled={props.readOnly}
          />
        </div>
        <TagInput
          label="Add tags to all"
          value={[]}
          disabled={props.readOnly}
          placeholder="Add a tag to all"
          onChange={(tags) => props.review(props.ids, { addTags: tags })}
        />
      </Section>
      <Section title="Actions">
        <div className="insp-actions single">
          <button type="button" onClick={() => props.onExport(props.ids)}>
            <Download size={14} aria-hidden /> Export {plural(count, 'result')}…
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => props.onTrash(props.ids)}
            disabled={props.readOnly}
          >
            <Trash2 size={14} aria-hidden /> Move {plural(count, 'result')} to trash
          </button>
          <button type="button" className="ghost" onClick={props.onClear}>
            Clear the selection
          </button>
        </div>
      </Section>
    </div>
  );
}
