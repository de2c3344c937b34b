import { useEffect, useId, useRef, type ReactNode } from 'react';
import './primitives.css';

/**
 * A modal question for the few actions that cannot be undone or may cost money (sending a paid request
 * again). Native <dialog>: focus is trapped, Escape cancels, and the safe choice has the focus.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  tone?: 'primary' | 'danger';
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      {props.open && (
        <form
          method="dialog"
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            props.onConfirm();
          }}
        >
          <h2 id={titleId}>{props.title}</h2>
          <div className="confirm-body">{props.children}</div>
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="button" ref={cancelRef} onClick={props.onCancel}>
              {props.cancelLabel ?? 'Cancel'}
            </button>
            <button type="submit" className={props.tone === 'danger' ? 'danger-solid' : 'primary'}>
              {props.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
