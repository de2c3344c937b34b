import { useCallback, useEffect, useState, type MouseEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  Download,
  Grid2x2,
  Grid3x3,
  Images,
  LayoutGrid,
  PanelRightClose,
  PanelRightOpen,
  Search,
  SearchX,
  Square,
  X,
} from 'lucide-react';
import type { ProjectSummary } from '../../../../src/domain';
import type {
  ResultFilter,
  ResultPage,
  ResultSort,
  ResultSummary,
} from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { isMac } from '../../ui/keyboard';
import { useKeyMap } from '../../ui/key-map';
import { plural } from '../../ui/format';
import { useGeneratePanel } from '../generate/generate-context';
import { useMoveToTrash } from '../trash/trash-actions';
import { ExportDialog } from './ExportDialog';
import { FilterBar } from './FilterBar';
import { GalleryGrid, type GridLayout, type RevealRequest } from './GalleryGrid';
import { MultiInspector, ResultInspector } from './Inspector';
import { Loupe } from './Loupe';
import {
  THUMB_MAX,
  THUMB_MIN,
  isFiltered,
  setGallery,
  useGallery,
  type SavedFilterId,
} from './gallery-store';
import {
  PAGE_SIZE,
  fetchIds,
  queryString,
  useResultAt,
  useResultWindow,
  useReview,
  type ReviewChange,
} from './results-data';
import { useFacets, wsKeys } from './workspace-data';
import './results.css';

interface Selection {
  /** The filter and sort the selection belongs to: another filter starts with nothing selected. */
  query: string;
  ids: ReadonlySet<string>;
  /** The active result's index (arrow keys move it; the inspector and the loupe show it). -1: none. */
  cursor: number;
  /** Where a Shift range starts. */
  anchor: number;
}

const INSPECTOR_KEY = 'ccstudio.gallery.inspector';
const SAVED_LABEL: Record<SavedFilterId, string> = {
  picks: 'Picks',
  rated4: 'Rated 4+',
  lastRun: 'Last run',
};

/**
 * The results gallery: a virtualised grid that stays smooth at 10,000+ results, a loupe for one image,
 * filter chips, sort and thumbnail size, multi-select with the mouse and the keyboard, and the inspector
 * with the selected result's receipt on the right.
 */
export function ResultsView(props: { project: ProjectSummary }) {
  const project = props.project.path;
  const readOnly = props.project.readOnly;
  const gallery = useGallery();
  const { filter, sort, view, size } = gallery;
  const q = queryString(filter, sort);
  const client = useQueryClient();
  const panel = useGeneratePanel();
  const review = useReview(project);
  const moveToTrash = useMoveToTrash();
  const facets = useFacets(project);
  const head = useResultWindow(project, filter, sort, 0, 0);
  const total = head.total ?? 0;
  // Cells follow the shape of what is shown: wide for character sheets, tall for cut poses (median of the first page).
  const shapes: number[] = [];
  for (let i = 0; i < Math.min(total, 60); i++) {
    const item = head.itemAt(i);
    if (item) shapes.push(item.width / item.height);
  }
  shapes.sort((a, b) => a - b);
  const aspect = Math.min(1.5, Math.max(0.75, shapes[Math.floor(shapes.length / 2)] ?? 1));

  const [stored, setSelection] = useState<Selection>({ query: q, ids: new Set(), cursor: -1, anchor: -1 });
  const selection: Selection =
    stored.query === q ? stored : { query: q, ids: new Set(), cursor: -1, anchor: -1 };
  if (stored.query !== q) setSelection(selection); // another filter or sort starts with nothing selected
  const cursor = Math.min(selection.cursor, total - 1);
  const cursorItem = useResultAt(project, filter, sort, cursor);
  const [layout, setLayout] = useState<GridLayout>({ columns: 1 });
  const [reveal, setReveal] = useState<RevealRequest | null>(null);
  const [exportIds, setExportIds] = useState<string[] | null>(null);
  const [inspectorOpen, setInspectorOpen] = useState(() => localStorage.getItem(INSPECTOR_KEY) !== 'closed');
  const [search, setSearch] = useState(filter.text ?? '');
  const [searchFor, setSearchFor] = useState(filter.text ?? '');
  if ((filter.text ?? '') !== searchFor) {
    // The filter's text changed elsewhere (Clear filters, a saved filter): the field follows.
    setSearchFor(filter.text ?? '');
    setSearch(filter.text ?? '');
  }

  const setFilter = useCallback((next: ResultFilter) => setGallery({ filter: next, saved: null }), []);
  const setSort = (next: ResultSort) => setGallery({ sort: next });

  // Typing in the search field filters after a short pause.
  useEffect(() => {
    if (search === (filter.text ?? '')) return;
    const timer = window.setTimeout(() => {
      const next: ResultFilter = { ...filter };
      if (search.trim()) next.text = search.trim();
      else delete next.text;
      setSearchFor(next.text ?? '');
      setGallery({ filter: next, saved: null });
    }, 250);
    return () => window.clearTimeout(timer);
  }, [search, filter]);

  // "Show" links from elsewhere (a cut's sheet): select that result and bring it into view.
  const focusId = gallery.focusId;
  useEffect(() => {
    if (!focusId || head.total === null) return;
    let live = true;
    void fetchIds(client, project, filter, sort).then((ids) => {
      if (!live) return;
      const index = ids.indexOf(focusId);
      if (index >= 0) {
        setSelection({ query: q, ids: new Set([focusId]), cursor: index, anchor: index });
        setReveal({ index, token: Date.now() });
      }
      setGallery({ focusId: null });
    });
    return () => {
      live = false;
    };
  }, [focusId, head.total, client, project, filter, sort, q]);

  const targets = (): string[] => {
    if (selection.ids.size > 0) return [...selection.ids];
    return cursorItem ? [cursorItem.id] : [];
  };

  /** The result at `index` if its page is in the cache (it is, for anything on screen or near it). */
  const cachedAt = (index: number): ResultSummary | undefined =>
    client.getQueryData<ResultPage>(wsKeys.resultPage(project, q, Math.floor(index / PAGE_SIZE)))?.items[
      index % PAGE_SIZE
    ];

  const moveTo = async (index: number, extend: boolean) => {
    if (total === 0) return;
    const next = Math.max(0, Math.min(total - 1, index));
    setReveal({ index: next, token: Date.now() });
    if (extend && selection.anchor >= 0) {
      const ids = await fetchIds(client, project, filter, sort);
      const [a, b] = selection.anchor < next ? [selection.anchor, next] : [next, selection.anchor];
      setSelection({ query: q, ids: new Set(ids.slice(a, b + 1)), cursor: next, anchor: selection.anchor });
      return;
    }
    // Plain moves are synchronous when the page is cached, so "→ 2" rates the next result, not this one.
    const id = cachedAt(next)?.id ?? (await fetchIds(client, project, filter, sort))[next];
    if (id) setSelection({ query: q, ids: new Set([id]), cursor: next, anchor: next });
  };
  const step = (delta: number, extend = false) => void moveTo(cursor < 0 ? 0 : cursor + delta, extend);
  const vertical = view === 'grid' ? layout.columns : 1;

  const onCellClick = (index: number, item: ResultSummary | undefined, event: MouseEvent) => {
    const toggle = isMac ? event.metaKey : event.ctrlKey;
    if (event.shiftKey && selection.anchor >= 0) {
      void fetchIds(client, project, filter, sort).then((ids) => {
        const [a, b] = selection.anchor < index ? [selection.anchor, index] : [index, selection.anchor];
        const range = ids.slice(a, b + 1);
        setSelection((s) => ({
          query: q,
          ids: toggle ? new Set([...(s.query === q ? s.ids : []), ...range]) : new Set(range),
          cursor: index,
          anchor: s.query === q ? s.anchor : index,
        }));
      });
      return;
    }
    if (!item) return;
    if (toggle) {
      const ids = new Set(selection.ids);
      if (ids.has(item.id)) ids.delete(item.id);
      else ids.add(item.id);
      setSelection({ query: q, ids, cursor: index, anchor: index });
    } else {
      setSelection({ query: q, ids: new Set([item.id]), cursor: index, anchor: index });
    }
  };

  const doReview = (ids: string[], change: ReviewChange) => {
    if (readOnly || ids.length === 0) return;
    void review(ids, change);
  };
  const rate = (rating: number) => doReview(targets(), { rating });
  const flag = (value: 'none' | 'pick' | 'reject') => doReview(targets(), { flag: value });
  const trash = (ids: string[]) => {
    if (readOnly || ids.length === 0) return;
    void moveToTrash(`Moved ${plural(ids.length, 'result')} to the trash`, () =>
      getBridge().results.trash({ ids }),
    ).then((trashId) => {
      if (trashId) setSelection((s) => ({ ...s, ids: new Set(), anchor: s.cursor }));
    });
  };
  const selectAll = () =>
    void fetchIds(client, project, filter, sort).then((ids) =>
      setSelection({ query: q, ids: new Set(ids), cursor: Math.max(0, cursor), anchor: Math.max(0, cursor) }),
    );

  const openLoupe = () => {
    if (cursor < 0) void moveTo(0, false);
    setGallery({ view: 'loupe' });
  };
  useKeyMap(
    {
      ArrowRight: () => step(1),
      ArrowLeft: () => step(-1),
      ArrowDown: () => step(vertical),
      ArrowUp: () => step(-vertical),
      'Shift+ArrowRight': () => step(1, true),
      'Shift+ArrowLeft': () => step(-1, true),
      'Shift+ArrowDown': () => step(vertical, true),
      'Shift+ArrowUp': () => step(-vertical, true),
      Home: () => void moveTo(0, false),
      End: () => void moveTo(total - 1, false),
      '0': () => rate(0),
      '1': () => rate(1),
      '2': () => rate(2),
      '3': () => rate(3),
      '4': () => rate(4),
      '5': () => rate(5),
      p: () => flag('pick'),
      x: () => flag('reject'),
      u: () => flag('none'),
      Delete: () => trash(targets()),
      Backspace: () => trash(targets()),
      'Mod+A': selectAll,
      g: () => setGallery({ view: 'grid' }),
      e: openLoupe,
      ' ': () => (view === 'grid' ? openLoupe() : setGallery({ view: 'grid' })),
      Enter: () => {
        if (view === 'grid' && cursor >= 0) setGallery({ view: 'loupe' });
      },
      Escape: () => {
        if (view === 'loupe') setGallery({ view: 'grid' });
        else setSelection((s) => ({ ...s, ids: new Set() }));
      },
    },
    exportIds === null && total > 0,
  );

  const toggleInspector = () =>
    setInspectorOpen((open) => {
      localStorage.setItem(INSPECTOR_KEY, open ? 'closed' : 'open');
      return !open;
    });

  const filtered = isFiltered(filter);
  const selectedCount = selection.ids.size;
  const noResultsAtAll = facets.data?.total === 0 && !filtered;

  let body;
  if (head.error) {
    body = (
      <div style={{ padding: 16 }}>
        <ErrorNotice
          error={head.error}
          onAction={() => void client.invalidateQueries({ queryKey: ['ws', project, 'results'] })}
        />
      </div>
    );
  } else if (head.total === null) {
    body = <div className="empty" aria-busy="true" />;
  } else if (noResultsAtAll || (total === 0 && !filtered)) {
    body = (
      <EmptyState
        icon={<Images size={24} />}
        title="No results yet"
        action={
          <button className="primary" onClick={panel.open}>
            Open Generate
          </button>
        }
      >
        Pick a character and a pose sheet, then press Generate. Every result lands here with its receipt.
      </EmptyState>
    );
  } else if (total === 0) {
    body = (
      <EmptyState
        icon={<SearchX size={24} />}
        title="Nothing matches these filters"
        action={
          <button className="primary" onClick={() => setGallery({ filter: {}, saved: null })}>
            Clear filters
          </button>
        }
      >
        {gallery.saved
          ? `No results are in “${SAVED_LABEL[gallery.saved]}” yet.`
          : 'Loosen a filter, or clear them all to see every result.'}
      </EmptyState>
    );
  } else if (view === 'loupe') {
    body = <Loupe item={cursorItem} index={cursor} total={total} onStep={(d) => step(d)} />;
  } else {
    body = (
      <GalleryGrid
        project={project}
        filter={filter}
        sort={sort}
        size={size}
        aspect={Math.round(aspect * 20) / 20}
        total={total}
        selected={selection.ids}
        cursor={cursor}
        reveal={reveal}
        onLayout={setLayout}
        onCellClick={onCellClick}
        onCellDoubleClick={(index) => {
          setSelection((s) => ({ ...s, cursor: index, anchor: index }));
          setGallery({ view: 'loupe' });
        }}
      />
    );
  }

  const selectedIds = [...selection.ids];
  let inspector;
  if (selectedCount > 1) {
    inspector = (
      <MultiInspector
        ids={selectedIds}
        review={doReview}
        onExport={setExportIds}
        onTrash={trash}
        onClear={() => setSelection((s) => ({ ...s, ids: new Set() }))}
        readOnly={readOnly}
      />
    );
  } else if (cursorItem) {
    inspector = (
      <ResultInspector
        key={cursorItem.id}
        project={project}
        item={cursorItem}
        review={doReview}
        onExport={setExportIds}
        onTrash={trash}
        onOpenLoupe={() => setGallery({ view: 'loupe' })}
        readOnly={readOnly}
      />
    );
  } else {
    inspector = (
      <div className="insp insp-idle">
        <h2>{head.total === null ? 'Results' : plural(total, 'result')}</h2>
        <p className="secondary">
          Select a result to see its receipt: the prompt, every parameter, the seed used, the cost and when it
          was made.
        </p>
        <h3 className="secondary">In this project</h3>
        <dl className="receipt-facts">
          <dt>Picked</dt>
          <dd className="tabular">{(facets.data?.flags.pick ?? 0).toLocaleString()}</dd>
          <dt>Rejected</dt>
          <dd className="tabular">{(facets.data?.flags.reject ?? 0).toLocaleString()}</dd>
          <dt>Rated 4+</dt>
          <dd className="tabular">
            {((facets.data?.ratings[4] ?? 0) + (facets.data?.ratings[5] ?? 0)).toLocaleString()}
          </dd>
        </dl>
        <div className="shortcut-hints secondary">
          <div>
            <kbd>←</kbd> <kbd>→</kbd> move · <kbd>Space</kbd> loupe · <kbd>0</kbd>–<kbd>5</kbd> rate
          </div>
          <div>
            <kbd>P</kbd> pick · <kbd>X</kbd> reject · <kbd>U</kbd> unflag · <kbd>Del</kbd> trash
          </div>
        </div>
      </div>
    );
  }

  return (
    <div className={`results-view${inspectorOpen ? ' with-inspector' : ''}`}>
      <section className="results-main" aria-label="Results gallery">
        <div className="toolbar results-toolbar">
          <div className="view-switch" role="group" aria-label="View">
            <button
              className={`icon ${view === 'grid' ? 'on' : 'ghost'}`}
              aria-pressed={view === 'grid'}
              onClick={() => setGallery({ view: 'grid' })}
              title="Grid (G)"
              aria-label="Grid"
            >
              <LayoutGrid size={16} />
            </button>
            <button
              className={`icon ${view === 'loupe' ? 'on' : 'ghost'}`}
              aria-pressed={view === 'loupe'}
              onClick={openLoupe}
              disabled={total === 0}
              title="Loupe (E)"
              aria-label="Loupe"
            >
              <Square size={16} />
            </button>
          </div>
          <div className="results-count tabular" aria-live="polite" data-testid="results-count">
            {gallery.saved && <span className="saved-name">{SAVED_LABEL[gallery.saved]} · </span>}
            {head.total === null
              ? ''
              : selectedCount > 0
                ? `${selectedCount.toLocaleString()} of ${plural(total, 'result')} selected`
                : plural(total, 'result')}
          </div>
          <div className="spacer" />
          <div className="search-field">
            <Search size={14} aria-hidden />
            <input
              type="search"
              aria-label="Search results"
              placeholder="Search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            {search && (
              <button
                className="ghost icon small"
                aria-label="Clear the search"
                onClick={() => setSearch('')}
              >
                <X size={12} />
              </button>
            )}
          </div>
          <label className="visually-hidden" htmlFor="results-sort">
            Sort
          </label>
          <select
            id="results-sort"
            value={sort}
            onChange={(e) => setSort(e.target.value as ResultSort)}
            title="Sort"
          >
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
            <option value="rating">Highest rated</option>
          </select>
          <label className="size-slider" title="Thumbnail size">
            <span className="visually-hidden">Thumbnail size</span>
            <Grid3x3 size={14} aria-hidden />
            <input
              type="range"
              min={THUMB_MIN}
              max={THUMB_MAX}
              step={8}
              value={size}
              onChange={(e) => setGallery({ size: Number(e.target.value) })}
              disabled={view !== 'grid'}
            />
            <Grid2x2 size={14} aria-hidden />
          </label>
          <button
            onClick={() => setExportIds(targets())}
            disabled={targets().length === 0}
            title="Export the selected results"
          >
            <Download size={16} aria-hidden /> Export…
          </button>
          <button
            className="ghost icon"
            onClick={toggleInspector}
            aria-pressed={inspectorOpen}
            aria-label={inspectorOpen ? 'Hide the inspector' : 'Show the inspector'}
            title="Inspector"
          >
            {inspectorOpen ? <PanelRightClose size={16} /> : <PanelRightOpen size={16} />}
          </button>
        </div>
        <div className="filter-row">
          <FilterBar facets={facets.data} filter={filter} onChange={setFilter} />
          {filter.cutFromIds?.length || filter.ids?.length ? (
            <button
              className="chip chip-active"
              onClick={() => setFilter({ ...filter, cutFromIds: undefined, ids: undefined })}
              aria-label="Show all results again"
            >
              {filter.cutFromIds?.length
                ? 'Cuts of one sheet'
                : `${plural(filter.ids?.length ?? 0, 'chosen result')}`}{' '}
              <X size={12} aria-hidden />
            </button>
          ) : null}
        </div>
        <div className="results-body">{body}</div>
      </section>
      {inspectorOpen && (
        <aside className="inspector results-inspector" aria-label="Inspector">
          {inspector}
        </aside>
      )}
      <ExportDialog open={exportIds !== null} ids={exportIds ?? []} onClose={() => setExportIds(null)} />
    </div>
  );
}
