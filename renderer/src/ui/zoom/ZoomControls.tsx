import { Link, Maximize, Minus, Plus, Unlink } from 'lucide-react';
import { ZOOM_STEP, type ZoomGroup } from './zoom-group';
import { useZoomState } from './use-zoom';

/**
 * The zoom buttons every zooming view shows: out, the true zoom (100% = one image pixel per screen pixel),
 * in, fit, and (with several panes) link. The label is the leading pane's real figure, never a mode name.
 */
export function ZoomControls(props: { group: ZoomGroup; linkable?: boolean }) {
  const { group } = props;
  const state = useZoomState(group);
  return (
    <div className="zoom-controls" role="group" aria-label="Zoom">
      <button
        type="button"
        className="ghost icon"
        onClick={() => group.zoomBy(1 / ZOOM_STEP)}
        title="Zoom out (-)"
        aria-label="Zoom out"
      >
        <Minus size={16} />
      </button>
      <button
        type="button"
        className="ghost small zoom-label tabular"
        onClick={() => group.toggleFit()}
        title="Fit or 100% (Z); Ctrl/Cmd+0 fit, Ctrl/Cmd+1 100%"
        aria-label={`Zoom ${state.percent}%${state.atFit ? ', fit' : ''}: toggle fit and 100%`}
        data-testid="zoom-label"
      >
        {state.percent}%{state.atFit ? ' · Fit' : ''}
      </button>
      <button
        type="button"
        className="ghost icon"
        onClick={() => group.zoomBy(ZOOM_STEP)}
        title="Zoom in (+)"
        aria-label="Zoom in"
      >
        <Plus size={16} />
      </button>
      <button
        type="button"
        className="ghost icon"
        onClick={() => group.fit()}
        title="Fit (Ctrl/Cmd+0)"
        aria-label="Fit"
      >
        <Maximize size={16} />
      </button>
      {props.linkable && (
        <button
          type="button"
          className={`icon ${state.linked ? 'on' : 'ghost'}`}
          aria-pressed={state.linked}
          onClick={() => group.toggleLinked()}
          title={state.linked ? 'Zoom and pan are linked (L unlinks)' : 'Zoom and pan are separate (L links)'}
          aria-label="Link zoom and pan"
        >
          {state.linked ? <Link size={16} /> : <Unlink size={16} />}
        </button>
      )}
    </div>
  );
}
