import { useEffect, useId, useMemo, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { AlertTriangle, Info, Loader2, Maximize, Minus, Plus, Scissors, X } from 'lucide-react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import { cropRects, defaultPadding } from '../../../../src/domain/figure-crops';
import { getBridge } from '../../bridge/bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Kbd } from '../../ui/Kbd';
import { isComposing, matchesCombo } from '../../ui/keyboard';
import { useToasts } from '../../ui/Toasts';
import { plural } from '../../ui/format';
import { openGallery } from '../results/gallery-store';
import { useResultDetail } from '../results/results-data';
import { BoxCanvas } from './BoxCanvas';
import { BoxPanel } from './BoxPanel';
import { CropStrip } from './CropStrip';
import { PaddingControl } from './PaddingControl';
import {
  editorReducer,
  initialState,
  isDirty,
  newBoxNear,
  overlappingPairs,
  type EditorState,
} from './box-editing';
import { useCutSource, type CutSource } from './cut-source';
import { useCanvasZoom } from './use-canvas-zoom';
import { useCutSave } from './use-cut-save';
import './cut.css';

/** The padding a sheet opens with: the core's default (6% of a figure's longer side), for the median figure. */
function startingPadding(source: CutSource): number {
  const pads = source.boxes.map(defaultPadding).sort((a, b) => a - b);
  return (
    pads[Math.floor(pads.length / 2)] ??
    Math.round(0.03 * Math.max(source.result.width, source.result.height))
  );
}

/** A field that takes typed text: the editor's single keys wait while one has focus. */
function isTyping(target: EventTarget): boolean {
  if (target instanceof HTMLInputElement)
    return !['range', 'checkbox', 'radio', 'button'].includes(target.type);
  if (!(target instanceof HTMLElement)) return false;
  return (
    target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable
  );
}

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/**
 * "Cut into poses" as an editor over the result sheet (UI.md, "Compare, survey and cutting"): the pose's
 * figure boxes drawn over the result, to move, resize, add and delete; a padding that never reaches into
 * a neighbour; a live preview of every crop; then Save, which keeps the boxes with the pose and cuts.
 * Cancel (or Esc with nothing selected) closes without changing anything.
 *
 * A full-window native <dialog>: focus stays inside, and the gallery's own keys (Delete trashes!) wait
 * while it is open.
 */
export function CutEditor(props: {
  project: string;
  item: ResultSummary;
  readOnly: boolean;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { source, loading } = useCutSource(props.project, props.item);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const name = `${props.item.characterName ?? 'Unknown character'} × ${props.item.poseName ?? 'unknown pose'}`;
  return (
    <dialog
      ref={ref}
      className="cut-editor"
      aria-labelledby={titleId}
      onCancel={(event) => event.preventDefault() /* Esc is handled inside, in steps */}
    >
      {source ? (
        <EditorBody {...props} source={source} name={name} titleId={titleId} />
      ) : (
        <div className="cut-loading" aria-busy={loading}>
          <h2 id={titleId}>Cut into poses</h2>
          <Loader2 className="spin" size={20} aria-hidden /> Loading the pose’s boxes…
        </div>
      )}
    </dialog>
  );
}

function EditorBody(props: {
  project: string;
  item: ResultSummary;
  readOnly: boolean;
  onClose(): void;
  source: CutSource;
  name: string;
  titleId: string;
}) {
  const { item, source } = props;
  const toasts = useToasts();
  const [state, dispatch] = useReducer(editorReducer, undefined, (): EditorState =>
    initialState(source.result, source.boxes),
  );
  const [padding, setPadding] = useState(() => startingPadding(source));
  const [panning, setPanning] = useState(false);
  const [saving, setSaving] = useState(false);
  const { viewportRef, zoom } = useCanvasZoom(source.result);
  const detail = useResultDetail(props.project, item.id);
  const { save, error, task } = useCutSave(props.project, item, source);
  const src = getBridge().mediaUrl(item.file);

  const crops = useMemo(
    () => cropRects(state.boxes, state.image, padding),
    [state.boxes, state.image, padding],
  );
  const overlaps = overlappingPairs(state.boxes);
  const dirty = isDirty(state);
  const earlierCuts = detail.data?.cuts.length ?? 0;
  const busy = saving;
  const disabled = busy || props.readOnly;
  const maxPadding = Math.max(
    50,
    Math.min(1000, Math.round(0.25 * Math.max(...state.boxes.map((b) => Math.max(b.width, b.height)), 400))),
  );

  const add = () => dispatch({ type: 'add', box: newBoxNear(state, zoom.centre()) });
  const close = () => {
    if (!busy) props.onClose();
  };
  const submit = async () => {
    if (disabled || state.boxes.length === 0) return;
    setSaving(true);
    const outcome = await save(state.boxes, padding, dirty);
    setSaving(false);
    if (!outcome) return;
    toasts.show({
      message: `Cut into ${plural(outcome.created, 'pose')}`,
      detail:
        [
          outcome.keptWithPose ? 'The boxes are kept with the pose.' : '',
          outcome.replaced > 0 ? `${plural(outcome.replaced, 'earlier crop')} moved to the trash.` : '',
        ]
          .filter(Boolean)
          .join(' ') || 'Each figure is a new result in the gallery.',
      tone: 'success',
      action: { label: 'Show', run: () => openGallery({ cutFromIds: [item.id] }) },
    });
    props.onClose();
  };

  // Focus the selected box when the selection changes from the keyboard or the list, so Tab order and
  // the arrow keys follow what is highlighted.
  const stageFocus = useRef(false);
  useEffect(() => {
    if (!stageFocus.current || state.selected === null) return;
    document
      .querySelector<HTMLElement>(`[data-testid="cut-box-${state.selected + 1}"]`)
      ?.focus({ preventScroll: true });
  }, [state.selected, state.boxes.length]);

  /** The editor's keys when no field is being typed in; true when the key was used. */
  const editorKey = (native: globalThis.KeyboardEvent, onRange: boolean): boolean => {
    const key = (combo: string) => matchesCombo(native, combo);
    const index = state.selected;
    const box = index !== null ? state.boxes[index] : undefined;
    const commands: [boolean, () => void][] = [
      [key('Mod+z'), () => dispatch({ type: 'undo' })],
      [key('Mod+Shift+z') || key('Mod+y'), () => dispatch({ type: 'redo' })],
      [key('Mod+0'), zoom.fit],
      [key('Mod+1'), () => zoom.actual()],
      [key('z'), () => zoom.toggle()],
      [native.key === '+' || native.key === '=', () => zoom.zoomIn()],
      [native.key === '-' || native.key === '_', () => zoom.zoomOut()],
      [key('n'), add],
      [
        index !== null && (key('Delete') || key('Backspace')),
        () => dispatch({ type: 'delete', index: index ?? -1 }),
      ],
    ];
    const command = commands.find(([matches]) => matches);
    if (command) {
      command[1]();
      return true;
    }
    const dir = ARROWS[native.key];
    if (!dir || !box || index === null || native.ctrlKey || native.metaKey || onRange) return false;
    const step = native.shiftKey ? 10 : 1;
    // Alt+arrows resize (the right or bottom edge); plain arrows move. Each press is one undo step.
    const next = native.altKey
      ? { ...box, width: box.width + dir[0] * step, height: box.height + dir[1] * step }
      : { ...box, x: box.x + dir[0] * step, y: box.y + dir[1] * step };
    dispatch({ type: 'set', index, box: next });
    return true;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const native = event.nativeEvent;
    const target = event.target;
    const typing = isTyping(target);
    const onRange = target instanceof HTMLInputElement && target.type === 'range';
    if (isComposing(native)) return;
    let used = true;
    if (matchesCombo(native, 'Mod+Enter')) void submit();
    else if (matchesCombo(native, 'Escape')) {
      // Esc steps back: out of a field, then off the selected box, then out of the editor.
      if (typing) (target as HTMLElement).blur();
      else if (state.selected !== null) dispatch({ type: 'select', index: null });
      else close();
    } else if (typing || disabled) used = false;
    else if (native.key === ' ' && !(target instanceof HTMLButtonElement)) setPanning(true);
    else used = editorKey(native, onRange);
    if (used) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  return (
    <div
      className="cut-layout"
      onKeyDown={onKeyDown}
      onKeyUp={(event) => {
        if (event.key === ' ') setPanning(false);
      }}
      onFocusCapture={(event) => {
        stageFocus.current = (event.target as HTMLElement).classList.contains('cut-box');
      }}
    >
      <header className="cut-header">
        <Scissors size={16} aria-hidden className="cut-header-icon" />
        <div className="cut-title">
          <h2 id={props.titleId}>Cut into poses</h2>
          <span className="secondary ellipsis" title={props.name}>
            {props.name} ·{' '}
            <span className="tabular">
              {source.result.width} × {source.result.height}
            </span>
          </span>
        </div>
        <div className="cut-zoom" role="group" aria-label="Zoom">
          <button
            type="button"
            className="ghost icon"
            onClick={() => zoom.zoomOut()}
            aria-label="Zoom out"
            title="Zoom out (-)"
          >
            <Minus size={16} />
          </button>
          <button
            type="button"
            className="ghost small tabular cut-zoom-label"
            onClick={() => zoom.toggle()}
            aria-label={`Zoom ${zoom.percent}%${zoom.atFit ? ', fit' : ''}: toggle fit and 100%`}
            title="Fit or 100% (Z); Ctrl/Cmd+0 fit, Ctrl/Cmd+1 100%"
          >
            {zoom.percent}%{zoom.atFit ? ' · Fit' : ''}
          </button>
          <button
            type="button"
            className="ghost icon"
            onClick={() => zoom.zoomIn()}
            aria-label="Zoom in"
            title="Zoom in (+)"
          >
            <Plus size={16} />
          </button>
          <button
            type="button"
            className="ghost icon"
            onClick={() => zoom.fit()}
            aria-label="Fit"
            title="Fit (Ctrl/Cmd+0)"
          >
            <Maximize size={16} />
          </button>
        </div>
        <button
          type="button"
          className="ghost icon"
          onClick={close}
          disabled={busy}
          aria-label="Close without saving"
          title="Close without saving (Esc)"
        >
          <X size={16} />
        </button>
      </header>

      <div className="cut-main">
        <div className="cut-canvas-wrap">
          <BoxCanvas
            src={src}
            alt={`The result sheet ${props.name}`}
            state={state}
            crops={crops}
            dispatch={dispatch}
            zoom={zoom}
            viewportRef={viewportRef}
            panning={panning}
            disabled={disabled}
          />
        </div>
        <aside className="cut-side" aria-label="Boxes and padding">
          <BoxPanel state={state} dispatch={dispatch} onAdd={add} dirty={dirty} disabled={disabled} />
          <section className="cut-section" aria-labelledby="cut-padding-title">
            <header className="cut-section-header">
              <h3 id="cut-padding-title">Padding</h3>
            </header>
            <PaddingControl value={padding} max={maxPadding} onChange={setPadding} disabled={disabled} />
            <p className="secondary cut-note">
              Room around each figure for hair, clothes and shadows. A crop stops halfway to its neighbour, so
              it never takes a neighbour’s pixels.
            </p>
          </section>
          <section className="cut-section cut-notes" aria-label="What Save does">
            {overlaps.length > 0 && (
              <p className="cut-note warn" role="status">
                <AlertTriangle size={14} aria-hidden />
                <span>
                  {overlaps.map(([a, b]) => `Boxes ${a} and ${b}`).join(', ')} overlap, so their crops can
                  share pixels.
                </span>
              </p>
            )}
            <p className="cut-note">
              <Info size={14} aria-hidden />
              <span>
                {source.pose
                  ? `Save keeps these boxes with the pose “${source.pose.name}”, so later cuts start from them.`
                  : 'The pose is not in a library (it is in the trash or deleted), so these boxes are used for this cut only.'}
                {earlierCuts > 0
                  ? ` The ${plural(earlierCuts, 'earlier crop')} of this sheet move to the trash.`
                  : ''}
              </span>
            </p>
          </section>
        </aside>
      </div>

      <CropStrip
        src={src}
        image={state.image}
        crops={crops}
        selected={state.selected}
        onSelect={(index) => dispatch({ type: 'select', index })}
        disabled={busy}
      />

      {error && (
        <div className="cut-error">
          <ErrorNotice error={error} />
        </div>
      )}

      <footer className="cut-footer">
        <p
          id="cut-box-keys"
          className="cut-keys secondary"
          title="Drag on empty image to add a box. Arrow keys move the selected box (Shift: 10 pixels), Alt+arrows resize it, Delete removes it. Ctrl/Cmd+Z undoes. Space+drag pans; Z, + and - zoom."
        >
          Drag on empty image to add a box · <kbd>←↑↓→</kbd> move (<kbd>Shift</kbd> ×10) · <kbd>Alt</kbd>
          +arrows resize · <kbd>Delete</kbd> removes · <Kbd combo="Mod+Z" /> undo · <kbd>Space</kbd>+drag pans
        </p>
        <span className="spacer" />
        {busy && (
          <span className="secondary tabular" role="status">
            {task.progress && task.progress.total > 0
              ? `Cutting ${task.progress.done} of ${task.progress.total}…`
              : 'Saving…'}
          </span>
        )}
        <button type="button" onClick={close} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void submit()}
          disabled={disabled || state.boxes.length === 0}
          title={
            props.readOnly
              ? 'The project is read-only'
              : 'Keep the boxes with the pose and cut (Ctrl/Cmd+Enter)'
          }
        >
          {busy ? <Loader2 className="spin" size={14} aria-hidden /> : <Scissors size={14} aria-hidden />}
          Save and cut {state.boxes.length > 0 ? plural(state.boxes.length, 'pose') : ''}
          <Kbd combo="Mod+Enter" />
        </button>
      </footer>
    </div>
  );
}
