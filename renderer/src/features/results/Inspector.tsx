import { useState, type ReactNode } from 'react';
import {
  AlertTriangle,
  Columns2,
  LayoutDashboard,
  Ban,
  ClipboardCopy,
  Copy,
  Dices,
  Download,
  Flag,
  FolderOpen,
  RotateCcw,
  Scissors,
  SlidersHorizontal,
  Star,
  Trash2,
  UsersRound,
} from 'lucide-react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import type { Result } from '../../../../src/domain';
import { errorHelp } from '../../../../src/contract/error-messages';
import { asAppError, getBridge } from '../../bridge/bridge';
import { useNavigation } from '../../app/navigation';
import { MediaThumb } from '../../ui/MediaThumb';
import { TagInput } from '../../ui/TagInput';
import { useToasts } from '../../ui/Toasts';
import { formatCredits, formatDateTime, formatDuration, plural, relativeTime } from '../../ui/format';
import { CutEditor } from '../cut/CutEditor';
import { useGeneratePanel } from '../generate/generate-context';
import { useRestore } from '../trash/trash-actions';
import { openGallery } from './gallery-store';
import { chooseCompareFor, openSamePose, SURVEY_MAX } from '../compare/review-store';
import { useResultDetail, type ReviewChange } from './results-data';
import { parametersFromRequest, requestParameters } from './use-parameters';
import { copyImage, copyText, startDragOut, useShell } from '../transfer/os-actions';
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
  const shell = useShell();
  const copy = () => {
    copyText(shell, props.parameters).then(
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
        <output className="text-box" aria-label="Prompt sent" tabIndex={0}>
          {prompt || '—'}
        </output>
      </div>
      <div className="receipt-block">
        <div className="receipt-label">Negative prompt</div>
        <output className="text-box" aria-label="Negative prompt sent" tabIndex={0}>
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
  const [cutOpen, setCutOpen] = useState(false);
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
      detail:
        item.seed !== null
          ? `Seed ${item.seed} is locked; change anything before you generate.`
          : 'Change anything before you generate.',
      tone: 'info',
    });
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

  const shell = useShell();
  const copyPicture = () => {
    copyImage(shell, item.file).then(
      () => toasts.show({ message: 'Image copied', tone: 'success', durationMs: 3000 }),
      (error: unknown) =>
        toasts.show({
          message: 'Could not copy the image',
          // An app error (main refused the file) or the browser's own (the clipboard refused it).
          detail:
            error !== null && typeof error === 'object' && 'code' in error
              ? asAppError(error).message
              : error instanceof Error
                ? error.message
                : undefined,
          tone: 'error',
        }),
    );
  };

  // The cut editor can add boxes the detector missed, so any generated result with its image can be cut.
  const canCut = !item.cutFrom && !item.imageMissing;
  const name = `${item.characterName ?? 'Unknown character'} × ${item.poseName ?? 'unknown pose'}`;
  return (
    <div className="insp" aria-label="Result details">
      <button
        type="button"
        className="insp-preview"
        onClick={props.onOpenLoupe}
        title="Open in the loupe (E); drag it out to another app"
        draggable={!item.imageMissing}
        onDragStart={(event) => startDragOut(shell, event, [item.file])}
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
            onClick={() => chooseCompareFor(item.id)}
            title="Compare this result with another: click the other one in the grid (C compares with the next)"
          >
            <Columns2 size={14} aria-hidden /> Compare with…
          </button>
          <button
            type="button"
            onClick={() => openSamePose(item.poseId)}
            disabled={item.poseKind !== 'sheet' || item.poseFigures < 2 || item.poseInTrash}
            title="One figure of this pose sheet from every result made with it, side by side"
          >
            <UsersRound size={14} aria-hidden /> Same pose…
          </button>
          <button
            type="button"
            onClick={() => setCutOpen(true)}
            disabled={!canCut || props.readOnly}
            title={
              canCut
                ? 'Open the cut editor: adjust the figure boxes, then cut them into single poses'
                : item.cutFrom
                  ? 'This is already a cut'
                  : 'The image file is missing'
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
            onClick={copyPicture}
            disabled={item.imageMissing}
            title="Copy the image to the clipboard, to paste it into another app"
          >
            <Copy size={14} aria-hidden /> Copy image
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
        {cutOpen && (
          <CutEditor
            project={project}
            item={item}
            readOnly={props.readOnly}
            onClose={() => setCutOpen(false)}
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
  onCompare(ids: string[]): void;
  onSurvey(ids: string[]): void;
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
      <Section title="Compare">
        <div className="insp-actions">
          <button
            type="button"
            onClick={() => props.onCompare(props.ids)}
            disabled={count !== 2}
            title={count === 2 ? 'Compare the two side by side (C)' : 'Compare needs exactly two results'}
          >
            <Columns2 size={14} aria-hidden /> Compare
          </button>
          <button
            type="button"
            onClick={() => props.onSurvey(props.ids)}
            title={`Survey ${count > SURVEY_MAX ? `the first ${SURVEY_MAX}` : 'them'} in a grid (N)`}
          >
            <LayoutDashboard size={14} aria-hidden /> Survey
          </button>
        </div>
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
