import { useEffect, type ReactNode } from 'react';
import { Clock, Flag, Star, Trash2 } from 'lucide-react';
import type { ResultFilter } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { useNavigation } from '../../app/navigation';
import { resetUndoFor, useUndoShortcut } from '../../ui/undo';
import { useCommands } from '../../app/commands';
import { resetReviewViews } from '../compare/review-store';
import { openGallery, resetGalleryFor, useGallery, type SavedFilterId } from './gallery-store';
import { useFacets, useProjectPath, useTrash, useWorkspaceLive } from './workspace-data';
import './results.css';

const REFRESH_EVERY_MS = 5000;

/** How far apart two results may be and still belong to the same run of generating. */
const RUN_GAP_MS = 30 * 60 * 1000;

/**
 * "Last run": the newest results made in one sitting: walking back from the newest, until two results
 * are more than half an hour apart. Cuts made since count too.
 */
async function lastRunFilter(): Promise<ResultFilter> {
  const page = await getBridge().results.query({
    filter: { source: 'generated' },
    sort: 'newest',
    offset: 0,
    limit: 1000,
  });
  const first = page.items[0];
  if (!first) return { source: 'generated' };
  let from = first.createdAt;
  for (let i = 1; i < page.items.length; i++) {
    const newer = page.items[i - 1];
    const older = page.items[i];
    if (!newer || !older || Date.parse(newer.createdAt) - Date.parse(older.createdAt) > RUN_GAP_MS) break;
    from = older.createdAt;
  }
  return { from };
}

/**
 * Keeps the workspace live for as long as it is open: refetches on 'project.changed', Ctrl/Cmd+Z, and a
 * fresh gallery and undo stack per project. Rendered once, by the navigator.
 */
export function WorkspaceKeeper() {
  const project = useProjectPath();
  useWorkspaceLive(project);
  useUndoShortcut();
  useEffect(() => {
    resetGalleryFor(project);
    resetReviewViews();
    resetUndoFor(project);
  }, [project]);
  // Back in the window: pick up results another program or a sync client added, moved or deleted
  // ('project.changed' follows when something did). At most every few seconds.
  useEffect(() => {
    if (!project) return;
    let last = 0;
    const onFocus = () => {
      if (Date.now() - last < REFRESH_EVERY_MS) return;
      last = Date.now();
      getBridge()
        .results.refresh({})
        .catch(() => undefined);
    };
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [project]);
  return null;
}

const SAVED: { id: SavedFilterId; label: string; icon: typeof Star; filter?: ResultFilter }[] = [
  { id: 'picks', label: 'Picks', icon: Flag, filter: { flags: ['pick'] } },
  { id: 'rated4', label: 'Rated 4+', icon: Star, filter: { minRating: 4 } },
  { id: 'lastRun', label: 'Last run', icon: Clock },
];

/** The saved filters under Results in the navigator. */
export function SavedFilterItems() {
  const { section, go } = useNavigation();
  const gallery = useGallery();
  const project = useProjectPath();
  const facets = useFacets(project);
  const counts: Partial<Record<SavedFilterId, number>> = facets.data
    ? { picks: facets.data.flags.pick, rated4: (facets.data.ratings[4] ?? 0) + (facets.data.ratings[5] ?? 0) }
    : {};
  const open = async (id: SavedFilterId, filter?: ResultFilter) => {
    openGallery(filter ?? (await lastRunFilter()), id);
    go('results');
  };
  const command = (id: SavedFilterId) => () => void open(id, SAVED.find((s) => s.id === id)?.filter);
  useCommands({
    'go.picks': command('picks'),
    'go.rated4': command('rated4'),
    'go.lastRun': command('lastRun'),
  });
  return (
    <>
      {SAVED.map(({ id, label, icon: Icon, filter }) => (
        <button
          key={id}
          className="nav-item nav-sub"
          aria-current={section === 'results' && gallery.saved === id ? 'page' : undefined}
          onClick={() => void open(id, filter)}
          title={id === 'lastRun' ? 'Results from your most recent run of generating' : `Results: ${label}`}
        >
          <Icon size={14} aria-hidden />
          <span>{label}</span>
          {counts[id] !== undefined && counts[id] > 0 && (
            <span className="count tabular">{counts[id].toLocaleString()}</span>
          )}
        </button>
      ))}
    </>
  );
}

/** Trash in the navigator, with how many entries wait there. */
export function TrashNavItem() {
  const { section, go } = useNavigation();
  const project = useProjectPath();
  const trash = useTrash(project);
  const count = trash.data?.entries.length ?? 0;
  return (
    <button
      className="nav-item"
      aria-current={section === 'trash' ? 'page' : undefined}
      onClick={() => go('trash')}
      title="Trash"
    >
      <Trash2 size={16} aria-hidden />
      <span>Trash</span>
      {count > 0 && <span className="count tabular">{count}</span>}
    </button>
  );
}

/** Results in the navigator: all results (leaving a saved filter), with the total. */
export function ResultsNavItem(props: { icon: ReactNode }) {
  const { section, go } = useNavigation();
  const gallery = useGallery();
  const project = useProjectPath();
  const facets = useFacets(project);
  const total = facets.data?.total;
  return (
    <button
      className="nav-item"
      aria-current={section === 'results' && gallery.saved === null ? 'page' : undefined}
      onClick={() => {
        if (gallery.saved !== null) openGallery({});
        go('results');
      }}
      title="Results"
    >
      {props.icon}
      <span>Results</span>
      {total !== undefined && total > 0 && <span className="count tabular">{total.toLocaleString()}</span>}
    </button>
  );
}
