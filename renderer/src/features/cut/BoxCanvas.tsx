import {
  useRef,
  useState,
  type Dispatch,
  type PointerEvent as ReactPointerEvent,
  type RefObject,
} from 'react';
import type { Box } from '../../../../src/domain/pose';
import {
  HANDLES,
  MIN_BOX,
  boxFromDrag,
  type EditorAction,
  type EditorState,
  type Handle,
} from './box-editing';
import type { CanvasZoom } from './use-canvas-zoom';

type Drag =
  | { kind: 'move'; index: number; origin: Box; start: { x: number; y: number } }
  | { kind: 'resize'; index: number; origin: Box; handle: Handle; start: { x: number; y: number } }
  | { kind: 'draw'; start: { x: number; y: number } }
  | { kind: 'pan'; client: { x: number; y: number }; scroll: { left: number; top: number } };

const HANDLE_NAMES: Record<Handle, string> = {
  n: 'top edge',
  s: 'bottom edge',
  e: 'right edge',
  w: 'left edge',
  ne: 'top right corner',
  nw: 'top left corner',
  se: 'bottom right corner',
  sw: 'bottom left corner',
};

/** The dimmed area outside every crop: one path, the image minus the crops (even-odd fill). */
function outsidePath(image: { width: number; height: number }, crops: readonly (Box | undefined)[]): string {
  const rect = (b: Box) => `M${b.x} ${b.y}h${b.width}v${b.height}h${-b.width}Z`;
  return [rect({ x: 0, y: 0, ...image }), ...crops.flatMap((c) => (c ? [rect(c)] : []))].join('');
}

export const boxLabel = (index: number, box: Box): string =>
  `Figure ${index + 1}, ${box.width} by ${box.height} pixels at ${box.x}, ${box.y}`;

/**
 * The result with its figure boxes over it. Drag a box to move it, a handle to resize it, empty image to
 * draw a new one; Space+drag (or the middle button) pans. Each box is a focusable control, so Tab walks
 * the boxes and the editor's keys act on the focused one. The padded crops are dashed, and what no crop
 * takes is dimmed, so the padding's effect (and its stop at a neighbour) shows while it changes.
 */
export function BoxCanvas(props: {
  src: string;
  alt: string;
  state: EditorState;
  crops: readonly (Box | undefined)[];
  dispatch: Dispatch<EditorAction>;
  zoom: CanvasZoom;
  /** The scrolling viewport (the zoom's), passed on its own so it is plainly a ref. */
  viewportRef: RefObject<HTMLDivElement | null>;
  panning: boolean;
  disabled: boolean;
}) {
  const { state, dispatch, zoom, viewportRef } = props;
  const { scale } = zoom;
  const stage = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | null>(null);
  const [draft, setDraft] = useState<Box | null>(null);
  const [dragging, setDragging] = useState(false);

  const imagePoint = (event: { clientX: number; clientY: number }) => {
    const rect = stage.current?.getBoundingClientRect();
    if (!rect || scale <= 0) return { x: 0, y: 0 };
    return { x: (event.clientX - rect.left) / scale, y: (event.clientY - rect.top) / scale };
  };

  const begin = (event: ReactPointerEvent, next: Drag) => {
    if (props.disabled) return;
    event.preventDefault();
    event.stopPropagation();
    stage.current?.setPointerCapture(event.pointerId);
    drag.current = next;
    setDragging(true);
    if (next.kind === 'move' || next.kind === 'resize') {
      dispatch({ type: 'select', index: next.index });
      dispatch({ type: 'begin' });
    }
  };

  const startPan = (event: ReactPointerEvent) =>
    begin(event, {
      kind: 'pan',
      client: { x: event.clientX, y: event.clientY },
      scroll: zoom.scrollPosition(),
    });

  const onStagePointerDown = (event: ReactPointerEvent) => {
    if (event.button === 1 || (event.button === 0 && props.panning)) return startPan(event);
    if (event.button !== 0) return;
    // Empty image: draw a new box (a click without a drag only clears the selection).
    begin(event, { kind: 'draw', start: imagePoint(event) });
  };

  const onBoxPointerDown = (event: ReactPointerEvent, index: number) => {
    if (event.button === 1 || (event.button === 0 && props.panning)) return startPan(event);
    if (event.button !== 0) return;
    const origin = state.boxes[index];
    if (!origin) return;
    (event.currentTarget as HTMLElement).focus({ preventScroll: true });
    begin(event, { kind: 'move', index, origin, start: imagePoint(event) });
  };

  const onHandlePointerDown = (event: ReactPointerEvent, index: number, handle: Handle) => {
    if (event.button !== 0 || props.panning) return;
    const origin = state.boxes[index];
    if (!origin) return;
    begin(event, { kind: 'resize', index, origin, handle, start: imagePoint(event) });
  };

  const onPointerMove = (event: ReactPointerEvent) => {
    const d = drag.current;
    if (!d) return;
    if (d.kind === 'pan') {
      zoom.scrollTo(
        d.scroll.left - (event.clientX - d.client.x),
        d.scroll.top - (event.clientY - d.client.y),
      );
      return;
    }
    const p = imagePoint(event);
    if (d.kind === 'move') {
      dispatch({ type: 'move', index: d.index, origin: d.origin, dx: p.x - d.start.x, dy: p.y - d.start.y });
    } else if (d.kind === 'resize') {
      dispatch({
        type: 'resize',
        index: d.index,
        origin: d.origin,
        handle: d.handle,
        dx: p.x - d.start.x,
        dy: p.y - d.start.y,
      });
    } else {
      setDraft(boxFromDrag(d.start, p, state.image));
    }
  };

  const onPointerUp = (event: ReactPointerEvent) => {
    const d = drag.current;
    drag.current = null;
    setDragging(false);
    if (stage.current?.hasPointerCapture(event.pointerId))
      stage.current.releasePointerCapture(event.pointerId);
    if (!d) return;
    if (d.kind === 'move' || d.kind === 'resize') dispatch({ type: 'end' });
    if (d.kind !== 'draw') return;
    const box = boxFromDrag(d.start, imagePoint(event), state.image);
    setDraft(null);
    // Too small to be meant as a box (on screen and in the image): a click on empty image deselects.
    if (box.width * scale < 6 || box.height * scale < 6 || box.width < MIN_BOX || box.height < MIN_BOX) {
      dispatch({ type: 'select', index: null });
      return;
    }
    dispatch({ type: 'add', box });
  };

  const px = (v: number) => `${v * scale}px`;
  const place = (b: Box) => ({ left: px(b.x), top: px(b.y), width: px(b.width), height: px(b.height) });

  return (
    <div
      ref={viewportRef}
      className={`cut-viewport ${props.panning ? 'panning' : ''} ${dragging ? 'dragging' : ''}`}
      data-testid="cut-viewport"
    >
      <div className="cut-viewport-inner">
        <div
          ref={stage}
          data-cut-stage
          className="cut-stage"
          style={{ width: px(state.image.width), height: px(state.image.height) }}
          onPointerDown={onStagePointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
        >
          <img src={props.src} alt={props.alt} draggable={false} />
          <svg
            className="cut-overlay"
            viewBox={`0 0 ${state.image.width} ${state.image.height}`}
            preserveAspectRatio="none"
            aria-hidden
          >
            <path className="cut-outside" d={outsidePath(state.image, props.crops)} fillRule="evenodd" />
            {props.crops.map((c, i) =>
              c ? (
                <rect
                  key={i}
                  className={`cut-crop ${i === state.selected ? 'selected' : ''}`}
                  x={c.x}
                  y={c.y}
                  width={c.width}
                  height={c.height}
                  vectorEffect="non-scaling-stroke"
                />
              ) : null,
            )}
          </svg>
          {state.boxes.map((box, i) => {
            const selected = i === state.selected;
            return (
              <div
                key={i}
                role="button"
                tabIndex={props.disabled ? -1 : 0}
                aria-pressed={selected}
                aria-label={boxLabel(i, box)}
                aria-describedby="cut-box-keys"
                data-testid={`cut-box-${i + 1}`}
                className={`cut-box ${selected ? 'selected' : ''}`}
                style={place(box)}
                onPointerDown={(event) => onBoxPointerDown(event, i)}
                onFocus={() => {
                  if (state.selected !== i) dispatch({ type: 'select', index: i });
                }}
              >
                <span className="cut-box-number" aria-hidden>
                  {i + 1}
                </span>
                {selected &&
                  !props.disabled &&
                  HANDLES.map((h) => (
                    <span
                      key={h}
                      className={`cut-handle h-${h}`}
                      title={`Drag the ${HANDLE_NAMES[h]} to resize`}
                      data-testid={`cut-handle-${h}`}
                      onPointerDown={(event) => onHandlePointerDown(event, i, h)}
                    />
                  ))}
              </div>
            );
          })}
          {draft && <div className="cut-draft" style={place(draft)} aria-hidden />}
        </div>
      </div>
    </div>
  );
}
