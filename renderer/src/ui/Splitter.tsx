import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import './layout.css';

const STEP = 16;
const BIG_STEP = 64;

/**
 * A pane's resize handle, as the WAI-ARIA window splitter: a focusable separator on the pane's edge whose
 * value is the pane's width in px. Drag it, or focus it and use ←/→ (Shift: larger steps), Home/End for
 * the smallest and largest, Enter to collapse or reopen the pane.
 */
export function Splitter(props: {
  label: string;
  /** The pane it sizes (its id). */
  controls?: string;
  /** Which edge of its pane it sits on: 'end' for a pane on the left (the navigator), 'start' for one on the right. */
  edge: 'start' | 'end';
  value: number;
  min: number;
  max: number;
  onChange(width: number): void;
  onToggle?(): void;
}) {
  const { value, min, max, onChange, edge } = props;
  const drag = useRef<{ x: number; width: number } | null>(null);
  // Dragging right widens a pane on the left and narrows one on the right.
  const sign = edge === 'end' ? 1 : -1;

  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.shiftKey ? BIG_STEP : STEP;
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = value + sign * step;
    else if (event.key === 'ArrowLeft') next = value - sign * step;
    else if (event.key === 'Home') next = min;
    else if (event.key === 'End') next = max;
    else if (event.key === 'Enter' && props.onToggle) {
      event.preventDefault();
      props.onToggle();
      return;
    }
    if (next === null) return;
    event.preventDefault();
    onChange(Math.min(max, Math.max(min, next)));
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    event.currentTarget.focus();
    drag.current = { x: event.clientX, width: value };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (!start) return;
    onChange(Math.min(max, Math.max(min, start.width + sign * (event.clientX - start.x))));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    drag.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId))
      event.currentTarget.releasePointerCapture(event.pointerId);
  };

  return (
    <div
      role="separator"
      tabIndex={0}
      className={`splitter splitter-${edge}`}
      aria-label={props.label}
      aria-controls={props.controls}
      aria-orientation="vertical"
      aria-valuenow={Math.round(value)}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuetext={`${Math.round(value)} pixels wide`}
      title={`${props.label}: drag, or use the arrow keys${props.onToggle ? '; Enter collapses' : ''}`}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={props.onToggle}
    />
  );
}
