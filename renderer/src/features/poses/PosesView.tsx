import { useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Library, PersonStanding, Plus } from 'lucide-react';
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
import './poses.css';
import { isComposing } from '../../ui/keyboard';
import { useIntent } from '../../app/commands';

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
  const [selectedId, setSelectedId] = useState<string | null>(null);
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
  const list = libraries.data?.libraries ?? [];
  const selected = list.find((l) => l.id === selectedId) ?? list[0];
  const readOnly = props.project.readOnly;

  const create = async (name: string, thenImport: boolean) => {
    try {
      const library = await getBridge().poses.createLibrary({ name });
      await client.invalidateQueries({ queryKey: wsKeys.poses(project) });
      setSelectedId(library.id);
      if (thenImport) setImportInto(library.id);
    } catch (error) {
      toasts.show({
        message: 'Could not make the library',
        detail: asAppError(error).message,
        tone: 'error',
      });
    }
  };

  // "Import poses…" from the command palette: into the library shown, or a new one when there is none.
  useIntent(
    'poses.import',
    () => {
      if (selected) setImportInto(selected.id);
      else void create(freshName(list), true);
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
      <EmptyState
        icon={<PersonStanding size={24} />}
        title="No poses yet"
        action={
          <button className="primary" onClick={() => void create(freshName(list), true)} disabled={readOnly}>
            Import poses
          </button>
        }
      >
        Pose sheets (several figures on one image, such as OpenPose skeletons) and single poses live in pose
        libraries. Import a few images or a whole folder.
      </EmptyState>
    );
  }

  return (
    <div className="split-view">
      <nav className="list-pane" aria-label="Pose libraries">
        <div className="list-pane-header">
          <h1 className="toolbar-title">Pose libraries</h1>
          <span className="secondary tabular">{list.length}</span>
          <div className="spacer" />
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
      </nav>
      {selected && (
        <LibraryPane
          key={selected.id}
          library={selected}
          project={project}
          readOnly={readOnly}
          startImport={importInto === selected.id}
          onImportStarted={() => setImportInto(null)}
          onTrashed={() => setSelectedId(null)}
        />
      )}
    </div>
  );
}
