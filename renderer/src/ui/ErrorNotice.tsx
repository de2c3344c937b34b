import { AlertTriangle } from 'lucide-react';
import type { AppError } from '../../../src/domain/errors';
import { errorHelp } from '../../../src/contract/error-messages';

/** What happened, why, and the action that fixes it, in the person's words. Never a bare code. */
export function ErrorNotice(props: {
  error: AppError;
  onAction?: () => void;
  /** The action is the one thing to do next (such as "Enter a new key"): drawn as the primary button. */
  primaryAction?: boolean;
}) {
  const help = errorHelp[props.error.code];
  return (
    <div className="notice error" role="alert">
      <AlertTriangle size={16} color="var(--red)" aria-hidden />
      <div className="stack" style={{ gap: 4 }}>
        <div className="notice-title">{help.title}</div>
        <div className="secondary">{props.error.message}</div>
        {help.action && props.onAction && (
          <div>
            <button className={props.primaryAction ? 'primary' : undefined} onClick={props.onAction}>
              {help.action}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
