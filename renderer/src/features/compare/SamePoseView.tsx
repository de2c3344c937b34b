import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { UsersRound } from 'lucide-react';
import { cropRects, scaleBoxOutward } from '../../../../src/domain/figure-crops';
import type {
  PoseView,
  ResultFilter,
  ResultPage,
  ResultSort,
} from '../../../../src/contract/calls/workspace';
import { asAppError, getBridge } from '../../bridge/bridge';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { useKeyMap } from '../../ui/key-map';
import { plural } from '../../ui/format';
import { ReviewToolbarEnd } from './ReviewToolbarEnd';
import { ZoomPane } from '../../ui/zoom/ZoomPane';
import { useZoomGroup, zoomCommands, zoomKeys } from '../../ui/zoom/use-zoom';
import { useCommands } from '../../app/commands';
import { setGallery } from '../results/gallery-store';
import { queryString, type ReviewChange } from '../results/results-data';
import { usePoseLibraries, wsKeys } from '../results/workspace-data';
import { PaneCaption, describeItem } from './PaneCaption';
import { reviewCommands, reviewKeys } from './review-keys';
import { openSamePose, useReviewViews } from './review-store';
import { surveyColumns } from './SurveyView';
import './compare.css';

/** Results shown at once: a 3x3 grid, paged (each pane decodes a full image, and the wheel zooms, not scrolls). */
const PAGE = 9;

/**
 * The same pose across results: one figure of a pose sheet, cut on the fly (no cutting first) from every
 * result made with that sheet that the grid's filters let through, side by side with linked zoom. The
 * sheet's figure box is mapped to each result by the real ratio of the two images' sizes.
 */
export function SamePoseView(props: {
  project: string;
  filter: ResultFilter;
  sort: ResultSort;
  readOnly: boolean;
  review(ids: string[], change: ReviewChange): void;
}) {
  const samePose = useReviewViews().samePose;
  const group = useZoomGroup();
  const libraries = usePoseLibraries(props.project);
  const pose: PoseView | undefined = useMemo(() => {
    for (const library of libraries.data?.libraries ?? [])
      for (const p of library.poses) if (p.id === samePose?.poseId) return p;
    return undefined;
  }, [libraries.data, samePose?.poseId]);
  const [offset, setOffset] = useState(0);
  const [focusId, setFocusId] = useState<string | null>(null);

  // The grid's filters, narrowed to generated results of this sheet.
  const filter: ResultFilter = {
    ...props.filter,
    poseIds: samePose ? [samePose.poseId] : [],
    source: 'generated',
  };
  const q = queryString(filter, props.sort);
  const results = useQuery<ResultPage>({
    queryKey: [...wsKeys.results(props.project), 'samePose', q, offset],
    queryFn: async () => {
      try {
        return await getBridge().results.query({ filter, sort: props.sort, offset, limit: PAGE });
      } catch (error) {
        throw asAppError(error);
      }
    },
    enabled: samePose !== null,
  });

  const figures = pose?.figures ?? [];
  const figure = Math.min(samePose?.figure ?? 0, Math.max(0, figures.length - 1));
  const chooseFigure = (index: number) =>
    samePose &&
    figures.length > 0 &&
    openSamePose(samePose.poseId, (index + figures.length) % figures.length);
  const items = results.data?.items ?? [];
  const focused = focusId ?? items[0]?.id ?? null;
  const moveFocus = (delta: number) => {
    const index = items.findIndex((i) => i.id === focused);
    const next = items[Math.min(items.length - 1, Math.max(0, index + delta))];
    if (next) setFocusId(next.id);
  };

  useCommands(
    {
      ...zoomCommands(group, true),
      ...reviewCommands(focused ? (change) => props.review([focused], change) : undefined),
      'view.grid': () => setGallery({ view: 'grid' }),
    },
    samePose !== null,
  );
  useKeyMap(
    {
      ...zoomKeys(group, true),
      ...reviewKeys((change) => focused && props.review([focused], change)),
      ArrowRight: () => moveFocus(1),
      ArrowLeft: () => moveFocus(-1),
      ']': () => chooseFigure(figure + 1),
      '[': () => chooseFigure(figure - 1),
      ' ': () => undefined,
      g: () => setGallery({ view: 'grid' }),
      Escape: () => setGallery({ view: 'grid' }),
    },
    samePose !== null,
  );
  if (!samePose) return null;

  const sheet = pose ? { width: pose.image.width, height: pose.image.height } : null;
  const box = figures[figure];
  const bridge = getBridge();
  let body;
  if (results.error) body = <ErrorNotice error={asAppError(results.error)} />;
  else if (libraries.data && !pose)
    body = (
      <EmptyState icon={<UsersRound size={24} />} title="This pose sheet is not in the project">
        It was deleted or is in the trash. Restore it from the trash to see its figures across results.
      </EmptyState>
    );
  else if (pose && figures.length === 0)
    body = (
      <EmptyState icon={<UsersRound size={24} />} title="No figures are marked on this sheet">
        Open “Cut into poses” on one of its results to mark the figures, then come back.
      </EmptyState>
    );
  else if (results.data && items.length === 0)
    body = (
      <EmptyState icon={<UsersRound size={24} />} title="No results use this sheet here">
        No result made with this pose sheet matches the gallery’s filters. Clear the filters to see them all.
      </EmptyState>
    );
  else
    body = (
      <div
        className="compare-panes survey"
        style={{ gridTemplateColumns: `repeat(${surveyColumns(Math.min(items.length, 9))}, minmax(0, 1fr))` }}
      >
        {sheet &&
          box &&
          items.map((item) => {
            // Framed exactly as the cut frames it: scaled by the real ratio of sizes, padded, clear of neighbours.
            const scaled = figures.map((f) =>
              scaleBoxOutward(f, item.width / sheet.width, item.height / sheet.height),
            );
            const region = cropRects(scaled, item)[figure];
            return (
              <ZoomPane
                key={item.id}
                group={group}
                id={item.id}
                layers={
                  region
                    ? [
                        {
                          key: item.id,
                          src: bridge.mediaUrl(item.file),
                          placeholder: bridge.mediaUrl(item.thumbFile),
                          size: { width: item.width, height: item.height },
                          region,
                          alt: `Figure ${figure + 1} of ${describeItem(item)}`,
                        },
                      ]
                    : []
                }
                label={`Figure ${figure + 1} of ${describeItem(item)}`}
                className={focused === item.id ? 'focused' : ''}
                onPointerDown={() => setFocusId(item.id)}
              >
                <PaneCaption item={item} focused={focused === item.id} onFocus={() => setFocusId(item.id)} />
              </ZoomPane>
            );
          })}
      </div>
    );

  const total = results.data?.total ?? 0;
  return (
    <div className="compare-view" role="region" aria-label="Same pose across results">
      <div className="toolbar compare-toolbar">
        {pose && sheet && (
          <div className="figure-picker" role="group" aria-label={`Figures of ${pose.name}`}>
            <img src={bridge.mediaUrl(pose.image.thumbFile)} alt="" aria-hidden draggable={false} />
            {figures.map((f, i) => (
              <button
                key={i}
                type="button"
                className={`figure-box${i === figure ? ' on' : ''}`}
                style={{
                  left: `${(f.x / sheet.width) * 100}%`,
                  top: `${(f.y / sheet.height) * 100}%`,
                  width: `${(f.width / sheet.width) * 100}%`,
                  height: `${(f.height / sheet.height) * 100}%`,
                }}
                aria-pressed={i === figure}
                aria-label={`Figure ${i + 1}`}
                title={`Figure ${i + 1} ([ and ] step)`}
                onClick={() => chooseFigure(i)}
              />
            ))}
          </div>
        )}
        <div className="results-count tabular">
          {pose ? `${pose.name} · figure ${figure + 1} of ${figures.length}` : 'Same pose'}
          {results.data ? ` · ${plural(total, 'result')}` : ''}
        </div>
        <span className="spacer" />
        {total > PAGE && (
          <div className="pager" role="group" aria-label="Pages of results">
            <button
              type="button"
              className="ghost small"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Previous
            </button>
            <span className="secondary tabular">
              {offset + 1}–{Math.min(total, offset + PAGE)} of {total.toLocaleString()}
            </span>
            <button
              type="button"
              className="ghost small"
              disabled={offset + PAGE >= total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next
            </button>
          </div>
        )}
        <ReviewToolbarEnd group={group} closeLabel="Close the same pose view" />
      </div>
      {body}
    </div>
  );
}
