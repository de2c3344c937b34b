import { useId, useState, type Ref } from 'react';
import { AlertTriangle, CopyX, FileImage, FolderOpen, Upload, X } from 'lucide-react';
import type { ImageSource, ImportDuplicate, ImportFailure } from '../../../src/contract/calls/workspace';
import { getBridge } from '../bridge/bridge';
import { keys, useBridgeQuery } from '../bridge/queries';
import { ProgressBar } from './ProgressBar';
import { plural } from './format';
import type { TaskProgress } from './use-task';
import './workspace-primitives.css';

/** True in Electron, where native file dialogs exist; the browser host has a path field instead. */
export function useNativeDialogs(): boolean {
  const info = useBridgeQuery(keys.appInfo, () => getBridge().app.info({}));
  return info.data?.shell === 'electron';
}

/**
 * Where images come from: native "Files…" and "Folder…" dialogs in the desktop app, or a path field in
 * the browser host (a file or a folder on this computer). Dropping onto the surrounding area is the third way.
 */
export function ImportSources(props: {
  onSources(sources: ImageSource[]): void;
  disabled?: boolean;
  /** "Import" for poses, "Add" for references. */
  verb?: string;
  pathRef?: Ref<HTMLInputElement>;
  compact?: boolean;
  /** The one thing to do on the screen (an empty state): the import button is the primary one. */
  primary?: boolean;
}) {
  const { onSources, disabled, pathRef, compact } = props;
  const native = useNativeDialogs();
  const id = useId();
  const [path, setPath] = useState('');
  const verb = props.verb ?? 'Import';
  const pickFiles = async () => {
    const picked = await getBridge().dialogs.pickFiles({ title: `${verb} images`, images: true });
    if (picked.paths.length > 0) onSources(picked.paths.map((p) => ({ path: p })));
  };
  const pickFolder = async () => {
    const picked = await getBridge().dialogs.pickFolder({ title: `${verb} a folder of images` });
    if (picked.path) onSources([{ path: picked.path }]);
  };
  if (native) {
    return (
      <div className="row import-sources">
        <button type="button" onClick={() => void pickFiles()} disabled={disabled}>
          <FileImage size={16} aria-hidden /> {verb} files…
        </button>
        <button type="button" onClick={() => void pickFolder()} disabled={disabled}>
          <FolderOpen size={16} aria-hidden /> {verb} a folder…
        </button>
        {!compact && <span className="secondary">or drop images and folders here</span>}
      </div>
    );
  }
  /** Answers false when there was no path to import. */
  const submit = (): boolean => {
    const paths = path
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    if (paths.length === 0) return false;
    onSources(paths.map((p) => ({ path: p })));
    setPath('');
    return true;
  };
  return (
    <form
      className="import-sources path-import"
      onSubmit={(e) => {
        e.preventDefault();
        // The primary button with no path yet: it shows where the path goes.
        if (!submit()) e.currentTarget.querySelector('input')?.focus();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Path of an image or a folder on this computer
      </label>
      <input
        id={id}
        ref={pathRef}
        value={path}
        onChange={(e) => setPath(e.target.value)}
        placeholder={compact ? 'Path of an image or folder' : 'Path of an image or a folder on this computer'}
        spellCheck={false}
        disabled={disabled}
      />
      <button
        type="submit"
        className={props.primary ? 'primary' : undefined}
        disabled={disabled || (!props.primary && path.trim() === '')}
      >
        <Upload size={16} aria-hidden /> {verb}
      </button>
      {!compact && <span className="secondary">or drop images here</span>}
    </form>
  );
}

/** "Importing 12 of 40" with a bar and Cancel, while a task runs. */
export function TaskProgressRow(props: {
  label: string;
  progress: TaskProgress | null;
  cancelling: boolean;
  onCancel(): void;
}) {
  const { progress } = props;
  const value = progress && progress.total > 0 ? progress.done / progress.total : null;
  const text =
    progress && progress.total > 0
      ? `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}`
      : 'Starting…';
  return (
    <div className="task-row" role="status">
      <div className="task-row-text">
        <span>
          {props.label} <span className="tabular">{text}</span>
        </span>
        {progress && progress.failed > 0 && (
          <span className="amber-text">{plural(progress.failed, 'file')} could not be used</span>
        )}
      </div>
      <ProgressBar value={value} label={props.label} valueText={text} />
      <button type="button" onClick={props.onCancel} disabled={props.cancelling}>
        {props.cancelling ? 'Stopping…' : 'Cancel'}
      </button>
    </div>
  );
}

export interface ImportOutcome {
  what: string;
  added: number;
  failed: ImportFailure[];
  duplicates: ImportDuplicate[];
  skipped: { file: string; reason: string }[];
  cancelled: boolean;
  /** Refused before sending (too large to upload). */
  refused?: { file: string; reason: string }[];
}

/** "“a/b.png” is a PDF document…" beside the file's name reads "It is a PDF document…". */
function withoutName(message: string, file: string): string {
  for (const quoted of [`“${file}”`, `"${file}"`]) {
    if (message.startsWith(`${quoted} `)) return `It ${message.slice(quoted.length + 1)}`;
  }
  return message;
}

/** After an import: what came in, and each file that did not, named with the reason in plain words. */
export function ImportReport(props: { outcome: ImportOutcome; onClose(): void }) {
  const { outcome } = props;
  const failed = [
    ...(outcome.refused ?? []).map((r) => ({ file: r.file, message: r.reason })),
    ...outcome.failed,
  ];
  const problems = failed.length + outcome.duplicates.length;
  return (
    <section
      className={`import-report ${failed.length > 0 ? 'has-failures' : ''}`}
      aria-label="Import report"
    >
      <header className="row">
        {failed.length > 0 ? (
          <AlertTriangle size={16} color="var(--amber)" aria-hidden />
        ) : (
          <FileImage size={16} aria-hidden />
        )}
        <div className="import-report-title">
          {outcome.cancelled ? 'Import stopped: ' : ''}
          {plural(outcome.added, outcome.what)} imported
          {failed.length > 0 && <>, {plural(failed.length, 'file')} could not be imported</>}
          {outcome.duplicates.length > 0 && <>, {plural(outcome.duplicates.length, 'duplicate')} skipped</>}
          {outcome.skipped.length > 0 && <>, {plural(outcome.skipped.length, 'other file')} left alone</>}
        </div>
        <div className="spacer" />
        <button
          type="button"
          className="ghost icon"
          onClick={props.onClose}
          aria-label="Dismiss the import report"
          title="Dismiss"
        >
          <X size={16} />
        </button>
      </header>
      {problems > 0 && (
        <ul className="import-problems">
          {failed.map((f, i) => (
            <li key={`f${i}`}>
              <AlertTriangle size={12} color="var(--amber)" aria-hidden />
              <code className="import-file">{f.file}</code>
              <span className="secondary">{withoutName(f.message, f.file)}</span>
            </li>
          ))}
          {outcome.duplicates.map((d, i) => (
            <li key={`d${i}`}>
              <CopyX size={12} aria-hidden />
              <code className="import-file">{d.file}</code>
              <span className="secondary">{withoutName(d.message, d.file)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
