import { memo, useState } from 'react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';

/** The caption line under a cell's image: 12 px text on a 4 px grid (results.css has it too). */
export const CAPTION_HEIGHT = 24;
/** The key that opens and closes the stack under the cursor (Lightroom's). */
export const STACK_KEY = 'S';

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

/** What a stack badge says when hovered: how many, and how to open or close it. */
export function stackHint(stack: NonNullable<ResultSummary['stack']>): string {
  const cuts = `${stack.cuts} cut${stack.cuts === 1 ? '' : 's'}`;
  return stack.expanded
    ? `${cuts} shown after this sheet: click or press ${STACK_KEY} to stack them again`
    : `${cuts} stacked under this sheet: click or press ${STACK_KEY} to show them`;
}

/** A cell's label: the result, and where it stands in a stack. */
function cellLabel(item: ResultSummary): string {
  const label = describeResult(item);
  if (item.stack) return `${label}; ${stackHint(item.stack)}`;
  if (item.inStack)
    return `${label}; cut ${item.inStack.position} of ${item.inStack.of} of the sheet before it`;
  return label;
}

/** The caption's name: for a cut, its figure first (what tells one sheet's cuts apart), then who and pose. */
function captionName(item: ResultSummary): string {
  const name = `${item.characterName ?? 'Unknown character'} × ${item.poseName ?? 'unknown pose'}`;
  return item.cutFrom ? `Figure ${item.cutFrom.figureIndex + 1} · ${name}` : name;
}

/**
 * One cell: the thumbnail (the whole image, aspect kept, on a neutral mat), the stars and the flag (on
 * hover and selection, or always in the caption line), and a sheet's stack badge. Two to five elements,
 * fixed size, absolutely placed: scrolling never re-lays out the page, and cells that did not change
 * never re-render.
 */
export const Cell = memo(function Cell(props: {
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
  captions: boolean;
}) {
  const { item, x, y } = props;
  const [loaded, setLoaded] = useState(props.load);
  if (props.load && !loaded) setLoaded(true);
  const style = { transform: `translate(${x}px, ${y}px)`, width: props.width, height: props.height };
  if (!item) return <div className="cell cell-loading" style={style} aria-hidden />;
  const showMeta = item.rating > 0 || item.flag !== 'none';
  const bridge = getBridge();
  const label = cellLabel(item);
  const classes = [
    'cell',
    props.selected && 'selected',
    props.active && 'active',
    item.flag === 'reject' && 'rejected',
    props.captions && 'captioned',
    item.stack && 'has-stack',
    item.stack?.expanded && 'stack-open',
    item.inStack && 'in-stack',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={classes}
      style={style}
      role="option"
      id={`result-${item.id}`}
      aria-selected={props.selected}
      aria-posinset={props.index + 1}
      aria-setsize={props.total}
      aria-label={label}
      title={label}
      data-index={props.index}
      data-stack-place={item.inStack ? `${item.inStack.position}/${item.inStack.of}` : undefined}
      draggable={!item.imageMissing}
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
      {showMeta && !props.captions && (
        <span className={`cell-meta flag-${item.flag}`} aria-hidden>
          {item.rating > 0 ? '★'.repeat(item.rating) : ''}
        </span>
      )}
      {item.stack && (
        // Not a button: an option's children are presentational (a focusable one inside would trap screen
        // readers). The grid's click handler and the S key open it; the cell's label says so.
        <span
          className="cell-stack"
          data-stack-toggle
          title={stackHint(item.stack)}
          aria-hidden
          data-testid="stack-badge"
        >
          {item.stack.cuts}
        </span>
      )}
      {props.captions && (
        <div className="cell-caption" aria-hidden>
          {showMeta && (
            <span className={`cell-caption-meta flag-${item.flag}`}>
              {item.rating > 0 ? '★'.repeat(item.rating) : ''}
            </span>
          )}
          {captionName(item)}
        </div>
      )}
    </div>
  );
});
