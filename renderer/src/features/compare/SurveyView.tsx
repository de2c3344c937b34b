import { getBridge } from '../../bridge/bridge';
import { useKeyMap } from '../../ui/key-map';
import { plural } from '../../ui/format';
import { ReviewToolbarEnd } from './ReviewToolbarEnd';
import { ZoomPane } from '../../ui/zoom/ZoomPane';
import { useZoomGroup, zoomCommands, zoomKeys } from '../../ui/zoom/use-zoom';
import { useCommands } from '../../app/commands';
import { setGallery } from '../results/gallery-store';
import { useResultSummaries, type ReviewChange } from '../results/results-data';
import { PaneCaption, describeItem } from './PaneCaption';
import { reviewCommands, reviewKeys } from './review-keys';
import { updateSurvey, useReviewViews } from './review-store';
import './compare.css';

/** Columns for n panes: 2 → 2, 3-4 → 2, 5-6 → 3, 7-9 → 3 (as square as the stage allows). */
export const surveyColumns = (n: number): number => (n <= 4 ? 2 : 3);

/**
 * Survey (N): 2 to 9 results in a grid, for narrowing a set. Each pane is removed with one click; ←/→
 * move the focus, 0-5 and P/X/U review the focused one, and zoom and pan are linked as in compare.
 */
export function SurveyView(props: {
  project: string;
  readOnly: boolean;
  review(ids: string[], change: ReviewChange): void;
}) {
  const survey = useReviewViews().survey;
  const group = useZoomGroup();
  const ids = survey?.ids ?? [];
  const summaries = useResultSummaries(props.project, ids);
  const focusId = survey?.focusId ?? ids[0] ?? null;

  const remove = (id: string) => {
    const rest = ids.filter((i) => i !== id);
    if (rest.length < 2) {
      setGallery({ view: 'grid' });
      return;
    }
    updateSurvey({ ids: rest, focusId: focusId === id ? (rest[0] ?? null) : focusId });
  };
  const moveFocus = (delta: number) => {
    const index = focusId ? ids.indexOf(focusId) : -1;
    const next = ids[Math.min(ids.length - 1, Math.max(0, index + delta))];
    if (next) updateSurvey({ focusId: next });
  };

  useCommands(
    {
      ...zoomCommands(group, true),
      ...reviewCommands(focusId ? (change) => props.review([focusId], change) : undefined),
      'view.grid': () => setGallery({ view: 'grid' }),
    },
    survey !== null,
  );
  useKeyMap(
    {
      ...zoomKeys(group, true),
      ...reviewKeys((change) => focusId && props.review([focusId], change)),
      ArrowRight: () => moveFocus(1),
      ArrowLeft: () => moveFocus(-1),
      Delete: () => focusId && remove(focusId),
      Backspace: () => focusId && remove(focusId),
      ' ': () => undefined,
      g: () => setGallery({ view: 'grid' }),
      Escape: () => setGallery({ view: 'grid' }),
    },
    survey !== null,
  );
  if (!survey) return null;

  const columns = surveyColumns(ids.length);
  const bridge = getBridge();
  return (
    <div className="compare-view" role="region" aria-label="Survey">
      <div className="toolbar compare-toolbar">
        <span className="results-count tabular">{plural(ids.length, 'result')} in the survey</span>
        <span className="spacer" />
        <span className="secondary compare-keys">
          <kbd>←</kbd>
          <kbd>→</kbd> focus · <kbd>Del</kbd> remove · <kbd>0</kbd>–<kbd>5</kbd> rate
        </span>
        <ReviewToolbarEnd group={group} closeLabel="Close survey" />
      </div>
      <div
        className="compare-panes survey"
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      >
        {ids.map((id, i) => {
          const summary = summaries[i];
          return (
            <ZoomPane
              key={id}
              group={group}
              id={id}
              layers={
                summary
                  ? [
                      {
                        key: id,
                        src: bridge.mediaUrl(summary.file),
                        placeholder: bridge.mediaUrl(summary.thumbFile),
                        size: { width: summary.width, height: summary.height },
                        alt: describeItem(summary),
                      },
                    ]
                  : []
              }
              label={describeItem(summary)}
              className={focusId === id ? 'focused' : ''}
              onPointerDown={() => updateSurvey({ focusId: id })}
            >
              <PaneCaption
                item={summary}
                focused={focusId === id}
                onFocus={() => updateSurvey({ focusId: id })}
                onRemove={() => remove(id)}
              />
            </ZoomPane>
          );
        })}
      </div>
    </div>
  );
}
