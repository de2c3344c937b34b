import { useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Bone, Library, PersonStanding, Plus, Shapes } from 'lucide-react';
import type { ProjectSummary } from '../../../../src/domain';
import type { PoseLibraryView } from '../../../../src/contract/calls/workspace';
import { asAppError, getBridge } from '../../bridge/bridge';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { MediaThumb } from '../../ui/MediaThumb';
import { useToasts } from '../../ui/Toasts';
import { plural } from '../../ui/format';
import { usePoseLibraries, wsKeys } from '../results/workspace-data';
import { LibraryPane } from './LibraryPane';
import { ImportSources, useNativeDialogs } from '../../ui/ImportSources';
import { useFileDrop, type DroppedSources } from '../../ui/image-sources';
import './poses.css';
import { isComposing } from '../../ui/keyboard';
import { useCommands, useIntent } from '../../app/commands';
import { SheetComposer } from '../skeleton/SheetComposer';
import { select, useSelection } from '../../app/selection';
import { CopyFromProjectButton, CopyFromProjectDialog } from '../transfer/CopyFromProjectDialog';

/** A name for a new library that is not taken yet: "Poses", "Poses 2", ... */
function freshName(libraries: readonly PoseLibraryView[], base = 'Poses'): string {
  const taken = new Set(libraries.map((l) => l.name.toLowerCase()));
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} ${n}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** Pose libraries: several per project, on the left; the selected one's poses, import and details beside. */
export function PosesView(props: { project: ProjectSummary }) {
  const project = props.project.path;
  const libraries = usePoseLibraries(project);
  const client = useQueryClient();
  const toasts = useToasts();
  // Shared with the navigator, which lists the libraries and opens one here.
  const selectedId = useSelection().libraryId;
  const setSelectedId = (id: string | null) => select({ libraryId: id });
  const [naming, setNaming] = useState<string | null>(null);
  const namingDone = useRef(false);
  const startNaming = (name: string) => {
    namingDone.current = false;
    setNaming(name);
  };
  /** Enter and leaving the field both finish naming; whichever comes first makes the library once. */
  const finishNaming = (name: string | null) => {
    if (namingDone.current) return;
    namingDone.current = true;
    if (name?.trim()) void create(name.trim(), false);
    setNaming(null);
  };
  /** Set after "Import poses" made a library: the new library opens its import at once. */
  const [importInto, setImportInto] = useState<string | null>(null);
  /** The images of the very first import, chosen before any library existed. */
  const [firstSources, setFirstSources] = useState<DroppedSources | null>(null);
  const native = useNativeDialogs();
  const list = libraries.data?.libraries ?? [];
  const selected = list.find((l) => l.id === selectedId) ?? list[0];
  const readOnly = props.project.readOnly;
  const [copying, setCopying] = useState(false);
  const [composing, setComposing] = useState(false);
  const [addingStarter, setAddingStarter] = useState(false);
  useCommands({ 'poses.compose': libraries.data && !readOnly ? () => setComposing(true) : undefined });
  const composer = composing && (
    <SheetComposer
      project={project}
      libraries={list}
      libraryId={selected?.id ?? null}
      readOnly={readOnly}
      onClose={() => setComposing(false)}
    />
  );
  /** The starter pose library (keypoint data in the app's source) as a new library. */
  const addStarter = async () => {
    setAddingStarter(true);
    try {
      const report = await getBridge().poses.addStarter({ newLibraryName: freshName(list, 'Starter poses') });
      await client.invalidateQueries({ queryKey: wsKeys.poses(project) });
      if (report.imported.length === 0) {
        // Every starter pose is in a library already: nothing was made.
        toasts.show({
          message: 'The starter poses are already in this project',
          detail: report.failed[0]?.reason,
          tone: report.failed.length > 0 ? 'warn' : 'info',
          durationMs: 4000,
        });
        return;
      }
      setSelectedId(report.libraryId);
      toasts.show({
        message: `Added ${plural(report.imported.length, 'starter pose')}`,
        detail: 'Skeletons you can edit and compose into sheets.',
        tone: 'success',
        durationMs: 4000,
      });
    } catch (error) {
      toasts.show({
        message: 'Could not add the starter poses',
        detail: asAppError(error).message,
        tone: 'error',
      });
    } finally {
      setAddingStarter(false);
    }
  };
  const starterButton = (
    <button onClick={() => void addStarter()} disabled={readOnly || addingStarter}>
      <Bone size={14} aria-hidden /> Add starter poses
    </button>
  );
  const copyDialog = (
    <CopyFromProjectDialog open={copying} onClose={() => setCopying(false)} currentPath={project} />
  );

  const create = async (name: string, thenImport: boolean, sources: DroppedSources | null = null) => {
    try {
      const library = await getBridge().poses.createLibrary({ name });
      await client.invalidateQueries({ queryKey: wsKeys.poses(project) });
      setSelectedId(library.id);
      setFirstSources(sources);
      if (thenImport) setImportInto(library.id);
    } catch (error) {
      toasts.show({
        message: 'Could not make the library',
        detail: asAppError(error).message,
        tone: 'error',
      });
    }
  };

  // One step: the images are chosen first; the first library ("Poses", renamed in place) is made only when
  // there is something to put in it, and the import starts in it at once.
  const importFirst = (dropped: DroppedSources) => {
    if (dropped.sources.length === 0 && dropped.refused.length === 0) return;
    void create(freshName(list), true, dropped);
  };
  const pickFirst = async () => {
    const picked = await getBridge().dialogs.pickFiles({ title: 'Import poses', images: true });
    if (picked.paths.length > 0)
      importFirst({ sources: picked.paths.map((p) => ({ path: p })), refused: [] });
  };

  // "Import poses…" from the command palette: into the library shown; with none yet, the first import.
  useIntent(
    'poses.import',
    () => {
      if (selected) setImportInto(selected.id);
      else if (native) void pickFirst();
      else document.querySelector<HTMLInputElement>('.first-import .path-import input')?.focus();
    },
    !!libraries.data && !readOnly,
  );

  if (libraries.error) {
    return (
      <div style={{ padding: 16 }}>
        <ErrorNotice error={libraries.error} onAction={() => void libraries.refetch()} />
      </div>
    );
  }
  if (!libraries.data) return <div className="empty" aria-busy="true" />;
  if (list.length === 0) {
    return (
      <FirstImportDrop onDrop={importFirst} disabled={readOnly}>
        <EmptyState
          icon={<PersonStanding size={24} />}
          title="No poses yet"
          action={
            <div className="stack" style={{ alignItems: 'center' }}>
              {native ? (
                <button className="primary" onClick={() => void pickFirst()} disabled={readOnly}>
                  Import poses…
                </button>
              ) : (
                <ImportSources
                  onSources={(sources) => importFirst({ sources, refused: [] })}
                  disabled={readOnly}
                  verb="Import poses"
                  primary
                  compact
                />
              )}
              {starterButton}
              <button onClick={() => setCopying(true)} disabled={readOnly}>
                Copy libraries from another project…
              </button>
            </div>
          }
        >
          Pose sheets (several figures on one image, such as OpenPose skeletons) and single poses live in pose
          libraries. Import a few images or a whole folder{native ? '' : ' (type its path)'}, or drop them
          here.
        </EmptyState>
        {copyDialog}
      </FirstImportDrop>
    );
  }

  return (
    <div className="split-view">
      <nav className="list-pane" aria-label="Pose libraries">
        <div className="list-pane-header">
          <h1 className="toolbar-title">Pose libraries</h1>
          <span className="secondary tabular">{list.length}</span>
          <div className="spacer" />
          <CopyFromProjectButton readOnly={readOnly} onOpen={() => setCopying(true)} />
          <button
            className="ghost icon"
            onClick={() => startNaming(freshName(list))}
            aria-label="New pose library"
            title="New pose library"
            disabled={readOnly}
          >
            <Plus size={16} />
          </button>
        </div>
        <ul className="entity-list">
          {list.map((library) => {
            const first = library.poses[0];
            return (
              <li key={library.id}>
                <button
                  className="entity-item"
                  aria-current={selected?.id === library.id ? 'true' : undefined}
                  onClick={() => setSelectedId(library.id)}
                >
                  {first ? (
                    <MediaThumb
                      className="avatar square fit"
                      file={first.image.file}
                      thumbFile={first.image.thumbFile}
                      alt=""
                    />
                  ) : (
                    <div className="avatar square avatar-initial" aria-hidden>
                      <Library size={16} />
                    </div>
                  )}
                  <span className="entity-text">
                    <span className="entity-name ellipsis">{library.name}</span>
                    <span className="secondary">{plural(library.poses.length, 'pose')}</span>
                  </span>
                </button>
              </li>
            );
          })}
          {naming !== null && (
            <li>
              <form
                className="entity-new"
                onSubmit={(e) => {
                  e.preventDefault();
                  finishNaming(naming);
                }}
              >
                <label className="visually-hidden" htmlFor="new-library-name">
                  Name of the new library
                </label>
                <input
                  id="new-library-name"
                  autoFocus
                  value={naming}
                  maxLength={200}
                  onChange={(e) => setNaming(e.target.value)}
                  onFocus={(e) => e.target.select()}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape' && !isComposing(e)) {
                      e.preventDefault();
                      finishNaming(null);
                    }
                  }}
                  onBlur={() => finishNaming(naming)}
                />
              </form>
            </li>
          )}
        </ul>
        <div className="list-pane-footer">
          <button onClick={() => setComposing(true)} disabled={readOnly}>
            <Shapes size={14} aria-hidden /> Compose a sheet…
          </button>
          {starterButton}
        </div>
      </nav>
      {selected && (
        <LibraryPane
          key={selected.id}
          library={selected}
          project={project}
          readOnly={readOnly}
          startImport={importInto === selected.id}
          firstSources={importInto === selected.id ? firstSources : null}
          onImportStarted={() => setImportInto(null)}
          onTrashed={() => setSelectedId(null)}
        />
      )}
      {copyDialog}
      {composer}
    </div>
  );
}

/** Images dropped anywhere on the empty Poses screen start the first import. */
function FirstImportDrop(props: {
  onDrop(dropped: DroppedSources): void;
  disabled: boolean;
  children: ReactNode;
}) {
  const drop = useFileDrop(props.onDrop, !props.disabled);
  return (
    <div className={`first-import${drop.over ? ' drop-over' : ''}`} {...drop.props}>
      {props.children}
    </div>
  );
}
