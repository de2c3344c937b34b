import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { PanelRightClose, PanelRightOpen, PersonStanding, Trash2 } from 'lucide-react';
import type { ImageSource, PoseLibraryView, PoseView } from '../../../../src/contract/calls/workspace';
import { asAppError, getBridge } from '../../bridge/bridge';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ImportReport, ImportSources, TaskProgressRow, useNativeDialogs } from '../../ui/ImportSources';
import { MediaThumb } from '../../ui/MediaThumb';
import { useFileDrop, type DroppedSources } from '../../ui/image-sources';
import { isComposing, isMac } from '../../ui/keyboard';
import { NOT_MINE, useKeyMap } from '../../ui/key-map';
import { useImageImport } from '../../ui/use-image-import';
import { useTask } from '../../ui/use-task';
import { useToasts } from '../../ui/Toasts';
import { plural } from '../../ui/format';
import { wsKeys } from '../results/workspace-data';
import { useMoveToTrash } from '../trash/trash-actions';
import { PoseDetails } from './PoseDetails';
import { InspectorPane } from '../../app/InspectorPane';
import { select } from '../../app/selection';
import { usePaneLayout } from '../../app/layout';
import { OverflowToolbar } from '../../ui/OverflowToolbar';
import { CopiedFromNote } from '../transfer/CopiedFromNote';

export const kindText = (pose: PoseView): string =>
  pose.kind === 'sheet' ? `Sheet · ${plural(pose.figures.length, 'figure')}` : 'Single pose';

/**
 * One pose library: its name (renamed in place), import by dialog, path or drop with a progress bar,
 * Cancel and a per-file report, and its poses as a thumbnail grid with their kind, figures and tags.
 */
export function LibraryPane(props: {
  library: PoseLibraryView;
  project: string;
  readOnly: boolean;
  startImport: boolean;
  /** Images chosen before the library existed (the first "Import poses"): imported as soon as it opens. */
  firstSources?: DroppedSources | null;
  onImportStarted(): void;
  onTrashed(): void;
}) {
  const { library, project, readOnly } = props;
  const client = useQueryClient();
  const toasts = useToasts();
  const native = useNativeDialogs();
  const moveToTrash = useMoveToTrash();
  const task = useTask();
  const pathRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(library.name);
  const imports = useImageImport('pose', task);
  const { outcome, setOutcome, error } = imports;
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState(-1);
  const poses = library.poses;
  const selectedPoses = poses.filter((p) => selected.has(p.id));
  // One pose chosen: it is the pose Generate takes ("from where you are").
  const singlePoseId = selectedPoses.length === 1 ? (selectedPoses[0]?.id ?? null) : null;
  useEffect(() => {
    if (singlePoseId) select({ poseId: singlePoseId });
  }, [singlePoseId]);
  const layout = usePaneLayout();

  const runImport = (sources: ImageSource[], refused: { file: string; reason: string }[] = []) =>
    imports.run(sources, refused, {
      call: (taskId) => getBridge().poses.import({ libraryId: library.id, sources, taskId }),
      added: (report) => report.imported.length,
      done: async (report) => {
        await client.invalidateQueries({ queryKey: wsKeys.poses(project) });
        if (report.imported.length > 0 && !report.cancelled) {
          const sheets = report.imported.filter((p) => p.kind === 'sheet').length;
          toasts.show({
            message: `Imported ${plural(report.imported.length, 'pose')} into ${library.name}`,
            detail: sheets > 0 ? `${plural(sheets, 'sheet')} with several figures` : undefined,
            tone: report.failed.length > 0 ? 'warn' : 'success',
            durationMs: 4000,
          });
        }
      },
      failed: () => client.invalidateQueries({ queryKey: wsKeys.poses(project) }),
    });

  const openImport = async () => {
    if (native) {
      const picked = await getBridge().dialogs.pickFiles({
        title: `Import poses into ${library.name}`,
        images: true,
      });
      if (picked.paths.length > 0) void runImport(picked.paths.map((p) => ({ path: p })));
    } else {
      pathRef.current?.focus();
    }
  };

  const { startImport, onImportStarted, firstSources } = props;
  useEffect(() => {
    if (!startImport) return;
    onImportStarted();
    if (firstSources) void runImport(firstSources.sources, firstSources.refused);
    else if (native) {
      void getBridge()
        .dialogs.pickFiles({ title: 'Import poses', images: true })
        .then((picked) => {
          if (picked.paths.length > 0) void runImport(picked.paths.map((p) => ({ path: p })));
        });
    } else pathRef.current?.focus();
    // runImport is recreated each render; this runs once, when the library was just made for an import.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [startImport, onImportStarted, native, firstSources]);

  const drop = useFileDrop(
    (dropped) => void runImport(dropped.sources, dropped.refused),
    !readOnly && !task.running,
  );

  const rename = async () => {
    const next = name.trim();
    if (!next) {
      setName(library.name);
      return;
    }
    if (next === library.name) return;
    try {
      await getBridge().poses.updateLibrary({ id: library.id, name: next });
      await client.invalidateQueries({ queryKey: wsKeys.poses(project) });
    } catch (e) {
      setName(library.name);
      toasts.show({ message: 'Could not rename the library', detail: asAppError(e).message, tone: 'error' });
    }
  };

  const trashPoses = (ids: string[]) => {
    if (ids.length === 0 || readOnly) return;
    void moveToTrash(`Moved ${plural(ids.length, 'pose')} to the trash`, () =>
      getBridge().poses.trash({ poseIds: ids }),
    ).then((trashId) => {
      if (trashId) setSelected(new Set());
    });
  };
  const trashLibrary = () =>
    void moveToTrash(`Moved the library ${library.name} to the trash`, () =>
      getBridge().poses.trashLibrary({ id: library.id }),
    ).then((trashId) => {
      if (trashId) props.onTrashed();
    });

  const click = (index: number, pose: PoseView, event: MouseEvent) => {
    const toggle = isMac ? event.metaKey : event.ctrlKey;
    if (event.shiftKey && anchor >= 0) {
      const [a, b] = anchor < index ? [anchor, index] : [index, anchor];
      setSelected(new Set(poses.slice(a, b + 1).map((p) => p.id)));
      return;
    }
    setAnchor(index);
    if (toggle) {
      const next = new Set(selected);
      if (next.has(pose.id)) next.delete(pose.id);
      else next.add(pose.id);
      setSelected(next);
    } else setSelected(new Set([pose.id]));
  };

  useKeyMap(
    {
      Delete: () => trashPoses([...selected]),
      Backspace: () => trashPoses([...selected]),
      'Mod+A': () => setSelected(new Set(poses.map((p) => p.id))),
      Escape: () => (selected.size > 0 ? setSelected(new Set()) : NOT_MINE),
    },
    poses.length > 0,
  );

  return (
    <div
      className={`library-pane${selectedPoses.length > 0 && layout.inspectorShown ? ' with-details' : ''}`}
    >
      <section
        className={`library-main${drop.over ? ' drop-over' : ''}`}
        aria-label={`Pose library ${library.name}`}
        {...drop.props}
      >
        <header className="library-header">
          <OverflowToolbar
            className="library-toolbar"
            label="Library toolbar"
            start={[
              {
                id: 'name',
                pinned: true,
                basis: 140,
                className: 'shrink',
                node: (
                  <>
                    <label className="visually-hidden" htmlFor="library-name">
                      Library name
                    </label>
                    <input
                      id="library-name"
                      className="title-input"
                      value={name}
                      maxLength={200}
                      disabled={readOnly}
                      onChange={(e) => setName(e.target.value)}
                      onBlur={() => void rename()}
                      onKeyDown={(e) => {
                        if (isComposing(e)) return;
                        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
                        if (e.key === 'Escape') {
                          setName(library.name);
                          (e.target as HTMLInputElement).blur();
                        }
                      }}
                    />
                  </>
                ),
              },
              {
                id: 'count',
                pinned: true,
                node: <span className="secondary tabular">{plural(poses.length, 'pose')}</span>,
              },
            ]}
            end={[
              {
                id: 'trash',
                priority: 1,
                node: (
                  <button className="danger" onClick={trashLibrary} disabled={readOnly || task.running}>
                    <Trash2 size={14} aria-hidden /> Move library to trash
                  </button>
                ),
                menu: [
                  {
                    id: 'trash',
                    label: 'Move library to trash',
                    icon: <Trash2 size={14} />,
                    disabled: readOnly || task.running,
                    onSelect: trashLibrary,
                  },
                ],
              },
              ...(selectedPoses.length > 0
                ? [
                    {
                      id: 'inspector',
                      priority: 2,
                      node: (
                        <button
                          className="ghost icon"
                          onClick={layout.toggleInspector}
                          aria-pressed={layout.inspectorShown}
                          aria-label={
                            layout.inspectorShown ? 'Hide the pose details' : 'Show the pose details'
                          }
                          title="Pose details"
                        >
                          {layout.inspectorShown ? (
                            <PanelRightClose size={16} />
                          ) : (
                            <PanelRightOpen size={16} />
                          )}
                        </button>
                      ),
                      menu: [
                        {
                          id: 'inspector',
                          label: 'Pose details',
                          kind: 'checkbox' as const,
                          checked: layout.inspectorShown,
                          onSelect: layout.toggleInspector,
                        },
                      ],
                    },
                  ]
                : []),
            ]}
          />
          {task.running ? (
            <TaskProgressRow
              label="Importing"
              progress={task.progress}
              cancelling={task.cancelling}
              onCancel={task.cancel}
            />
          ) : (
            <ImportSources onSources={(s) => void runImport(s)} disabled={readOnly} pathRef={pathRef} />
          )}
          <CopiedFromNote copiedFrom={library.copiedFrom} />
          {error && <ErrorNotice error={error} />}
          {outcome && <ImportReport outcome={outcome} onClose={() => setOutcome(null)} />}
        </header>
        <div className="library-body">
          {poses.length === 0 ? (
            <EmptyState
              icon={<PersonStanding size={24} />}
              title="Import poses"
              action={
                <button
                  className="primary"
                  onClick={() => void openImport()}
                  disabled={readOnly || task.running}
                >
                  Import poses
                </button>
              }
            >
              Add pose sheets or single poses:{' '}
              {native ? 'pick files or a folder' : 'type the path of a file or a folder above'}, or drop
              images here.
            </EmptyState>
          ) : (
            <ul className="pose-grid" aria-label="Poses" aria-multiselectable role="listbox">
              {poses.map((pose, index) => (
                <li
                  key={pose.id}
                  role="option"
                  aria-selected={selected.has(pose.id)}
                  className={`pose-tile${selected.has(pose.id) ? ' selected' : ''}`}
                  onClick={(e) => click(index, pose, e)}
                  title={`${pose.name}: ${kindText(pose)}`}
                >
                  <MediaThumb
                    className="pose-tile-thumb fit"
                    file={pose.image.file}
                    thumbFile={pose.image.thumbFile}
                    alt={pose.name}
                  />
                  <div className="pose-tile-text">
                    <span className="pose-tile-name ellipsis">{pose.name}</span>
                    <span className={`kind-badge ${pose.kind}`}>{kindText(pose)}</span>
                  </div>
                  {pose.tags.length > 0 && (
                    <div className="pose-tile-tags ellipsis secondary">{pose.tags.join(', ')}</div>
                  )}
                  {/* A pointer shortcut, not a control (an option holds none): the keyboard's way is
                      Delete, the named one "Move to trash" in the pose details. */}
                  {!readOnly && (
                    <span
                      className="pose-tile-trash"
                      aria-hidden
                      title="Move to the trash (Delete)"
                      onClick={(e) => {
                        e.stopPropagation();
                        trashPoses([pose.id]);
                      }}
                    >
                      <Trash2 size={14} />
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
        {drop.over && (
          <div className="drop-overlay">Drop images or folders to import them into {library.name}</div>
        )}
      </section>
      {selectedPoses.length > 0 && (
        <InspectorPane label="Pose details" className="pose-inspector">
          <PoseDetails
            key={selectedPoses.length === 1 ? selectedPoses[0]?.id : 'many'}
            poses={selectedPoses}
            project={project}
            readOnly={readOnly}
            onTrash={() => trashPoses(selectedPoses.map((p) => p.id))}
          />
        </InspectorPane>
      )}
    </div>
  );
}
