import { X } from 'lucide-react';
import type { ZoomGroup } from '../../ui/zoom/zoom-group';
import { ZoomControls } from '../../ui/zoom/ZoomControls';
import { setGallery } from '../results/gallery-store';

/** The end of every review view's toolbar: the linked zoom controls and the way back to the grid (Esc). */
export function ReviewToolbarEnd(props: { group: ZoomGroup; closeLabel: string }) {
  return (
    <>
      <ZoomControls group={props.group} linkable />
      <button
        type="button"
        className="ghost icon"
        onClick={() => setGallery({ view: 'grid' })}
        title="Back to the grid (Esc)"
        aria-label={props.closeLabel}
      >
        <X size={16} />
      </button>
    </>
  );
}
