import { Library } from 'lucide-react';
import type { CharacterView } from '../../../src/contract/calls/workspace';
import { MediaThumb } from '../ui/MediaThumb';
import { useCharacters, usePoseLibraries, useProjectPath } from '../features/results/workspace-data';
import { COLOR_LABELS } from '../features/characters/color-labels';
import { useNavigation } from './navigation';
import { select, useSelection } from './selection';
import './navigator.css';

/** How many entries a heading lists before "All n…" takes over (the view itself lists every one). */
const MAX_LISTED = 12;

/** A character's face at navigator size: its first reference image, or its initial. */
function NavFace(props: { character: CharacterView }) {
  const ref = props.character.referenceImages[0];
  if (ref) return <MediaThumb className="nav-face fit" file={ref.file} thumbFile={ref.thumbFile} alt="" />;
  return (
    <span className="nav-face nav-face-initial" aria-hidden>
      {props.character.name.slice(0, 1).toUpperCase()}
    </span>
  );
}

/** Under "Characters": each character with its reference thumbnail and colour label; one click opens it. */
export function CharacterNavItems() {
  const { section, go } = useNavigation();
  const project = useProjectPath();
  const characters = useCharacters(project);
  const selectedId = useSelection().characterId;
  const list = characters.data?.characters ?? [];
  if (list.length === 0) return null;
  return (
    <ul className="nav-entities" aria-label="Characters">
      {list.slice(0, MAX_LISTED).map((c) => {
        const label = COLOR_LABELS[c.colorLabel];
        return (
          <li key={c.id}>
            <button
              type="button"
              className="nav-item nav-sub nav-entity"
              aria-current={section === 'characters' && selectedId === c.id ? 'page' : undefined}
              onClick={() => {
                select({ characterId: c.id });
                go('characters');
              }}
              title={c.colorLabel === 'none' ? c.name : `${c.name} (${label.name} label)`}
            >
              <NavFace character={c} />
              <span className="ellipsis">{c.name}</span>
              {c.colorLabel !== 'none' && (
                <span className="color-dot nav-color" style={{ background: label.color }}>
                  <span className="visually-hidden">{label.name} label</span>
                </span>
              )}
            </button>
          </li>
        );
      })}
      {list.length > MAX_LISTED && (
        <li>
          <button type="button" className="nav-item nav-sub nav-entity" onClick={() => go('characters')}>
            <span className="secondary">All {list.length} characters…</span>
          </button>
        </li>
      )}
    </ul>
  );
}

/** Under "Poses": each pose library with how many poses it holds; one click opens it. */
export function PoseLibraryNavItems() {
  const { section, go } = useNavigation();
  const project = useProjectPath();
  const libraries = usePoseLibraries(project);
  const selectedId = useSelection().libraryId;
  const list = libraries.data?.libraries ?? [];
  if (list.length === 0) return null;
  return (
    <ul className="nav-entities" aria-label="Pose libraries">
      {list.slice(0, MAX_LISTED).map((library) => (
        <li key={library.id}>
          <button
            type="button"
            className="nav-item nav-sub nav-entity"
            aria-current={section === 'poses' && selectedId === library.id ? 'page' : undefined}
            onClick={() => {
              select({ libraryId: library.id });
              go('poses');
            }}
            title={`${library.name}: ${library.poses.length} pose${library.poses.length === 1 ? '' : 's'}`}
          >
            <Library size={14} aria-hidden />
            <span className="ellipsis">{library.name}</span>
            <span className="count tabular">{library.poses.length}</span>
          </button>
        </li>
      ))}
      {list.length > MAX_LISTED && (
        <li>
          <button type="button" className="nav-item nav-sub nav-entity" onClick={() => go('poses')}>
            <span className="secondary">All {list.length} libraries…</span>
          </button>
        </li>
      )}
    </ul>
  );
}
