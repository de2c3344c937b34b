import { useId, useState } from 'react';
import { FolderInput } from 'lucide-react';
import type { TransferItem } from '../../../../src/contract/calls/transfer';
import type { AppError } from '../../../../src/domain/errors';
import { asAppError, getBridge } from '../../bridge/bridge';
import { keys, useBridgeQuery } from '../../bridge/queries';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Modal } from '../../ui/Modal';
import { ProgressBar } from '../../ui/ProgressBar';
import { useNativeDialogs } from '../../ui/ImportSources';
import { useToasts } from '../../ui/Toasts';
import { useTask } from '../../ui/use-task';
import { plural } from '../../ui/format';
import './transfer.css';

type Listing = Awaited<ReturnType<ReturnType<typeof getBridge>['transfer']['inspect']>>;

/** The button that opens the dialog, for the Characters and Pose libraries list headers. */
export function CopyFromProjectButton(props: { readOnly: boolean; onOpen(): void }) {
  return (
    <button
      type="button"
      className="ghost icon"
      onClick={props.onOpen}
      aria-label="Copy from another project"
      title="Copy characters and pose libraries from another project…"
      disabled={props.readOnly}
    >
      <FolderInput size={16} aria-hidden />
    </button>
  );
}

/**
 * "Copy from another project": pick another project folder (a recent one, the folder dialog, or a typed
 * path), see its characters and pose libraries (the other project is only read), tick the ones to bring
 * over and copy them with their images. Results stay behind. What was copied before is marked "already
 * here" and cannot be ticked: copying never duplicates.
 */
export function CopyFromProjectDialog(props: { open: boolean; onClose(): void; currentPath: string }) {
  const native = useNativeDialogs();
  const toasts = useToasts();
  const task = useTask();
  const dirId = useId();
  const recent = useBridgeQuery(keys.recentProjects, () => getBridge().projects.recent({}), props.open);
  const [dir, setDir] = useState('');
  const [listing, setListing] = useState<Listing | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<AppError | null>(null);
  const [phase, setPhase] = useState<'idle' | 'looking' | 'copying'>('idle');
  const busy = phase !== 'idle';

  const others = (recent.data ?? []).filter((p) => p.exists && p.path !== props.currentPath).slice(0, 6);

  const reset = () => {
    setListing(null);
    setChosen(new Set());
    setError(null);
  };
  const close = () => {
    if (busy) return;
    reset();
    props.onClose();
  };

  const look = async (path: string) => {
    const target = path.trim();
    if (!target) return;
    setDir(target);
    setError(null);
    setPhase('looking');
    try {
      const found = await getBridge().transfer.inspect({ dir: target });
      setListing(found);
      setChosen(new Set());
    } catch (e) {
      setListing(null);
      setError(asAppError(e));
    } finally {
      setPhase('idle');
    }
  };

  const choose = async () => {
    const picked = await getBridge().dialogs.pickFolder({ title: 'A project to copy from' });
    if (picked.path) await look(picked.path);
  };

  const copy = async () => {
    if (!listing || chosen.size === 0) return;
    setError(null);
    setPhase('copying');
    const taskId = task.start();
    try {
      const report = await getBridge().transfer.copy({
        dir: listing.project.path,
        characterIds: listing.characters.filter((c) => chosen.has(c.id)).map((c) => c.id),
        poseLibraryIds: listing.poseLibraries.filter((l) => chosen.has(l.id)).map((l) => l.id),
        taskId,
      });
      const outcomes = [...report.characters, ...report.poseLibraries];
      const copied = outcomes.filter((o) => o.status !== 'already-here');
      toasts.show({
        message: report.cancelled
          ? `Stopped after copying ${plural(copied.length, 'item')}`
          : `Copied ${copied.map((o) => o.name).join(', ') || 'nothing new'}`,
        detail: `From “${report.from.name}”, with ${plural(report.images, 'image')}`,
        tone: report.cancelled ? 'warn' : 'success',
        durationMs: 6000,
      });
      reset();
      props.onClose();
    } catch (e) {
      setError(asAppError(e));
    } finally {
      task.end();
      setPhase('idle');
    }
  };

  const toggle = (id: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const progress = task.progress;
  return (
    <Modal
      open={props.open}
      title="Copy from another project"
      onClose={close}
      busy={busy}
      width={600}
      footer={
        phase === 'copying' ? (
          <>
            <div className="export-progress">
              <span className="secondary tabular">
                {progress ? `Copying image ${progress.done} of ${progress.total}` : 'Starting…'}
              </span>
              <ProgressBar
                value={progress && progress.total > 0 ? progress.done / progress.total : null}
                label="Copy progress"
              />
            </div>
            <button type="button" onClick={task.cancel} disabled={task.cancelling}>
              {task.cancelling ? 'Stopping…' : 'Cancel'}
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => void copy()}
              disabled={!listing || chosen.size === 0 || busy}
            >
              {chosen.size > 0 ? `Copy ${plural(chosen.size, 'item')}` : 'Copy'}
            </button>
          </>
        )
      }
    >
      <div className="stack transfer-dialog">
        <p className="secondary">
          Characters come with their reference images, pose libraries with their poses. Results stay where
          they are. The other project is only read, never changed.
        </p>
        <form
          className="field"
          onSubmit={(e) => {
            e.preventDefault();
            void look(dir);
          }}
        >
          <label htmlFor={dirId} className="field-label">
            Project folder
          </label>
          <div className="row">
            <input
              id={dirId}
              className="grow"
              value={dir}
              onChange={(e) => setDir(e.target.value)}
              placeholder="/home/you/Illustration/Another book"
              spellCheck={false}
              disabled={busy}
              autoFocus
            />
            {native && (
              <button type="button" onClick={() => void choose().catch(() => undefined)} disabled={busy}>
                Choose…
              </button>
            )}
            <button type="submit" disabled={busy || dir.trim() === ''}>
              {phase === 'looking' ? 'Opening…' : 'Open'}
            </button>
          </div>
        </form>
        {others.length > 0 && !listing && (
          <div className="transfer-recent" role="group" aria-label="Recent projects">
            <span className="field-label">Recent projects</span>
            {others.map((p) => (
              <button
                key={p.path}
                type="button"
                className="ghost transfer-recent-item"
                onClick={() => void look(p.path)}
                disabled={busy}
                title={p.path}
              >
                <span className="ellipsis">{p.name}</span>
                <span className="secondary ellipsis">{p.path}</span>
              </button>
            ))}
          </div>
        )}
        {error && <ErrorNotice error={error} />}
        {listing && (
          <>
            <div className="secondary">
              In <strong>{listing.project.name}</strong>
              {listing.problems.length > 0 &&
                ` · ${plural(listing.problems.length, 'file')} could not be read there and ${listing.problems.length === 1 ? 'is' : 'are'} left out`}
            </div>
            <div className="transfer-lists">
              <ItemList
                title="Characters"
                items={listing.characters}
                countWord="reference"
                chosen={chosen}
                onToggle={toggle}
                disabled={busy}
              />
              <ItemList
                title="Pose libraries"
                items={listing.poseLibraries}
                countWord="pose"
                chosen={chosen}
                onToggle={toggle}
                disabled={busy}
              />
            </div>
          </>
        )}
      </div>
    </Modal>
  );
}

function ItemList(props: {
  title: string;
  items: TransferItem[];
  countWord: string;
  chosen: ReadonlySet<string>;
  onToggle(id: string): void;
  disabled: boolean;
}) {
  return (
    <fieldset className="transfer-list">
      <legend>{props.title}</legend>
      {props.items.length === 0 ? (
        <div className="secondary checklist-empty">None in that project</div>
      ) : (
        <div className="checklist-items">
          {props.items.map((item) => {
            // Copied before: a pose library with poses made since can be chosen again for those alone.
            const newPoses = item.alreadyHere?.newPoses ?? 0;
            const here = item.alreadyHere !== undefined;
            return (
              <label
                key={item.id}
                className="check-row"
                title={
                  !here
                    ? item.name
                    : newPoses > 0
                      ? `Copied before: copying again adds the ${plural(newPoses, 'pose')} made since`
                      : 'Copied before'
                }
              >
                <input
                  type="checkbox"
                  checked={props.chosen.has(item.id)}
                  onChange={() => props.onToggle(item.id)}
                  disabled={props.disabled || (here && newPoses === 0)}
                />
                <span className="ellipsis">{item.name}</span>
                <span className="check-count tabular">{plural(item.images, props.countWord)}</span>
                {here ? (
                  <span className="transfer-here">{newPoses > 0 ? `${newPoses} new` : 'already here'}</span>
                ) : (
                  <span aria-hidden />
                )}
              </label>
            );
          })}
        </div>
      )}
    </fieldset>
  );
}
