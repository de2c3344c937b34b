import { useState } from 'react';
import { ChevronLeft, ChevronRight, ImageOff, Maximize, ZoomIn } from 'lucide-react';
import type { ResultSummary } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { describeResult } from './GalleryGrid';

/**
 * One image, as large as the stage allows, or at 100% (click the image or the button). The thumbnail
 * shows at once under the full image while it loads. Arrow keys (handled by the gallery) step through.
 */
export function Loupe(props: {
  item: ResultSummary | undefined;
  index: number;
  total: number;
  onStep(delta: number): void;
}) {
  const { item } = props;
  const [zoomFor, setZoomFor] = useState<string | null>(null);
  const zoomed = item !== undefined && zoomFor === item.id;
  const toggleZoom = () => item && setZoomFor(zoomed ? null : item.id);
  const bridge = getBridge();
  return (
    <div className="loupe" aria-label="Loupe" role="region">
      <div className={`loupe-canvas${zoomed ? ' zoomed' : ''}`}>
        {!item ? (
          <div className="loupe-empty secondary">Loading…</div>
        ) : item.imageMissing ? (
          <div className="loupe-empty">
            <ImageOff size={24} aria-hidden />
            <span>The image file is missing from the project’s results folder. Its receipt is kept.</span>
          </div>
        ) : zoomed ? (
          <img
            className="loupe-actual"
            src={bridge.mediaUrl(item.file)}
            alt={describeResult(item)}
            width={item.width}
            height={item.height}
            draggable={false}
            onClick={toggleZoom}
          />
        ) : (
          <div className="loupe-fit" onClick={toggleZoom}>
            <img
              className="loupe-under"
              src={bridge.mediaUrl(item.thumbFile)}
              alt=""
              aria-hidden
              draggable={false}
            />
            <img
              key={item.id}
              className="loupe-full"
              src={bridge.mediaUrl(item.file)}
              alt={describeResult(item)}
              draggable={false}
            />
          </div>
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
        <button
          type="button"
          className="ghost small"
          onClick={toggleZoom}
          disabled={!item || item.imageMissing}
          aria-pressed={zoomed}
          title="Fit or actual size (click the image)"
        >
          {zoomed ? <Maximize size={14} aria-hidden /> : <ZoomIn size={14} aria-hidden />}{' '}
          {zoomed ? 'Fit' : '100%'}
        </button>
      </div>
    </div>
  );
}
