import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent } from 'react';
import {
  ArrowLeftRight,
  Blend,
  Columns2,
  CopyCheck,
  FlipHorizontal2,
  SplitSquareHorizontal,
} from 'lucide-react';
import type { ResultFilter, ResultSort, ResultSummary } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { useKeyMap } from '../../ui/key-map';
import { ReviewToolbarEnd } from './ReviewToolbarEnd';
import { ZoomPane, type ZoomLayer } from '../../ui/zoom/ZoomPane';
import { useZoomGroup, zoomCommands, zoomKeys } from '../../ui/zoom/use-zoom';
import { useCommands } from '../../app/commands';
import { setGallery } from '../results/gallery-store';
import { useResultSummaries, type ReviewChange } from '../results/results-data';
import { PaneCaption, describeItem } from './PaneCaption';
import {
  getReviewViews,
  updateCompare,
  useReviewViews,
  type CompareMode,
  type CompareSide,
} from './review-store';
import { reviewCommands, reviewKeys } from './review-keys';
import { useOrderStep } from './use-order-step';
import './compare.css';

const MODES: { id: CompareMode; label: string; key: string; icon: typeof Columns2 }[] = [
  { id: 'side', label: 'Side by side', key: 'S', icon: Columns2 },
  { id: 'slider', label: 'Slider', key: 'A', icon: SplitSquareHorizontal },
  { id: 'flip', label: 'Flip', key: 'F', icon: FlipHorizontal2 },
  { id: 'difference', label: 'Difference', key: 'D', icon: Blend },
];
/** The divider moves this far per arrow key (Shift: ten times as far). */
const DIVIDER_STEP = 0.01;
/** Holding F longer than this shows the other image only while held. */
const FLIP_HOLD_MS = 300;

function layerOf(
  summary: ResultSummary | undefined,
  key: string,
  extra: Partial<ZoomLayer> = {},
): ZoomLayer[] {
  if (!summary) return [];
  const bridge = getBridge();
  return [
    {
      key,
      src: bridge.mediaUrl(summary.file),
      placeholder: bridge.mediaUrl(summary.thumbFile),
      size: { width: summary.width, height: summary.height },
      alt: describeItem(summary),
      ...extra,
    },
  ];
}

/**
 * Compare (C): the select, pinned, against the candidate, side by side, with an A/B slider, by flipping
 * one for the other in place, or blended by difference. Zoom and pan are linked across panes in each
 * image's relative coordinates. ←/→ step the candidate through the grid's order, Shift+←/→ the select,
 * Tab swaps, Enter makes the candidate the select; 0-5 and P/X/U review the focused side.
 */
export function CompareView(props: {
  project: string;
  filter: ResultFilter;
  sort: ResultSort;
  readOnly: boolean;
  review(ids: string[], change: ReviewChange): void;
}) {
  const compare = useReviewViews().compare;
  const group = useZoomGroup();
  const step = useOrderStep(props.project, props.filter, props.sort);
  const [select, candidate] = useResultSummaries(
    props.project,
    compare ? [compare.selectId, compare.candidateId] : [],
  );
  const flipHeld = useRef<number | null>(null);

  const focusedId = compare ? (compare.focus === 'select' ? compare.selectId : compare.candidateId) : null;
  const moveSide = (side: CompareSide, delta: number) => {
    if (!compare) return;
    const [from, other] =
      side === 'candidate'
        ? [compare.candidateId, compare.selectId]
        : [compare.selectId, compare.candidateId];
    void step(from, delta, other).then((id) => {
      if (id) updateCompare(side === 'candidate' ? { candidateId: id } : { selectId: id });
    });
  };
  const swap = () =>
    compare && updateCompare({ selectId: compare.candidateId, candidateId: compare.selectId });
  // Lightroom's "make select": the candidate is kept, and the next one in order becomes the candidate.
  const makeSelect = () => {
    if (!compare) return;
    const kept = compare.candidateId;
    void step(kept, 1, kept).then((next) =>
      updateCompare({ selectId: kept, candidateId: next ?? compare.selectId, focus: 'candidate' }),
    );
  };
  const setMode = (mode: CompareMode) => updateCompare({ mode, flipped: false });
  const moveDivider = (by: number) =>
    compare && updateCompare({ divider: Math.min(1, Math.max(0, compare.divider + by)) });

  useCommands(
    {
      ...zoomCommands(group, true),
      ...reviewCommands(focusedId ? (change) => props.review([focusedId], change) : undefined),
      'compare.next': () => moveSide('candidate', 1),
      'compare.previous': () => moveSide('candidate', -1),
      'compare.selectNext': () => moveSide('select', 1),
      'compare.selectPrevious': () => moveSide('select', -1),
      'compare.swap': swap,
      'compare.makeSelect': makeSelect,
      'compare.side': () => setMode('side'),
      'compare.slider': () => setMode('slider'),
      'compare.difference': () => setMode('difference'),
      'compare.flip': () =>
        compare &&
        updateCompare(
          compare.mode !== 'flip' ? { mode: 'flip', flipped: true } : { flipped: !compare.flipped },
        ),
      'view.grid': () => setGallery({ view: 'grid' }),
    },
    compare !== null,
  );
  useKeyMap(
    {
      ...zoomKeys(group, true),
      ...reviewKeys((change) => focusedId && props.review([focusedId], change)),
      ArrowRight: () => moveSide('candidate', 1),
      ArrowLeft: () => moveSide('candidate', -1),
      'Shift+ArrowRight': () => moveSide('select', 1),
      'Shift+ArrowLeft': () => moveSide('select', -1),
      Tab: swap,
      Enter: makeSelect,
      s: () => setMode('side'),
      a: () => setMode('slider'),
      d: () => setMode('difference'),
      f: (event) => {
        if (event.repeat || !compare) return;
        if (compare.mode !== 'flip') updateCompare({ mode: 'flip', flipped: true });
        else updateCompare({ flipped: !compare.flipped });
        flipHeld.current = performance.now();
      },
      '[': () => moveDivider(-0.05),
      ']': () => moveDivider(0.05),
      // Space + drag pans (a drag alone does too); Space must not scroll or leave the view here.
      ' ': () => undefined,
      g: () => setGallery({ view: 'grid' }),
      Escape: () => setGallery({ view: 'grid' }),
    },
    compare !== null,
  );

  // Holding F shows the other image only while the key is down.
  useEffect(() => {
    const up = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'f' || flipHeld.current === null) return;
      const heldFor = performance.now() - flipHeld.current;
      flipHeld.current = null;
      const current = getReviewViews().compare;
      if (heldFor > FLIP_HOLD_MS && current?.mode === 'flip') updateCompare({ flipped: !current.flipped });
    };
    window.addEventListener('keyup', up);
    return () => window.removeEventListener('keyup', up);
  }, []);

  if (!compare) return null;
  const focus = (side: CompareSide) => updateCompare({ focus: side });
  const selectCaption = (
    <PaneCaption
      role="Select"
      item={select}
      focused={compare.focus === 'select'}
      onFocus={() => focus('select')}
    />
  );
  const candidateCaption = (
    <PaneCaption
      role="Candidate"
      item={candidate}
      focused={compare.focus === 'candidate'}
      onFocus={() => focus('candidate')}
    />
  );

  let stage;
  if (compare.mode === 'side') {
    stage = (
      <div className="compare-panes two">
        <ZoomPane
          key="select"
          group={group}
          id="select"
          layers={layerOf(select, 'select')}
          label={`Select: ${describeItem(select)}`}
          className={compare.focus === 'select' ? 'focused' : ''}
          onPointerDown={() => focus('select')}
        >
          {selectCaption}
        </ZoomPane>
        <ZoomPane
          key="candidate"
          group={group}
          id="candidate"
          layers={layerOf(candidate, 'candidate')}
          label={`Candidate: ${describeItem(candidate)}`}
          className={compare.focus === 'candidate' ? 'focused' : ''}
          onPointerDown={() => focus('candidate')}
        >
          {candidateCaption}
        </ZoomPane>
      </div>
    );
  } else {
    const candidateExtra: Partial<ZoomLayer> =
      compare.mode === 'slider'
        ? { clipLeft: compare.divider }
        : compare.mode === 'difference'
          ? { blend: 'difference' }
          : { hidden: !compare.flipped };
    const selectExtra: Partial<ZoomLayer> = compare.mode === 'flip' ? { hidden: compare.flipped } : {};
    const shown =
      compare.mode === 'flip'
        ? compare.flipped
          ? 'Showing the candidate (F flips back)'
          : 'Showing the select (F flips)'
        : compare.mode === 'difference'
          ? 'Difference: black where the two are the same'
          : null;
    stage = (
      <div className="compare-panes one">
        <ZoomPane
          // A new pane per mode (never a reused one): its canvas and transform start fresh at its own size.
          key={`stage-${compare.mode}`}
          group={group}
          id={`stage-${compare.mode}`}
          layers={[
            ...layerOf(select, 'select', selectExtra),
            ...layerOf(candidate, 'candidate', candidateExtra),
          ]}
          label={`${MODES.find((m) => m.id === compare.mode)?.label}: ${describeItem(select)} and ${describeItem(candidate)}`}
        >
          <div className="compare-captions">
            {selectCaption}
            {candidateCaption}
          </div>
          {shown && <div className="compare-hint secondary">{shown}</div>}
          {compare.mode === 'slider' && (
            <Divider value={compare.divider} onChange={(divider) => updateCompare({ divider })} />
          )}
        </ZoomPane>
      </div>
    );
  }

  return (
    <div className="compare-view" role="region" aria-label="Compare">
      <div className="toolbar compare-toolbar">
        <div className="view-switch" role="group" aria-label="Compare mode">
          {MODES.map((m) => (
            <button
              key={m.id}
              type="button"
              className={`icon ${compare.mode === m.id ? 'on' : 'ghost'}`}
              aria-pressed={compare.mode === m.id}
              onClick={() => setMode(m.id)}
              title={`${m.label} (${m.key})`}
              aria-label={m.label}
            >
              <m.icon size={16} />
            </button>
          ))}
        </div>
        <button type="button" className="ghost small" onClick={swap} title="Swap select and candidate (Tab)">
          <ArrowLeftRight size={14} aria-hidden /> Swap
        </button>
        <button
          type="button"
          className="ghost small"
          onClick={makeSelect}
          title="Keep the candidate as the select; the next result becomes the candidate (Enter)"
        >
          <CopyCheck size={14} aria-hidden /> Make select
        </button>
        <span className="spacer" />
        <span className="secondary compare-keys">
          <kbd>←</kbd>
          <kbd>→</kbd> candidate · <kbd>⇧</kbd>+<kbd>←</kbd>
          <kbd>→</kbd> select
        </span>
        <ReviewToolbarEnd group={group} closeLabel="Close compare" />
      </div>
      {stage}
    </div>
  );
}

/** The A/B slider's divider: drag it, or focus it and use the arrow keys ([ and ] work from anywhere). */
function Divider(props: { value: number; onChange(value: number): void }) {
  const toValue = (event: PointerEvent<HTMLDivElement>) => {
    const pane = event.currentTarget.parentElement;
    if (!pane) return props.value;
    const rect = pane.getBoundingClientRect();
    return Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
  };
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const by = event.shiftKey ? DIVIDER_STEP * 10 : DIVIDER_STEP;
    const next =
      event.key === 'ArrowLeft'
        ? props.value - by
        : event.key === 'ArrowRight'
          ? props.value + by
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? 1
              : null;
    if (next === null) return;
    // Handled here: the window's ←/→ (step the candidate) must not also run.
    event.preventDefault();
    props.onChange(Math.min(1, Math.max(0, next)));
  };
  return (
    <div
      className="compare-divider"
      style={{ left: `${props.value * 100}%` }}
      data-zoom-ignore
      role="slider"
      tabIndex={0}
      aria-label="Divider between the select and the candidate"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(props.value * 100)}
      aria-valuetext={`${Math.round(props.value * 100)}% select`}
      onKeyDown={onKeyDown}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        props.onChange(toValue(event));
      }}
      onPointerMove={(event) => {
        if (event.currentTarget.hasPointerCapture(event.pointerId)) props.onChange(toValue(event));
      }}
    >
      <span className="compare-divider-grip" aria-hidden />
    </div>
  );
}
