import { RecordMatches } from './RecordMatches';
import { useCallback, useEffect, useMemo, useState, type MouseEvent, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  Captions,
  Columns2,
  Download,
  Grid2x2,
  Grid3x3,
  Images,
  LayoutDashboard,
  LayoutGrid,
  PanelRightClose,
  PanelRightOpen,
  SearchX,
  Square,
  X,
  ZoomIn,
  ZoomOut,
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
import { NOT_MINE, useKeyMap } from '../../ui/key-map';
import { useCommands, type CommandHandlers } from '../../app/commands';
import { plural } from '../../ui/format';
import { useGeneratePanel } from '../generate/generate-context';
import { usePaneLayout } from '../../app/layout';
import { InspectorPane } from '../../app/InspectorPane';
import { OverflowToolbar, type ToolbarItem } from '../../ui/OverflowToolbar';
import { useMoveToTrash } from '../trash/trash-actions';
import { CompareView } from '../compare/CompareView';
import { DiffPanel } from '../compare/DiffPanel';
import { SamePoseView } from '../compare/SamePoseView';
import { SurveyView } from '../compare/SurveyView';
import { FocusedInspector } from '../compare/FocusedInspector';
import { reviewCommands, reviewKeys } from '../compare/review-keys';
import {
  SURVEY_MAX,
  chooseCompareFor,
  openCompare,
  openSurvey,
  useReviewViews,
} from '../compare/review-store';
import { ExportDialog } from './ExportDialog';
import { FilterBar } from './FilterBar';
import { GalleryGrid, type GridLayout, type RevealRequest } from './GalleryGrid';
import { useCursorPin } from './cursor-pin';
import { useStackToggle } from './stack-toggle';
import { MultiInspector, ResultInspector } from './Inspector';
import { Loupe } from './Loupe';
import {
  THUMB_MAX,
  THUMB_MIN,
  isFiltered,
  listFilter,
  setGallery,
  useGallery,
  type SavedFilterId,
} from './gallery-store';
import { prefetchBitmap } from '../../ui/zoom/bitmap-cache';
import {
  PAGE_SIZE,
  fetchIds,
  fetchResultAt,
  summaryInCache,
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
  const { sort, view, size } = gallery;
  // `filter` is the list the grid shows (the chosen filter, with cuts stacked under their sheets): every
  // index below is a place in it. The selection belongs to the chosen filter, so opening a stack keeps it.
  const filter = useMemo(
    () => listFilter(gallery.filter, gallery.expanded),
    [gallery.filter, gallery.expanded],
  );
  const q = queryString(gallery.filter, sort);
  const listQ = queryString(filter, sort);
  const client = useQueryClient();
  const panel = useGeneratePanel();
  const reviewViews = useReviewViews();
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
  const atCursor = useResultAt(project, filter, sort, cursor);
  const [layout, setLayout] = useState<GridLayout>({ columns: 1 });
  const [reveal, setReveal] = useState<RevealRequest | null>(null);
  // What the inspector shows and the keys act on: the result the cursor was put on, even while the list
  // shifts under it (a cut, a new result, a rating in "Highest rated").
  const cursorItem = useCursorPin({
    list: listQ,
    cursor,
    atCursor,
    selected: selection.ids,
    locate: async (id) => (await fetchIds(client, project, filter, sort)).indexOf(id),
    relocate: (index) => {
      setSelection((s) => ({
        ...s,
        cursor: index,
        anchor: s.anchor < 0 ? s.anchor : s.anchor + index - s.cursor,
      }));
      setReveal({ index, token: Date.now() });
    },
  });
  const [exportIds, setExportIds] = useState<string[] | null>(null);
  const paneLayout = usePaneLayout();
  const inspectorOpen = paneLayout.inspectorShown;

  const setFilter = useCallback((next: ResultFilter) => setGallery({ filter: next, saved: null }), []);
  const setSort = (next: ResultSort) => setGallery({ sort: next });

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

  // Two to four chosen: C or N is likely next, so their previews start decoding now (Lightroom preloads
  // the same way) and compare paints sharp at fit at once. Not the full images: decoding 4096 px JPEGs
  // here would hold up the previews' decode and the first paint; each pane decodes its own after that.
  const selectionKey = [...selection.ids].join(',');
  useEffect(() => {
    const ids = selectionKey ? selectionKey.split(',') : [];
    if (ids.length < 2 || ids.length > 4) return;
    const timer = window.setTimeout(() => {
      for (const id of ids) {
        const item = summaryInCache(client, project, id);
        if (!item || item.imageMissing) continue;
        prefetchBitmap(getBridge().mediaUrl(item.thumbFile));
      }
    }, 120);
    return () => window.clearTimeout(timer);
  }, [selectionKey, client, project]);

  const targets = (): string[] => {
    if (selection.ids.size > 0) return [...selection.ids];
    return cursorItem ? [cursorItem.id] : [];
  };

  /** The result at `index` if its page is in the cache (it is, for anything on screen or near it). */
  const cachedAt = (index: number): ResultSummary | undefined =>
    client.getQueryData<ResultPage>(wsKeys.resultPage(project, listQ, Math.floor(index / PAGE_SIZE)))?.items[
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
    const id = (cachedAt(next) ?? (await fetchResultAt(client, project, filter, sort, next)))?.id;
    if (id) setSelection({ query: q, ids: new Set([id]), cursor: next, anchor: next });
  };
  const step = (delta: number, extend = false) => void moveTo(cursor < 0 ? 0 : cursor + delta, extend);
  const vertical = view === 'grid' ? layout.columns : 1;

  // Stacks: the badge's click and S open and close them; the cursor and the selection keep to their results.
  const toggleStack = useStackToggle({
    cachedAt,
    cursor,
    cursorItem,
    update: (change) => setSelection((s) => ({ ...s, ...change(s) })),
    keysEnabled: view === 'grid' && exportIds === null && total > 0,
  });

  const onCellClick = (index: number, item: ResultSummary | undefined, event: MouseEvent) => {
    const toggle = isMac ? event.metaKey : event.ctrlKey;
    // "Compare with…" waits for this click: the result clicked is the candidate.
    if (reviewViews.choosingFor && item && item.id !== reviewViews.choosingFor) {
      openCompare(reviewViews.choosingFor, item.id);
      return;
    }
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
  /** The selection in the order it was made (the first one chosen is the select), else the cursor's. */
  const chosenIds = (): string[] =>
    selection.ids.size > 0 ? [...selection.ids] : cursorItem ? [cursorItem.id] : [];
  // C: two chosen results, or the active one against the next in order.
  const startCompare = async () => {
    const chosen = chosenIds();
    if (chosen.length >= 2 && chosen[0] && chosen[1]) return openCompare(chosen[0], chosen[1]);
    const ids = await fetchIds(client, project, filter, sort);
    const from = Math.max(0, cursor);
    const [a, b] = [ids[from], ids[from + 1] ?? ids[from - 1]];
    if (a && b) openCompare(a, b);
  };
  // N: the chosen results (up to 9), or the active one and the three after it.
  const startSurvey = async () => {
    const chosen = chosenIds();
    if (chosen.length >= 2) return openSurvey(chosen.slice(0, SURVEY_MAX));
    const ids = await fetchIds(client, project, filter, sort);
    const from = Math.max(0, Math.min(cursor, ids.length - 4));
    openSurvey(ids.slice(Math.max(0, from), Math.max(0, from) + 4));
  };
  const canCompare = total >= 2;
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
      ...reviewKeys((change) => doReview(targets(), change)),
      c: () => void startCompare(),
      n: () => void startSurvey(),
      Delete: () => trash(targets()),
      Backspace: () => trash(targets()),
      'Mod+A': selectAll,
      g: () => setGallery({ view: 'grid' }),
      e: openLoupe,
      // In the loupe, Space belongs to the loupe (tap: back to the grid; hold and drag: pan).
      ...(view === 'grid' ? { ' ': openLoupe } : {}),
      Enter: () => {
        if (view === 'grid' && cursor >= 0) setGallery({ view: 'loupe' });
      },
      // Back one level: the pending "Compare with…", the loupe, the selection; then Esc is not ours.
      Escape: () => {
        if (reviewViews.choosingFor) chooseCompareFor(null);
        else if (view === 'loupe') setGallery({ view: 'grid' });
        else if (selection.ids.size > 0) setSelection((s) => ({ ...s, ids: new Set() }));
        else return NOT_MINE;
        return undefined;
      },
    },
    // The review views (compare, survey, same pose) have keys of their own.
    exportIds === null && total > 0 && (view === 'grid' || view === 'loupe'),
  );

  const toggleInspector = paneLayout.toggleInspector;

  // The palette's commands for the gallery: what applies to the current view and selection.
  const hasTargets = targets().length > 0;
  const reviewing = view === 'grid' || view === 'loupe';
  const canReview = reviewing && hasTargets && !readOnly && total > 0;
  const commands: CommandHandlers = {
    'view.grid': view !== 'grid' ? () => setGallery({ view: 'grid' }) : undefined,
    'view.loupe': view !== 'loupe' && total > 0 ? openLoupe : undefined,
    'view.compare': view !== 'compare' && canCompare ? () => void startCompare() : undefined,
    'view.survey': view !== 'survey' && canCompare ? () => void startSurvey() : undefined,
    // In compare, survey and same pose, the review commands are the view's own (the focused pane).
    ...reviewCommands(canReview ? (change) => doReview(targets(), change) : undefined),
    'review.selectAll': reviewing && total > 0 ? selectAll : undefined,
    'review.clearSelection':
      selection.ids.size > 0 ? () => setSelection((s) => ({ ...s, ids: new Set() })) : undefined,
    'review.trash': canReview ? () => trash(targets()) : undefined,
    'results.export': hasTargets ? () => setExportIds(targets()) : undefined,
    'results.inspector': toggleInspector,
    'results.captions': view === 'grid' ? () => setGallery({ captions: !gallery.captions }) : undefined,
    'results.clearFilters': isFiltered(filter) ? () => setGallery({ filter: {}, saved: null }) : undefined,
  };
  useCommands(commands);

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
  } else if (view === 'compare' && reviewViews.compare) {
    body = (
      <CompareView project={project} filter={filter} sort={sort} readOnly={readOnly} review={doReview} />
    );
  } else if (view === 'survey' && reviewViews.survey) {
    body = <SurveyView project={project} readOnly={readOnly} review={doReview} />;
  } else if (view === 'pose' && reviewViews.samePose) {
    body = (
      <SamePoseView project={project} filter={filter} sort={sort} readOnly={readOnly} review={doReview} />
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
        captions={gallery.captions}
        onToggleStack={toggleStack}
      />
    );
  }

  const selectedIds = [...selection.ids];
  let inspector;
  if (view === 'compare' && reviewViews.compare) {
    inspector = <DiffPanel project={project} />;
  } else if (view === 'survey' && reviewViews.survey?.focusId) {
    inspector = (
      <FocusedInspector
        project={project}
        id={reviewViews.survey.focusId}
        review={doReview}
        onExport={setExportIds}
        onTrash={trash}
        readOnly={readOnly}
      />
    );
  } else if (selectedCount > 1) {
    inspector = (
      <MultiInspector
        ids={selectedIds}
        onCompare={(ids) => ids[0] && ids[1] && openCompare(ids[0], ids[1])}
        onSurvey={(ids) => openSurvey(ids)}
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

  const countText =
    head.total === null
      ? ''
      : selectedCount > 0
        ? `${selectedCount.toLocaleString()} of ${plural(total, 'result')} selected`
        : plural(total, 'result');
  const sortLabels: Record<ResultSort, string> = {
    newest: 'Newest first',
    oldest: 'Oldest first',
    rating: 'Highest rated',
  };
  const sizeStep = (delta: number) =>
    setGallery({ size: Math.min(THUMB_MAX, Math.max(THUMB_MIN, size + delta)) });
  const viewButtons: {
    id: typeof view;
    label: string;
    title: string;
    icon: ReactNode;
    run(): void;
    disabled: boolean;
  }[] = [
    {
      id: 'grid',
      label: 'Grid',
      title: 'Grid (G)',
      icon: <LayoutGrid size={16} />,
      run: () => setGallery({ view: 'grid' }),
      disabled: false,
    },
    {
      id: 'loupe',
      label: 'Loupe',
      title: 'Loupe (E)',
      icon: <Square size={16} />,
      run: openLoupe,
      disabled: total === 0,
    },
    {
      id: 'compare',
      label: 'Compare',
      title: 'Compare two (C)',
      icon: <Columns2 size={16} />,
      run: () => void startCompare(),
      disabled: !canCompare,
    },
    {
      id: 'survey',
      label: 'Survey',
      title: 'Survey 2 to 9 (N)',
      icon: <LayoutDashboard size={16} />,
      run: () => void startSurvey(),
      disabled: !canCompare,
    },
  ];
  const toolbarStart: ToolbarItem[] = [
    {
      id: 'view',
      pinned: true,
      node: (
        <div className="view-switch" role="group" aria-label="View">
          {viewButtons.map((b) => (
            <button
              key={b.id}
              className={`icon ${view === b.id ? 'on' : 'ghost'}`}
              aria-pressed={view === b.id}
              onClick={b.run}
              disabled={b.disabled}
              title={b.title}
              aria-label={b.label}
            >
              {b.icon}
            </button>
          ))}
        </div>
      ),
    },
  ];
  const toolbarEnd: ToolbarItem[] = [
    {
      id: 'sort',
      priority: 3,
      node: (
        <>
          <label className="visually-hidden" htmlFor="results-sort">
            Sort
          </label>
          <select
            id="results-sort"
            value={sort}
            onChange={(e) => setSort(e.target.value as ResultSort)}
            title="Sort"
          >
            {(Object.keys(sortLabels) as ResultSort[]).map((key) => (
              <option key={key} value={key}>
                {sortLabels[key]}
              </option>
            ))}
          </select>
        </>
      ),
      menu: (Object.keys(sortLabels) as ResultSort[]).map((key) => ({
        id: `sort-${key}`,
        label: `Sort: ${sortLabels[key]}`,
        kind: 'radio' as const,
        checked: sort === key,
        onSelect: () => setSort(key),
      })),
    },
    {
      id: 'size',
      priority: 1,
      node: (
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
      ),
      menu: [
        {
          id: 'size-up',
          label: 'Larger thumbnails',
          icon: <ZoomIn size={14} />,
          disabled: view !== 'grid' || size >= THUMB_MAX,
          keepOpen: true,
          onSelect: () => sizeStep(32),
        },
        {
          id: 'size-down',
          label: 'Smaller thumbnails',
          icon: <ZoomOut size={14} />,
          disabled: view !== 'grid' || size <= THUMB_MIN,
          keepOpen: true,
          onSelect: () => sizeStep(-32),
        },
      ],
    },
    {
      id: 'captions',
      priority: 2,
      node: (
        <button
          className={`icon ${gallery.captions ? 'on' : 'ghost'}`}
          aria-pressed={gallery.captions}
          onClick={() => setGallery({ captions: !gallery.captions })}
          disabled={view !== 'grid'}
          title="Captions under the thumbnails: name, stars, flag"
          aria-label="Captions"
        >
          <Captions size={16} />
        </button>
      ),
      menu: [
        {
          id: 'captions',
          label: 'Captions',
          kind: 'checkbox',
          checked: gallery.captions,
          disabled: view !== 'grid',
          onSelect: () => setGallery({ captions: !gallery.captions }),
        },
      ],
    },
    {
      id: 'export',
      priority: 4,
      node: (
        <button
          onClick={() => setExportIds(targets())}
          disabled={targets().length === 0}
          title="Export the selected results"
        >
          <Download size={16} aria-hidden /> Export…
        </button>
      ),
      menu: [
        {
          id: 'export',
          label: 'Export…',
          icon: <Download size={14} />,
          disabled: targets().length === 0,
          onSelect: () => setExportIds(targets()),
        },
      ],
    },
    {
      id: 'inspector',
      priority: 5,
      node: (
        <button
          className="ghost icon"
          onClick={toggleInspector}
          aria-pressed={inspectorOpen}
          aria-label={inspectorOpen ? 'Hide the inspector' : 'Show the inspector'}
          title="Inspector"
        >
          {inspectorOpen ? <PanelRightClose size={16} /> : <PanelRightOpen size={16} />}
        </button>
      ),
      menu: [
        {
          id: 'inspector',
          label: 'Inspector',
          kind: 'checkbox',
          checked: inspectorOpen,
          onSelect: toggleInspector,
        },
      ],
    },
  ];

  return (
    <div className={`results-view${inspectorOpen ? ' with-inspector' : ''}`}>
      <section className="results-main" aria-label="Results gallery">
        <OverflowToolbar
          className="results-toolbar"
          label="Results toolbar"
          start={toolbarStart}
          end={toolbarEnd}
        />
        <div className="filter-row">
          <FilterBar facets={facets.data} filter={gallery.filter} onChange={setFilter} />
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
          <div className="results-count tabular" aria-live="polite" data-testid="results-count">
            {gallery.saved && <span className="saved-name">{SAVED_LABEL[gallery.saved]} · </span>}
            {countText}
          </div>
        </div>
        <RecordMatches project={project} text={filter.text ?? ''} />
        {reviewViews.choosingFor && view === 'grid' && (
          <div className="choose-banner" role="status">
            Click the result to compare with the one you chose.
            <button type="button" className="ghost small" onClick={() => chooseCompareFor(null)}>
              Cancel (Esc)
            </button>
          </div>
        )}
        <div className="results-body">{body}</div>
      </section>
      <InspectorPane label="Inspector" className="results-inspector">
        {inspector}
      </InspectorPane>
      <ExportDialog open={exportIds !== null} ids={exportIds ?? []} onClose={() => setExportIds(null)} />
    </div>
  );
}
