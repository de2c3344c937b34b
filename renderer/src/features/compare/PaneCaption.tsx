import { Ban, Flag, Star, X } from 'lucide-react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';

/**
 * The strip over a review pane: its role ("Select", "Candidate", a figure number), what it is, its stars
 * and flag as they are now, and in survey a one-click remove. Clicking it makes the pane the focused one.
 */
export function PaneCaption(props: {
  role?: string;
  item: ResultSummary | undefined;
  focused: boolean;
  onFocus(): void;
  onRemove?(): void;
}) {
  const { item } = props;
  const name = item
    ? `${item.characterName ?? 'Deleted character'} × ${item.poseName ?? 'deleted pose'}`
    : 'Loading…';
  return (
    <div className={`pane-caption${props.focused ? ' focused' : ''}`} data-zoom-ignore>
      <button
        type="button"
        className="pane-caption-main"
        onClick={props.onFocus}
        // A click keeps the keyboard where it was: Enter must still mean "make select", not "click again".
        onMouseDown={(event) => event.preventDefault()}
        aria-pressed={props.focused}
        title={props.focused ? 'Ratings and flags apply here' : 'Click to rate and flag this one'}
      >
        {props.role && <span className="pane-role">{props.role}</span>}
        <span className="ellipsis">{name}</span>
        {item?.seed != null && <span className="secondary tabular">seed {item.seed}</span>}
        <span className="pane-review" aria-label={item ? reviewWords(item) : undefined}>
          {item && item.rating > 0 && (
            <span className="stars tabular" aria-hidden>
              <Star size={12} fill="currentColor" /> {item.rating}
            </span>
          )}
          {item?.flag === 'pick' && <Flag size={12} className="flag-pick" aria-hidden />}
          {item?.flag === 'reject' && <Ban size={12} className="flag-reject" aria-hidden />}
        </span>
      </button>
      {props.onRemove && (
        <button
          type="button"
          className="ghost icon small"
          onClick={props.onRemove}
          aria-label={`Remove ${name} from the survey`}
          title="Remove from the survey"
        >
          <X size={14} />
        </button>
      )}
    </div>
  );
}

export function reviewWords(item: ResultSummary): string {
  const stars = item.rating > 0 ? `${item.rating} star${item.rating === 1 ? '' : 's'}` : 'not rated';
  const flag = item.flag === 'pick' ? ', picked' : item.flag === 'reject' ? ', rejected' : '';
  return stars + flag;
}

export const describeItem = (item: ResultSummary | undefined): string =>
  item ? `${item.characterName ?? 'Deleted character'} × ${item.poseName ?? 'deleted pose'}` : 'Loading';
