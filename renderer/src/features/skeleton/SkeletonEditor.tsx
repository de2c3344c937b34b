import {
  useEffect,
  useId,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  FlipHorizontal2,
  Loader2,
  Redo2,
  RotateCcw,
  RotateCw,
  Save,
  Undo2,
  UserRoundX,
  X,
  ZoomIn,
  ZoomOut,
} from 'lucide-react';
import type { PoseView } from '../../../../src/contract/calls/workspace';
import { BODY_KEYPOINT_NAMES, type Keypoint, type Skeleton } from '../../../../src/domain/skeleton';
import { JOINT_RADIUS, figureBox } from '../../../../src/skeleton';
import { asAppError, getBridge } from '../../bridge/bridge';
import { Kbd } from '../../ui/Kbd';
import { isComposing, matchesCombo } from '../../ui/keyboard';
import { useToasts } from '../../ui/Toasts';
import { usePoseLibraries, wsKeys } from '../results/workspace-data';
import { FigureLimbs, jointColour } from './SkeletonShapes';
import {
  canRedo,
  canUndo,
  initialEditorState,
  isDirty,
  skeletonEditorReducer,
  type FigureChange,
} from './skeleton-editing';
import './skeleton.css';

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};
const ROTATE_STEP = 5;
const SCALE_STEP = 1.1;

export const jointLabel = (figure: number, joint: number, count: number): string =>
  `${BODY_KEYPOINT_NAMES[joint] ?? `keypoint ${joint}`}${count > 1 ? `, figure ${figure + 1}` : ''}`;

/** A field that takes typed text: the editor's single keys wait while one has focus. */
function isTyping(target: EventTarget): boolean {
  if (target instanceof HTMLInputElement)
    return !['range', 'checkbox', 'radio', 'button'].includes(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

type Drag =
  { kind: 'joint'; figure: number; joint: number } | { kind: 'figure'; figure: number; start: Keypoint };

/**
 * The skeleton editor (issue 12): a pose's keypoints over a reference image, in a full-window dialog.
 * Drag a joint to move it; drag a figure's box to move the figure; the side panel (and the keys) rotate,
 * scale and mirror the selected figure, delete and restore keypoints and drop the face points. Every
 * change is clamped to the canvas by the core and can be undone. Save redraws the pose with
 * `poses.updateSkeleton`; Cancel (or Esc with nothing selected) changes nothing.
 */
export function SkeletonEditor(props: {
  project: string;
  pose: PoseView & { skeleton: Skeleton };
  readOnly: boolean;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="skel-editor"
      aria-labelledby={titleId}
      onCancel={(event) => event.preventDefault() /* Esc is handled inside, in steps */}
    >
      <EditorBody {...props} titleId={titleId} />
    </dialog>
  );
}

function EditorBody(props: {
  project: string;
  pose: PoseView & { skeleton: Skeleton };
  readOnly: boolean;
  onClose(): void;
  titleId: string;
}) {
  const { pose } = props;
  const client = useQueryClient();
  const toasts = useToasts();
  const libraries = usePoseLibraries(props.project);
  const [state, dispatch] = useReducer(skeletonEditorReducer, pose.skeleton, initialEditorState);
  const [saving, setSaving] = useState(false);
  const [referenceId, setReferenceId] = useState<string>(pose.id);
  const [opacity, setOpacity] = useState(0.4);
  const svgRef = useRef<SVGSVGElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | null>(null);
  const [screenScale, setScreenScale] = useState(1);
  const { canvas, figures } = state.skeleton;
  const selection = state.selection;
  const activeFigure = selection?.figure ?? (figures.length === 1 ? 0 : null);
  const dirty = isDirty(state);
  const disabled = saving || props.readOnly;

  // Screen pixels per canvas pixel, so joints stay big enough to grab at any size.
  useLayoutEffect(() => {
    const element = wrapRef.current;
    if (!element) return;
    const update = () =>
      setScreenScale(
        Math.max(0.05, Math.min(element.clientWidth / canvas.width, element.clientHeight / canvas.height)),
      );
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => observer.disconnect();
  }, [canvas.width, canvas.height]);
  const jointRadius = Math.max(JOINT_RADIUS, 6 / screenScale);

  const allPoses = (libraries.data?.libraries ?? []).flatMap((l) => l.poses);
  const reference =
    allPoses.find((p) => p.id === referenceId) ?? (referenceId === pose.id ? pose : undefined);

  // Focus follows a selection made from the keyboard or the panel, so the arrows act where the ring is.
  useEffect(() => {
    if (!selection) return;
    const id =
      selection.joint === null
        ? `skel-figure-${selection.figure}`
        : `skel-joint-${selection.figure}-${selection.joint}`;
    const element = svgRef.current?.querySelector<SVGElement>(`[data-testid="${id}"]`);
    if (element && document.activeElement !== element && svgRef.current?.contains(document.activeElement))
      element.focus({ preventScroll: true });
  }, [selection]);

  const canvasPoint = (event: { clientX: number; clientY: number }): Keypoint => {
    const svg = svgRef.current;
    const matrix = svg?.getScreenCTM();
    if (!svg || !matrix) return { x: 0, y: 0 };
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    return { x: p.x, y: p.y };
  };

  const startDrag = (event: ReactPointerEvent<SVGElement>, next: Drag) => {
    if (disabled || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    (event.currentTarget as SVGElement).focus({ preventScroll: true });
    svgRef.current?.setPointerCapture(event.pointerId);
    drag.current = next;
    dispatch({
      type: 'select',
      selection: { figure: next.figure, joint: next.kind === 'joint' ? next.joint : null },
    });
    dispatch({ type: 'begin' });
  };
  const onPointerMove = (event: ReactPointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const p = canvasPoint(event);
    if (d.kind === 'joint') dispatch({ type: 'moveJoint', figure: d.figure, joint: d.joint, to: p });
    else dispatch({ type: 'dragFigure', figure: d.figure, dx: p.x - d.start.x, dy: p.y - d.start.y });
  };
  const onPointerUp = (event: ReactPointerEvent) => {
    if (svgRef.current?.hasPointerCapture(event.pointerId))
      svgRef.current.releasePointerCapture(event.pointerId);
    if (!drag.current) return;
    drag.current = null;
    dispatch({ type: 'end' });
  };

  const change = (c: FigureChange) => {
    if (activeFigure === null || disabled) return;
    dispatch({ type: 'figure', figure: activeFigure, change: c });
  };

  const save = async () => {
    if (disabled) return;
    if (!dirty) return props.onClose();
    setSaving(true);
    try {
      await getBridge().poses.updateSkeleton({ poseId: pose.id, skeleton: state.skeleton });
      await client.invalidateQueries({ queryKey: wsKeys.poses(props.project) });
      toasts.show({ message: `Saved the skeleton of ${pose.name}`, tone: 'success', durationMs: 3000 });
      props.onClose();
    } catch (error) {
      setSaving(false);
      toasts.show({
        message: 'Could not save the skeleton',
        detail: asAppError(error).message,
        tone: 'error',
      });
    }
  };
  const close = () => {
    if (!saving) props.onClose();
  };

  /** The editor's single keys; true when the key was used. */
  const editorKey = (native: globalThis.KeyboardEvent): boolean => {
    const key = (combo: string) => matchesCombo(native, combo);
    const sel = selection;
    const commands: [boolean, () => void][] = [
      [key('Mod+z'), () => dispatch({ type: 'undo' })],
      [key('Mod+Shift+z') || key('Mod+y'), () => dispatch({ type: 'redo' })],
      [key('m'), () => change({ kind: 'mirror' })],
      [native.key === '[', () => change({ kind: 'rotate', degrees: -ROTATE_STEP })],
      [native.key === ']', () => change({ kind: 'rotate', degrees: ROTATE_STEP })],
      [native.key === '-' || native.key === '_', () => change({ kind: 'scale', factor: 1 / SCALE_STEP })],
      [native.key === '+' || native.key === '=', () => change({ kind: 'scale', factor: SCALE_STEP })],
      [
        !!sel && sel.joint !== null && (key('Delete') || key('Backspace')),
        () =>
          sel &&
          sel.joint !== null &&
          dispatch({ type: 'deleteJoint', figure: sel.figure, joint: sel.joint }),
      ],
    ];
    const command = commands.find(([matches]) => matches);
    if (command) {
      command[1]();
      return true;
    }
    const dir = ARROWS[native.key];
    if (!dir || native.ctrlKey || native.metaKey || native.altKey) return false;
    const step = native.shiftKey ? 10 : 1;
    const [dx, dy] = [dir[0] * step, dir[1] * step];
    if (sel && sel.joint !== null)
      dispatch({ type: 'nudgeJoint', figure: sel.figure, joint: sel.joint, dx, dy });
    else if (activeFigure !== null) change({ kind: 'move', dx, dy });
    else return false;
    return true;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const native = event.nativeEvent;
    const target = event.target;
    const typing = isTyping(target);
    if (isComposing(native)) return;
    let used = true;
    if (matchesCombo(native, 'Mod+Enter')) void save();
    else if (matchesCombo(native, 'Escape')) {
      // Esc steps back: out of a field, then from a joint to its figure, then off the figure, then out.
      if (typing) (target as HTMLElement).blur();
      else if (drag.current) {
        drag.current = null;
        dispatch({ type: 'end' });
        dispatch({ type: 'undo' });
      } else if (selection?.joint != null)
        dispatch({ type: 'select', selection: { figure: selection.figure, joint: null } });
      else if (selection) dispatch({ type: 'select', selection: null });
      else close();
    } else if (typing || disabled) used = false;
    else if (target instanceof HTMLInputElement && target.type === 'range' && ARROWS[native.key])
      used = false;
    else if ((native.key === ' ' || native.key === 'Enter') && target instanceof HTMLButtonElement)
      used = false;
    else used = editorKey(native);
    if (used) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const active = activeFigure !== null ? figures[activeFigure] : undefined;
  const missing = active ? active.body.flatMap((p, i) => (p === null ? [i] : [])) : [];
  const selectedJoint = selection?.joint ?? null;

  return (
    <div className="skel-layout" onKeyDown={onKeyDown}>
      <header className="skel-header">
        <div className="skel-title">
          <h2 id={props.titleId}>Edit skeleton</h2>
          <span className="secondary ellipsis">
            {pose.name} ·{' '}
            <span className="tabular">
              {canvas.width} × {canvas.height}
            </span>
          </span>
        </div>
        <button
          type="button"
          className="ghost icon"
          onClick={() => dispatch({ type: 'undo' })}
          disabled={!canUndo(state) || disabled}
          aria-label="Undo"
          title="Undo (Ctrl/Cmd+Z)"
        >
          <Undo2 size={16} />
        </button>
        <button
          type="button"
          className="ghost icon"
          onClick={() => dispatch({ type: 'redo' })}
          disabled={!canRedo(state) || disabled}
          aria-label="Redo"
          title="Redo (Shift+Ctrl/Cmd+Z)"
        >
          <Redo2 size={16} />
        </button>
        <button
          type="button"
          className="ghost icon"
          onClick={close}
          disabled={saving}
          aria-label="Close without saving"
          title="Close without saving (Esc)"
        >
          <X size={16} />
        </button>
      </header>

      <div className="skel-main">
        <div className="skel-canvas-wrap" ref={wrapRef}>
          <svg
            ref={svgRef}
            className="skel-canvas"
            viewBox={`0 0 ${canvas.width} ${canvas.height}`}
            role="group"
            aria-label={`Skeleton of ${pose.name}`}
            data-testid="skel-canvas"
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onPointerDown={(event) => {
              if (event.target === svgRef.current || (event.target as Element).classList.contains('skel-bg'))
                dispatch({ type: 'select', selection: null });
            }}
          >
            <rect className="skel-bg" width={canvas.width} height={canvas.height} fill="black" />
            {reference && (
              <image
                href={getBridge().mediaUrl(reference.image.file)}
                width={canvas.width}
                height={canvas.height}
                preserveAspectRatio="xMidYMid meet"
                opacity={opacity}
                pointerEvents="none"
              />
            )}
            {figures.map((figure, f) => {
              const box = figureBox(figure, canvas);
              const figureSelected = selection?.figure === f && selection.joint === null;
              return (
                <g key={f}>
                  {box && (
                    <rect
                      className={`skel-figure${figureSelected ? ' selected' : ''}${activeFigure === f ? ' active' : ''}`}
                      x={box.x}
                      y={box.y}
                      width={box.width}
                      height={box.height}
                      tabIndex={disabled ? -1 : 0}
                      role="button"
                      aria-pressed={figureSelected}
                      aria-label={`Figure ${f + 1}, ${box.width} by ${box.height} pixels at ${box.x}, ${box.y}`}
                      aria-describedby="skel-keys"
                      data-testid={`skel-figure-${f}`}
                      vectorEffect="non-scaling-stroke"
                      onFocus={() => {
                        if (!figureSelected && drag.current === null)
                          dispatch({ type: 'select', selection: { figure: f, joint: null } });
                      }}
                      onPointerDown={(event) =>
                        startDrag(event, { kind: 'figure', figure: f, start: canvasPoint(event) })
                      }
                    />
                  )}
                  <g pointerEvents="none">
                    <FigureLimbs figure={figure} />
                  </g>
                  {figure.body.map((p, j) => {
                    if (!p) return null;
                    const selected = selection?.figure === f && selection.joint === j;
                    return (
                      <circle
                        key={j}
                        className={`skel-joint${selected ? ' selected' : ''}`}
                        cx={p.x}
                        cy={p.y}
                        r={jointRadius}
                        fill={jointColour(j)}
                        tabIndex={disabled ? -1 : 0}
                        role="button"
                        aria-pressed={selected}
                        aria-label={`${jointLabel(f, j, figures.length)} at ${Math.round(p.x)}, ${Math.round(p.y)}`}
                        aria-describedby="skel-keys"
                        data-testid={`skel-joint-${f}-${j}`}
                        onFocus={() => {
                          if (!selected && drag.current === null)
                            dispatch({ type: 'select', selection: { figure: f, joint: j } });
                        }}
                        onPointerDown={(event) => startDrag(event, { kind: 'joint', figure: f, joint: j })}
                      />
                    );
                  })}
                </g>
              );
            })}
          </svg>
        </div>

        <aside className="skel-side" aria-label="Skeleton tools">
          <section className="skel-section" aria-labelledby="skel-figure-title">
            <h3 id="skel-figure-title">
              {active && activeFigure !== null
                ? figures.length > 1
                  ? `Figure ${activeFigure + 1}`
                  : 'Figure'
                : 'Select a figure'}
            </h3>
            {figures.length > 1 && (
              <div className="skel-figure-pick" role="group" aria-label="Figures">
                {figures.map((_, f) => (
                  <button
                    key={f}
                    type="button"
                    className="small"
                    aria-pressed={activeFigure === f}
                    onClick={() => dispatch({ type: 'select', selection: { figure: f, joint: null } })}
                  >
                    {f + 1}
                  </button>
                ))}
              </div>
            )}
            <div className="skel-tools">
              <button
                type="button"
                onClick={() => change({ kind: 'rotate', degrees: -ROTATE_STEP })}
                disabled={!active || disabled}
                title="Rotate left 5° ([)"
              >
                <RotateCcw size={14} aria-hidden /> Rotate left
              </button>
              <button
                type="button"
                onClick={() => change({ kind: 'rotate', degrees: ROTATE_STEP })}
                disabled={!active || disabled}
                title="Rotate right 5° (])"
              >
                <RotateCw size={14} aria-hidden /> Rotate right
              </button>
              <button
                type="button"
                onClick={() => change({ kind: 'scale', factor: 1 / SCALE_STEP })}
                disabled={!active || disabled}
                title="Smaller (-)"
              >
                <ZoomOut size={14} aria-hidden /> Smaller
              </button>
              <button
                type="button"
                onClick={() => change({ kind: 'scale', factor: SCALE_STEP })}
                disabled={!active || disabled}
                title="Larger (+)"
              >
                <ZoomIn size={14} aria-hidden /> Larger
              </button>
              <button
                type="button"
                onClick={() => change({ kind: 'mirror' })}
                disabled={!active || disabled}
                title="Mirror left to right (M): the left and right keypoints trade places"
              >
                <FlipHorizontal2 size={14} aria-hidden /> Mirror
              </button>
              <button
                type="button"
                onClick={() => change({ kind: 'dropFace' })}
                disabled={!active || disabled}
                title="A back view: drop the nose, the eyes and the face points (the ears stay)"
              >
                <UserRoundX size={14} aria-hidden /> Drop the face points
              </button>
            </div>
          </section>

          <section className="skel-section" aria-labelledby="skel-points-title">
            <h3 id="skel-points-title">Keypoints</h3>
            {selectedJoint !== null && activeFigure !== null ? (
              <div className="skel-row">
                <span className="ellipsis">
                  <span
                    className="skel-swatch"
                    style={{ background: jointColour(selectedJoint) }}
                    aria-hidden
                  />
                  {BODY_KEYPOINT_NAMES[selectedJoint]}
                </span>
                <button
                  type="button"
                  className="small"
                  disabled={disabled}
                  onClick={() =>
                    dispatch({ type: 'deleteJoint', figure: activeFigure, joint: selectedJoint })
                  }
                  title="Delete this keypoint (Delete)"
                >
                  Delete keypoint
                </button>
              </div>
            ) : (
              <p className="secondary skel-note">Select a joint to move or delete it.</p>
            )}
            {missing.length > 0 && activeFigure !== null && (
              <ul className="skel-missing" aria-label="Missing keypoints">
                {missing.map((j) => (
                  <li key={j} className="skel-row">
                    <span className="ellipsis">
                      <span className="skel-swatch" style={{ background: jointColour(j) }} aria-hidden />
                      {BODY_KEYPOINT_NAMES[j]}
                    </span>
                    <button
                      type="button"
                      className="small"
                      disabled={disabled}
                      aria-label={`Restore ${jointLabel(activeFigure, j, figures.length)}`}
                      onClick={() => dispatch({ type: 'restoreJoint', figure: activeFigure, joint: j })}
                    >
                      Restore
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="skel-section" aria-labelledby="skel-ref-title">
            <h3 id="skel-ref-title">Reference image</h3>
            <label className="field-label" htmlFor="skel-ref">
              Image under the skeleton
            </label>
            <select id="skel-ref" value={referenceId} onChange={(e) => setReferenceId(e.target.value)}>
              <option value="">None</option>
              <option value={pose.id}>This pose’s image</option>
              {allPoses
                .filter((p) => p.id !== pose.id)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
            </select>
            <label className="field-label" htmlFor="skel-opacity">
              Opacity <span className="tabular">{Math.round(opacity * 100)}%</span>
            </label>
            <input
              id="skel-opacity"
              type="range"
              min={0}
              max={100}
              value={Math.round(opacity * 100)}
              disabled={!reference}
              onChange={(e) => setOpacity(Number(e.target.value) / 100)}
            />
          </section>
        </aside>
      </div>

      <footer className="skel-footer">
        <p id="skel-keys" className="skel-keys secondary">
          Drag a joint or a figure · <kbd>←↑↓→</kbd> nudge (<kbd>Shift</kbd> ×10) · <kbd>[</kbd> <kbd>]</kbd>{' '}
          rotate · <kbd>-</kbd> <kbd>+</kbd> scale · <kbd>M</kbd> mirror · <kbd>Delete</kbd> removes a
          keypoint · <Kbd combo="Mod+Z" /> undo · <kbd>Esc</kbd> back
        </p>
        <span className="spacer" />
        {saving && (
          <span className="secondary" role="status">
            Saving…
          </span>
        )}
        <button type="button" onClick={close} disabled={saving}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void save()}
          disabled={disabled}
          title={props.readOnly ? 'The project is read-only' : 'Save the skeleton (Ctrl/Cmd+Enter)'}
        >
          {saving ? <Loader2 className="spin" size={14} aria-hidden /> : <Save size={14} aria-hidden />}
          Save
        </button>
      </footer>
    </div>
  );
}
