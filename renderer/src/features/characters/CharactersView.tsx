import { useEffect, useState } from 'react';
import { Plus, UserRound } from 'lucide-react';
import type { ProjectSummary } from '../../../../src/domain';
import type { CharacterView } from '../../../../src/contract/calls/workspace';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { MediaThumb } from '../../ui/MediaThumb';
import { plural } from '../../ui/format';
import { useCharacters, useFacets } from '../results/workspace-data';
import { CharacterEditor } from './CharacterEditor';
import { NewCharacterForm } from './NewCharacterForm';
import { COLOR_LABELS } from './color-labels';
import './characters.css';
import { useIntent } from '../../app/commands';
import { select, useSelection } from '../../app/selection';
import { CopyFromProjectButton, CopyFromProjectDialog } from '../transfer/CopyFromProjectDialog';

/** A character's face in lists: the first reference image, or its initial on its colour. */
export function CharacterAvatar(props: { character: CharacterView; size?: number }) {
  const ref = props.character.referenceImages[0];
  const size = props.size ?? 36;
  if (ref) return <MediaThumb className="avatar fit" file={ref.file} thumbFile={ref.thumbFile} alt="" />;
  return (
    <div className="avatar avatar-initial" style={{ width: size, height: size }} aria-hidden>
      {props.character.name.slice(0, 1).toUpperCase()}
    </div>
  );
}

/** Characters: the list on the left (reference thumbnail, colour label, result count), the editor beside it. */
export function CharactersView(props: { project: ProjectSummary }) {
  const project = props.project.path;
  const characters = useCharacters(project);
  const facets = useFacets(project);
  // Shared with the navigator (which opens a character here) and Generate (which takes it).
  const selectedId = useSelection().characterId;
  const setSelectedId = (id: string | null) => select({ characterId: id });
  const [creating, setCreating] = useState(false);
  const list = characters.data?.characters ?? [];
  const selected = list.find((c) => c.id === selectedId) ?? (creating ? undefined : list[0]);
  const shownId = selected?.id ?? null;
  // The character shown is the selected one, also when it was chosen by default (the first).
  useEffect(() => {
    if (shownId && shownId !== selectedId) select({ characterId: shownId });
  }, [shownId, selectedId]);
  const resultCount = (id: string) => facets.data?.characters.find((c) => c.id === id)?.count ?? 0;
  const readOnly = props.project.readOnly;
  // "New character…" from the command palette.
  useIntent('characters.new', () => setCreating(true), !readOnly);
  const [copying, setCopying] = useState(false);
  const copyDialog = (
    <CopyFromProjectDialog open={copying} onClose={() => setCopying(false)} currentPath={project} />
  );

  if (characters.error) {
    return (
      <div style={{ padding: 16 }}>
        <ErrorNotice error={characters.error} onAction={() => void characters.refetch()} />
      </div>
    );
  }
  if (!characters.data) return <div className="empty" aria-busy="true" />;

  if (list.length === 0 && !creating) {
    return (
      <>
        <EmptyState
          icon={<UserRound size={24} />}
          title="No characters yet"
          action={
            <div className="row">
              <button className="primary" onClick={() => setCreating(true)} disabled={readOnly}>
                Describe your first character
              </button>
              <button onClick={() => setCopying(true)} disabled={readOnly}>
                Copy from another project…
              </button>
            </div>
          }
        >
          A character is a name, a description that goes into the prompt, style words and reference images.
          Describe one to start generating, or bring one from another project.
        </EmptyState>
        {copyDialog}
      </>
    );
  }

  return (
    <div className="split-view">
      <nav className="list-pane" aria-label="Characters">
        <div className="list-pane-header">
          <h1 className="toolbar-title">Characters</h1>
          <span className="secondary tabular">{list.length}</span>
          <div className="spacer" />
          <CopyFromProjectButton readOnly={readOnly} onOpen={() => setCopying(true)} />
          <button
            className="ghost icon"
            onClick={() => setCreating(true)}
            aria-label="New character"
            title="New character"
            disabled={readOnly}
          >
            <Plus size={16} />
          </button>
        </div>
        <ul className="entity-list">
          {list.map((c) => {
            const count = resultCount(c.id);
            const current = !creating && selected?.id === c.id;
            return (
              <li key={c.id}>
                <button
                  className="entity-item"
                  aria-current={current ? 'true' : undefined}
                  onClick={() => {
                    setCreating(false);
                    setSelectedId(c.id);
                  }}
                >
                  <CharacterAvatar character={c} />
                  <span className="entity-text">
                    <span className="entity-name ellipsis">{c.name}</span>
                    <span className="secondary ellipsis">
                      {plural(c.referenceImages.length, 'reference')} · {plural(count, 'result')}
                    </span>
                  </span>
                  {c.colorLabel !== 'none' && (
                    <span
                      className="color-dot"
                      style={{ background: COLOR_LABELS[c.colorLabel].color }}
                      title={`${COLOR_LABELS[c.colorLabel].name} label`}
                    >
                      <span className="visually-hidden">{COLOR_LABELS[c.colorLabel].name} label</span>
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
      <section
        className="detail-pane"
        aria-label={creating ? 'New character' : selected ? `Character ${selected.name}` : 'Character'}
      >
        {creating ? (
          <NewCharacterForm
            onCancel={list.length > 0 ? () => setCreating(false) : undefined}
            onCreated={(c) => {
              setCreating(false);
              setSelectedId(c.id);
            }}
          />
        ) : selected ? (
          <CharacterEditor
            key={selected.id}
            character={selected}
            project={project}
            readOnly={readOnly}
            resultCount={resultCount(selected.id)}
            onSelect={setSelectedId}
          />
        ) : null}
      </section>
      {copyDialog}
    </div>
  );
}
