import { memo, useEffect, useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ResultFilter, ResultSort, ResultSummary } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { useResultWindow } from './results-data';

const GAP = 8;
const PAD = 12;
/** The grid never holds more cells than this (about three elements each): DOM stays under ~500 nodes. */
const MAX_CELLS = 150;
/**
 * Faster than this (viewports per second), the grid is being flung through, not looked at: cells that come
 * into view meanwhile wait to load their thumbnail until the scroll slows or stops (as Lightroom and Photos
 * do). Loading and decoding ten images a frame is what would make a fling stutter.
 */
const FLING_VIEWPORTS_PER_SECOND = 8;
const SETTLE_MS = 90;

export interface GridLayout {
  columns: number;
}

export interface RevealRequest {
  index: number;
  /** Changes on every request, so asking twice for the same index scrolls twice. */
  token: number;
}

/** "Mira × Arms up, 3 stars, picked" for screen readers and the hover title. */
export function describeResult(item: ResultSummary): string {
  const parts = [`${item.characterName ?? 'Unknown character'} × ${item.poseName ?? 'unknown pose'}`];
  if (item.cutFrom) parts.push(`figure ${item.cutFrom.figureIndex + 1}`);
  parts.push(item.rating > 0 ? `${item.rating} star${item.rating === 1 ? '' : 's'}` : 'unrated');
  if (item.flag === 'pick') parts.push('picked');
  if (item.flag === 'reject') parts.push('rejected');
  if (item.seed !== null) parts.push(`seed ${item.seed}`);
  return parts.join(', ');
}

/**
 * One cell: the thumbnail (aspect kept, on a neutral square) and, when there is something to show, one
 * line with the stars and the flag. Two or three elements, fixed size, absolutely placed: scrolling never
 * re-lays out the page, and cells that did not change never re-render.
 */
const Cell = memo(function Cell(props: {
  item: ResultSummary | undefined;
  index: number;
  total: number;
  x: number;
  y: number;
  width: number;
  height: number;
  selected: boolean;
  active: boolean;
  /** False while the grid is flung through: the thumbnail loads once the scroll slows. Once loaded, it stays. */
  load: boolean;
}) {
  const { item, x, y } = props;
  const [loaded, setLoaded] = useState(props.load);
  if (props.load && !loaded) setLoaded(true);
  const style = { transform: `translate(${x}px, ${y}px)`, width: props.width, height: props.height };
  if (!item) return <div className="cell cell-loading" style={style} aria-hidden />;
  const showMeta = item.rating > 0 || item.flag !== 'none';
  const bridge = getBridge();
  return (
    <div
      className={`cell${props.selected ? ' selected' : ''}${props.active ? ' active' : ''}${item.flag === 'reject' ? ' rejected' : ''}`}
      style={style}
      role="option"
      id={`result-${item.id}`}
      aria-selected={props.selected}
      aria-posinset={props.index + 1}
      aria-setsize={props.total}
      aria-label={describeResult(item)}
      title={describeResult(item)}
      data-index={props.index}
      draggable={false}
    >
      {item.imageMissing ? (
        <span className="cell-missing">Image missing</span>
      ) : !loaded ? null : (
        <img
          src={bridge.mediaUrl(item.thumbFile)}
          alt=""
          decoding="async"
          draggable={false}
          onError={(e) => {
            // The thumbnail cache is rebuildable: fall back to the image itself once.
            const img = e.currentTarget;
            if (img.dataset.fallback) return;
            img.dataset.fallback = '1';
            img.src = bridge.mediaUrl(item.file);
          }}
        />
      )}
      {showMeta && (
        <span className={`cell-meta flag-${item.flag}`} aria-hidden>
          {item.rating > 0 ? '★'.repeat(item.rating) : ''}
        </span>
      )}
    </div>
  );
});

/**
 * The results grid, virtualised by rows (@tanstack/react-virtual): only the rows in view (and a few
 * beyond) exist in the DOM, pages of results are fetched as rows come into view, and each cell has a
 * fixed size computed from the width and the thumbnail size slider.
 */
export function GalleryGrid(props: {
  project: string;
  filter: ResultFilter;
  sort: ResultSort;
  /** The slider's thumbnail size: the columns are as many as fit, stretched to fill the width. */
  size: number;
  /** Cell width / height: 1 is square; wider for a gallery of wide sheets, taller for cut poses. */
  aspect: number;
  total: number;
  selected: ReadonlySet<string>;
  cursor: number;
  reveal: RevealRequest | null;
  onLayout(layout: GridLayout): void;
  onCellClick(index: number, item: ResultSummary | undefined, event: MouseEvent): void;
  onCellDoubleClick(index: number): void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setBox({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const inner = Math.max(0, box.width - PAD * 2);
  const fit = (columns: number) => {
    const cell = Math.max(48, Math.floor((inner - GAP * (columns - 1)) / columns));
    const cellHeight = Math.round(cell / props.aspect);
    return {
      cell,
      cellHeight,
      rowHeight: cellHeight + GAP,
      visibleRows: Math.ceil(box.height / (cellHeight + GAP)) + 1,
    };
  };
  let columns = Math.max(1, Math.floor((inner + GAP) / (props.size + GAP)));
  // On a very large screen, small thumbnails would put too many cells on screen: fewer, larger ones instead.
  while (columns > 1 && columns * fit(columns).visibleRows > MAX_CELLS) columns--;
  const { cell, cellHeight, rowHeight, visibleRows } = fit(columns);
  const rows = Math.ceil(props.total / columns);
  const overscan = Math.max(0, Math.min(3, Math.floor((MAX_CELLS / columns - visibleRows) / 2)));

  // Fling detection from the offsets the virtualizer reads anyway (reading the DOM here again would force
  // a layout in every scroll event); the state flips only when the speed crosses the line.
  const [flung, setFlung] = useState(false);
  const speed = useRef({ offset: 0, time: 0, settle: 0 });
  useEffect(() => () => window.clearTimeout(speed.current.settle), []);
  const viewportHeight = Math.max(1, box.height);
  // The virtualizer is mutable by design (it measures and scrolls); this component is not compiler-memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
    paddingStart: PAD,
    paddingEnd: PAD,
    onChange: (instance) => {
      const offset = instance.scrollOffset ?? 0;
      const s = speed.current;
      if (offset === s.offset) return;
      const now = performance.now();
      const viewportsPerSecond =
        (Math.abs(offset - s.offset) / viewportHeight) * (1000 / Math.max(1, now - s.time));
      s.offset = offset;
      s.time = now;
      setFlung(viewportsPerSecond > FLING_VIEWPORTS_PER_SECOND);
      window.clearTimeout(s.settle);
      s.settle = window.setTimeout(() => setFlung(false), SETTLE_MS);
    },
  });

  // A new cell size keeps the first visible result in view.
  const firstVisible = useRef(0);
  const { onLayout } = props;
  useLayoutEffect(() => {
    virtualizer.measure();
    const row = Math.floor(firstVisible.current / columns);
    if (row > 0) virtualizer.scrollToIndex(row, { align: 'start' });
    onLayout({ columns });
  }, [rowHeight, columns, virtualizer, onLayout]);

  useEffect(() => {
    if (!props.reveal || props.reveal.index < 0) return;
    virtualizer.scrollToIndex(Math.floor(props.reveal.index / columns), { align: 'auto' });
  }, [props.reveal, columns, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const firstRow = items[0]?.index ?? 0;
  const lastRow = items.at(-1)?.index ?? 0;
  const data = useResultWindow(
    props.project,
    props.filter,
    props.sort,
    firstRow * columns,
    (lastRow + 1) * columns - 1,
  );
  useEffect(() => {
    const offset = virtualizer.scrollOffset ?? 0;
    firstVisible.current = Math.max(0, Math.floor((offset - PAD) / rowHeight)) * columns;
  });

  const cells = [];
  for (const row of items) {
    for (let c = 0; c < columns; c++) {
      const index = row.index * columns + c;
      if (index >= props.total) break;
      const item = data.itemAt(index);
      cells.push(
        <Cell
          key={index}
          item={item}
          index={index}
          total={props.total}
          x={PAD + c * (cell + GAP)}
          y={row.start}
          width={cell}
          height={cellHeight}
          selected={item ? props.selected.has(item.id) : false}
          active={index === props.cursor}
          load={!flung}
        />,
      );
    }
  }

  const target = (event: MouseEvent): number | null => {
    const el = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    return el ? Number(el.dataset.index) : null;
  };

  return (
    <div className="gallery-scroll" ref={scrollRef} data-testid="gallery-scroll">
      <div
        className="gallery-grid"
        role="listbox"
        aria-label="Results"
        aria-multiselectable
        tabIndex={0}
        aria-activedescendant={
          props.cursor >= 0 && data.itemAt(props.cursor)
            ? `result-${data.itemAt(props.cursor)?.id}`
            : undefined
        }
        data-testid="gallery-grid"
        style={{ height: virtualizer.getTotalSize() }}
        onClick={(event) => {
          const index = target(event);
          if (index !== null) props.onCellClick(index, data.itemAt(index), event);
        }}
        onDoubleClick={(event) => {
          const index = target(event);
          if (index !== null) props.onCellDoubleClick(index);
        }}
      >
        {cells}
      </div>
    </div>
  );
}
