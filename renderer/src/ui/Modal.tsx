import { useEffect, useId, useRef, type ReactNode } from 'react';
import { X } from 'lucide-react';
import './primitives.css';
import './workspace-primitives.css';

/**
 * A modal form (export, and anything else that needs a few fields before it runs). Native <dialog>: focus
 * stays inside, Escape closes unless `busy`, and window shortcuts wait while it is open.
 */
export function Modal(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  footer: ReactNode;
  onClose(): void;
  /** While work runs, Escape and the close button do nothing (the footer offers Cancel). */
  busy?: boolean;
  width?: number;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    else if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      style={props.width ? { width: `min(${props.width}px, calc(100vw - 48px))` } : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!props.busy) props.onClose();
      }}
    >
      {props.open && (
        <>
          <header className="modal-header">
            <h2 id={titleId}>{props.title}</h2>
            <button
              type="button"
              className="ghost icon"
              onClick={props.onClose}
              disabled={props.busy}
              aria-label="Close"
              title="Close (Esc)"
            >
              <X size={16} />
            </button>
          </header>
          <div className="modal-body">{props.children}</div>
          <footer className="modal-footer">{props.footer}</footer>
        </>
      )}
    </dialog>
  );
}
