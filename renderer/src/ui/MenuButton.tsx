import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Check } from 'lucide-react';
import { isComposing } from './keyboard';
import './layout.css';

export interface MenuEntry {
  id: string;
  label: string;
  icon?: ReactNode;
  /** A checkbox item (a toggle) or a radio item (one of a group): checked or not. */
  kind?: 'checkbox' | 'radio';
  checked?: boolean;
  disabled?: boolean;
  /** The key that does it, shown on the right ("Ctrl+G"). */
  hint?: string;
  /** A line above this entry: the start of another group. */
  separatorBefore?: boolean;
  /** Keeps the menu open after choosing (steppers such as "Larger thumbnails"). */
  keepOpen?: boolean;
  onSelect(): void;
}

/**
 * A button that opens a menu (the WAI-ARIA menu button): aria-haspopup and aria-expanded on the button;
 * Enter, Space or ↓ opens it on the first item, ↑ on the last; ↑/↓ move (wrapping), Home/End jump,
 * Enter or Space chooses, Escape closes and gives the focus back to the button, Tab closes.
 */
export function MenuButton(props: {
  /** The button's content. */
  children: ReactNode;
  /** The button's accessible name, also the menu's. */
  label: string;
  title?: string;
  className?: string;
  rootClassName?: string;
  align?: 'start' | 'end';
  entries: readonly MenuEntry[];
  /** Text above the items (what the menu is about), not an item. */
  header?: ReactNode;
}) {
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const buttonId = useId();

  const items = () => [...(rootRef.current?.querySelectorAll<HTMLElement>('[data-menu-item]') ?? [])];
  useEffect(() => {
    if (!open) return;
    const list = items();
    (open === 'last' ? list.at(-1) : list[0])?.focus();
    const onDown = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onButtonKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen('first');
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen('last');
    }
  };
  const onMenuKeyDown = (event: KeyboardEvent) => {
    if (isComposing(event)) return;
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const move = (index: number) => {
      event.preventDefault();
      list[(index + list.length) % list.length]?.focus();
    };
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at < 0 ? -1 : at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(-1);
    else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
      return;
    }
    // Keys pressed in the menu are the menu's: they never rate, flag or open a view behind it.
    event.stopPropagation();
  };

  return (
    <div className={`menu-root ${props.rootClassName ?? ''}`} ref={rootRef}>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        className={props.className}
        aria-haspopup="menu"
        aria-expanded={open !== false}
        aria-controls={open ? menuId : undefined}
        aria-label={props.label}
        title={props.title ?? props.label}
        onClick={() => setOpen((o) => (o ? false : 'first'))}
        onKeyDown={onButtonKeyDown}
      >
        {props.children}
      </button>
      {open && (
        <div className={`menu-panel ${props.align === 'start' ? '' : 'align-end'}`}>
          {props.header && <div className="menu-header">{props.header}</div>}
          <div id={menuId} role="menu" aria-labelledby={buttonId} onKeyDown={onMenuKeyDown}>
            {props.entries.map((entry) => {
              const role =
                entry.kind === 'checkbox'
                  ? 'menuitemcheckbox'
                  : entry.kind === 'radio'
                    ? 'menuitemradio'
                    : 'menuitem';
              return (
                <div key={entry.id} role="none" className="menu-row">
                  {entry.separatorBefore && <div role="separator" className="menu-separator" />}
                  <button
                    type="button"
                    role={role}
                    data-menu-item
                    tabIndex={-1}
                    className="menu-item"
                    aria-checked={entry.kind ? entry.checked === true : undefined}
                    aria-disabled={entry.disabled || undefined}
                    onClick={() => {
                      if (entry.disabled) return;
                      if (!entry.keepOpen) close(true);
                      entry.onSelect();
                    }}
                  >
                    <span className="menu-check" aria-hidden>
                      {entry.kind && entry.checked ? <Check size={14} /> : entry.icon}
                    </span>
                    <span className="menu-label">{entry.label}</span>
                    {entry.hint && <span className="menu-hint">{entry.hint}</span>}
                  </button>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
