import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type ReactNode,
} from 'react';
import { AlertTriangle, CheckCircle2, Info, X } from 'lucide-react';
import './primitives.css';

export interface ToastAction {
  label: string;
  run(): void;
}

export interface ToastInput {
  message: string;
  /** A second line in secondary text. */
  detail?: string;
  tone?: 'info' | 'success' | 'warn' | 'error';
  action?: ToastAction;
  /** How long it stays, in ms (default 6 s; 10 s for errors). 0 keeps it until closed. */
  durationMs?: number;
  /** A toast with the same key replaces the one showing (a batch's runs finishing: one toast, counting). */
  key?: string;
}

interface Toast extends ToastInput {
  id: number;
}

interface ToastApi {
  show(toast: ToastInput): number;
  dismiss(id: number): void;
}

const ToastContext = createContext<ToastApi>({ show: () => 0, dismiss: () => undefined });

/** Background events (a job queued or finished, a preset deleted) as small toasts with one action. */
export const useToasts = (): ToastApi => useContext(ToastContext);

export function ToastProvider(props: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback((toast: ToastInput) => {
    const id = next.current++;
    // At most four at once: the oldest gives way. One with the same key is replaced, its clock restarted.
    setToasts((list) => {
      const others = toast.key === undefined ? list : list.filter((t) => t.key !== toast.key);
      return [...others.slice(-3), { ...toast, id }];
    });
    return id;
  }, []);
  const api = useMemo(() => ({ show, dismiss }), [show, dismiss]);
  return (
    <ToastContext.Provider value={api}>
      {props.children}
      <div className="toast-dock" role="region" aria-label="Notifications">
        <div aria-live="polite" className="toast-stack">
          {toasts.map((toast, i) => (
            <ToastItem key={toast.id} toast={toast} depth={toasts.length - 1 - i} dismiss={dismiss} />
          ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

const ICONS = {
  info: <Info size={16} aria-hidden />,
  success: <CheckCircle2 size={16} color="var(--green)" aria-hidden />,
  warn: <AlertTriangle size={16} color="var(--amber)" aria-hidden />,
  error: <AlertTriangle size={16} color="var(--red)" aria-hidden />,
};

/** `depth`: 0 for the newest, 1 for the one before it, and so on (how far back it stands in the stack). */
function ToastItem(props: { toast: Toast; depth: number; dismiss(id: number): void }) {
  const { toast, dismiss } = props;
  const id = toast.id;
  const onClose = () => dismiss(id);
  const [hovered, setHovered] = useState(false);
  const duration = toast.durationMs ?? (toast.tone === 'error' ? 10_000 : 6_000);
  // The clock runs while the toast is not hovered or focused, and restarts (in full) when the pointer leaves.
  useEffect(() => {
    if (duration === 0 || hovered) return;
    const timer = window.setTimeout(() => dismiss(id), duration);
    return () => window.clearTimeout(timer);
  }, [duration, hovered, dismiss, id]);
  return (
    <div
      className={`toast toast-${toast.tone ?? 'info'}`}
      style={{ '--depth': props.depth } as CSSProperties}
      role={toast.tone === 'error' ? 'alert' : 'status'}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setHovered(true)}
      onBlur={() => setHovered(false)}
    >
      {ICONS[toast.tone ?? 'info']}
      <div className="toast-text">
        <div>{toast.message}</div>
        {toast.detail && <div className="secondary">{toast.detail}</div>}
      </div>
      {toast.action && (
        <button
          className="ghost toast-action"
          onClick={() => {
            toast.action?.run();
            onClose();
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button
        className="ghost icon toast-close"
        onClick={onClose}
        aria-label="Close notification"
        title="Close"
      >
        <X size={14} />
      </button>
    </div>
  );
}
