import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ChevronDown } from 'lucide-react';
import { isComposing } from './keyboard';
import './workspace-primitives.css';

/**
 * A button that opens a small panel under it (filter chips, menus). Escape or a click outside closes it
 * and gives the focus back to the button.
 */
export function Popover(props: {
  label: ReactNode;
  /** The button's accessible name when `label` is not plain text. */
  ariaLabel?: string;
  title?: string;
  className?: string;
  active?: boolean;
  align?: 'start' | 'end';
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const panelId = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    const first = rootRef.current?.querySelector<HTMLElement>(
      '.popover-panel input, .popover-panel button, .popover-panel select',
    );
    first?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const buttonId = useId();
  // After a choice or Escape, the focus goes back to the chip (the panel it was in is gone).
  const close = () => {
    setOpen(false);
    document.getElementById(buttonId)?.focus();
  };
  return (
    <div
      className="popover"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open && !isComposing(e)) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        id={buttonId}
        type="button"
        className={`chip ${props.active ? 'chip-active' : ''} ${props.className ?? ''}`}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={props.ariaLabel}
        title={props.title}
        onClick={() => setOpen((o) => !o)}
      >
        {props.label}
        <ChevronDown size={12} aria-hidden className="chip-chevron" />
      </button>
      {open && (
        <div
          id={panelId}
          className={`popover-panel ${props.align === 'end' ? 'align-end' : ''}`}
          role="group"
          aria-label={props.ariaLabel ?? (typeof props.label === 'string' ? props.label : undefined)}
        >
          {props.children(close)}
        </div>
      )}
    </div>
  );
}
