import { useEffect, useRef } from 'react';
import { ChevronLeft, ChevronRight, ImageOff } from 'lucide-react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { useKeyMap } from '../../ui/key-map';
import { ZoomControls } from '../../ui/zoom/ZoomControls';
import { ZoomPane } from '../../ui/zoom/ZoomPane';
import { useZoomGroup, zoomCommands, zoomKeys } from '../../ui/zoom/use-zoom';
import { useCommands } from '../../app/commands';
import { describeResult } from './GalleryGrid';
import { setGallery } from './gallery-store';

/**
 * One image, as large as the stage allows, zoomable as every review view is: the wheel zooms at the
 * pointer, Z toggles fit and 100% at the pointer, + and -, Ctrl/Cmd+0 and Ctrl/Cmd+1; drag or Space+drag
 * pans, and a Space tapped without a drag goes back to the grid. The label shows the true zoom (100% is
 * one image pixel per screen pixel). The preview shows at once while the full image decodes; arrow keys
 * (handled by the gallery) step through, keeping the zoom.
 */
export function Loupe(props: {
  item: ResultSummary | undefined;
  index: number;
  total: number;
  onStep(delta: number): void;
}) {
  const { item } = props;
  const group = useZoomGroup();
  const bridge = getBridge();
  useKeyMap(zoomKeys(group));
  useCommands(zoomCommands(group));
  useSpaceTapToGrid();

  return (
    <div className="loupe" aria-label="Loupe" role="region">
      <div className="loupe-canvas">
        {!item ? (
          <div className="loupe-empty secondary">Loading…</div>
        ) : item.imageMissing ? (
          <div className="loupe-empty">
            <ImageOff size={24} aria-hidden />
            <span>The image file is missing from the project’s results folder. Its receipt is kept.</span>
          </div>
        ) : (
          <ZoomPane
            group={group}
            id="loupe"
            className="loupe-pane"
            label={describeResult(item)}
            layers={[
              {
                key: 'loupe',
                src: bridge.mediaUrl(item.file),
                placeholder: bridge.mediaUrl(item.thumbFile),
                size: { width: item.width, height: item.height },
                alt: describeResult(item),
              },
            ]}
          />
        )}
      </div>
      <div className="loupe-bar">
        <button
          type="button"
          className="ghost icon"
          onClick={() => props.onStep(-1)}
          disabled={props.index <= 0}
          aria-label="Previous result"
          title="Previous (←)"
        >
          <ChevronLeft size={16} />
        </button>
        <span className="secondary tabular">
          {props.total > 0 ? `${(props.index + 1).toLocaleString()} of ${props.total.toLocaleString()}` : ''}
        </span>
        <button
          type="button"
          className="ghost icon"
          onClick={() => props.onStep(1)}
          disabled={props.index >= props.total - 1}
          aria-label="Next result"
          title="Next (→)"
        >
          <ChevronRight size={16} />
        </button>
        {item && (
          <span className="loupe-caption ellipsis">
            {item.characterName ?? 'Unknown character'} × {item.poseName ?? 'unknown pose'}
            {item.rating > 0 && <span className="stars"> {'★'.repeat(item.rating)}</span>}
            {item.flag === 'pick' && <span className="loupe-pick"> ⚑ Pick</span>}
            {item.flag === 'reject' && <span className="loupe-reject"> ⊘ Rejected</span>}
          </span>
        )}
        <span className="spacer" />
        <ZoomControls group={group} />
      </div>
    </div>
  );
}

/**
 * Space held and dragged pans (d3-zoom pans on any drag); Space tapped goes back to the grid, on release,
 * so a Space+drag never leaves the loupe.
 */
function useSpaceTapToGrid(): void {
  const held = useRef<{ dragged: boolean } | null>(null);
  useKeyMap({
    ' ': (event) => {
      if (!event.repeat) held.current = { dragged: false };
    },
  });
  useEffect(() => {
    const down = () => {
      if (held.current) held.current.dragged = true;
    };
    const up = (event: KeyboardEvent) => {
      if (event.key !== ' ' || !held.current) return;
      const tapped = !held.current.dragged;
      held.current = null;
      if (tapped) setGallery({ view: 'grid' });
    };
    window.addEventListener('pointerdown', down, true);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('pointerdown', down, true);
      window.removeEventListener('keyup', up);
    };
  }, []);
}
