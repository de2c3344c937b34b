import { useEffect, type ReactNode } from 'react';
import { Clock, Flag, Star, Trash2 } from 'lucide-react';
import type { ResultFilter } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { useNavigation } from '../../app/navigation';
import { resetUndoFor, useUndoShortcut } from '../../ui/undo';
import { useCommands } from '../../app/commands';
import { resetReviewViews } from '../compare/review-store';
import { resetSelection } from '../../app/selection';
import { openGallery, resetGalleryFor, useGallery, type SavedFilterId } from './gallery-store';
import { useFacets, useProjectPath, useTrash, useWorkspaceLive } from './workspace-data';
import { lastRunFilter, lastRunStart } from './last-run';
import './results.css';

const REFRESH_EVERY_MS = 5000;

/**
 * "Last run": the results of the most recent run of jobs, those enqueued together (last-run.ts). Found
 * from the newest generated result's receipt (its job and when it was queued) and the queue's jobs.
 */
async function fetchLastRunFilter(): Promise<ResultFilter> {
  const bridge = getBridge();
  const page = await bridge.results.query({
    filter: { source: 'generated' },
    sort: 'newest',
    offset: 0,
    limit: 1,
  });
  const newest = page.items[0];
  if (!newest) return lastRunFilter(null);
  const [{ result }, jobs, project] = await Promise.all([
    bridge.results.get({ id: newest.id }),
    bridge.jobs.list({}).catch(() => ({ jobs: [] })),
    bridge.projects.current({}),
  ]);
  const receipt = result.receipt;
  const start = lastRunStart(
    { jobId: receipt.jobId, queuedAt: receipt.timings.queuedAt },
    jobs.jobs,
    project?.id ?? '',
  );
  return lastRunFilter(start);
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
    resetSelection();
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
    openGallery(filter ?? (await fetchLastRunFilter()), id);
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
          title={
            id === 'lastRun'
              ? 'The results of the jobs you queued together most recently'
              : `Results: ${label}`
          }
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
