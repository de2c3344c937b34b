import { useEffect, useLayoutEffect, useReducer, useRef, useState, type MouseEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { flushSync } from 'react-dom';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { ResultFilter, ResultSort, ResultSummary } from '../../../../src/contract/calls/workspace';
import { CAPTION_HEIGHT, Cell } from './GalleryCell';
import { summaryInCache, useResultWindow } from './results-data';
import { selectionFilesToDrag } from '../transfer/drag-selection';
import { browserDragNote, startDragOut, useShell } from '../transfer/os-actions';
import { useToasts } from '../../ui/Toasts';
import { scrollSpace } from './scaled-scroll';
import { ScaledScroller } from './scaled-scroller';
import { FlingDetector } from './fling-detector';

// The Loupe, the review views and ResultsView name these from here.
export { describeResult, STACK_KEY } from './GalleryCell';

const GAP = 8;
const PAD = 12;
/**
 * The grid never holds more cells than this (about three elements each; five with captions): the DOM
 * stays under ~500 nodes.
 */
const MAX_CELLS = 150;
const MAX_CELLS_WITH_CAPTIONS = 90;
/**
 * The largest a cell's image gets, in CSS px: thumbnails are 640 px (GRID_THUMB_SIZE in
 * src/images/thumbnails.ts), so up to this they stay sharp on a 2x display.
 */
const SHARP_CELL = 320;
/** No scroll event for this long: the scroll has stopped, and the cells in view load their thumbnails. */
const SETTLE_MS = 90;

export interface GridLayout {
  columns: number;
}

export interface RevealRequest {
  index: number;
  /** Changes on every request, so asking twice for the same index scrolls twice. */
  token: number;
}

/** The virtualizer's own observer of the scroll container's size, on the real element behind a ScaledScroller. */
function observeRealRect(
  instance: Virtualizer<HTMLDivElement, Element>,
  element: HTMLDivElement,
  cb: (rect: { width: number; height: number }) => void,
) {
  const real = Object.assign(Object.create(instance) as Virtualizer<HTMLDivElement, Element>, {
    scrollElement: element,
  });
  return observeElementRect(real, cb);
}

/**
 * The results grid, virtualised by rows (@tanstack/react-virtual): only the rows in view (and a few
 * beyond) exist in the DOM, pages of results are fetched as rows come into view, and each cell has a
 * fixed size computed from the width and the thumbnail size slider.
 *
 * Past MAX_SCROLL_HEIGHT (about 80,000 rows: around a million results) the grid is taller than the
 * browser can lay out: the scroll content is capped and the virtualizer is handed a ScaledScroller, which
 * maps the capped range onto the rows (scaled-scroll.ts), so every result stays reachable by the wheel, the
 * scrollbar, the keys and "scroll to item".
 */
export function GalleryGrid(props: {
  project: string;
  filter: ResultFilter;
  sort: ResultSort;
  /** The slider's thumbnail size: the columns are as many as fit, stretched to fill the width. */
  size: number;
  /** Cell width / height: 1 is square; wider for a gallery of wide sheets, taller for cut poses. */
  aspect: number;
  /** A caption line (name, stars, flag) under each image. */
  captions: boolean;
  total: number;
  selected: ReadonlySet<string>;
  cursor: number;
  reveal: RevealRequest | null;
  onLayout(layout: GridLayout): void;
  onCellClick(index: number, item: ResultSummary | undefined, event: MouseEvent): void;
  onCellDoubleClick(index: number): void;
  /** The stack badge of the sheet at `index` was clicked. */
  onToggleStack(index: number, item: ResultSummary): void;
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
  const caption = props.captions ? CAPTION_HEIGHT : 0;
  const maxCells = props.captions ? MAX_CELLS_WITH_CAPTIONS : MAX_CELLS;
  const fit = (columns: number) => {
    const cell = Math.max(48, Math.floor((inner - GAP * (columns - 1)) / columns));
    const cellHeight = Math.round(cell / props.aspect) + caption;
    return {
      cell,
      cellHeight,
      rowHeight: cellHeight + GAP,
      visibleRows: Math.ceil(box.height / (cellHeight + GAP)) + 1,
    };
  };
  // Stretched columns never make a cell's image larger than SHARP_CELL on either side (one more column
  // instead): past it, a thumbnail would be enlarged on a 2x display.
  const widest = Math.floor(SHARP_CELL * Math.min(1, props.aspect));
  let columns = Math.max(
    1,
    Math.floor((inner + GAP) / (props.size + GAP)),
    Math.ceil((inner + GAP) / (widest + GAP)),
  );
  // On a very large screen, small thumbnails would put too many cells on screen: fewer, larger ones instead.
  while (columns > 1 && columns * fit(columns).visibleRows > maxCells) columns--;
  const { cell, cellHeight, rowHeight, visibleRows } = fit(columns);
  const rows = Math.ceil(props.total / columns);
  const overscan = Math.max(0, Math.min(3, Math.floor((maxCells / columns - visibleRows) / 2)));

  // Fling detection (fling-detector.ts) from the offsets the virtualizer reads anyway (reading the DOM here
  // again would force a layout in every scroll event); the state changes only when the verdict does.
  const [flung, setFlung] = useState(false);
  const fling = useRef({ detector: new FlingDetector(), offset: 0, settle: 0 });
  useEffect(() => () => window.clearTimeout(fling.current.settle), []);
  const viewportHeight = Math.max(1, box.height);

  // The rows' height against the browser's limit: above it, the scaled scroller stands in for the element.
  const space = scrollSpace(PAD + rows * rowHeight + PAD, box.height);
  const scaler = useRef<ScaledScroller | null>(null);
  const scalerFor = (element: HTMLDivElement) => (scaler.current ??= new ScaledScroller(element));
  const drawnShift = useRef(0);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  // Before the virtualizer's own layout effect, which reads the scroll element this decides.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const scroller = scalerFor(element);
    scroller.setSpace(scrollSpace(space.height, space.viewport));
    // A small scroll near an end can move the content by other than 1:1 without changing the rows in view.
    scroller.afterScroll = () => {
      if (scroller.shift() !== drawnShift.current) flushSync(redraw);
    };
  }, [space.height, space.viewport]);
  useLayoutEffect(() => {
    const scroller = scrollRef.current ? scalerFor(scrollRef.current) : null;
    scroller?.attach();
    return () => scroller?.detach();
  }, []);

  // The virtualizer is mutable by design (it measures and scrolls); this component is not compiler-memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLDivElement, Element>({
    count: rows,
    getScrollElement: () => {
      const element = scrollRef.current;
      if (!element || !space.scaled) return element;
      // Not an element, but it answers everything the virtualizer asks of one (see scaled-scroller.ts).
      return scalerFor(element) as unknown as HTMLDivElement;
    },
    observeElementRect: (instance, cb) => {
      const element = scrollRef.current;
      return space.scaled && element
        ? observeRealRect(instance, element, cb)
        : observeElementRect(instance, cb);
    },
    estimateSize: () => rowHeight,
    overscan,
    paddingStart: PAD,
    paddingEnd: PAD,
    onChange: (instance) => {
      const offset = instance.scrollOffset ?? 0;
      const f = fling.current;
      if (offset === f.offset) return;
      f.offset = offset;
      setFlung(f.detector.moved(offset, performance.now(), viewportHeight));
      window.clearTimeout(f.settle);
      f.settle = window.setTimeout(() => setFlung(false), SETTLE_MS);
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

  // The view growing shorter (a banner appearing above it, the window resized) keeps the cursor's
  // result in view, as a new cell size keeps the first visible one.
  // Only when it is among the rows laid out now: scrolled away from it, the person stays where they are.
  const latest = useRef({ reveal: props.reveal, columns, virtualizer });
  latest.current = { reveal: props.reveal, columns, virtualizer };
  useEffect(() => {
    const { reveal, columns: perRow, virtualizer: v } = latest.current;
    if (!reveal || reveal.index < 0 || box.height === 0) return;
    const row = Math.floor(reveal.index / perRow);
    const laidOut = v.getVirtualItems();
    if (row < (laidOut[0]?.index ?? 0) || row > (laidOut.at(-1)?.index ?? -1)) return;
    v.scrollToIndex(row, { align: 'auto' });
  }, [box.height]);

  const items = virtualizer.getVirtualItems();
  // While the scrollbar's thumb is dragged fast through a scaled list, every frame lands hundreds of rows
  // further: the pages on the way are not fetched (each would be one query deep into the list, all still
  // running when the drag stops), only those where it slows or stops. The wheel's pace fetches as always.
  const skipping = flung && space.scaled && (scaler.current?.jumped() ?? false);
  const firstRow = items[0]?.index ?? 0;
  const lastRow = items.at(-1)?.index ?? 0;
  const fetched = useRef({ first: 0, last: 0 });
  if (!skipping) fetched.current = { first: firstRow, last: lastRow };
  const pages = fetched.current;
  const data = useResultWindow(
    props.project,
    props.filter,
    props.sort,
    pages.first * columns,
    (pages.last + 1) * columns - 1,
  );
  useEffect(() => {
    const offset = virtualizer.scrollOffset ?? 0;
    firstVisible.current = Math.max(0, Math.floor((offset - PAD) / rowHeight)) * columns;
  });

  // Scaled: each cell is drawn at its virtual place plus the shift in force (real - virtual).
  const shift = space.scaled ? (scaler.current?.shift() ?? 0) : 0;
  drawnShift.current = shift;
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
          y={row.start + shift}
          width={cell}
          height={cellHeight}
          selected={item ? props.selected.has(item.id) : false}
          active={index === props.cursor}
          load={!flung}
          captions={props.captions}
        />,
      );
    }
  }

  const shell = useShell();
  const client = useQueryClient();
  const toasts = useToasts();

  const target = (event: MouseEvent): number | null => {
    const el = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    return el ? Number(el.dataset.index) : null;
  };
  const onBadge = (event: MouseEvent): boolean =>
    (event.target as HTMLElement).closest('[data-stack-toggle]') !== null;

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
        style={{ height: space.scaled ? space.realHeight : virtualizer.getTotalSize() }}
        onClick={(event) => {
          const index = target(event);
          if (index === null) return;
          const item = data.itemAt(index);
          if (item?.stack && onBadge(event)) props.onToggleStack(index, item);
          else props.onCellClick(index, item, event);
        }}
        onDragStart={(event) => {
          // A result dragged out of the window: it and, when it is selected, the rest of the selection.
          const index = target(event);
          const item = index === null ? undefined : data.itemAt(index);
          if (!item || item.imageMissing) return event.preventDefault();
          const files = selectionFilesToDrag(item, props.selected, (id) =>
            summaryInCache(client, props.project, id),
          );
          // A browser carries one file per drag: say so rather than drop the rest silently.
          if (startDragOut(shell, event, files) < files.length)
            toasts.show({ message: 'One image dragged', detail: browserDragNote, tone: 'info' });
        }}
        onDoubleClick={(event) => {
          const index = target(event);
          // A quick second click on a badge opens or closes the stack again; it does not open the loupe.
          if (index !== null && !onBadge(event)) props.onCellDoubleClick(index);
        }}
      >
        {cells}
      </div>
    </div>
  );
}
