import { useState } from 'react';
import { Images, PersonStanding, RotateCcw, Trash2, UserRound, Library, ImageIcon } from 'lucide-react';
import type { TrashEntryView } from '../../../../src/contract/calls/workspace';
import type { ProjectSummary } from '../../../../src/domain';
import { errorHelp } from '../../../../src/contract/error-messages';
import { asAppError, getBridge } from '../../bridge/bridge';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { MediaThumb } from '../../ui/MediaThumb';
import { useToasts } from '../../ui/Toasts';
import { formatDateTime, plural, relativeTime } from '../../ui/format';
import { useTrash } from '../results/workspace-data';
import { useRestore } from './trash-actions';
import './trash.css';

const KIND: Record<TrashEntryView['kind'], { word: string; icon: typeof Images }> = {
  character: { word: 'Character', icon: UserRound },
  reference: { word: 'Reference image', icon: ImageIcon },
  pose: { word: 'Poses', icon: PersonStanding },
  poseLibrary: { word: 'Pose library', icon: Library },
  results: { word: 'Results', icon: Images },
};

/** What was deleted, newest first, each with Restore; "Empty trash" is the one action that asks first. */
export function TrashView(props: { project: ProjectSummary }) {
  const trash = useTrash(props.project.path);
  const restore = useRestore();
  const toasts = useToasts();
  const [confirming, setConfirming] = useState(false);
  const [emptying, setEmptying] = useState(false);
  const entries = trash.data?.entries ?? [];
  const readOnly = props.project.readOnly;

  const empty = async () => {
    setConfirming(false);
    setEmptying(true);
    try {
      const { removed } = await getBridge().trash.empty({});
      toasts.show({
        message: 'The trash is empty',
        detail: `${plural(removed, 'item')} deleted for good`,
        tone: 'success',
      });
    } catch (error) {
      const e = asAppError(error);
      toasts.show({ message: errorHelp[e.code].title, detail: e.message, tone: 'error' });
    } finally {
      setEmptying(false);
    }
  };

  const counts = entries.reduce<Record<string, number>>((acc, e) => {
    const key = e.kind === 'results' ? 'results' : e.kind === 'pose' ? 'poses' : e.kind;
    acc[key] = (acc[key] ?? 0) + (e.kind === 'results' || e.kind === 'pose' ? e.count : 1);
    return acc;
  }, {});
  const summary = [
    counts.results ? plural(counts.results, 'result') : '',
    counts.poses ? plural(counts.poses, 'pose') : '',
    counts.poseLibrary ? plural(counts.poseLibrary, 'pose library', 'pose libraries') : '',
    counts.character ? plural(counts.character, 'character') : '',
    counts.reference ? plural(counts.reference, 'reference image') : '',
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <div className="trash-view">
      <div className="toolbar">
        <Trash2 size={16} aria-hidden />
        <h1 className="toolbar-title">Trash</h1>
        <span className="secondary tabular">{trash.data ? plural(entries.length, 'item') : ''}</span>
        <div className="spacer" />
        <button
          className="danger"
          onClick={() => setConfirming(true)}
          disabled={entries.length === 0 || emptying || readOnly}
        >
          <Trash2 size={16} aria-hidden /> {emptying ? 'Emptying…' : 'Empty trash'}
        </button>
      </div>
      <div className="stage-body">
        {trash.error ? (
          <div style={{ padding: 16 }}>
            <ErrorNotice error={trash.error} onAction={() => void trash.refetch()} />
          </div>
        ) : !trash.data ? (
          <div className="empty" aria-busy="true" />
        ) : entries.length === 0 ? (
          <EmptyState icon={<Trash2 size={24} />} title="The trash is empty">
            Characters, poses and results you delete wait here until you empty the trash, so nothing is lost
            by accident.
          </EmptyState>
        ) : (
          <ul className="trash-list" aria-label="Trash">
            {entries.map((entry) => {
              const kind = KIND[entry.kind];
              const Icon = kind.icon;
              return (
                <li key={entry.id} className="trash-row">
                  {entry.thumbFile ? (
                    <MediaThumb
                      className="trash-thumb fit"
                      file={entry.thumbFile}
                      thumbFile={entry.thumbFile}
                      alt=""
                    />
                  ) : (
                    <div className="trash-thumb trash-icon" aria-hidden>
                      <Icon size={20} />
                    </div>
                  )}
                  <div className="trash-text">
                    <div className="trash-label ellipsis">{entry.label}</div>
                    <div className="secondary">
                      {kind.word} ·{' '}
                      <time dateTime={entry.trashedAt} title={formatDateTime(entry.trashedAt)}>
                        deleted {relativeTime(entry.trashedAt)}
                      </time>
                    </div>
                    {!entry.restorable && entry.blockedBy && (
                      <div className="secondary amber-text">{entry.blockedBy}</div>
                    )}
                  </div>
                  <button
                    onClick={() => void restore(entry.id, entry.label)}
                    disabled={!entry.restorable || readOnly}
                    aria-label={`Restore ${entry.label}`}
                    title={
                      entry.restorable
                        ? 'Put it back where it was'
                        : (entry.blockedBy ?? 'Cannot be restored yet')
                    }
                  >
                    <RotateCcw size={14} aria-hidden /> Restore
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title="Empty the trash?"
        confirmLabel="Empty trash"
        tone="danger"
        onConfirm={() => void empty()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {summary
            ? `${summary} will be deleted for good.`
            : 'Everything in the trash will be deleted for good.'}{' '}
          This is the one thing in the app that cannot be undone.
        </p>
        <p>Results you keep are not affected.</p>
      </ConfirmDialog>
    </div>
  );
}
